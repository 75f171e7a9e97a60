"""Keys typed in one burst (a fast typist, a paste, tmux send-keys) after a key that moves the focus
go where the focus went: "/harb" filters by "harb", Tab then j scrolls the article, 4 then j and Enter
open the second feed.

``pilot.press`` waits for the app to go idle after each key, so it never sends a burst: ``burst`` posts
every key at once, as the terminal driver does for one read."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_httpserver import HTTPServer
from textual import events
from textual.widgets import Input

from reader.app import ReaderApp
from reader.config import Config
from reader.feeds.refresh import refresh
from reader.library import load_library
from reader.paths import seeds_dir
from reader.screens.help import HelpScreen
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.filter_box import FilterBox
from reader.widgets.find_bar import FindBar
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from tests import test_feeds_support as support
from tests.helpers.pilot import highlighted, main, settle, started
from tests.test_app_feeds import make_app, titles, two_feeds

_module_server = support._module_server
server = support.server

CHARACTERS = {"/": "slash", "\t": "tab", "\r": "enter"}


def burst(app: ReaderApp, keys: str | list[str]) -> None:
    """Post every key of ``keys`` (characters, or key names) to the app at once, as the terminal driver
    does for one read."""
    for key in keys:
        name = CHARACTERS.get(key, key)
        app.post_message(events.Key(name, key if len(key) == 1 else None))


def seeds_app(tmp_path: Path) -> ReaderApp:
    return ReaderApp(load_library(folders=[seeds_dir()]), Store(tmp_path / "state.json"), Config(refresh_minutes=0))


async def test_letters_typed_right_after_slash_reach_the_filter(tmp_path: Path) -> None:
    library = load_library(folders=[seeds_dir()])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(refresh_minutes=0))
    async with started(app, (80, 24)) as pilot:
        burst(app, "/harb")
        await settle(pilot)

        box = main(app).query_one(FilterBox)
        assert box.has_focus and box.value == "harb"
        assert "“harb”" in main(app).subtitle
        shown = main(app).query_one(HeadlineList).rows
        assert 0 < len(shown) < len(library.articles)  # the list is filtered


async def test_keys_after_the_focus_moves_do_not_act_on_the_list(tmp_path: Path) -> None:
    """'m' typed in the burst goes into the filter as a letter: it marks no story read."""
    library, store = load_library(folders=[seeds_dir()]), Store(tmp_path / "state.json")
    app = ReaderApp(library, store, Config(refresh_minutes=0))
    async with started(app, (80, 24)) as pilot:
        before = sum(store.is_read(a.id) for a in library.articles)
        burst(app, "/mm")
        await settle(pilot)

        assert main(app).query_one(FilterBox).value == "mm"
        assert sum(store.is_read(a.id) for a in library.articles) == before


async def test_keys_and_text_pasted_right_after_ctrl_f_reach_the_find_bar(tmp_path: Path) -> None:
    """ctrl+f shows the find bar and moves to it: the word typed and the text pasted after it go there."""
    app = seeds_app(tmp_path)
    async with started(app, (100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        burst(app, ["ctrl+f", "t", "h"])
        app.post_message(events.Paste("e harbour"))
        await settle(pilot)

        bar = main(app).query_one(FindBar)
        assert bar.display and bar.query_one(Input).has_focus and bar.query_text == "the harbour"


async def test_keys_after_tab_scroll_the_article_and_leave_the_list_alone(tmp_path: Path) -> None:
    app = seeds_app(tmp_path)
    async with started(app, (100, 20)) as pilot:
        screen = main(app)
        headlines, article = screen.query_one(HeadlineList), screen.query_one(ArticleView)
        longest = max(headlines.rows, key=lambda a: a.read_minutes or 0)
        while highlighted(app) != longest:
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert headlines.has_focus and article.max_scroll_y > 3  # the story is open, longer than its pane

        burst(app, ["tab", "j", "j", "down"])
        await settle(pilot)

        assert article.has_focus and article.scroll_y == 3
        assert highlighted(app) == longest  # the list's cursor did not move


async def test_a_story_opened_after_q_in_the_article_is_the_next_headline(tmp_path: Path) -> None:
    """One pane at a time: Enter shows the article, q the list again, j moves down it, Enter opens that story."""
    app = seeds_app(tmp_path)
    async with started(app, (50, 24)) as pilot:
        screen = main(app)
        rows = screen.query_one(HeadlineList).rows
        burst(app, ["enter", "q", "j", "enter"])
        await settle(pilot)

        assert screen.story is not None and screen.story.article.id == rows[1].id
        assert screen.has_class("show-article") and screen.query_one(ArticleView).has_focus


async def test_j_after_enter_scrolls_the_story_just_shown(tmp_path: Path) -> None:
    """One pane at a time: the article pane Enter shows knows its length before j scrolls it."""
    app = seeds_app(tmp_path)
    async with started(app, (50, 24)) as pilot:
        screen = main(app)
        longest = max(screen.query_one(HeadlineList).rows, key=lambda a: a.read_minutes or 0)
        while highlighted(app) != longest:
            await pilot.press("down")
        burst(app, ["enter", "j", "j"])
        await settle(pilot)

        article = screen.query_one(ArticleView)
        assert screen.story is not None and screen.story.article.id == longest.id
        assert article.has_focus and article.max_scroll_y > 2 and article.scroll_y == 2


async def test_j_typed_right_after_question_mark_scrolls_the_help(tmp_path: Path) -> None:
    app = seeds_app(tmp_path)
    async with started(app, (80, 24)) as pilot:
        burst(app, ["question_mark", "j", "j", "j"])
        await settle(pilot)

        assert isinstance(app.screen, HelpScreen)
        assert app.screen.query_one("#help-keys").scroll_y == 3


async def test_j_and_enter_after_4_open_the_second_feed(server: HTTPServer, tmp_path: Path) -> None:
    _gazette, herald = two_feeds(server)
    await asyncio.to_thread(refresh)
    app = make_app(tmp_path / "state.json")
    async with started(app, (160, 48)) as pilot:
        screen = main(app)
        first = highlighted(app)
        burst(app, ["4", "j", "enter"])
        await settle(pilot)

        assert screen.scope == herald and titles(screen) == ["Elsen market opens on Sunday"]
        assert screen.story is None or screen.story.article != first  # Enter went to the feeds, not the list
        assert screen.query_one(HeadlineList).has_focus


async def test_keys_after_s_on_a_narrow_screen_move_in_the_sidebar(tmp_path: Path) -> None:
    """s shows the folded sidebar and moves there: Enter on its entry follows it, the list stays put."""
    app = seeds_app(tmp_path)
    async with started(app, (100, 30)) as pilot:
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        before = highlighted(app)
        burst(app, ["s", "j", "j"])
        await settle(pilot)

        sidebar = screen.query_one(Sidebar)
        assert sidebar.has_focus and highlighted(app) == before
