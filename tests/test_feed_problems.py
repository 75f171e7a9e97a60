"""A failing feed on the problems screen: its name over its error, whatever the name holds (a closing quote
and ": ", markup, escape sequences), shown as text."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static

from reader.feeds.subscriptions import add_feed, editing
from reader.screens.problems import ProblemsScreen
from tests.helpers.pilot import settle, started
from tests.test_app_feeds import make_app


def failing_feed(name: str, error: str) -> None:
    """A feed named ``name`` (the user's title for it) whose last refresh failed with ``error``."""
    add_feed("http://127.0.0.1:9/feed.xml")
    with editing() as feeds:
        for feed in feeds:
            feed.title_override, feed.last_error, feed.failures = name, error, 1


async def problem_lines(tmp_path: Path) -> list[list[str]]:
    """What the problems screen shows: each problem's lines."""
    app = make_app(tmp_path / "state.json")
    async with started(app, (100, 30)) as pilot:
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        shown = []
        for problem in app.screen.query(".problem").results(Static):
            region = Region(0, 0, problem.size.width, problem.size.height)
            shown.append([strip.text.rstrip() for strip in problem.render_lines(region)])
        return shown


async def test_a_feed_name_holding_a_closing_quote_and_colon_stays_whole_over_its_error(tmp_path: Path) -> None:
    failing_feed("Herald”: Late Edition", "HTTP 404 Not Found")

    assert await problem_lines(tmp_path) == [["feed “Herald”: Late Edition”", "HTTP 404 Not Found"]]


async def test_markup_and_escapes_in_a_feed_name_and_its_error_are_shown_as_text(tmp_path: Path) -> None:
    failing_feed("[bold red]Herald[/] \x1b[2J\x1b]0;owned\x07News", "HTTP 500 [link=x]boom[/link]\x1b[31m")

    [[where, why]] = await problem_lines(tmp_path)

    assert where == "feed “[bold red]Herald[/] News”"
    assert why == "HTTP 500 [link=x]boom[/link]"
