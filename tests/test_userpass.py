"""Found by using reader as a newsboat user would: what the screen showed wrong, and now shows right."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.pilot import Pilot
from textual.scroll_view import ScrollView
from textual.widgets import Static

from reader.app import ReaderApp
from reader.config import Config
from reader.feeds.refresh import refresh
from reader.feeds.subscriptions import Feed, FeedStatus, add_feed, editing
from reader.library import Library, load_library
from reader.paths import seeds_dir
from reader.screens.feed_actions import NO_FEEDS
from reader.screens.problems import ProblemsScreen, entry, where_and_why
from reader.store import Store
from reader.widgets.feed_refresh import feed_problem
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from reader.widgets.sources import Sources, state_line
from tests import test_feeds_support as support
from tests.helpers.pilot import main, settle
from tests.test_app_feeds import make_app, two_feeds

_module_server = support._module_server
server = support.server


def seeds() -> Library:
    """The bundled sample library."""
    return load_library(folders=[seeds_dir()])


async def seen(pilot: Pilot[Any], widget: ScrollView) -> str:
    """Every line a scrolling list draws, scrolled through from top to bottom."""
    height = widget.scrollable_content_region.height
    lines: dict[int, str] = {}
    for top in range(0, max(1, widget.virtual_size.height), height):
        widget.scroll_to(y=top, animate=False)
        await pilot.pause()
        offset = round(widget.scroll_offset.y)
        for row in range(min(height, widget.virtual_size.height - offset)):
            lines[offset + row] = widget.render_line(row).text
    return "\n".join(lines[row] for row in sorted(lines))


async def test_a_sidebar_entry_keeps_its_last_line_when_the_scrollbar_appears(tmp_path: Path) -> None:
    """The sidebar was measured before its scrollbar took two columns: long entries lost their last line."""
    library = seeds()
    short = next(a for a in library.articles if a.title.startswith("Scientists map the singing caves"))
    long = next(a for a in library.articles if a.title.startswith("NATO chief meets"))
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(Sidebar)
        main(app).open_article(short.id)  # few links: no scrollbar
        await settle(pilot)
        assert not sidebar.show_vertical_scrollbar
        main(app).open_article(long.id)  # many: the scrollbar appears
        await settle(pilot)
        assert sidebar.show_vertical_scrollbar
        missing = [entry for entry in sidebar.entries.values() if entry.target is None]
        assert len(missing) > 5
        text = await seen(pilot, sidebar)
        assert text.count("library)") == len(missing)  # every "(not in library)" shown whole
        for entry in missing:
            last_word = entry.headline.split()[-1]
            assert last_word in text


async def test_the_sources_pane_is_titled_and_its_first_feed_lines_up_with_the_first_headline(tmp_path: Path) -> None:
    """4 put the feeds where the sidebar was, but with no title line: every feed sat one row above its
    headline neighbour, and nothing named the pane."""
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        sources = app.screen.query_one(Sources)
        headlines = app.screen.query_one(HeadlineList)
        assert sources.display and sources.has_focus
        top = sources.render_lines(Region(0, 0, sources.size.width, 1))[0].text
        assert "Sources" in top
        assert sources.content_region.y == headlines.content_region.y
        assert "No feeds yet" in sources.render_line(0).text


async def test_p_lists_a_feed_that_failed_before_the_app_started(tmp_path: Path) -> None:
    """A feed that failed in `reader refresh` showed its error in Sources, but p said "No problems";
    and a feed named with a colon was cut there, the rest of its name shown as the error."""
    add_feed("http://127.0.0.1:9/world.xml", feed_title="Marrowick News: World")
    with editing() as feeds:
        for stored in feeds:
            stored.last_refresh = "2026-11-29T05:00:00+00:00"
            stored.last_error = "malformed feed: not XML"
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert len(app.screen.query(".problem")) == 1
        assert [entry(problem).plain for problem in app.screen.problems] == [
            "feed “Marrowick News: World”\nmalformed feed: not XML"
        ]
        assert "Problems (1)" in str(app.screen.query_one("#problems-title", Static).render())
        await pilot.press("escape", "4")  # the Sources pane loads the feeds again: still listed once
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert len(app.screen.query(".problem")) == 1


async def test_j_k_g_G_scroll_the_help_and_problems_screens(tmp_path: Path) -> None:
    """At 80x24 the keys run past the screen; j, k, g and G (the list's keys) did nothing there."""
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.runtime_problems.extend(f"problem {n}: a reason long enough to need a line" for n in range(20))
        for key, box in (("question_mark", "#help-keys"), ("p", "#problems-list")):
            await pilot.press(key)
            await settle(pilot)
            keys = app.screen.query_one(box, VerticalScroll)
            assert keys.max_scroll_y > 2  # there is more than the screen holds
            await pilot.press("j", "j")
            await pilot.pause()
            assert keys.scroll_y == 2
            await pilot.press("k")
            await pilot.pause()
            assert keys.scroll_y == 1
            await pilot.press("G")
            await pilot.pause()
            assert keys.scroll_y == keys.max_scroll_y
            await pilot.press("g")
            await pilot.pause()
            assert keys.scroll_y == 0
            await pilot.press("escape")
            await settle(pilot)


def test_a_feed_problem_keeps_a_colon_in_the_feed_s_name() -> None:
    assert where_and_why(feed_problem("BBC News: World", "HTTP 404 Not Found")) == (
        "feed “BBC News: World”",
        "HTTP 404 Not Found",
    )
    assert where_and_why(feed_problem("Herald", "malformed feed: line 2: syntax error")) == (
        "feed “Herald”",
        "malformed feed: line 2: syntax error",
    )


async def test_on_a_narrow_terminal_the_palette_key_covers_the_footer_s_last_column(tmp_path: Path) -> None:
    """At 50 columns the footer's keys run under "^p palette", and its margin let one letter of them show
    in the last column: "^p palettee"."""
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        for key in ("enter", "s"):  # the article's keys, then the sidebar's: both run past 50 columns
            await pilot.press(key)
            await settle(pilot)
            palette = app.screen.query_one("FooterKey.-command-palette")
            assert palette.region.right == 50
            assert palette.render_line(0).text.rstrip().endswith("palette")


async def test_a_list_scoped_to_a_feed_counts_the_feed_s_unread_stories_in_the_header(
    server: HTTPServer, tmp_path: Path
) -> None:
    """Scoped to a feed of 2 stories, the header said "Marrowick Gazette · 3 unread": the library's count,
    read as the feed's."""
    _gazette, _herald = two_feeds(server)
    await asyncio.to_thread(refresh)
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("4", "enter")  # the highlighted feed: the Gazette, 2 stories
        await settle(pilot)
        assert "Marrowick Gazette: 2 unread · 3 in all" in app.sub_title
        await pilot.press("tab", "m")  # one of its stories read
        await settle(pilot)
        assert "Marrowick Gazette: 1 unread · 2 in all" in app.sub_title
        await pilot.press("4", "4")  # every story again: the library's count alone
        await settle(pilot)
        assert "Gazette" not in app.sub_title and "All stories · 2 unread" in app.sub_title


def test_a_failing_feed_says_failed_not_refreshed_and_when_it_last_worked() -> None:
    """The Sources line of a feed whose last refresh failed began "refreshed 5 min ago"."""
    now = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    feed = Feed(id="f", url="http://127.0.0.1:9/f.xml", title="Herald")
    feed.last_refresh, feed.last_error = "2026-11-29T05:55:00+00:00", "HTTP 500 Internal Server Error"
    feed.last_success = "2026-11-27T06:00:00+00:00"
    assert (
        state_line(FeedStatus(feed, 3, 1), now)
        == "failed 5 min ago · HTTP 500 Internal Server Error · last worked 2 d ago"
    )
    feed.last_error, feed.last_success = None, feed.last_refresh
    assert state_line(FeedStatus(feed, 3, 1), now) == "refreshed 5 min ago"


async def test_r_and_R_with_no_feeds_say_how_to_subscribe(tmp_path: Path) -> None:
    """With no feeds, r said "Not a feed story: R refreshes every feed" and R "Refreshed 0 feeds: 0 new"."""
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "reader feeds add URL" in NO_FEEDS
        for key in ("r", "R"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert [str(notification.message) for notification in app._notifications] == [NO_FEEDS]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_s_in_the_sources_pane_puts_the_sidebar_back(tmp_path: Path, size: tuple[int, int]) -> None:
    """s, shown in the Sources pane's footer, changed nothing on screen: it only flipped the hidden sidebar's
    setting (saved), so the sidebar was missing once the Sources pane closed."""
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(app)
        sidebar, sources = screen.query_one(Sidebar), screen.query_one(Sources)
        await pilot.press("4")
        await settle(pilot)
        assert sources.display and not sidebar.display
        await pilot.press("s")
        await settle(pilot)
        assert sidebar.display and sidebar.has_focus and not sources.display
        assert app.config.show_sidebar
        await pilot.press("s")  # and s hides it again, as anywhere
        await settle(pilot)
        assert not sidebar.display and not sources.display


async def test_below_60_columns_4_shows_the_sources_pane_in_the_list_s_place(tmp_path: Path) -> None:
    """One pane at a time, 4 focused the Sources pane but gave it no width: j and Enter scoped the list blind."""
    add_feed("http://127.0.0.1:9/gazette.xml", feed_title="Marrowick Gazette")
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        screen = main(app)
        sources, headlines = screen.query_one(Sources), screen.query_one(HeadlineList)
        await pilot.press("4")
        await settle(pilot)
        assert sources.has_focus and sources.region.width == 50
        assert headlines.size.width == 0  # the list is put away while the feeds show
        assert "Marrowick Gazette" in sources.render_line(0).text
        await pilot.press("enter")
        await settle(pilot)
        assert screen.scope is not None and headlines.has_focus and headlines.region.width == 50
        assert not sources.display


async def test_moving_down_the_list_never_leaves_a_title_s_tail_at_the_top(tmp_path: Path) -> None:
    """With an odd number of lines for the list (37 at 40 rows, 13 at 16), j past the bottom left the second line of a
    headline at the top: a title's tail with no marker, read as a headline of its own."""
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(120, 16)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        height = headlines.scrollable_content_region.height
        assert height % 2 == 1 and len(headlines.rows) * 2 > height + 4
        for _ in range(height // 2 + 2):  # past the bottom: the list scrolls
            await pilot.press("j")
            await pilot.pause()
            top = round(headlines.scroll_y)
            where = headlines.at_line(top)  # (row, line of the row) of the top line
            assert (isinstance(where, tuple) and where[1] == 0) or top == headlines.max_scroll_y
            cursor = headlines.cursor_line - top
            assert cursor >= 0 and cursor + 1 < height  # the highlighted headline whole on screen
        assert headlines.scroll_y > 0


@pytest.mark.parametrize("rows", [16, 17])
async def test_at_the_end_of_the_list_no_half_headline_shows_at_the_top(tmp_path: Path, rows: int) -> None:
    """With an odd number of lines for the list, G (the end) showed the second line of a headline at the top."""
    app = ReaderApp(seeds(), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(120, rows)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList)
        height = headlines.scrollable_content_region.height
        assert len(headlines.rows) * 2 > height + 4
        for keys in (("G",), ("g", "G"), ("g", "pagedown", "pagedown", "pagedown", "pagedown", "pagedown")):
            await pilot.press(*keys)
            await settle(pilot)
            top = round(headlines.scroll_y)
            assert top == headlines.max_scroll_y > 0
            where = headlines.at_line(top)
            assert isinstance(where, tuple) and where[1] == 0  # a headline's first line, its marker and title
            last = headlines.line_of(len(headlines.rows) - 1) - top
            assert last >= 0 and last + 1 < height  # the last headline whole on screen
            assert headlines.render_line(0).text.strip()  # the top line is a headline's first line
