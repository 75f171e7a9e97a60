"""Stories added to or removed from the library folder while the app runs: Ctrl+R and the periodic check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.app import ReaderApp
from reader.changes import Change
from reader.config import Config
from reader.library import Library, load_library
from reader.paths import seeds_dir
from reader.reload import compare
from reader.screens.main import MainScreen
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import settle

NEW_TITLE = "Marrowick ferry timetable doubles for the winter"
SEEDS = ("cobalt-bay-tidal.txt", "greyhaven-lighthouse.txt", "marrowick-chess-prodigy.txt")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A library folder holding three seed stories."""
    folder = tmp_path / "library"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy(seeds_dir() / name, folder / name)
    return folder


def write_new_story(folder: Path, title: str = NEW_TITLE) -> Path:
    """A copy of a seed page under a new headline (so a new story), dated a day later (so listed first)."""
    lines = (seeds_dir() / "cobalt-bay-tidal.txt").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[4] = title
    lines[7] = "November 29, 2026"
    page = folder / "ferry.txt"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return page


def make_app(folder: Path, tmp_path: Path) -> ReaderApp:
    store = Store(tmp_path / "state.json")
    return ReaderApp(
        load_library([folder]),
        store,
        Config(),
        poll_interval=0,
        reloader=lambda: load_library([folder]),
        reload_interval=0,
    )


def titles(app: ReaderApp) -> list[str]:
    return [article.title for article in app.screen.query_one(HeadlineList).rows]


def toasts(app: ReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_ctrl_r_shows_a_story_added_to_the_folder_and_drops_one_deleted(folder: Path, tmp_path: Path) -> None:
    app = make_app(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("down")
        kept = headlines.highlighted.id if headlines.highlighted else None
        assert NEW_TITLE not in titles(app) and kept is not None
        page = write_new_story(folder)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert titles(app)[0] == NEW_TITLE  # the newest story, at the top
        assert headlines.highlighted is not None and headlines.highlighted.id == kept  # the cursor stays
        assert "1 new story" in toasts(app)
        assert app.library is not None and app.library.resolve(NEW_TITLE) is not None
        page.unlink()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert NEW_TITLE not in titles(app)
        assert len(titles(app)) == len(SEEDS)
        assert "1 gone" in toasts(app)


async def test_the_periodic_check_picks_up_new_files_and_says_nothing_when_none(folder: Path, tmp_path: Path) -> None:
    app = make_app(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.check_library()
        await settle(pilot)
        assert toasts(app) == []  # nothing changed: no toast
        write_new_story(folder)
        screen.check_library()
        await settle(pilot)
        assert NEW_TITLE in titles(app)
        assert toasts(app) == ["1 new story"]
        assert screen.unread == len(SEEDS) + 1


async def test_a_bookmarked_story_whose_file_is_gone_stays_in_bookmarks(folder: Path, tmp_path: Path) -> None:
    page = write_new_story(folder)
    app = make_app(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        story = next(a for a in screen.library.articles if a.title == NEW_TITLE)
        screen._save(Change("bookmark", story.id, True, title=story.title))
        await settle(pilot)
        page.unlink()
        screen.check_library()
        await settle(pilot)
        assert NEW_TITLE not in titles(app)
        await pilot.press("3")
        await settle(pilot)
        assert NEW_TITLE in titles(app)  # remembered by its bookmark


def test_compare_keeps_stories_whose_file_is_still_there(folder: Path, tmp_path: Path) -> None:
    """A story added another way (a feed refresh under way) is not dropped: only a missing file drops one."""
    library = load_library([folder])
    other = tmp_path / "elsewhere"
    other.mkdir()
    write_new_story(other)
    extra = load_library([other])
    library.add_or_update(extra.articles, extra.paths)
    (folder / SEEDS[0]).unlink()
    changes = compare(library.by_id, library.paths, load_library([folder]))
    gone = [library.by_id[i].title for i in changes.gone]
    assert gone == ["Cobalt Bay tidal power plant reaches full output"]
    assert changes.changed == [] and changes.new == 0


def test_compare_counts_a_story_whose_file_changed_as_changed_not_new(folder: Path) -> None:
    library = load_library([folder])
    page = folder / SEEDS[1]
    first, rest = page.read_text(encoding="utf-8").split("\n", 1)
    page.write_text("WEATHER\n" + rest, encoding="utf-8")  # a new section line, the same headline and date
    changes = compare(library.by_id, library.paths, load_library([folder]))
    assert [article.section for article in changes.changed] == ["WEATHER"] and first != "WEATHER"
    assert changes.new == 0 and changes.gone == [] and changes.describe() == "1 changed"


def test_library_remove_drops_stories_and_their_files() -> None:
    library: Library = load_library(folders=[seeds_dir()])
    first = library.articles[0]
    assert library.remove([first.id, "no-such-story"]) == 1
    assert library.get(first.id) is None and first.id not in library.paths
    assert first not in library.articles and len(library) == len(library.by_id)
