"""The pure parts of issue 10's features: finding words, sorting and sections, the keymap, unread minutes."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.style import Style
from rich.text import Text

from reader.changes import Change, PendingChanges
from reader.config import Config
from reader.find import MATCH, mark, spans
from reader.keymap import check_keymap, clashes, is_key
from reader.library import Library
from reader.model import Article
from reader.store import Store
from reader.views import arrange, sections, unread_totals


def story(n: int, section: str | None, minutes: int | None = None) -> Article:
    return Article(id=f"a{n}", title=f"Story {n}", section=section, read_minutes=minutes, published=f"2026-11-{n:02d}")


def test_find_is_literal_and_ignores_case() -> None:
    assert spans("Port and PORT and transport", "port") == [(0, 4), (9, 13), (23, 27)]
    assert spans("a.b axb", ".") == [(1, 2)]
    assert spans("[b]x[/b] (a|b)", "(a|b)") == [(9, 14)]
    assert spans("anything", "") == []


def test_mark_numbers_matches_in_reading_order_across_parts() -> None:
    group = Group(Text("one Port"), Text("port, PORT"))
    current = Style(bold=True)
    assert mark(group, "port", 1, Style(italic=True), current) == 3
    second = group.renderables[1]
    assert isinstance(second, Text)
    numbers = [span.style.meta.get(MATCH) for span in second.spans if isinstance(span.style, Style)]
    assert numbers == [1, 2]
    assert any(isinstance(s.style, Style) and s.style.bold for s in second.spans if s.start == 0)


def test_arrange_sorts_and_keeps_one_section() -> None:
    rows = [story(5, "B"), story(4, None), story(3, "a"), story(2, "B"), story(1, "a")]  # newest first
    assert [a.id for a in arrange(rows, "newest")] == ["a5", "a4", "a3", "a2", "a1"]
    assert [a.id for a in arrange(rows, "oldest")] == ["a1", "a2", "a3", "a4", "a5"]
    assert [a.id for a in arrange(rows, "section")] == ["a3", "a1", "a5", "a2", "a4"]  # no section last
    assert [a.id for a in arrange(rows, "oldest", "B")] == ["a2", "a5"]


def test_sections_counted_by_name() -> None:
    library = Library([story(3, "World"), story(2, "arts"), story(1, "World"), story(4, None)])
    assert sections(library) == [("arts", 1), ("World", 2)]


def test_unread_totals_count_pending_changes(tmp_path: Path) -> None:
    library = Library([story(1, "A", 3), story(2, "A", None), story(3, "B", 5)])
    changes = PendingChanges(Store(tmp_path / "state.json"))
    assert unread_totals(library, changes) == (3, 8)
    changes.push(Change("read", "a3", True))
    assert unread_totals(library, changes) == (2, 3)


def test_unread_stories_are_those_not_read_in_the_store_nor_by_a_change_waiting_to_be_saved(tmp_path: Path) -> None:
    """The quick count of a launch (nothing pending) and the count with changes pending agree with is_read."""
    stories = [story(n, "A", n) for n in range(1, 7)]
    store = Store(tmp_path / "state.json")
    store.set_read("a2", True)
    store.set_read("a5", True)
    changes = PendingChanges(store)
    assert [a.id for a in changes.unread(stories)] == ["a1", "a3", "a4", "a6"]  # in order
    changes.push(Change("read", "a3", True))
    changes.push(Change("read", "a5", False))
    changes.push(Change("bookmark", "a1", True))
    assert [a.id for a in changes.unread(stories)] == ["a1", "a4", "a5", "a6"]
    assert [a.id for a in changes.unread(stories)] == [a.id for a in stories if not changes.is_read(a.id)]


def test_keys_names_and_bad_entries() -> None:
    assert all(is_key(k) for k in ("a", "A", "/", "ctrl+f", "f5", "shift+enter", "ctrl+shift+x", "pageup"))
    assert not any(is_key(k) for k in ("", " ", "Ctrl F", "ctrl+", "hyperx+y", "Enter"))
    good, problems = check_keymap(
        {"main.sort": "O", "app.quit": 5, "bogus": "x", "main.find": "ctrl+f, f3", "main.back": ""},
        {"main.sort", "app.quit", "main.find", "main.back"},
    )
    assert good == {"main.sort": "O", "main.find": "ctrl+f,f3"}
    assert len(problems) == 3 and all(p.startswith("config.json keymap:") and "\n" not in p for p in problems)


def test_a_key_taken_in_the_same_pane_is_not_applied() -> None:
    panes = {"Main": [("main.read", "m"), ("main.sort", "S"), ("main.filter", "slash")], "List": [("list.down", "j")]}
    good, problems = clashes(panes, {"main.sort": "m", "list.down": "m"})
    assert good == {"list.down": "m"}  # another pane may use the same key
    assert problems == ["config.json keymap: 'main.sort': 'm' is already the key of 'main.read'"]
    swapped, none = clashes(panes, {"main.sort": "m", "main.read": "S"})
    assert swapped == {"main.sort": "m", "main.read": "S"} and none == []
    spelled, one = clashes(panes, {"main.sort": "/"}, lambda k: {"/": "slash"}.get(k.strip(), k.strip()))
    assert spelled == {} and len(one) == 1


def test_config_keeps_the_keymap_sort_and_section(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    Config(sort="section", section="World", keymap={"app.quit": "ctrl+q", "odd": 3}).save(path)
    loaded = Config.load(path)
    assert (loaded.sort, loaded.section, loaded.keymap) == ("section", "World", {"app.quit": "ctrl+q", "odd": 3})
    path.write_text('{"sort": "sideways", "keymap": ["not", "a", "map"]}')
    assert (Config.load(path).sort, Config.load(path).keymap) == ("newest", {})
