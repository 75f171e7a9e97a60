"""A refresh whose helper process dies after writing a feed's stories, before answering: the app shows the
stories and its toast counts them (the stories the library did not have), each story once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.feeds import writer
from reader.feeds.refresh import refresh
from reader.widgets.headline_list import HeadlineList
from tests import test_feeds_support as support
from tests.helpers.pilot import main, settle, started
from tests.test_app_feeds import make_app, titles, toasts
from tests.test_feeds_cli import run
from tests.test_feeds_writer import harbour_and_tram, helpers_die_after_writing, never_full_text, serve_both

_module_server = support._module_server
server = support.server


def known_and_new_feeds_with_dying_helpers(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Harbour, known (5 stories; 3 more now), whose count only its dead helper would know; Tram, new (4)."""
    harbour, _tram = harbour_and_tram(server, 5, 0)
    never_full_text()
    refresh([harbour.id])
    server.clear()
    serve_both(server, 8, 4)
    monkeypatch.setattr(writer, "cores", lambda: 2)  # a helper each: each dies after writing its own feed
    monkeypatch.setattr(writer, "NEW_FEED_ITEMS", 1)  # the new feed starts the helpers with the refresh
    helpers_die_after_writing(monkeypatch)


def test_reader_refresh_says_which_feed_it_could_not_count(
    server: HTTPServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    known_and_new_feeds_with_dying_helpers(server, monkeypatch)

    code, out, _err = run(capsys, "refresh")

    assert code == 0
    assert out.splitlines()[-1] == (
        "refreshed 2 feeds: 4 new, 0 updated, 0 failed;"
        " 1 feed with stories written but not counted (a helper process stopped)"
    )


async def test_the_toast_counts_the_stories_of_helpers_that_died_unanswered(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await asyncio.to_thread(known_and_new_feeds_with_dying_helpers, server, monkeypatch)
    app = make_app(tmp_path / "state.json")
    async with started(app, (160, 48)) as pilot:
        screen = main(app)
        assert len(titles(screen)) == 5
        await pilot.press("R")
        await settle(pilot)

        shown = titles(screen)
        assert len(shown) == len(set(shown)) == 12  # every story once
        assert sum("Harbour" in t for t in shown) == 8 and sum("Tram" in t for t in shown) == 4
        assert "Refreshed 2 feeds: 7 new" in toasts(app)
        assert "12 unread" in app.sub_title
        assert screen.query_one(HeadlineList).highlighted is not None
