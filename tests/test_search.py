"""The full-text search index: what it finds, how it stays current, and how it fails safe."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import reader.search as search_module
from reader.library import Library, load_library
from reader.model import Article, Block
from reader.paths import seeds_dir
from reader.search import SearchCancelled, SearchIndex, default_path, match_expression
from tests.helpers.pages import write


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    write(lib, "ferry.txt", "Ferry crews end their strike", "The harbour storm kept every boat in port for a week.")
    write(lib, "tram.txt", "Council approves the tram line", "Trams will cross the old viaduct by the harbour.")
    write(
        lib,
        "storm.txt",
        "Storm season starts early",
        "Forecasters warn of a storm; the harbour master closed the gates.",
        date="May 3, 2025",
    )
    write(lib, "museum.txt", "Museum reopens its caves", "Visitors can walk through the flooded caves again.")
    return lib


def built(folder: Path, index_path: Path) -> tuple[Library, SearchIndex]:
    library = load_library([folder])
    index = SearchIndex(index_path)
    index.update(library.articles, paths=library.paths)
    return library, index


def titles(library: Library, ids: list[str]) -> list[str]:
    return [library.by_id[i].title for i in ids]


def test_finds_words_in_titles_and_in_the_full_text(folder: Path, tmp_path: Path) -> None:
    library, index = built(folder, tmp_path / "search.sqlite")
    assert titles(library, index.search("museum")) == ["Museum reopens its caves"]  # title
    assert titles(library, index.search("viaduct")) == ["Council approves the tram line"]  # body only
    assert titles(library, index.search("FLOODED Caves")) == ["Museum reopens its caves"]  # every word, any case
    assert index.search("viaduct museum") == []  # all words must match
    assert index.search("zeppelin") == []


def test_title_matches_rank_first_then_newer_stories(folder: Path, tmp_path: Path) -> None:
    library, index = built(folder, tmp_path / "search.sqlite")
    found = titles(library, index.search("storm"))
    assert found[0] == "Storm season starts early"  # in the title beats in the text
    assert set(found) == {"Storm season starts early", "Ferry crews end their strike"}


def test_equal_matches_list_newest_first(tmp_path: Path) -> None:
    same = (Block("paragraph", "The lighthouse keeper retires."),)
    older = Article(id="older", title="Keeper", published="2024-03-01", body=same)
    newer = Article(id="newer", title="Keeper", published="2025-07-09", body=same)
    undated = Article(id="undated", title="Keeper", body=same)
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update([older, undated, newer])
    assert index.search("lighthouse keeper") == ["newer", "older", "undated"]


def test_very_many_matches_list_newest_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "RANK_LIMIT", 3)
    stories = [
        Article(
            id=f"s{n}",
            title="Harbour" if n == 2 else "Other",
            published=f"2025-01-{n + 10:02d}",
            body=(Block("paragraph", "harbour " * (10 - n)),),
        )
        for n in range(6)
    ]
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update(stories)
    assert index.search("harbour", 4) == ["s5", "s4", "s3", "s2"]  # by date, not by bm25
    assert index.search("harbour", None) == ["s5", "s4", "s3", "s2", "s1", "s0"]
    monkeypatch.setattr(search_module, "RANK_LIMIT", 100)
    assert index.search("harbour", 1) == ["s2"]  # few enough to rank: the title match wins


def test_phrases_match_words_side_by_side_only(folder: Path, tmp_path: Path) -> None:
    library, index = built(folder, tmp_path / "search.sqlite")
    assert titles(library, index.search('"harbour storm"')) == ["Ferry crews end their strike"]
    assert sorted(titles(library, index.search("harbour storm"))) == [
        "Ferry crews end their strike",
        "Storm season starts early",
    ]
    assert index.search('"storm harbour"') == []


def test_prefix_queries_and_the_word_being_typed(folder: Path, tmp_path: Path) -> None:
    library, index = built(folder, tmp_path / "search.sqlite")
    assert titles(library, index.search("forecast*")) == ["Storm season starts early"]
    assert index.search("forecast") == []  # a bare word is a whole word
    assert titles(library, index.search("flooded cav", prefix=True)) == ["Museum reopens its caves"]
    assert titles(library, index.search('"the flooded ca"*')) == ["Museum reopens its caves"]


def test_accents_and_case_do_not_matter(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    write(lib, "cafe.txt", "Café owners protest", "The Café Réunion closed in protest.")
    library, index = built(lib, tmp_path / "search.sqlite")
    assert titles(library, index.search("cafe reunion")) == ["Café owners protest"]
    assert titles(library, index.search("CAFÉ")) == ["Café owners protest"]


@pytest.mark.parametrize(
    "query",
    [
        "AND (",
        '"',
        '""',
        "(",
        ")",
        "*",
        "harbour OR",
        "NOT harbour",
        "NEAR(harbour storm)",
        "title:harbour",
        "harbour^",
        "-harbour",
        "{title section}: x",
        '"unclosed phrase',
        "' OR 1=1 --",
        "\x00\x1b[31m",
        "😀 ☃",
        "   ",
        "",
        "a" * 5000,
    ],
)
def test_hostile_queries_never_raise(folder: Path, tmp_path: Path, query: str) -> None:
    _, index = built(folder, tmp_path / "search.sqlite")
    result = index.search(query)
    assert isinstance(result, list)
    assert index.search(query, prefix=True) is not None


def test_operator_words_are_plain_words(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    write(lib, "near.txt", "Near and far", "Schools NOT closing, or so they say.")
    write(lib, "other.txt", "Nothing alike", "A different story.")
    library, index = built(lib, tmp_path / "search.sqlite")
    assert titles(library, index.search("near AND far")) == ["Near and far"]
    assert titles(library, index.search("NOT closing OR")) == ["Near and far"]
    assert match_expression("AND (") == '"AND"'
    assert match_expression('say "hi" there') == '"say" "hi" "there"'
    assert match_expression('say "hi') == '"say" "hi"'
    assert match_expression(' "a  phrase "* ') == '"a  phrase"*'


def test_a_changed_file_is_indexed_again(folder: Path, tmp_path: Path) -> None:
    library, index = built(folder, tmp_path / "search.sqlite")
    path = folder / "museum.txt"
    write(folder, "museum.txt", "Museum reopens its caves", "Now with a glowworm grotto for visitors.")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # a later mtime, whatever the clock
    library = load_library([folder])
    result = index.update(library.articles, paths=library.paths)
    assert (result.added, result.removed, result.kept) == (1, 0, 3)
    assert titles(library, index.search("glowworm")) == ["Museum reopens its caves"]
    assert index.search("flooded") == []  # the old text is gone from the index
    assert titles(library, index.search("caves")) == ["Museum reopens its caves"]  # once


def test_an_unchanged_library_is_not_indexed_again(folder: Path, tmp_path: Path) -> None:
    library, _ = built(folder, tmp_path / "search.sqlite")
    calls: list[str] = []

    def counting(path: str) -> str:
        calls.append(path)
        return search_module.file_text(path)

    result = SearchIndex(tmp_path / "search.sqlite").update(library.articles, counting, library.paths)
    assert (result.added, result.kept, calls) == (0, 4, [])


def test_a_vanished_file_is_removed(folder: Path, tmp_path: Path) -> None:
    library, index = built(folder, tmp_path / "search.sqlite")
    assert index.search("viaduct")
    (folder / "tram.txt").unlink()
    library = load_library([folder])
    result = index.update(library.articles, paths=library.paths)
    assert (result.added, result.removed, result.kept) == (0, 1, 3)
    assert index.search("viaduct") == []
    assert index.search("tram") == []


def test_a_row_removed_meanwhile_by_another_reader_is_skipped(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two readers share one index: a vanished story the other one removed first ends no update."""
    library, index = built(folder, tmp_path / "search.sqlite")
    (folder / "tram.txt").unlink()
    (folder / "museum.txt").unlink()
    forget = search_module._forget
    calls: list[int] = []

    def forget_and_let_the_other_reader_remove_the_next(conn: sqlite3.Connection, rowid: int, *rest: object) -> None:
        forget(conn, rowid, *rest)  # type: ignore[arg-type]
        if not calls:
            conn.execute("DELETE FROM docs WHERE rowid != ? AND id NOT IN (SELECT id FROM current)", (rowid,))
        calls.append(rowid)

    monkeypatch.setattr(search_module, "_forget", forget_and_let_the_other_reader_remove_the_next)
    library = load_library([folder])
    result = index.update(library.articles, paths=library.paths)
    assert (result.removed, result.kept, len(calls)) == (1, 2, 1)
    assert index.search("viaduct") == []
    assert titles(library, index.search("harbour")) == ["Storm season starts early", "Ferry crews end their strike"]


