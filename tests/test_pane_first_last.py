"""g / G (and Home / End) in the sidebar and the Sources pane go to the first and last entry, as in the
headline list; the help lists them for both panes."""

from __future__ import annotations

from pathlib import Path

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.screens.help import HelpScreen
from reader.store import Store
from reader.widgets.sidebar import Sidebar
from tests.helpers.pilot import help_text, main, settle


async def test_g_and_shift_g_go_to_the_first_and_last_sidebar_entries(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the first story: its Related and Explore stories fill the sidebar
        await settle(pilot)
        sidebar = main(app).query_one(Sidebar)
        sidebar.focus()
        await settle(pilot)
        enabled = [n for n, option in enumerate(sidebar.options) if not option.disabled]
        assert len(enabled) >= 3
        await pilot.press("G")
        await settle(pilot)
        assert sidebar.highlighted == enabled[-1]
        await pilot.press("g")
        await settle(pilot)
        assert sidebar.highlighted == enabled[0]
        await pilot.press("end")
        await settle(pilot)
        assert sidebar.highlighted == enabled[-1]


async def test_the_help_lists_first_and_last_for_the_sidebar_and_sources(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = help_text(app)
        assert shown.count("home, g First") == 3 and shown.count("end, G Last") == 3  # list, sidebar, Sources
