"""What the Pilot tests share: waiting for the app to settle, and the main screen."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from reader.app import ReaderApp
from reader.screens.main import MainScreen


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let workers finish and the screen catch up, a few times over (work started by work)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


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
