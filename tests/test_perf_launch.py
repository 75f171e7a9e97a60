"""Issue 9 warm launch: with a warm parse cache the library is loaded before the first screen."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
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
from reader.widgets.filter_box import INDEXING, FilterBox
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import main, settle


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


@pytest.fixture
def gc_paused() -> Iterator[None]:
    """The garbage collector paused, as ``reader`` pauses it for the start; put back as it was after."""
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.mark.usefixtures("gc_paused")
async def test_the_garbage_collector_resumes_once_the_headlines_are_painted(tmp_path: Path) -> None:
    """Issue 9: no collection slows the start; then garbage is collected again, skipping what the start built."""
    library = load_library(folders=[seeds_dir()])
    app = ReaderApp(loader=lambda: (library, Store(tmp_path / "state.json")), load_now=True, gc_paused=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(main(app).query_one(HeadlineList).rows) == len(library)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # the library and the main screen: never scanned again
        garbage: list[list[object]] = [[]]
        garbage[0].append(garbage)  # a cycle made after the start is still collected
        del garbage
        assert gc.collect() > 0


@pytest.mark.usefixtures("gc_paused")
async def test_the_garbage_collector_resumes_on_the_loading_screen_of_a_first_start(tmp_path: Path) -> None:
    """A first start parses while the loading screen shows: collections resume first, nothing is frozen."""
    parsing = threading.Event()

    def load() -> tuple[Library, Store]:
        parsing.wait(30)
        return load_library(folders=[seeds_dir()]), Store(tmp_path / "state.json")

    app = ReaderApp(loader=load, gc_paused=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoadingScreen)
        assert gc.isenabled() and gc.get_freeze_count() == 0
        parsing.set()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


def test_the_cli_pauses_the_garbage_collector_only_while_the_app_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``reader`` leaves collections as it found them, whichever way the app ends."""
    from reader.cli import main as cli_main

    seen: list[tuple[bool, bool]] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: seen.append((gc.isenabled(), self._gc_paused)))
    assert cli_main([]) == 0 and gc.isenabled()

    def crash(self: ReaderApp, *args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ReaderApp, "run", crash)
    with pytest.raises(RuntimeError):
        cli_main([])
    assert gc.isenabled()
    assert seen == [(False, True)]  # paused while the app ran, and the app told to resume it


def test_the_commands_known_without_the_parser_are_the_parser_s() -> None:
    """The TUI starts without building the subcommand parser: its list of names must match it."""
    from reader.cli import COMMANDS, build_parser, subcommands

    assert tuple(subcommands(build_parser())) == COMMANDS


def test_nothing_the_first_paint_does_not_need_is_imported_before_it() -> None:
    """Issue 9: feeds, HTTP, extraction and SQLite wait until they are used."""
    import subprocess
    import sys

    heavy = ("sqlite3", "httpx", "feedparser", "trafilatura", "lxml")
    code = f"import sys, reader.cli, reader.app\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_main_screen_shown_first_looks_as_it_does_styled_again(
    library: Library, tmp_path: Path, theme: str
) -> None:
    """Issue 9: the first showing skips Textual's restyle of the whole screen (its widgets were styled as they
    were mounted): every widget has the style, and the screen the look, that a full restyle gives (whichever
    theme the config names: the app sets it as it starts)."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(theme=theme), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen

        def styles() -> list[tuple[str, str | None, str]]:
            return [(type(w).__name__, w.id, w.styles.css) for w in screen.walk_children(with_self=True)]

        first, look = styles(), app.export_screenshot()
        assert app.theme == theme
        screen.update_node_styles(animate=False)
        screen.refresh(layout=True)
        await settle(pilot)
        assert styles() == first
        assert app.export_screenshot() == look


async def test_the_filter_box_made_at_its_first_use_knows_what_the_index_said(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9: a launch composes no filter box (one widget and Input's styles fewer); the box made when / is first
    pressed searches as the one made at launch did: titles only once the index failed, the index once ready."""
    monkeypatch.setattr(ReaderApp, "reindex", lambda self: None)  # what the index says is what the test says
    for news, searches_index in (([False], False), ([True], True), ([False, True], False), ([], False)):
        app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = main(app)
            assert not screen.query(FilterBox)
            for ok in news:
                screen.search_ready(ok)
            await pilot.press("slash")
            box = screen.query_one(FilterBox)
            assert box.has_focus and box.display
            assert (box.ready and box.index is not None) is searches_index, news
            assert (box.border_subtitle == INDEXING) is (not news), news  # "indexing…" until the index says
            await pilot.press("escape")
            await settle(pilot)
            assert not box.display and screen.query_one(HeadlineList).has_focus


async def test_the_config_s_theme_is_in_force_before_any_style_is_read(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9: a theme chosen in the config is set as the app is made, so the styles are read once, with its
    colours (set on mount, every style read by then was read again: ~25 ms of a launch); a theme picked later
    still restyles everything."""
    from textual.css.stylesheet import Stylesheet

    reparsed: list[int] = []
    reparse = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        reparsed.append(1)
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(theme="nord"), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord" and reparsed == []
        nord = app.get_theme("nord")
        assert nord is not None and nord.background is not None
        assert main(app).styles.background.hex.lower() == nord.background.lower()  # nord's colours on screen
        app.theme = "textual-light"
        await settle(pilot)
        assert reparsed and main(app).styles.background.hex.lower() != nord.background.lower()
