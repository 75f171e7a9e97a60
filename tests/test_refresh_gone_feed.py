"""r on a feed that went away while the app runs (unsubscribed, its folder removed): one clear message, the
feed by its name, however r found the feed; a feed whose folder alone went is refreshed (its stories back)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from pytest_httpserver import HTTPServer
from textual.pilot import Pilot

from reader.feeds.refresh import refresh
from reader.feeds.stories import feed_folder
from reader.feeds.subscriptions import load_feeds, remove_feed
from reader.widgets.headline_list import HeadlineList
from tests import test_feeds_support as support
from tests.helpers.pilot import highlighted, main, settle, started
from tests.test_app_feeds import make_app, toasts, two_feeds

_module_server = support._module_server
server = support.server

GONE = "“Marrowick Gazette” is no longer subscribed: nothing to refresh"


async def press(pilot: Pilot[None], keys: list[str]) -> None:
    """Press ``keys`` one at a time, letting the app settle after each (a refresh runs to its end)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def gone_toasts(server: HTTPServer, tmp_path: Path, keys: list[str], *, folder: bool = False) -> list[str]:
    """Press ``keys`` with the Gazette's story highlighted, after the Gazette was unsubscribed (and its folder
    removed, with ``folder``) as the app ran; the toasts shown."""
    gazette, _herald = two_feeds(server)
    await asyncio.to_thread(refresh)
    [slug] = [feed.slug for feed in load_feeds() if feed.id == gazette]
    app = make_app(tmp_path / "state.json")
    async with started(app, (160, 48)) as pilot:
        assert highlighted(app).title == "Harbour ferry returns after winter refit"  # a Gazette story
        if keys[:1] == ["4"]:
            await press(pilot, ["4"])  # the Sources pane, the Gazette highlighted
            keys = keys[1:]
        remove_feed(gazette)
        if folder:
            shutil.rmtree(feed_folder(slug))
        await press(pilot, keys)
        return toasts(app)


async def test_r_on_a_story_of_a_feed_removed_meanwhile_names_the_feed(server: HTTPServer, tmp_path: Path) -> None:
    assert (await gone_toasts(server, tmp_path, ["r"]))[-1] == GONE


async def test_r_in_the_sources_pane_on_a_feed_removed_meanwhile_says_the_same(
    server: HTTPServer, tmp_path: Path
) -> None:
    assert (await gone_toasts(server, tmp_path, ["4", "r"]))[-1] == GONE


async def test_r_after_the_feeds_were_read_again_says_the_same(server: HTTPServer, tmp_path: Path) -> None:
    """R refreshes the feeds left (the Sources pane forgets the Gazette): r on its story says the same."""
    assert (await gone_toasts(server, tmp_path, ["R", "r"]))[-1] == GONE


async def test_r_on_a_story_whose_feed_and_folder_are_gone_says_the_same(server: HTTPServer, tmp_path: Path) -> None:
    """Once its folder is gone no feed lists the story: it was "Not a feed story" then."""
    assert (await gone_toasts(server, tmp_path, ["R", "r"], folder=True))[-1] == GONE


async def test_r_on_a_story_whose_folder_alone_was_removed_refreshes_its_feed(
    server: HTTPServer, tmp_path: Path
) -> None:
    gazette, _herald = two_feeds(server)
    await asyncio.to_thread(refresh)
    [slug] = [feed.slug for feed in load_feeds() if feed.id == gazette]
    app = make_app(tmp_path / "state.json")
    async with started(app, (160, 48)) as pilot:
        screen = main(app)
        shutil.rmtree(feed_folder(slug))
        herald_row = [a.title for a in screen.query_one(HeadlineList).rows].index("Elsen market opens on Sunday")
        for _ in range(herald_row):
            await pilot.press("down")
        await pilot.press("r")  # the Herald: the feeds are read again, the Gazette's folder no longer there
        await settle(pilot)
        await pilot.press("home")
        assert highlighted(app).title == "Harbour ferry returns after winter refit"
        asked = len(server.log)

        await pilot.press("r")
        await settle(pilot)

        assert [request.path for request, _ in server.log[asked:]] == ["/gazette.xml"]
        assert toasts(app)[-1].startswith("Refreshed 1 feed")
        assert len(list(feed_folder(slug).glob("*.txt"))) == 2  # its stories are back
