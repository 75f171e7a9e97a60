"""Issue 9 open at 100k: a large library's backlinks are found in the background once its headlines are
shown, ahead of the first open (not by it, sharing the machine with the opens that follow), and kept."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reader.app import ReaderApp
from reader.backlinks import Kept
from reader.cache import backlinks_path
from reader.config import Config
from reader.library import Library, ParseCache, load_library
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from tests.helpers.article import story_text
from tests.helpers.pages import write
from tests.helpers.pilot import main, settle


def cache(tmp_path: Path) -> ParseCache:
    return ParseCache(tmp_path / "cache" / "parse-cache.json")


@pytest.fixture
def library_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three stories linking to the lantern story, counted as a large library (a child finds backlinks)."""
    folder = tmp_path / "lib"
    write(
        folder,
        "a.txt",
        "Harbour wall repairs begin",
        "The harbour text.\nRelated: Lantern parade returns",
        "May 3, 2025",
    )
    write(folder, "b.txt", "Ferry timetable changes", "The ferry text.\nRelated: Lantern parade returns", "May 2, 2025")
    write(folder, "c.txt", "Lantern parade returns", "The text of the lantern story.")
    monkeypatch.setattr("reader.library.MIN_FOR_CHILD", 0)
    return folder


def wait_for(library: Library, seconds: float = 60.0) -> None:
    """Until the library's backlinks are known (bounded)."""
    deadline = time.monotonic() + seconds
    while not library.backlinks_ready and time.monotonic() < deadline:
        time.sleep(0.02)


def test_backlinks_are_found_and_kept_once_the_headlines_are_shown(
    library_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([library_folder], cache=cache(tmp_path))
    assert not library.backlinks_ready
    library.prepare_resolver()  # what the app does once the headlines are shown; nothing opened yet
    wait_for(library)
    assert library.backlinks_ready
    assert backlinks_path(tmp_path / "cache" / "parse-cache.json").exists()
    lantern = library.find("2025-05-01")
    assert [a.title for a in library.backlinks(lantern.id)] == ["Harbour wall repairs begin", "Ferry timetable changes"]

    def no_child(self: Kept, key: str) -> None:
        raise AssertionError("searched again")

    monkeypatch.setattr(Kept, "find_elsewhere", no_child)  # the next launch reads what was kept
    again = load_library([library_folder], cache=cache(tmp_path), trust=True)
    again.prepare_resolver()
    wait_for(again)
    assert [a.title for a in again.backlinks(again.find("2025-05-01").id)] == [
        "Harbour wall repairs begin",
        "Ferry timetable changes",
    ]


def test_a_library_still_loading_or_small_finds_no_backlinks_ahead(
    library_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([library_folder], cache=cache(tmp_path))
    library.loading = True  # a first start still parsing: backlinks of the first stories would be wrong
    library.prepare_resolver()
    monkeypatch.setattr("reader.library.MIN_FOR_CHILD", 5_000)
    small = load_library([library_folder], cache=cache(tmp_path))
    small.prepare_resolver()  # a small library finds them quickly when first needed
    time.sleep(0.3)
    assert not library.backlinks_ready and not small.backlinks_ready
    assert [a.title for a in small.backlinks(small.find("2025-05-01").id)] == [
        "Harbour wall repairs begin",
        "Ferry timetable changes",
    ]


async def test_a_story_opened_while_backlinks_are_found_shows_its_text_then_its_backlinks(
    library_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    searching, release = threading.Event(), threading.Event()
    find_elsewhere = Kept.find_elsewhere

    def slow(self: Kept, key: str) -> None:  # a search taking its time (seconds at 100k stories)
        searching.set()
        release.wait(30)
        find_elsewhere(self, key)

    monkeypatch.setattr(Kept, "find_elsewhere", slow)
    library = load_library([library_folder], cache=cache(tmp_path))
    app = ReaderApp(
        library,
        Store(tmp_path / "state.json"),
        Config(),
        poll_interval=0,
        reload_interval=0,
    )
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for _ in range(200):  # started in the background, before any open
                if searching.is_set():
                    break
                await pilot.pause(0.05)
            assert searching.is_set()
            screen = main(app)
            headlines = screen.query_one(HeadlineList)
            headlines.move_to(library.find("2025-05-01").id)
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert "The text of the lantern story." in story_text(app)  # at once: the search goes on
            release.set()
            for _ in range(200):
                await settle(pilot)
                titles = [entry.headline for entry in screen.query_one(Sidebar).entries.values()]
                if "Ferry timetable changes" in titles:
                    break
                await pilot.pause(0.05)
            assert titles == [
                "Nothing here",
                "Harbour wall repairs begin",
                "Ferry timetable changes",
            ]  # Explore, Linked from
    finally:
        release.set()
