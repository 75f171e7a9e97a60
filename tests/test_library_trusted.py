"""A warm launch shows the stories the parse cache holds, then checks the files (issue 9)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reader.app import ReaderApp
from reader.cache import backlinks_path
from reader.config import Config
from reader.library import Library, ParseCache, load_library
from reader.paths import seeds_dir
from reader.reload import compare
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pages import write
from tests.helpers.pilot import main, settle
from tests.test_app import article_text


@pytest.fixture
def library_folder(tmp_path: Path) -> Path:
    """Three stories, loaded once so the parse cache holds them."""
    folder = tmp_path / "lib"
    write(folder, "a.txt", "Harbour wall repairs begin", "The old text of the harbour story.", "May 3, 2025")
    write(folder, "b.txt", "Ferry timetable changes", "The text of the ferry story.", "May 2, 2025")
    write(folder, "c.txt", "Lantern parade returns", "The text of the lantern story.")
    load_library([folder], cache=ParseCache(tmp_path / "cache" / "parse-cache.json"))
    return folder


def cache(tmp_path: Path) -> ParseCache:
    return ParseCache(tmp_path / "cache" / "parse-cache.json")


def change_files(folder: Path) -> None:
    """After the last run: a.txt now holds another story, b.txt is gone, d.txt is new."""
    changed = write(folder, "a.txt", "Harbour wall repairs halted", "The new text of the harbour story.", "May 3, 2025")
    os.utime(changed, ns=(1, 5_000_000_000))
    (folder / "b.txt").unlink()
    write(folder, "d.txt", "Night market opens", "The text of the market story.", "May 4, 2025")


def test_a_trusted_load_reads_no_file_and_gives_what_the_last_run_found(
    library_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = load_library([library_folder], cache=cache(tmp_path))

    def no_stat(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was looked at")

    monkeypatch.setattr("reader.library._scan", no_stat)
    trusted = load_library([library_folder], cache=cache(tmp_path), trust=True)
    monkeypatch.undo()
    assert trusted.unchecked and not checked.unchecked
    assert [a.title for a in trusted.articles] == [a.title for a in checked.articles]
    assert trusted.paths == checked.paths and trusted.problems == checked.problems
    ferry = trusted.find("2025-05-02")
    assert [a.title for a in trusted.backlinks(ferry.id)] == []
    assert trusted.full(ferry).body[0].text == "The text of the ferry story."


def test_opening_a_story_whose_file_changed_or_went_never_shows_stale_or_wrong_text(
    library_folder: Path, tmp_path: Path
) -> None:
    """The list may be a moment behind the files; a story's text never is."""
    change_files(library_folder)
    trusted = load_library([library_folder], cache=cache(tmp_path), trust=True)
    titles = {a.title: a for a in trusted.articles}
    assert set(titles) == {"Harbour wall repairs begin", "Ferry timetable changes", "Lantern parade returns"}
    harbour = trusted.full(titles["Harbour wall repairs begin"])  # its file holds another story now
    ferry = trusted.full(titles["Ferry timetable changes"])  # its file is gone
    assert harbour.partial and harbour.body == () and ferry.partial and ferry.body == ()
    reasons = [str(p) for p in trusted.problems]
    assert any("a.txt" in r and "changed on disk" in r for r in reasons)
    assert any("b.txt" in r for r in reasons)

    fresh = load_library([library_folder], cache=cache(tmp_path))  # the check that follows
    changes = compare(trusted.by_id, trusted.paths, fresh)
    trusted.add_or_update(changes.changed, changes.paths)
    trusted.remove(changes.gone)
    assert [a.title for a in trusted.articles] == [a.title for a in fresh.articles]
    assert changes.new == 2 and len(changes.gone) == 2  # a.txt's new story and d.txt; a.txt's old one and b.txt
    halted = trusted.find(fresh.find("2025-05-03").id)
    assert trusted.full(halted).body[0].text == "The new text of the harbour story."


