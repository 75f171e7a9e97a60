"""The list's parse (``parse(data, body=False)``): the whole article but for its body, always."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.diff_parse import EXTRA, mutated
from reader.parse import ParseError, parse

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(ROOT / "seeds").glob("*.txt"), *(ROOT / "tests" / "fixtures" / "pages").glob("*.txt")])


def same_but_body(data: bytes | str) -> None:
    try:
        whole = parse(data)
    except ParseError as error:
        with pytest.raises(ParseError, match=re.escape(str(error))):
            parse(data, body=False)
        return
    head = parse(data, body=False)
    assert head.body == () and head.partial and not whole.partial
    assert head == replace(whole, body=())  # every other field, Related and Explore included


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_seed_and_fixture_page_reads_the_same_without_its_body(path: Path) -> None:
    same_but_body(path.read_bytes())


def test_pages_changed_every_way_read_the_same_without_their_body() -> None:
    assert sum(1 for path in FILES if parse(path.read_bytes()).body) >= len(FILES) - 1  # bodies to leave out
    for n in range(400):
        same_but_body(mutated(n, 400))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*EXTRA, "Related", "RelatedA story elsewhere", "Explore", "a wrapped line"]), max_size=30)
)
def test_any_mix_of_shaped_lines_reads_the_same_without_its_body(lines: list[str]) -> None:
    same_but_body("A title for the page\n" + "\n".join(lines))
