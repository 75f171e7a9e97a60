"""What the Pilot tests share: waiting for the app to settle, and the main screen."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

from reader.app import ReaderApp
from reader.model import Article
from reader.screens.main import MainScreen
from reader.widgets.headline_list import HeadlineList


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let workers finish and the screen catch up, a few times over (work started by work)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@contextlib.asynccontextmanager
async def started(app: ReaderApp, size: tuple[int, int] = (120, 40)) -> AsyncIterator[Pilot[None]]:
    """Run ``app`` in a terminal of ``size`` and let it settle: its pilot."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot


def main(app: ReaderApp) -> MainScreen:
    """The app's main screen (the test fails if another screen is on top)."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def exit_messages(app: ReaderApp) -> list[str]:
    """The messages the app leaves on the terminal when it exits, as the test will find them."""
    messages: list[str] = []
    real_exit = app.exit

    def exit(*args: Any, **kwargs: Any) -> None:
        messages.append(str(kwargs.get("message", "")))
        real_exit(*args, **kwargs)

    app.exit = exit  # type: ignore[method-assign]
    return messages


def highlighted(app: ReaderApp) -> Article:
    """The story under the headline list's cursor (the test fails when there is none)."""
    article = main(app).query_one(HeadlineList).highlighted
    assert article is not None
    return article


def help_text(app: ReaderApp) -> str:
    """What the help screen's key groups draw, every run of spaces made one."""
    return " ".join(
        " ".join(strip.text.split())
        for group in app.screen.query(".help-group").results(Static)
        for strip in group.render_lines(Region(0, 0, group.size.width, group.size.height))
    )
