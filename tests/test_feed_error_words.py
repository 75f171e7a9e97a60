"""A feed that is not valid XML is said in the user's words on the problems screen (p), not the parser's."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_httpserver import HTTPServer

from reader.app import ReaderApp
from reader.config import Config
from reader.feeds.refresh import refresh
from reader.feeds.subscriptions import add_feed
from reader.library import load_library
from reader.paths import seeds_dir
from reader.screens.problems import ProblemsScreen, entry
from reader.store import Store
from tests import test_feeds_support as support
from tests.helpers.pilot import settle

_module_server = support._module_server
server = support.server


async def test_p_says_a_broken_feed_is_not_a_valid_feed_and_where(server: HTTPServer, tmp_path: Path) -> None:
    base = server.url_for("/")
    add_feed(base + "herald.xml", feed_title="Elsen Herald")  # subscribed while it worked; broken since
    server.expect_request("/herald.xml").respond_with_data(b'<?xml version="1.0"?>\n<<< not xml')
    [result] = await asyncio.to_thread(refresh)
    assert result.error == "not a valid feed (XML error at line 2)"
    app = ReaderApp(
        load_library(folders=[seeds_dir()]), Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert [entry(problem).plain for problem in app.screen.problems] == [
            "feed “Elsen Herald”\nnot a valid feed (XML error at line 2)"
        ]
