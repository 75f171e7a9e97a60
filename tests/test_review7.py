"""Faults found by the seventh review (fresh eyes on the warm launch, records, lazy imports, config problems,
theme contrast and backlinks found ahead), each shown by a test that failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import search
from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.search import SearchIndex
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import main, settle


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Editors on Windows (Notepad) save UTF-8 with a byte-order mark: config.json was refused whole ("not
    valid JSON"), every setting of the user's ignored, as if the file were broken."""
    path = tmp_path / "config.json"
    path.write_bytes(b'\xef\xbb\xbf{"sort": "oldest", "keymap": {"app.quit": "ctrl+q"}}\n')
    config = Config.load(path)
    assert config.problems == []
    assert config.sort == "oldest" and config.keymap == {"app.quit": "ctrl+q"}
    config.sort = "section"
    config.save(path)  # not frozen: the user's change is kept
    assert Config.load(path).sort == "section"
    assert Config.load(path).keymap == {"app.quit": "ctrl+q"}


async def test_a_python_without_sqlite_reads_the_library_and_filters_by_title(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite is imported when the search index is first used (after the first frame). A Python built
    without it (pyenv on a system lacking libsqlite3-dev) then crashed the app with a traceback just after
    the headlines were shown; the index is only a cache: the filter matches titles and p says why."""
    monkeypatch.setattr(search, "sqlite3", search._OnFirstUse("_reader_test_no_sqlite3"))
    index = SearchIndex(tmp_path / "search.sqlite")
    app = ReaderApp(library, Store(None), Config(refresh_minutes=0), poll_interval=0, search_index=index)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_running
        problems = [p for p in app.runtime_problems if isinstance(p, str) and "search index unavailable" in p]
        assert len(problems) == 1 and "_reader_test_no_sqlite3" in problems[0]
        title = library.articles[0].title
        await pilot.press("slash")
        await pilot.press(*title.split()[0])
        await settle(pilot)
        rows = main(app).query_one(HeadlineList).rows
        assert [a.id for a in rows if a.title == title] == [library.articles[0].id]
    assert app.return_code in (None, 0)
