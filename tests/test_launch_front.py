"""A warm launch draws the front of the library (its first rows and the counts, kept beside the parse cache) and
loads the rest right after the first frame: the front is exactly what the whole library shows, a key acts on
the whole list, and a front that is missing, stale or damaged only means the usual load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from textual import events

from bench.pages import page
from reader import front as front_module
from reader.app import ReaderApp
from reader.cache import ParseCache
from reader.changes import PendingChanges
from reader.config import Config
from reader.front import front_path
from reader.library import Library, default_library, front_library, load_library
from reader.paths import articles_dir, cache_dir, seeds_dir
from reader.store import Store
from reader.views import arrange, unread_totals
from reader.widgets.headline_list import HeadlineList
from reader.widgets.title_header import TitleHeader
from tests.helpers.pilot import main, settle

COUNT = 60  # stories of generated pages (dates repeat: equal dates keep the load's order), besides the seeds
ROWS = 20  # the front's rows at each end in these tests: enough for a terminal of 24 lines


@pytest.fixture(autouse=True)
def small_front(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(front_module, "FRONT_ROWS", ROWS)
    monkeypatch.setenv("LINES", "24")  # the terminal's height, as the launch finds it


@pytest.fixture
def folder() -> Path:
    """The user's articles folder, filled; the parse cache and the front written by a load of it."""
    folder = articles_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(COUNT):
        (folder / f"page-{n:03d}.txt").write_text(page(n, COUNT), encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00 not a page")  # a problem the launch reports
    default_library()
    return folder


def store_with_marks(tmp_path: Path, whole: Library, last: str | None = None) -> Store:
    """A state file with every third story read, two bookmarks, and a last opened story."""
    store = Store(tmp_path / "state.json")
    store.set_read_many([a.id for a in whole.articles[::3]])
    store.set_read("an id no file has")  # a mark of a story gone counts for nothing
    for article in whole.articles[1:3]:
        store.set_bookmark(article.id, True, title=article.title)
    if last is not None:
        store.set_last_opened(last)
    return store


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_the_front_holds_the_first_rows_and_the_counts_of_the_whole_library(
    folder: Path, tmp_path: Path, sort: str
) -> None:
    whole = default_library(trust=True)
    store = store_with_marks(tmp_path, whole)
    library = front_library([], store.read_marks, sort, None)
    assert library is not None and library.front is not None and library.loading
    rows = library.front.rows(sort)
    expected = arrange(whole.articles, sort)
    assert len(rows) == len(expected) > 2 * ROWS
    assert [(a.id, a.title, a.section, a.published, a.read_minutes) for a in rows] == [
        (a.id, a.title, a.section, a.published, a.read_minutes) for a in expected[:ROWS]
    ]
    assert (library.front.unread, library.front.minutes) == unread_totals(whole, PendingChanges(store))
    assert [str(p) for p in library.problems] == [str(p) for p in whole.problems] != []
    first = rows[0]
    assert library.paths[first.id] == whole.paths[first.id]  # its story can be opened


def test_the_rest_is_the_whole_library(folder: Path, tmp_path: Path) -> None:
    library = front_library([], {}, "newest", None)
    assert library is not None
    library.load_rest(lambda: default_library(trust=True))
    library.complete()
    whole = default_library(trust=True)
    assert library.front is None and not library.loading and library.unchecked
    assert [a.id for a in library.articles] == [a.id for a in whole.articles]
    assert library.links(library.articles[0]) == whole.links(whole.articles[0])


def test_a_cursor_or_a_terminal_past_the_front_s_rows_means_the_usual_load(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = default_library(trust=True)
    assert front_library([], {}, "newest", whole.articles[3].id) is not None
    assert front_library([], {}, "newest", "a story no longer there") is not None
    assert front_library([], {}, "newest", whole.articles[ROWS - 3].id) is None  # too few rows below it to fill
    assert front_library([], {}, "newest", whole.articles[ROWS].id) is None
    assert front_library([], {}, "oldest", whole.articles[ROWS].id) is None
    assert front_library([], {}, "oldest", whole.articles[-1].id) is not None
    assert front_library([], {}, "section", None) is None  # a sort the front does not hold
    monkeypatch.setenv("LINES", str(2 * ROWS))
    assert front_library([], {}, "newest", None) is None


def test_a_front_of_another_generation_of_the_parse_cache_is_not_used_and_is_written_again(folder: Path) -> None:
    kept = front_path(cache_dir() / "parse-cache.json")
    old = kept.read_bytes()
    (folder / "page-new.txt").write_text(page(COUNT, COUNT + 1).replace("WORLD", "WORLD", 1), encoding="utf-8")
    whole = load_library(folders=[articles_dir(), seeds_dir()], cache=_cache())  # the cache written again
    kept.write_bytes(old)  # as if a run had stopped before writing the front
    assert front_library([], {}, "newest", None) is None
    default_library(trust=True)  # a launch's load writes it again
    library = front_library([], {}, "newest", None)
    assert library is not None and library.front is not None
    assert library.front.total == len(whole) and [a.id for a in library.front.rows("newest")] == [
        a.id for a in whole.articles[:ROWS]
    ]


def _cache() -> ParseCache:
    return ParseCache(cache_dir() / "parse-cache.json")


def _damaged(data: dict[str, Any], damage: str) -> bytes:
    """A front file's data damaged one way."""
    if damage == "truncated":
        return orjson.dumps(data)[:-40]
    if damage == "not json":
        return b"\x00\xff garbage"
    if damage == "escape in a title":
        data["newest"]["titles"][0] = "Harbour \x1b[31m news"
    elif damage == "a row missing":
        data["newest"]["titles"].pop()
    elif damage == "counts of another library":
        data["read_minutes"] = data["read_minutes"][1:]
    elif damage == "an id twice":
        ids = data["ids"].split("\n")
        data["ids"] = "\n".join([ids[1], *ids[1:]])
    elif damage == "other folders":
        data["roots"] = [1]
    elif damage == "no generation":
        del data["generation"]
    elif damage == "a number for a title":
        data["newest"]["titles"][0] = 5
    return orjson.dumps(data)


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "not json",
        "escape in a title",
        "a row missing",
        "counts of another library",
        "an id twice",
        "other folders",
        "a number for a title",
        "no generation",
    ],
)
def test_a_damaged_front_means_the_usual_load(
    folder: Path, tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = default_library(trust=True)
    store = store_with_marks(tmp_path, whole)
    kept = front_path(cache_dir() / "parse-cache.json")
    kept.write_bytes(_damaged(orjson.loads(kept.read_bytes()), damage))
    library, _ = cli_load(monkeypatch, store)
    assert library.front is None and [a.id for a in library.articles] == [a.id for a in whole.articles]
    again = front_library([], store.read_marks, "newest", None)  # that load wrote it again (unless of other folders)
    assert again is not None if damage != "other folders" else again is None


def test_the_command_launches_from_the_front_when_it_can(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = default_library(trust=True)
    store = store_with_marks(tmp_path, whole)
    library, _ = cli_load(monkeypatch, store)
    assert library.front is not None and library.front.total == len(whole)
    library.complete()  # as the app does after the first frame
    assert library.front is None and [a.id for a in library.articles] == [a.id for a in whole.articles]


def cli_load(monkeypatch: pytest.MonkeyPatch, store: Store) -> tuple[Library, Store]:
    """What the ``reader`` command's launch loads, over ``store``'s marks."""
    from reader import cli
    from reader import store as store_module

    got: list[tuple[Library, Store]] = []
    monkeypatch.setattr(store_module, "open_store", lambda path=None: store)
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: got.append(self._loader()))
    cli.main([])
    return got[0]


def _lines(app: ReaderApp) -> list[str]:
    """What the list and the header draw, line by line."""
    headlines = main(app).query_one(HeadlineList)
    header = main(app).query_one(TitleHeader)
    list_lines = [headlines.render_line(y).text for y in range(headlines.size.height)]
    header_lines = [header.render_line(y).text for y in range(header.size.height)]
    return header_lines + list_lines


@pytest.mark.parametrize("sort", ["newest", "oldest"])
async def test_the_first_frame_shows_what_the_whole_library_shows(folder: Path, tmp_path: Path, sort: str) -> None:
    whole = default_library(trust=True)
    store = store_with_marks(tmp_path, whole, last=arrange(whole.articles, sort)[3].id)
    drawn: list[list[str]] = []

    def load() -> tuple[Library, Store]:
        library = front_library([], store.read_marks, sort, store.last_opened)
        assert library is not None

        def rest() -> Library:
            drawn.append(_lines(app))  # what the front drew, before the rest is loaded
            return default_library(trust=True)

        library.load_rest(rest)
        return library, store

    app = ReaderApp(config=Config(sort=sort, refresh_minutes=0), loader=load, load_now=True, poll_interval=0)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert len(drawn) == 1 and app.library is not None and app.library.front is None
        assert drawn[0] == _lines(app)
        rows = main(app).query_one(HeadlineList).rows
        assert [a.id for a in rows] == [a.id for a in arrange(whole.articles, sort)]
        assert main(app).unread == unread_totals(whole, PendingChanges(store))[0]


@pytest.mark.parametrize("when", ["as the app starts", "right after the first frame"])
async def test_a_key_pressed_before_the_rest_is_loaded_acts_on_the_whole_list(
    folder: Path, tmp_path: Path, when: str
) -> None:
    whole = default_library(trust=True)
    store = Store(tmp_path / "state.json")
    loaded: list[bool] = []

    def keys() -> None:
        app.post_message(events.Key("end", None))
        app.post_message(events.Key("up", None))

    def load() -> tuple[Library, Store]:
        library = front_library([], store.read_marks, "newest", None)
        assert library is not None

        def rest() -> Library:
            loaded.append(True)
            return default_library(trust=True)

        library.load_rest(rest)
        if when == "as the app starts":
            keys()  # handled once the first screen is up, before the rest is loaded
        else:
            app.call_after_refresh(keys)
        return library, store

    app = ReaderApp(config=Config(refresh_minutes=0), loader=load, load_now=True, poll_interval=0)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        assert loaded == [True]
        assert headlines.highlighted is not None and headlines.highlighted.id == whole.articles[-2].id
        assert headlines.cursor == len(whole) - 2


def test_a_parse_cache_cut_short_means_the_usual_load(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = default_library(trust=True)
    cache_file = cache_dir() / "parse-cache.json"
    with open(cache_file, "r+b") as file:
        file.truncate(cache_file.stat().st_size // 2)  # its first bytes name the generation the front was made from
    library, _ = cli_load(monkeypatch, Store(tmp_path / "state.json"))
    assert library.front is None and [a.id for a in library.articles] == [a.id for a in whole.articles]


def test_a_parse_cache_of_an_earlier_version_gets_a_generation_and_a_front(folder: Path) -> None:
    cache_file = cache_dir() / "parse-cache.json"
    data = orjson.loads(cache_file.read_bytes())
    del data["generation"]  # as versions before the front wrote it
    cache_file.write_bytes(orjson.dumps(data))
    front_path(cache_file).unlink()
    assert front_library([], {}, "newest", None) is None
    whole = default_library(trust=True)  # the launch's load: the cache written once more, with a generation
    library = front_library([], {}, "newest", None)
    assert library is not None and library.front is not None and library.front.total == len(whole)
