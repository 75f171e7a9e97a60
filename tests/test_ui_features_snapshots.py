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
