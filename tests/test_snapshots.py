"""Layout snapshots (pytest-textual-snapshot). Update with ``pytest --snapshot-update``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.app import ReaderApp
from reader.config import Config
from reader.library import load_library
from reader.paths import seeds_dir
from reader.store import Store

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"

UNRESOLVED_PAGE = """LOCAL
2 MIN READ
Harbour wall repairs begin in Port Elsen
Engineers start on the cracked stretch by the Weigh House.
By Nela Brask
November 26, 2026

Work began on Monday on the harbour wall that cracked in last spring's storms.

RelatedHarbour pilots warn of winter silting
RECOMMENDED

The council expects the repairs to take a year.

RelatedMarrowick council votes to restore the Greyhaven lighthouse
SOURCE:Sample
Explore
Tram line to link Port Elsen and Cobalt Bay by 2028
Fishing fleet returns early from northern grounds
"""


def app_over(*extra: Path, theme: str = "textual-dark") -> ReaderApp:
    """A deterministic app: the bundled seeds (plus extra files), in-memory state, fixed theme."""
    library = load_library(list(extra), folders=[seeds_dir()])
    store = Store(None)
    store.set_read("2026-11-24-heatwave-warning-for-marrowick-s-southern-coast")
    store.set_bookmark("2026-11-22-cobalt-bay-tidal-power-plant-reaches-full-output", title="Cobalt Bay")
    return ReaderApp(library, store, Config(theme=theme))


async def open_story(pilot: Any, article_id: str) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.screen.open_article(article_id)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_80x24(snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await open_story(pilot, TRAM)

    assert snap_compare(app_over(), terminal_size=(80, 24), run_before=run_before)


def test_main_screen_160x48(snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await open_story(pilot, TRAM)

    assert snap_compare(app_over(), terminal_size=(160, 48), run_before=run_before)


def test_help_screen(snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_over(), terminal_size=(120, 48), run_before=run_before)


def test_article_with_an_unresolved_link(snap_compare: Any, tmp_path: Path) -> None:
    page = tmp_path / "harbour-wall.txt"
    page.write_text(UNRESOLVED_PAGE, encoding="utf-8")

    async def run_before(pilot: Any) -> None:
        await open_story(pilot, "2026-11-26-harbour-wall-repairs-begin-in-port-elsen")

    assert snap_compare(app_over(page), terminal_size=(160, 40), run_before=run_before)


SIZES = [(80, 24), (120, 40), (200, 60)]
THEMES = ["textual-dark", "textual-light"]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_reading_a_story(snap_compare: Any, size: tuple[int, int], theme: str) -> None:
    """A story open, the list focused (its cursor on the next story), in each size and theme family."""

    async def run_before(pilot: Any) -> None:
        await open_story(pilot, TRAM)
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(app_over(theme=theme), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("pane", ["article", "sidebar"])
def test_focus_in_each_pane(snap_compare: Any, pane: str, theme: str) -> None:
    """At 120x40 the focused pane is plain to see and only it shows a strong cursor."""

    async def run_before(pilot: Any) -> None:
        await open_story(pilot, TRAM)
        await pilot.press("down")
        pilot.app.screen.query_one(f"#{pane}").focus()
        await pilot.pause()

    assert snap_compare(app_over(theme=theme), terminal_size=(120, 40), run_before=run_before)


def test_one_pane_at_a_time_50x24(snap_compare: Any) -> None:
    """Below 60 columns the article has the whole width (the list comes back with Esc or q)."""

    async def run_before(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app_over(), terminal_size=(50, 24), run_before=run_before)
