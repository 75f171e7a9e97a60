"""Issue 9: a filter key costs a repaint of what changed, not a layout of the whole screen.

A layout pass over the screen costs tens of milliseconds with a big library; two of them on
every key (the box's text growing, the list's row count changing) were most of a search's
delay. These tests count layout passes (not times) around one key, through Pilot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from bench.bench_ui import big_library
from reader.app import ReaderApp
from reader.library import Library
from reader.store import Store
from reader.title_match import TitleMatcher
from reader.widgets.filter_box import FilterBox
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import started

STORIES = 2000


@pytest.fixture(scope="module")
def stories() -> Library:
    """2,000 generated stories: titles of six words from a small vocabulary and a number."""
    return big_library(STORIES)


@contextmanager
def layouts_counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count the screen's layout passes inside the block (the list's length is the count)."""
    passes: list[int] = []
    layout = Screen._refresh_layout

    def counted(screen: Screen[Any], *args: Any, **kwargs: Any) -> None:
        passes.append(1)
        layout(screen, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Screen, "_refresh_layout", counted)
        yield passes


def titles(app: ReaderApp) -> list[str]:
    return [article.title for article in app.screen.query_one(HeadlineList).rows]


async def typed(app: ReaderApp, pilot: Any, *keys: str) -> None:
    """Press ``keys`` and wait for the filter's results and the repaint."""
    await pilot.press(*keys)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_a_filter_key_lays_nothing_out(stories: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = ReaderApp(stories, Store(tmp_path / "state.json"))
    async with started(app, size=(120, 40)) as pilot:
        await typed(app, pilot, "slash", *"123")
        before = titles(app)
        assert sorted(before) == sorted(a.title for a in stories.articles if "123" in a.title)  # 123, 1123, 1230...
        with layouts_counted(monkeypatch) as passes:
            await typed(app, pilot, "4")
        assert [title.split()[-1] for title in titles(app)] == ["1234"]  # the key's results are on show
        assert "“1234”: 1" in app.sub_title
        assert len(passes) == 0  # was 2 a key: the box's text width and the list's height each laid the screen out
        with layouts_counted(monkeypatch) as passes:
            await typed(app, pilot, "backspace")
        assert titles(app) == before
        assert len(passes) == 0


async def test_the_scrollbar_comes_and_goes_with_the_matches(
    stories: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ReaderApp(stories, Store(tmp_path / "state.json"))
    async with started(app, size=(120, 40)) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.show_vertical_scrollbar
        width = headlines.scrollable_content_region.width
        with layouts_counted(monkeypatch) as passes:
            await typed(app, pilot, "slash", *"zeppelin")
        assert titles(app) == []
        assert not headlines.show_vertical_scrollbar  # nothing to scroll: the bar goes, the rows widen
        assert headlines.scrollable_content_region.width == width + 1
        assert len(passes) >= 1  # a scrollbar that goes does change the list's width: that is laid out
        await typed(app, pilot, "escape")
        assert len(titles(app)) == STORIES
        assert headlines.show_vertical_scrollbar
        assert headlines.scrollable_content_region.width == width
        await typed(app, pilot, "G")
        last = titles(app)[-1]
        seen = [headlines.render_line(y).text for y in range(headlines.scrollable_content_region.height)]
        assert any(last[:20] in line for line in seen)  # the end of the list can be scrolled to


async def test_a_long_filter_keeps_its_end_in_sight(stories: Library, tmp_path: Path) -> None:
    app = ReaderApp(stories, Store(tmp_path / "state.json"))
    async with started(app, size=(120, 40)) as pilot:
        words = "harbour storm council ferry budget museum record"
        await typed(app, pilot, "slash", *("space" if c == " " else c for c in words))
        box = app.screen.query_one(FilterBox)
        assert len(words) > box.scrollable_content_region.width  # longer than the box
        line = box.render_line(0).text  # the box's line of text
        assert "record" in line  # the box scrolled its text: the words being typed are in sight
        assert "harbour" not in line


async def test_the_header_count_is_always_the_shown_words_count(
    stories: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ReaderApp(stories, Store(tmp_path / "state.json"))
    async with started(app, size=(120, 40)) as pilot:
        await typed(app, pilot, "slash", *"123")
        counted = f"“123”: {len(titles(app))} "
        assert counted in app.sub_title
        go = threading.Event()
        matching = TitleMatcher.matching

        def held(matcher: TitleMatcher, *args: Any, **kwargs: Any) -> list[int]:
            go.wait(10)  # the search is slow: its results have not come yet
            return matching(matcher, *args, **kwargs)

        monkeypatch.setattr(TitleMatcher, "matching", held)
        await pilot.press("4")
        await pilot.pause()
        assert counted in app.sub_title  # not "“1234”: 11" (a count that is not the new words')
        assert "1234" not in app.sub_title
        go.set()
        await typed(app, pilot)
        assert "“1234”: 1 " in app.sub_title


async def test_the_highlighted_story_stays_highlighted_as_the_filter_narrows(stories: Library, tmp_path: Path) -> None:
    app = ReaderApp(stories, Store(tmp_path / "state.json"))
    async with started(app, size=(120, 40)) as pilot:
        await typed(app, pilot, "slash", *"12", "enter")  # Enter: back to the list
        headlines = app.screen.query_one(HeadlineList)
        target = next(n for n, title in enumerate(titles(app)) if title.endswith(" 1123"))
        await typed(app, pilot, *["j"] * target)
        chosen = headlines.highlighted
        assert chosen is not None and chosen.title.endswith(" 1123")
        await typed(app, pilot, "slash", "3")
        assert headlines.highlighted == chosen  # still the one highlighted, at its new row
        assert headlines.cursor == titles(app).index(chosen.title)
        await typed(app, pilot, "4")  # "1234": the story is no longer a match
        assert chosen.title not in titles(app)
        assert headlines.cursor == 0 and headlines.scroll_y == 0  # back at the top of the matches
