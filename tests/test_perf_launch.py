"""Issue 9 warm launch: with a warm parse cache the library is loaded before the first screen."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, ParseCache, load_library
from reader.paths import seeds_dir
from reader.screens.loading import LoadingScreen
from reader.screens.main import MainScreen
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import settle


async def test_loading_now_shows_the_headlines_without_a_loading_screen(tmp_path: Path) -> None:
    library = load_library(folders=[seeds_dir()])
    calls: list[int] = []

    def load() -> tuple[Library, Store]:
        calls.append(1)
        return library, Store(tmp_path / "state.json")

    app = ReaderApp(loader=load, load_now=True)
    screens: list[object] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screens.append(type(app.screen))
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert not any(isinstance(s, LoadingScreen) for s in app.screen_stack)
        assert len(app.screen.query_one(HeadlineList).rows) == len(library)
    assert calls == [1] and screens == [MainScreen]


async def test_a_warm_start_builds_the_main_screen_as_the_only_screen(tmp_path: Path) -> None:
    library = load_library(folders=[seeds_dir()])
    app = ReaderApp(loader=lambda: (library, Store(tmp_path / "state.json")), load_now=True, poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [MainScreen]  # no blank screen under it
        assert app.screen.query_one(HeadlineList).has_focus
        await pilot.press("?")  # other screens still open over it and close back to it
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and len(app.screen_stack) == 1


def footer_keys(app: ReaderApp) -> set[str]:
    """The keys the footer shows."""
    return {key.key for key in app.screen.query(FooterKey)}


async def test_the_footer_shows_the_keys_of_the_last_pane_focused_in_a_burst(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.open_article(library.articles[0].id)
        await settle(pilot)
        article, headlines = screen.query_one(ArticleView), screen.query_one(HeadlineList)
        for pane in (article, headlines, article):  # focus moves three times before a refresh
            pane.focus()
        await settle(pilot)
        assert "l" in footer_keys(app)  # the article's Next link
        for pane in (headlines, article, headlines):
            pane.focus()
        await settle(pilot)
        assert "l" not in footer_keys(app) and "m" in footer_keys(app)


def test_a_failing_quick_load_ends_with_one_line_not_a_traceback(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        from reader.app import ReaderApp

        def load():
            raise OSError("disk on fire")

        app = ReaderApp(loader=load, load_now=True)
        app.run(headless=True, size=(80, 24))
        print("exited", app.return_code)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "exited 1" in done.stdout
    assert "reader: cannot load the library: disk on fire" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_cli_loads_at_once_when_the_parse_cache_is_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    """``reader`` with a parse cache present passes ``load_now`` (no loading screen, no GIL contention)."""
    from reader.cli import main
    from reader.paths import cache_dir

    seen: list[bool] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: seen.append(self._load_now))
    main([])
    load_library([seeds_dir()], cache=ParseCache(cache_dir() / "parse-cache.json"))
    main([])
    assert seen == [False, True]


def test_the_cli_shows_the_loading_screen_when_the_parse_cache_is_of_another_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stale cache taken for warm: a cache an older version left (or a damaged one) is no warm start,
    so the first launch after an upgrade shows progress and batches, not a blank terminal while it parses."""
    from reader.cli import main
    from reader.paths import cache_dir

    seen: list[bool] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: seen.append(self._load_now))
    cache_dir().mkdir(parents=True, exist_ok=True)
    for text in ('{"format":2,"parser":4,"entries":{}}', "{}", '{"format":3,"par'):
        (cache_dir() / "parse-cache.json").write_text(text)
        main([])
    cache_file = cache_dir() / "parse-cache.json"
    load_library([seeds_dir()], cache=ParseCache(cache_file))
    with open(cache_file, "r+b") as file:
        file.truncate(500)  # this version's, cut short
    main([])
    assert seen == [False, False, False, False]


def test_nothing_the_first_paint_does_not_need_is_imported_before_it() -> None:
    """Issue 9: feeds, HTTP, extraction and SQLite wait until they are used."""
    import subprocess
    import sys

    heavy = ("sqlite3", "httpx", "feedparser", "trafilatura", "lxml")
    code = f"import sys, reader.cli, reader.app\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
