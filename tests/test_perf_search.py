"""Issue 9: the filter box searches the full-text index (titles and bodies), through Pilot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, load_library
from reader.search import SearchIndex, Updated
from reader.store import Store
from reader.widgets.filter_box import INDEXING, FilterBox
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import settle

NIGHT = "night-market"  # body holds "the night market opened", never "market night"
SMOKED = "smoked-fish"  # body-only words: "smoked eel"
OTHER = "other-story"  # body holds "market" and "night" apart


def page(title: str, body: str, day: int) -> str:
    """A page in the shape the parser reads (like the seeds)."""
    return "\n".join(
        [
            "WORLD",
            "2 MIN READ",
            title,
            "A short dek for the story.",
            title,
            "By Test Writer",
            f"November {day}, 2026",
            "",
            body,
            "",
            "SOURCE:Sample",
        ]
    )


@pytest.fixture
def library(tmp_path: Path) -> Library:
    folder = tmp_path / "articles"
    folder.mkdir()
    stories = {
        NIGHT: ("Lanterns light up the old town", "Crowds came when the night market opened on the quay.", 20),
        SMOKED: ("Harbour stalls reopen after the storm", "Vendors sold smoked eel and bread to the crowds.", 19),
        OTHER: ("Council debates the ferry budget", "The market for tickets fell; night sailings end.", 18),
    }
    for name, (title, body, day) in stories.items():
        (folder / f"{name}.txt").write_text(page(title, body, day), encoding="utf-8")
    return load_library(folders=[folder])


def ids_by_title(library: Library) -> dict[str, str]:
    return {a.title.split()[0].lower(): a.id for a in library.articles}


def shown(app: ReaderApp) -> list[str]:
    return [a.title for a in app.screen.query_one(HeadlineList).rows]


def make_app(library: Library, tmp_path: Path, index: SearchIndex | None = None) -> ReaderApp:
    return ReaderApp(library, Store(tmp_path / "state.json"), Config(), search_index=index)


async def test_a_word_only_in_the_body_finds_the_story(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # the box, made now, knows the index is ready
        assert app.screen.query_one(FilterBox).ready
        await pilot.press(*"smoked eel")
        await settle(pilot)
        assert shown(app) == ["Harbour stalls reopen after the storm"]
        assert "“smoked eel”: 1" in app.sub_title
    assert not hasattr(library, "search_text")  # no body cache beside the index
    assert all(article.partial or not article.body for article in library.articles)


async def test_typing_fast_leaves_only_the_last_querys_result(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ferry", *["backspace"] * 5, *"smok")  # no pause between keys
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == "smok"
        assert shown(app) == ["Harbour stalls reopen after the storm"]  # "smok" is a prefix of "smoked"


async def test_a_quoted_phrase_matches_those_words_in_that_order(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"market night")
        await settle(pilot)
        assert sorted(shown(app)) == ["Council debates the ferry budget", "Lanterns light up the old town"]
        await pilot.press("escape", "slash", *'"night market"')
        await settle(pilot)
        assert shown(app) == ["Lanterns light up the old town"]


@pytest.mark.parametrize("query", ['"', "market AND (", "NOT night*", "[b]x[/b]", "body:eel OR -", "*", "\x1b[31m"])
async def test_hostile_query_text_is_only_text(library: Library, tmp_path: Path, query: str) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = query
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        assert app.is_running
        rows = shown(app)
        if not rows:
            assert headlines.empty_message == f"Nothing matches “{query.strip()}”"
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown(app)) == 3


async def test_an_unusable_index_says_so_in_one_line_and_titles_still_filter(library: Library, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = make_app(library, tmp_path, SearchIndex(blocker / "search.sqlite"))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("search index unavailable: ") and "\n" not in m for m in messages)
        await pilot.press("slash", *"ferry")
        await settle(pilot)
        assert shown(app) == ["Council debates the ferry budget"]
        assert not app.screen.query_one(FilterBox).border_subtitle


async def test_before_the_first_build_titles_match_and_the_box_says_indexing(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    app.reindex = lambda: None  # type: ignore[method-assign]  # the build never finishes
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"eel")
        await settle(pilot)
        box = app.screen.query_one(FilterBox)
        assert box.border_subtitle == INDEXING
        assert shown(app) == []
        assert "indexing" in app.screen.query_one(HeadlineList).empty_message
        app.screen.query_one("#filter", Input).value = "harbour"
        await settle(pilot)
        assert shown(app) == ["Harbour stalls reopen after the storm"]


class SlowIndex(SearchIndex):
    """An index whose update waits (bounded) until the test lets it go on."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.go = threading.Event()

    def update(self, *args: Any, **kwargs: Any) -> Updated:
        self.go.wait(10)
        return super().update(*args, **kwargs)


async def until(pilot: Any, done: Callable[[], bool]) -> bool:
    """Pause (bounded) until ``done()``, without waiting for every worker (the index's is held)."""
    for _ in range(100):
        if done():
            return True
        await pilot.pause(0.05)
    return done()


async def test_an_index_from_the_last_run_answers_while_it_is_brought_up_to_date(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "search.sqlite"
    SearchIndex(path).update(library.articles, paths=library.paths)  # the last run's index
    index = SlowIndex(path)
    app = make_app(library, tmp_path, index)
    async with app.run_test(size=(160, 40)) as pilot:
        assert await until(pilot, lambda: bool(app.screen.query(HeadlineList)))
        await pilot.press("slash")
        assert await until(pilot, lambda: app.screen.query_one(FilterBox).ready)
        assert not index.go.is_set()
        await pilot.press(*"smoked eel")
        assert await until(pilot, lambda: shown(app) == ["Harbour stalls reopen after the storm"])  # text only
        assert not app.screen.query_one(FilterBox).border_subtitle
        index.go.set()
        await settle(pilot)
        assert shown(app) == ["Harbour stalls reopen after the storm"]


async def test_without_an_earlier_index_the_box_says_indexing_until_the_first_build(
    library: Library, tmp_path: Path
) -> None:
    index = SlowIndex(tmp_path / "search.sqlite")
    app = make_app(library, tmp_path, index)
    async with app.run_test(size=(160, 40)) as pilot:
        assert await until(pilot, lambda: bool(app.screen.query(HeadlineList)))
        await pilot.press("slash", *"smoked eel")
        assert await until(pilot, lambda: "indexing" in app.screen.query_one(HeadlineList).empty_message)
        assert app.screen.query_one(FilterBox).border_subtitle == INDEXING
        assert shown(app) == []
        index.go.set()
        await settle(pilot)
        assert shown(app) == ["Harbour stalls reopen after the storm"]


async def test_the_titles_are_folded_when_the_box_opens_and_the_first_search_finds_the_same(
    library: Library, tmp_path: Path
) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query(FilterBox)  # nothing folded before the box is opened: no box yet
        await pilot.press("slash")
        await settle(pilot)
        box = app.screen.query_one(FilterBox)
        folded = box._matcher
        assert folded is not None and folded.fits(app.screen.query_one(HeadlineList).rows)  # before any key
        await pilot.press(*"lanterns")
        await settle(pilot)
        assert shown(app) == ["Lanterns light up the old town"]
        assert box._matcher is folded  # the first search used it, made nothing again
