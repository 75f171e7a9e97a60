"""Feeds in the app (Pilot, local server on 127.0.0.1): refresh keys, the Sources pane, o / y, feed errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.geometry import Region
from textual.widgets import Static

from reader import outside
from reader.app import ReaderApp
from reader.config import Config
from reader.feeds.refresh import refresh
from reader.feeds.subscriptions import add_feed, editing
from reader.library import Library, load_library
from reader.paths import articles_dir
from reader.screens.main import MainScreen
from reader.screens.problems import ProblemsScreen
from reader.store import Store
from reader.widgets.feed_refresh import FeedRefresher
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sources import Sources
from tests import test_feeds_support as support
from tests.helpers.pilot import help_text, main, settle
from tests.test_feeds_support import rss

_module_server = support._module_server
server = support.server

LONG = "<p>The council met on Wednesday and argued about the harbour for a long time.</p>" * 20


def item(title: str, guid: str, day: int, base: str) -> dict[str, str]:
    return {
        "title": title,
        "guid": guid,
        "link": f"{base}news/{guid}",
        "date": f"{day:02d} Nov 2026 08:00:00 GMT",
        "content": LONG,
    }


def serve(server: HTTPServer, path: str, title: str, items: list[dict[str, str]]) -> str:
    server.expect_request(path).respond_with_data(rss(title, items), content_type="application/rss+xml")
    return server.url_for(path)


def subscribe(url: str) -> str:
    feed, _new = add_feed(url)
    with editing() as feeds:
        for stored in feeds:
            stored.full_text = "never"  # the items carry their text: no article pages to fetch
    return feed.id


def library() -> Library:
    return load_library(folders=[articles_dir()])


def make_app(state: Path) -> ReaderApp:
    return ReaderApp(library(), Store(state), Config(refresh_minutes=0), poll_interval=0)


def titles(screen: MainScreen) -> list[str]:
    return [a.title for a in screen.query_one(HeadlineList).rows]


def problems(app: ReaderApp) -> list[str]:
    """The problems met while the app ran, each as one line (what it is about: what went wrong)."""
    return [p if isinstance(p, str) else ": ".join(p) for p in app.runtime_problems]


def toasts(app: ReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def two_feeds(server: HTTPServer) -> tuple[str, str]:
    base = server.url_for("/")
    gazette = serve(
        server,
        "/gazette.xml",
        "Marrowick Gazette",
        [
            item("Harbour ferry returns after winter refit", "ferry", 20, base),
            item("Councillors approve the tram depot", "depot", 19, base),
        ],
    )
    herald = serve(server, "/herald.xml", "Elsen Herald", [item("Elsen market opens on Sunday", "market", 18, base)])
    return subscribe(gazette), subscribe(herald)


async def test_R_refreshes_every_feed_new_headlines_arrive_and_errors_reach_p(
    server: HTTPServer, tmp_path: Path
) -> None:
    two_feeds(server)
    server.expect_request("/gone.xml").respond_with_data("no such feed", status=404)
    subscribe(server.url_for("/gone.xml"))
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert titles(screen) == []
        await pilot.press("R")
        await settle(pilot)
        assert titles(screen) == [
            "Harbour ferry returns after winter refit",
            "Councillors approve the tram depot",
            "Elsen market opens on Sunday",
        ]
        assert "3 unread" in app.sub_title and "refreshing" not in app.sub_title
        assert "Refreshed 3 feeds: 3 new, 1 failed (p shows why)" in toasts(app)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        lines = [str(w.render()) for w in app.screen.query(".problem")]
        assert any("404" in line for line in lines), lines


async def test_new_stories_arrive_in_place_and_the_cursor_stays_on_its_story(
    server: HTTPServer, tmp_path: Path
) -> None:
    base = server.url_for("/")
    items = [item("Harbour ferry returns", "ferry", 20, base), item("Tram depot approved", "depot", 19, base)]
    subscribe(serve(server, "/gazette.xml", "Marrowick Gazette", items))
    await asyncio.to_thread(refresh)  # as `reader refresh` would, before the app starts
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("down")
        assert screen.query_one(HeadlineList).highlighted.title == "Tram depot approved"  # type: ignore[union-attr]
        server.clear()
        serve(server, "/gazette.xml", "Marrowick Gazette", [item("Storm closes the pier", "pier", 21, base), *items])
        await pilot.press("r")  # the highlighted story's feed
        await settle(pilot)
        assert titles(screen) == ["Storm closes the pier", "Harbour ferry returns", "Tram depot approved"]
        assert screen.query_one(HeadlineList).highlighted.title == "Tram depot approved"  # type: ignore[union-attr]
        assert "3 unread" in app.sub_title


async def test_r_refreshes_only_the_story_s_feed(server: HTTPServer, tmp_path: Path) -> None:
    two_feeds(server)
    await asyncio.to_thread(refresh)  # as `reader refresh` would, before the app starts
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.query_one(HeadlineList).highlighted.title.startswith("Harbour")  # type: ignore[union-attr]
        asked = len(server.log)
        await pilot.press("r")
        await settle(pilot)
        assert [request.path for request, _ in server.log[asked:]] == ["/gazette.xml"]
        await pilot.press("4", "down")  # in the Sources pane: the highlighted feed
        await settle(pilot)
        asked = len(server.log)
        await pilot.press("r")
        await settle(pilot)
        assert [request.path for request, _ in server.log[asked:]] == ["/herald.xml"]


async def test_sources_pane_scopes_the_list_and_a_then_u_restores_the_marks(server: HTTPServer, tmp_path: Path) -> None:
    _gazette, herald = two_feeds(server)
    await asyncio.to_thread(refresh)  # as `reader refresh` would, before the app starts
    state = tmp_path / "state.json"
    app = make_app(state)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("4")
        await settle(pilot)
        sources = screen.query_one(Sources)
        assert sources.display and sources.has_focus
        title, *lines = [strip.text for strip in sources.render_lines(Region(0, 0, sources.size.width, 5))]
        assert "Sources" in title  # the pane's title line, then its feeds
        assert "2/2 Marrowick Gazette" in lines[0]
        assert "refreshed just now" in lines[1]
        assert "1/1 Elsen Herald" in lines[2]
        await pilot.press("a")  # the highlighted feed: the Gazette
        await settle(pilot)
        on_disk = Store(state)
        gazette_ids = [a.id for a in screen.library.articles if a.title != "Elsen market opens on Sunday"]
        assert all(on_disk.is_read(i) for i in gazette_ids) and "1 unread" in app.sub_title
        await pilot.press("u")
        await settle(pilot)
        assert not any(Store(state).is_read(i) for i in gazette_ids) and "3 unread" in app.sub_title
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.scope == herald
        assert titles(screen) == ["Elsen market opens on Sunday"]
        assert "Elsen Herald" in app.sub_title
        await pilot.press("4")  # leaving the Sources pane shows every story again
        await settle(pilot)
        assert len(titles(screen)) == 3 and not sources.display


async def test_o_opens_and_y_copies_the_story_address_shown_above_the_article(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_feeds(server)
    await asyncio.to_thread(refresh)  # as `reader refresh` would, before the app starts
    opened: list[str] = []
    monkeypatch.setattr(outside, "open_url", lambda url: opened.append(url) or True)
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        url = server.url_for("/news/ferry")
        line = main(app).query_one("#story-source", Static)
        assert line.display and str(line.render()) == f"Marrowick Gazette · {url}"
        await pilot.press("o", "y")
        await settle(pilot)
        assert opened == [url]
        assert app.clipboard == url


async def test_o_on_a_story_without_address_says_so(tmp_path: Path) -> None:
    seeds = Path(__file__).parent.parent / "seeds"
    app = ReaderApp(load_library(folders=[seeds]), Store(tmp_path / "s.json"), Config(refresh_minutes=0))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert toasts(app)[-1] == "This story has no web address"
        assert not main(app).query_one("#story-source", Static).display


async def test_help_and_palette_list_the_feed_and_undo_keys(tmp_path: Path) -> None:
    from textual.command import CommandList

    from reader.screens.help import HelpScreen

    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = help_text(app)
        for entry in (
            "u Undo",
            "A Mark all read",
            "4 Sources",
            "r Refresh feed",
            "R Refresh all",
            "o Open in browser",
            "y Copy address",
            "Sources ↓, j, ↑, k Down, up ⏎ Show its stories a Mark feed read",
        ):
            assert entry in shown, entry
        await pilot.press("escape", "ctrl+p", *"mark all")
        command_list = app.screen.query_one(CommandList)
        prompts: list[str] = []
        for _ in range(200):  # the search runs in the background: wait for its hit (bounded)
            prompts = [str(command_list.get_option_at_index(n).prompt) for n in range(command_list.option_count)]
            if prompts:
                break
            await pilot.pause(0.05)
        assert "Mark all read" in prompts[0]


async def test_background_refresh_fetches_only_feeds_due_and_stays_quiet(server: HTTPServer, tmp_path: Path) -> None:
    two_feeds(server)
    await asyncio.to_thread(refresh)  # both feeds were just refreshed: neither is due
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        asked = len(server.log)
        main(app).query_one(FeedRefresher)._background()  # what the timer calls every refresh_minutes
        await settle(pilot)
        assert len(server.log) == asked
        assert not any(t.startswith("Refreshed") for t in toasts(app))
        await pilot.press("R")  # asked for: every feed, due or not
        await settle(pilot)
        assert len(server.log) == asked + 2
        assert toasts(app)[-1] == "Refreshed 2 feeds: 0 new"


async def test_a_feed_failing_on_every_refresh_is_listed_once(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/gone.xml").respond_with_data("no such feed", status=404)
    subscribe(server.url_for("/gone.xml"))
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for _ in range(2):
            await pilot.press("R")
            await settle(pilot)
        failed = [p for p in problems(app) if "404" in p]
        assert len(failed) == 1 and failed[0].startswith("feed “127.0.0.1:")


async def test_a_gone_feed_is_listed_once_after_a_refresh(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request("/gone.xml").respond_with_data("gone for good", status=410)
    subscribe(server.url_for("/gone.xml"))
    [result] = await asyncio.to_thread(refresh)  # found gone before the app starts: p lists it from the start
    assert result.state == "gone"
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert len([p for p in problems(app) if p.startswith("feed “")]) == 1
        await pilot.press("R")  # skips the gone feed, and says so
        await settle(pilot)
        gone = [p for p in problems(app) if p.startswith("feed “")]
        assert len(gone) == 1 and "gone (HTTP 410)" in gone[0]  # one line, not one a wording


async def test_o_without_a_browser_says_to_copy_instead(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_feeds(server)
    await asyncio.to_thread(refresh)
    monkeypatch.setattr(outside, "open_url", lambda url: False)
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert toasts(app)[-1] == "No browser could be started: y copies the address"


async def test_progress_shows_in_the_header_while_a_feed_is_slow(server: HTTPServer, tmp_path: Path) -> None:
    import threading

    from werkzeug import Request, Response

    base = server.url_for("/")
    subscribe(serve(server, "/gazette.xml", "Marrowick Gazette", [item("Harbour ferry returns", "ferry", 20, base)]))
    gate = threading.Event()

    def slow(request: Request) -> Response:
        gate.wait(20)  # bounded: the test opens the gate as soon as it has looked
        return Response("nothing here", status=500)

    server.expect_request("/slow.xml").respond_with_handler(slow)
    subscribe(server.url_for("/slow.xml"))
    app = make_app(tmp_path / "state.json")
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            for _ in range(400):  # until the fast feed is in (bounded)
                if "refreshing 1/2" in app.sub_title:
                    break
                await pilot.pause(0.02)
            assert "refreshing 1/2" in app.sub_title
            await pilot.press("R")
            assert toasts(app)[-1] == "A refresh is already running"
            gate.set()
            await settle(pilot)
            assert "refreshing" not in app.sub_title
            assert toasts(app)[-1] == "Refreshed 2 feeds: 1 new, 1 failed (p shows why)"
            assert any("500" in p for p in problems(app))
    finally:
        gate.set()


async def test_new_stories_above_keep_the_highlighted_headline_on_its_screen_line(
    server: HTTPServer, tmp_path: Path
) -> None:
    base = server.url_for("/")
    items = [item(f"Story number {n}", f"s{n}", 1 + n % 28, base) for n in range(40)]
    items.sort(key=lambda i: i["date"], reverse=True)
    subscribe(serve(server, "/gazette.xml", "Marrowick Gazette", items))
    await asyncio.to_thread(refresh)
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        for _ in range(30):
            await pilot.press("down")
        await settle(pilot)
        chosen = headlines.highlighted
        line = headlines.cursor * 2 - headlines.scroll_y
        assert chosen is not None and headlines.scroll_y > 0
        server.clear()
        serve(server, "/gazette.xml", "Marrowick Gazette", [item("Breaking news", "b1", 29, base), *items])
        await pilot.press("R")
        await settle(pilot)
        assert headlines.rows[0].title == "Breaking news"
        assert headlines.highlighted == chosen
        assert headlines.cursor * 2 - headlines.scroll_y == line


async def test_the_story_address_stays_on_its_line_in_a_narrow_article_pane(server: HTTPServer, tmp_path: Path) -> None:
    """At 120 columns the address did not fit beside the feed name and wrapped out of sight."""
    two_feeds(server)
    await asyncio.to_thread(refresh)
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        line = main(app).query_one("#story-source", Static)
        width = line.outer_size.width
        assert line.display and width < len(f"Marrowick Gazette · {server.url_for('/news/ferry')}") + 4
        shown = line.render_lines(Region(0, 0, width, 1))[0].text.strip()
        assert shown.startswith("Marrowick Gazette · http://127.0.0.1:") and shown.endswith("…")
