"""Post-paint work at launch (issue 9): the search index takes the files' sizes and mtimes from the check of
the folders instead of looking at every file again, skips an update when nothing changed, and the headline
matcher is built paced, in pieces."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import reader.links as links_module
import reader.search as search_module
from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, ParseCache, load_library
from reader.links import Pacer, Resolver
from reader.model import Article
from reader.search import SearchIndex
from reader.store import Store
from tests.helpers.pages import write
from tests.helpers.pilot import main, settle


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    write(lib, "ferry.txt", "Ferry crews end their strike", "The harbour storm kept every boat in port.")
    write(lib, "tram.txt", "Council approves the tram line", "Trams will cross the old viaduct.", "May 2, 2025")
    write(lib, "museum.txt", "Museum reopens its caves", "Visitors walk through the flooded caves.", "May 3, 2025")
    return lib


def titles(library: Library, ids: list[str]) -> list[str]:
    return [library.by_id[i].title for i in ids]


def no_stat(path: str) -> tuple[int, int]:
    raise AssertionError(f"{path} was looked at again")


def test_an_update_given_the_checked_files_looks_at_none_of_them(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([folder])
    stamps = library.file_stamps()
    assert sorted(stamps) == sorted(library.paths.values())
    monkeypatch.setattr(search_module, "_stat", no_stat)
    index = SearchIndex(tmp_path / "search.sqlite")
    result = index.update(library.articles, paths=library.paths, stamps=stamps)
    assert (result.added, result.kept) == (3, 0)
    assert titles(library, index.search("viaduct")) == ["Council approves the tram line"]


def test_unchecked_stories_from_the_parse_cache_give_no_sizes_to_trust(folder: Path, tmp_path: Path) -> None:
    load_library([folder], cache=ParseCache(tmp_path / "parse-cache.json"))
    trusted = load_library([folder], cache=ParseCache(tmp_path / "parse-cache.json"), trust=True)
    assert trusted.unchecked and trusted.file_stamps() == {}
    trusted.unchecked = False  # the check found the files as the cache said
    assert sorted(trusted.file_stamps()) == sorted(trusted.paths.values())


def test_a_file_replaced_since_the_load_is_looked_at_and_indexed_again(folder: Path, tmp_path: Path) -> None:
    library = load_library([folder])
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update(library.articles, paths=library.paths, stamps=library.file_stamps())
    path = write(folder, "museum.txt", "Museum reopens its caves", "Now with a glowworm grotto.", "May 3, 2025")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    changed = load_library([folder]).find("2025-05-03")
    library.add_or_update([changed], {changed.id: str(path)})  # as a feed refresh or a reload does
    assert str(path) not in library.file_stamps()
    result = index.update(library.articles, paths=library.paths, stamps=library.file_stamps())
    assert (result.added, result.kept) == (1, 2)
    assert titles(library, index.search("glowworm")) == ["Museum reopens its caves"]
    assert index.search("flooded") == []


def test_a_second_update_of_the_same_files_compares_nothing(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = load_library([folder])
    SearchIndex(tmp_path / "search.sqlite").update(library.articles, paths=library.paths)

    def no_compare(*args: object) -> int:
        raise AssertionError("the index was compared with the library again")

    monkeypatch.setattr(SearchIndex, "_remove_vanished", staticmethod(no_compare))
    index = SearchIndex(tmp_path / "search.sqlite")  # a later run
    result = index.update(library.articles, paths=library.paths, stamps=library.file_stamps())
    assert (result.added, result.removed, result.kept) == (0, 0, 3)
    assert titles(library, index.search("flooded")) == ["Museum reopens its caves"]


def test_an_update_stopped_halfway_is_finished_by_the_next(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "BATCH", 1)
    library = load_library([folder])
    stop = threading.Event()

    def stopping(path: str) -> str:
        stop.set()  # quit (as the app does) after the first story
        return search_module.file_text(path)

    index = SearchIndex(tmp_path / "search.sqlite")
    first = index.update(library.articles, stopping, library.paths, stop=stop)
    assert first.stopped and first.added == 1
    second = index.update(library.articles, paths=library.paths)
    assert (second.added, second.kept, second.stopped) == (2, 1, False)
    assert titles(library, index.search("viaduct")) == ["Council approves the tram line"]


async def test_a_warm_launch_indexes_after_the_check_the_text_of_files_changed_since(
    folder: Path, tmp_path: Path
) -> None:
    """The index waits for the check of the files (never keyed by unchecked sizes), then has the new text."""
    cache = tmp_path / "cache" / "parse-cache.json"
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update(load_library([folder], cache=ParseCache(cache)).articles, paths=load_library([folder]).paths)
    path = write(folder, "museum.txt", "Museum reopens its caves", "Now with a glowworm grotto.", "May 3, 2025")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    seen: list[bool] = []
    update = index.update

    def noting(articles: list[Article], *args: object, **kwargs: object) -> search_module.Updated:
        seen.append(app.library is not None and app.library.unchecked)
        return update(articles, *args, **kwargs)  # type: ignore[arg-type]

    index.update = noting  # type: ignore[method-assign,assignment]
    store = Store(tmp_path / "state.json")
    app = ReaderApp(
        config=Config(),
        loader=lambda: (load_library([folder], cache=ParseCache(cache), trust=True), store),
        load_now=True,
        poll_interval=0,
        search_index=index,
        reloader=lambda: load_library([folder], cache=ParseCache(cache)),
        reload_interval=0,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 8)
        assert not main(app).library.unchecked
        assert seen and not any(seen)  # once checked, only
        library = main(app).library
        assert titles(library, index.search("glowworm")) == ["Museum reopens its caves"]
        assert index.search("flooded") == []


def test_a_paced_resolver_matches_as_an_unpaced_one() -> None:
    pairs = [
        ("a", "Port Elsen night market brings back the lantern parade"),
        ("b", "Harbour wall repairs begin"),
        ("c", "A record crop of blue barley"),
    ]
    paced, plain = Resolver(pairs, Pacer(every=1, seconds=0)), Resolver(pairs)
    paced.prepare(Pacer(every=1, seconds=0))
    assert paced.prepared and not plain.prepared  # the word index of the plain one waits for a near match
    for headline in (
        "Harbour wall repairs begin",
        "Port Elsen night market brings back lantern parade",
        "'Lantern parade' returns to Port Elsen night market",
        "A record crop of red wool",
    ):
        assert paced.resolve(headline) == plain.resolve(headline)
    assert plain.resolve("Port Elsen night market brings back a lantern parade") == "a" and plain.prepared


def test_a_story_opened_during_the_paced_build_hurries_it_and_builds_nothing_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[int] = []

    class Counted(Resolver):
        def __init__(self, *args: object, **kwargs: object) -> None:
            built.append(1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    class Slow(Pacer):
        def step(self, count: int) -> None:
            deadline = time.monotonic() + 10
            while not self.hurried and time.monotonic() < deadline:  # paused until someone waits
                time.sleep(0.001)

    monkeypatch.setattr(links_module, "Resolver", Counted)  # the library imports them where it first uses them
    monkeypatch.setattr(links_module, "Pacer", Slow)
    library = Library([Article(id=f"s{n}", title=f"Story number {n} of the day") for n in range(50)])
    worker = threading.Thread(target=library.prepare_resolver)
    worker.start()
    deadline = time.monotonic() + 10
    while library._pacer is None and time.monotonic() < deadline:
        time.sleep(0.001)
    assert library.resolve("Story number 7 of the day") == library.get("s7")
    assert library.resolve("Story number 8 of that day") == library.get("s8")  # a near match: the word index
    worker.join(10)
    assert built == [1] and library.resolver.prepared


def test_after_a_first_start_every_file_is_known_as_its_load_found_it(folder: Path) -> None:
    """The stories shown batch by batch, then the whole load adopted: no file needs looking at again."""
    whole = load_library([folder])
    growing = Library(whole.articles[:1], {whole.articles[0].id: whole.paths[whole.articles[0].id]})
    growing.add_or_update(whole.articles[1:], {a.id: whole.paths[a.id] for a in whole.articles[1:]})
    assert growing.file_stamps() == {}  # no load has looked at the files yet
    growing.adopt(whole)
    assert sorted(growing.file_stamps()) == sorted(whole.paths.values())
