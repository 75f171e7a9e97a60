"""Records (reader.record) behave as the dataclasses they replaced: equal, hashed, printed, frozen, copied by field."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, fields, replace
from pathlib import Path

import pytest

from reader.changes import Change
from reader.config import Config
from reader.history import Visit
from reader.library import Link, Problem
from reader.model import Article, Block
from reader.record import Frozen, set_field


def test_frozen_records_are_equal_and_hashed_by_their_fields() -> None:
    """Marks, links and trail entries are compared and used as keys: equal fields, one key."""
    assert Change("read", "a") == Change("read", "a", on=True)
    assert Change("read", "a") != Change("read", "a", on=False)
    assert len({Change("read", "a"), Change("read", "a"), Change("bookmark", "a")}) == 2
    assert {Link("Storm", "related", None): 1}[Link("Storm", "related", None)] == 1
    assert Visit("a") == Visit("a", 0.0) and Visit("a") != Visit("a", 3.0)


def test_records_of_other_classes_with_the_same_fields_differ() -> None:
    class Other(Frozen):
        __slots__ = ("article_id", "scroll_y")
        article_id: str
        scroll_y: float

        def __init__(self, article_id: str, scroll_y: float = 0.0) -> None:
            set_field(self, "article_id", article_id)
            set_field(self, "scroll_y", scroll_y)

    assert Other("a") != Visit("a") and Visit("a") != Other("a")


def test_a_frozen_record_cannot_be_changed() -> None:
    block = Block("paragraph", "Rain at last.")
    with pytest.raises(FrozenInstanceError):
        block.text = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del block.kind
    assert block.text == "Rain at last."


def test_records_print_as_dataclasses_do() -> None:
    """Messages and logs that show a record read as before: its class, then each field in order."""
    assert repr(Block("quote", "Hi")) == "Block(kind='quote', text='Hi')"
    assert repr(Problem(Path("a.txt"), "too large")) == "Problem(path=PosixPath('a.txt'), reason='too large')"
    assert str(Problem(Path("a.txt"), "too large")) == "a.txt: too large"  # its own __str__ still wins


def test_frozen_records_survive_copies_and_pickles() -> None:
    change = Change("read_many", on=False, ids=("a", "b"))
    assert pickle.loads(pickle.dumps(change)) == change
    assert copy.copy(change) == change and copy.deepcopy(change) == change


def test_a_mutable_record_compares_by_fields_and_is_not_hashable() -> None:
    config = Config()
    assert config == Config() and config.keymap == {} and config.keymap is not Config().keymap
    config.sort = "oldest"
    assert config != Config() and config == Config(sort="oldest")
    with pytest.raises(TypeError):
        hash(config)
    with pytest.raises(AttributeError):
        config.colour = "red"  # type: ignore[attr-defined]  # a typo is an error, not a silent new setting


def test_config_saves_and_loads_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    config = Config(theme="nord", show_sidebar=False, refresh_minutes=5, sort="section", keymap={"app.quit": "ctrl+q"})
    config.save(path)
    assert Config.load(path) == config
    assert list(Config.load(path).to_dict()) == [
        "theme",
        "show_sidebar",
        "max_page_bytes",
        "refresh_minutes",
        "sort",
        "section",
        "keymap",
    ]


def test_a_record_must_annotate_each_field_it_names() -> None:
    with pytest.raises(TypeError, match="annotates each of its __slots__"):

        class Broken(Frozen):
            __slots__ = ("a", "b")
            a: int


def test_an_article_is_still_a_dataclass_whose_partial_flag_is_neither_compared_nor_printed() -> None:
    """The parse cache's partial articles equal the parsed ones (tests/test_heads.py compares them with
    ``dataclasses.replace``); copies and pickles keep the flag."""
    whole = Article("a", "Storm", body=(Block("paragraph", "Rain."),))
    partial = replace(whole, body=(), partial=True)
    assert partial.partial and not whole.partial and partial.title == "Storm"
    assert partial == Article("a", "Storm") and hash(partial) == hash(Article("a", "Storm"))
    assert [f.name for f in fields(Article)][-1] == "partial"
    assert "partial" not in repr(partial)
    assert pickle.loads(pickle.dumps(partial)).partial and copy.copy(partial).partial
