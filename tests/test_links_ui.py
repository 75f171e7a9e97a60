"""Issue 10 bug 7 in the app: an unresolved link says so in the sidebar instead of filtering."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from reader.app import ReaderApp
from reader.config import Config
from reader.library import load_library
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from tests.helpers.pilot import settle
from tests.test_perf_search import page

MISSING = "Glass harbour museum opens its doors"


async def test_a_headline_in_no_story_is_said_in_the_sidebar_not_filtered(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    text = page("Ferry timetable changes for winter", "Boats run less often.", 20)
    text = text.replace("SOURCE:Sample", f"SOURCE:Sample\nExplore\n{MISSING}")
    (folder / "ferry.txt").write_text(text, encoding="utf-8")
    (folder / "other.txt").write_text(page("Council debates the budget", "Money talks.", 19), encoding="utf-8")
    library = load_library(folders=[folder])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # opens the newest story: the ferry one
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        key = next(k for k, e in sidebar.entries.items() if e.target is None)
        assert sidebar.entries[key].headline == MISSING
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index(key)
        await pilot.press("enter")
        await settle(pilot)
        assert "no story matches this headline" in str(sidebar.get_option(key).prompt)
        assert all(box.value == "" for box in app.screen.query("#filter").results(Input))  # no filter run
        assert len(app.screen.query_one(HeadlineList).rows) == 2
