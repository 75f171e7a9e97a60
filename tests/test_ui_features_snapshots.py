"""Snapshots of issue 10's features: the find bar with its highlights, the list sorted by section."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from reader.app import ReaderApp
from reader.config import Config
from reader.library import load_library
from reader.paths import seeds_dir
from reader.store import Store
from reader.widgets.article_view import ArticleView
from tests.helpers.pilot import settle

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"


def app_over(theme: str, **settings: Any) -> ReaderApp:
    """The bundled seeds, in-memory state, a fixed theme."""
    return ReaderApp(load_library(folders=[seeds_dir()]), Store(None), Config(theme=theme, **settings))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_find_bar(snap_compare: Any, theme: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.open_article(TRAM)
        await settle(pilot)
        pilot.app.screen.query_one(ArticleView).focus()
        await pilot.press("slash", *"port", "enter")
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False  # the cursor always drawn: a blink caught mid-way made this snapshot flaky
        await settle(pilot)

    assert snap_compare(app_over(theme), terminal_size=size, run_before=run_before)


def test_sorted_by_section(snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(app_over("textual-dark", sort="section"), terminal_size=(120, 40), run_before=run_before)


def test_sorted_by_section_light_80x24(snap_compare: Any) -> None:
    """Group headers in the light theme at 80 columns, the cursor moved into the second group."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(app_over("textual-light", sort="section"), terminal_size=(80, 24), run_before=run_before)


PROBLEMS = [
    "/home/reader/.local/share/reader/articles/marrowick-gazette/2026-11-28-a-very-long-story-file-name-that-"
    "goes-on-and-on-past-the-edge.txt: not an article page (a single 5,000-character line)",
    "/home/reader/News/binary.txt: not text (UTF-8 or Windows-1252)",
    "feed Elsen Herald: HTTP 404 Not Found",
    "feed Cobalt Bay Times: connection refused (https://times.cobalt-bay.example/feed.xml)",
    "config.json keymap: 'app.qiut' is not a binding id (see the help screen, ?)",
    "state file moved aside: /home/reader/.local/state/reader/state.json.corrupt-2026-11-28 (not JSON)",
]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_problems_screen(snap_compare: Any, theme: str, size: tuple[int, int]) -> None:
    """Several problems (long paths, feed errors) on the problems screen: spaced and readable."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.runtime_problems.extend(PROBLEMS)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(app_over(theme), terminal_size=size, run_before=run_before)