def test_the_check_drops_a_story_whose_file_can_no_longer_be_read(library_folder: Path, tmp_path: Path) -> None:
    """Stale story kept: a file emptied, replaced by a pipe or grown past the limit since the last run
    stayed listed (from the cache, with its old title) after the check, though it cannot be opened and a
    load of the folders does not list it; the store's marks are not touched."""
    trusted = load_library([library_folder], cache=cache(tmp_path), trust=True)
    (library_folder / "a.txt").write_bytes(b"")
    (library_folder / "b.txt").unlink()
    os.mkfifo(library_folder / "b.txt")
    fresh = load_library([library_folder], cache=cache(tmp_path))
    changes = compare(trusted.by_id, trusted.paths, fresh)
    trusted.remove(changes.gone)
    assert [a.title for a in trusted.articles] == [a.title for a in fresh.articles] == ["Lantern parade returns"]
    assert sorted(p.path.name for p in changes.problems) == ["a.txt", "b.txt"]


def test_a_load_of_other_folders_or_relative_paths_is_not_trusted(
    library_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    write(other, "x.txt", "Another folder's story", "Its text.")
    both = load_library([library_folder, other], cache=cache(tmp_path), trust=True)
    assert not both.unchecked and len(both) == 4
    monkeypatch.chdir(tmp_path)
    relative = load_library([Path("lib")], cache=cache(tmp_path), trust=True)
    assert not relative.unchecked and len(relative) == 3
    again = load_library([Path("lib")], cache=cache(tmp_path), trust=True)
    assert not again.unchecked  # another working folder would make "lib" other files


def test_problems_of_the_last_run_are_given_again(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    write(folder, "good.txt", "A good story", "Its text.")
    (folder / "bad.txt").write_bytes(b"\0\0\0")
    first = load_library([folder], cache=cache(tmp_path))
    trusted = load_library([folder], cache=cache(tmp_path), trust=True)
    assert trusted.unchecked and [str(p) for p in trusted.problems] == [str(p) for p in first.problems]
    assert len(trusted.problems) == 1 and "bad.txt" in str(trusted.problems[0])


def test_backlinks_kept_by_a_run_are_not_used_once_the_stories_change(library_folder: Path, tmp_path: Path) -> None:
    write(library_folder, "e.txt", "Pier lights fixed", "Its text.\nRelated: Lantern parade returns", "May 5, 2025")
    first = load_library([library_folder], cache=cache(tmp_path))
    lantern = first.find("2025-05-01")
    assert [a.title for a in first.backlinks(lantern.id)] == ["Pier lights fixed"]
    assert backlinks_path(cache(tmp_path).path or Path()).is_file()
    trusted = load_library([library_folder], cache=cache(tmp_path), trust=True)
    assert [a.title for a in trusted.backlinks(lantern.id)] == ["Pier lights fixed"]
    (library_folder / "e.txt").unlink()
    fresh = load_library([library_folder], cache=cache(tmp_path))
    trusted.remove(compare(trusted.by_id, trusted.paths, fresh).gone)
    assert trusted.backlinks(lantern.id) == []


async def test_a_warm_launch_shows_the_cached_list_then_the_files_as_they_are(
    library_folder: Path, tmp_path: Path
) -> None:
    """The first paint comes from the cache; the check right after shows what changed, cursor kept."""
    change_files(library_folder)
    store = Store(tmp_path / "state.json")
    app = ReaderApp(
        config=Config(),
        loader=lambda: (load_library([library_folder], cache=cache(tmp_path), trust=True), store),
        load_now=True,
        poll_interval=0,
        reloader=lambda: load_library([library_folder], cache=cache(tmp_path)),
        reload_interval=0,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        rows = [a.title for a in screen.query_one(HeadlineList).rows]
        assert rows == ["Night market opens", "Harbour wall repairs halted", "Lantern parade returns"]
        assert not screen.library.unchecked
        await pilot.press("enter")
        await settle(pilot)
        assert "The text of the market story." in article_text(app)


def test_seeds_load_trusted_like_checked(tmp_path: Path) -> None:
    """The bundled seeds through the cache: the same list either way."""
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), folder)
    checked = load_library(folders=[folder], cache=cache(tmp_path))
    trusted = load_library(folders=[folder], cache=cache(tmp_path), trust=True)
    assert isinstance(trusted, Library) and trusted.unchecked
    assert [(a.id, a.title, a.section, a.published, a.read_minutes) for a in trusted.articles] == [
        (a.id, a.title, a.section, a.published, a.read_minutes) for a in checked.articles
    ]


def test_a_large_library_has_its_backlinks_found_by_a_child_process(
    library_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 memory: resolving every link of 100k stories happens in a child, not in the app."""
    write(library_folder, "e.txt", "Pier lights fixed", "Its text.\nRelated: Lantern parade returns", "May 5, 2025")
    library = load_library([library_folder], cache=cache(tmp_path))

    def not_here(self: Library, resolver: object) -> object:
        raise AssertionError("resolved in the app")

    monkeypatch.setattr("reader.library.MIN_FOR_CHILD", 0)
    monkeypatch.setattr(Library, "_build_backlinks", not_here)
    lantern = library.find("2025-05-01")
    assert [a.title for a in library.backlinks(lantern.id)] == ["Pier lights fixed"]
    assert library.backlinks(library.find("2025-05-05").id) == []


def test_the_child_leaves_backlinks_of_other_files_alone(library_folder: Path, tmp_path: Path) -> None:
    """Rows rewritten since (another load): the child keeps nothing and the app finds them itself."""
    from reader.backlinks import Kept

    load_library([library_folder], cache=cache(tmp_path))
    kept = Kept(tmp_path / "cache" / "parse-cache.json", lambda: "0" * 40)
    kept.find_elsewhere("0" * 40)
    assert not kept.path.exists()


def test_the_cheap_check_sees_a_file_new_gone_or_changed(library_folder: Path, tmp_path: Path) -> None:
    """The periodic check walks and stats; it reads no file and builds no story unless one changed."""
    for trust in (False, True):
        library = load_library([library_folder], cache=cache(tmp_path), trust=trust)
        assert library.disk is not None and library.disk.unchanged()
    disk = library.disk
    assert disk is not None
    os.utime(library_folder / "c.txt", ns=(1, 7_000_000_000))
    assert not disk.unchanged()
    disk = load_library([library_folder], cache=cache(tmp_path)).disk
    assert disk is not None and disk.unchanged()
    new = write(library_folder, "d.txt", "Night market opens", "Its text.")
    assert not disk.unchanged()
    new.unlink()
    (library_folder / "b.txt").unlink()
    assert not disk.unchanged()


def test_the_cheap_check_sees_a_file_that_could_not_be_loaded_fixed(library_folder: Path, tmp_path: Path) -> None:
    """Stale problem files: a file skipped last time (a named pipe) and now a story is seen by the
    check, after a full load and after a trusted one (it was never shown until another file changed)."""
    pipe = library_folder / "e.txt"
    os.mkfifo(pipe)
    first = load_library([library_folder], cache=cache(tmp_path))
    assert len(first) == 3 and [p.path.name for p in first.problems] == ["e.txt"]
    trusted = load_library([library_folder], cache=cache(tmp_path), trust=True)
    assert first.disk is not None and first.disk.unchanged()  # the pipe as it was: nothing to load
    pipe.unlink()
    write(library_folder, "e.txt", "Night market opens", "Its text.")
    for disk in (first.disk, trusted.disk):
        assert disk is not None and not disk.unchanged()
    fresh = load_library([library_folder], cache=cache(tmp_path))
    assert "Night market opens" in [a.title for a in fresh.articles] and not fresh.problems
    assert fresh.disk is not None and fresh.disk.unchanged()


def test_the_cheap_check_counts_a_file_named_twice_once(library_folder: Path, tmp_path: Path) -> None:
    """Double counting: a folder given twice, or a file inside a given folder, made every check (and the
    one after each warm launch) load the whole library again though nothing changed."""
    both: list[tuple[list[Path], list[Path]]] = [
        ([library_folder, library_folder / "a.txt"], []),
        ([library_folder], [library_folder]),
    ]
    for turn, (extra, folders) in enumerate(both):
        library = load_library(extra, folders=folders, cache=cache(tmp_path))
        assert len(library) == 3 and library.disk is not None and library.disk.unchanged()
        os.utime(library_folder / "c.txt", ns=(1, 9_000_000_000 + turn))
        assert not library.disk.unchanged()


async def test_the_periodic_check_loads_nothing_when_no_file_changed(library_folder: Path, tmp_path: Path) -> None:
    loads: list[int] = []

    def reload() -> Library:
        loads.append(1)
        return load_library([library_folder], cache=cache(tmp_path))

    app = ReaderApp(
        load_library([library_folder], cache=cache(tmp_path)),
        Store(tmp_path / "state.json"),
        Config(),
        poll_interval=0,
        reloader=reload,
        reload_interval=0,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.check_library()
        await settle(pilot)
        assert loads == []
        write(library_folder, "d.txt", "Night market opens", "Its text.", "May 4, 2025")
        screen.check_library()
        await settle(pilot)
        assert loads == [1] and "Night market opens" in [a.title for a in screen.query_one(HeadlineList).rows]
        screen.check_library()
        await settle(pilot)
        assert loads == [1]  # the folders as the last load found them


@pytest.mark.parametrize("damage", ["cut short", "a story number too large", "offsets out of order", "other key"])
def test_damaged_kept_backlinks_are_found_again(library_folder: Path, tmp_path: Path, damage: str) -> None:
    write(library_folder, "e.txt", "Pier lights fixed", "Its text.\nRelated: Lantern parade returns", "May 5, 2025")
    first = load_library([library_folder], cache=cache(tmp_path))
    lantern = first.find("2025-05-01")
    assert [a.title for a in first.backlinks(lantern.id)] == ["Pier lights fixed"]
    kept = backlinks_path(tmp_path / "cache" / "parse-cache.json")
    data = bytearray(kept.read_bytes())
    header, _, body = bytes(data).partition(b"\n")
    if damage == "cut short":
        data = data[:-2]
    elif damage == "a story number too large":
        data[-4:] = (10_000).to_bytes(4, "little" if header.split()[2] == b"little" else "big")
    elif damage == "offsets out of order":
        start = len(header) + 1 + int(header.split()[-1])  # the offsets, after the ids
        data[start + 4 : start + 8] = (99).to_bytes(4, "little" if header.split()[2] == b"little" else "big")
    elif damage == "other key":
        data = bytearray(header.replace(header.split()[3], b"0" * 40) + b"\n" + body)
    kept.write_bytes(bytes(data))
    again = load_library([library_folder], cache=cache(tmp_path), trust=True)
    assert [a.title for a in again.backlinks(lantern.id)] == ["Pier lights fixed"]
    assert again.backlinks(again.find("2025-05-05").id) == []


def test_kept_backlinks_read_back_for_the_same_stories_in_another_order(library_folder: Path, tmp_path: Path) -> None:
    """After a reload applied what changed, the list may be ordered otherwise: the numbers are mapped by id."""
    from reader.backlinks import Backlinks

    write(library_folder, "e.txt", "Pier lights fixed", "Its text.\nRelated: Lantern parade returns", "May 5, 2025")
    library = load_library([library_folder], cache=cache(tmp_path))
    graph = Backlinks.build(library.articles, library.resolver.resolve, library.headlines)
    path = tmp_path / "kept.bin"
    graph.write(path, "k" * 40)
    shuffled = library.articles[::-1]
    again = Backlinks.read(path, "k" * 40, shuffled)
    assert again is not None
    for article in library.articles:
        assert [a.id for a in again.of(article.id)] == [a.id for a in graph.of(article.id)]
    assert [a.title for a in again.of(library.find("2025-05-01").id)] == ["Pier lights fixed"]
    assert Backlinks.read(path, "k" * 40, shuffled[1:]) is None  # other stories
    assert Backlinks.read(path, "x" * 40, shuffled) is None  # other files


async def test_after_a_reload_the_backlinks_kept_by_the_folders_load_are_used(
    library_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(library_folder, "e.txt", "Pier lights fixed", "Its text.\nRelated: Lantern parade returns", "May 5, 2025")
    app = ReaderApp(
        load_library([library_folder], cache=cache(tmp_path)),
        Store(tmp_path / "state.json"),
        Config(),
        poll_interval=0,
        reloader=lambda: load_library([library_folder], cache=cache(tmp_path)),
        reload_interval=0,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        write(library_folder, "f.txt", "Quay clock restored", "Its text.", "May 6, 2025")
        screen.check_library()
        await settle(pilot)
        assert screen.library.kept_backlinks is not None
        fresh = load_library([library_folder], cache=cache(tmp_path))
        fresh.backlinks("")  # the folders' load keeps its backlinks

        def not_here(self: Library, resolver: object) -> object:
            raise AssertionError("resolved again")

        monkeypatch.setattr(Library, "_build_backlinks", not_here)
        lantern = screen.library.find("2025-05-01")
        assert [a.title for a in screen.library.backlinks(lantern.id)] == ["Pier lights fixed"]


def test_backlinks_kept_as_json_by_older_versions_are_removed(tmp_path: Path) -> None:
    old = tmp_path / "cache" / "parse-cache-backlinks.json"
    old.parent.mkdir(parents=True)
    old.write_bytes(b'{"key": "x", "graph": {}}')
    cache(tmp_path)
    assert not old.exists()