def test_a_file_that_cannot_be_read_is_still_found_by_title(folder: Path, tmp_path: Path) -> None:
    library = load_library([folder])
    (folder / "tram.txt").unlink()  # gone between loading and indexing
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update(library.articles, paths=library.paths)
    assert titles(library, index.search("tram")) == ["Council approves the tram line"]
    assert index.search("viaduct") == []


@pytest.mark.parametrize(
    "garbage",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000, b""],
)
def test_a_corrupt_index_is_replaced_silently(folder: Path, tmp_path: Path, garbage: bytes) -> None:
    index_path = tmp_path / "search.sqlite"
    index_path.write_bytes(garbage)
    library = load_library([folder])
    index = SearchIndex(index_path)
    assert index.search("viaduct") == []  # nothing to search yet, and no error
    result = index.update(library.articles, paths=library.paths)
    assert result.added == 4
    assert titles(library, index.search("viaduct")) == ["Council approves the tram line"]


def test_an_index_damaged_after_opening_is_rebuilt(folder: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "search.sqlite"
    library, index = built(folder, index_path)
    index.close()
    with sqlite3.connect(index_path) as conn:
        conn.execute("DROP TABLE fts")
    index = SearchIndex(index_path)
    assert index.search("viaduct") == []
    index.update(library.articles, paths=library.paths)
    assert titles(library, index.search("viaduct")) == ["Council approves the tram line"]


def test_an_index_from_another_parser_version_is_rebuilt(folder: Path, tmp_path: Path) -> None:
    index_path = tmp_path / "search.sqlite"
    library, index = built(folder, index_path)
    assert index.search("viaduct")  # the searches' connection is open
    with sqlite3.connect(index_path) as conn:
        conn.execute("UPDATE meta SET value = '-1' WHERE key = 'parser'")
    write(folder, "tram.txt", "Council approves the tram line", "Trams will cross the new causeway.")
    library = load_library([folder])
    assert index.update(library.articles, paths=library.paths).added == 4  # all again, in a new file
    assert titles(library, index.search("causeway")) == ["Council approves the tram line"]
    assert index.search("viaduct") == []


def test_searching_never_creates_or_changes_the_file(tmp_path: Path) -> None:
    index_path = tmp_path / "search.sqlite"
    assert SearchIndex(index_path).search("anything") == []
    assert not index_path.exists()
    index_path.write_bytes(b"not a database")
    assert SearchIndex(index_path).search("anything") == []
    assert index_path.read_bytes() == b"not a database"


def test_an_unwritable_cache_folder_gives_a_clear_error(folder: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    library = load_library([folder])
    index = SearchIndex(blocker / "search.sqlite")
    with pytest.raises(search_module.SearchError, match="search index"):
        index.update(library.articles, paths=library.paths)
    assert index.search("viaduct") == []


def test_articles_without_files_are_indexed_from_memory(tmp_path: Path) -> None:
    one = Article(id="one", title="Kelp farm expands", body=(Block("paragraph", "Seaweed harvest doubles."),))
    two = Article(id="two", title="Library hours", body=(Block("paragraph", "Open late on Fridays."),))
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update([one, two])
    assert index.search("seaweed") == ["one"]
    changed = Article(id="one", title="Kelp farm expands", body=(Block("paragraph", "Oyster beds too."),))
    assert index.update([changed, two]).added == 1
    assert index.search("seaweed") == []
    assert index.search("oyster") == ["one"]


def test_the_seeds_index_in_a_child_process_as_in_this_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = load_library(folders=[seeds_dir()])
    inline = SearchIndex(tmp_path / "inline.sqlite")
    inline.update(library.articles, paths=library.paths)
    monkeypatch.setattr(search_module, "MIN_FOR_PROCESSES", 1)
    pooled = SearchIndex(tmp_path / "pooled.sqlite")
    assert pooled.update(library.articles, paths=library.paths, processes=1).added == len(library)
    for query in ("tram", "tidal power", '"night market"', "lighth*", "council"):
        assert pooled.search(query) == inline.search(query) != []


@pytest.mark.parametrize("program", ["/bin/false", "/no/such/program"])
def test_a_failing_parsing_process_still_leaves_a_complete_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, program: str
) -> None:
    library = load_library(folders=[seeds_dir()])
    monkeypatch.setattr(search_module, "MIN_FOR_PROCESSES", 1)
    monkeypatch.setattr(sys, "executable", program)
    index = SearchIndex(tmp_path / "search.sqlite")
    assert index.update(library.articles, paths=library.paths, processes=2).added == len(library)
    assert titles(library, index.search('"night market"'))


def test_a_stop_request_ends_the_build_early_and_the_next_update_finishes(folder: Path, tmp_path: Path) -> None:
    library = load_library([folder])
    index = SearchIndex(tmp_path / "search.sqlite")
    stop = threading.Event()
    stop.set()
    assert index.update(library.articles, paths=library.paths, stop=stop).stopped
    result = index.update(library.articles, paths=library.paths)
    assert (result.added, result.stopped) == (4, False)


def many(count: int) -> list[Article]:
    return [
        Article(id=f"a{n}", title=f"Council story {n}", body=(Block("paragraph", f"council harbour word{n} " * 20),))
        for n in range(count)
    ]


def test_a_query_cancelled_while_running_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update(many(300))
    real = index._reader

    def cancelled_at_start() -> sqlite3.Connection:
        conn = real()
        index.cancel()  # as if the user typed again just as the query started
        return conn

    monkeypatch.setattr(index, "_reader", cancelled_at_start)
    with pytest.raises(SearchCancelled):
        index.search("council", None)
    monkeypatch.undo()
    assert len(index.search("council", None)) == 300  # the index still works


def test_a_newer_search_cancels_the_running_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update(many(300))
    real = index._reader
    started = threading.Event()
    outcome: list[object] = []

    def slow_first(mine: list[int] = []) -> sqlite3.Connection:  # noqa: B006
        conn = real()
        if not mine:
            mine.append(index._generation)
            started.set()
            deadline = time.monotonic() + 10
            while index._generation == mine[0] and time.monotonic() < deadline:
                time.sleep(0.001)  # until the second search has been asked for
        return conn

    monkeypatch.setattr(index, "_reader", slow_first)

    def first() -> None:
        try:
            outcome.append(index.search("council", None))
        except SearchCancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(10)
    second = index.search("word7", None)
    thread.join(10)
    assert outcome == ["cancelled"]
    assert second == ["a7"]


def test_default_path_is_in_the_cache_folder(private_folders: Path) -> None:
    assert default_path() == private_folders / "cache" / "search.sqlite"


def test_the_search_module_does_not_import_textual() -> None:
    code = "import sys, reader.search; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_has_entries_only_for_a_usable_index_holding_stories_and_never_creates_one(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite"
    index = SearchIndex(path)
    assert not index.has_entries()
    assert not path.exists()
    index.update([])
    assert not index.has_entries()  # made, but empty: nothing to answer with yet
    index.update([Article(id="a", title="Harbour storm")])
    assert SearchIndex(path).has_entries()
    path.write_bytes(b"not an index")
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert not SearchIndex(path).has_entries()
