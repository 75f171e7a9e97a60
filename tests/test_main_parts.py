"""The main screen's parts are plain classes at run time (a launch makes one Screen class, not eight): their
handlers must still be reached, and none may be one Textual would miss there."""

from __future__ import annotations

import inspect

from textual.screen import Screen

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.screens.main import MainScreen
from reader.screens.main_part import MainScreenPart
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sources import Sources
from tests.helpers.pilot import main, settle, started


def test_no_part_has_a_handler_textual_would_not_find() -> None:
    """An ``@on`` handler is collected only on Textual's own classes: in a part it would never run."""
    parts = [cls for cls in MainScreen.__mro__ if issubclass(cls, MainScreenPart) and not issubclass(cls, Screen)]
    assert len(parts) > 1 and issubclass(MainScreen, Screen)  # the parts, then Screen, under MainScreen
    decorated = [
        f"{cls.__name__}.{name}"
        for cls in parts
        for name, value in vars(cls).items()
        if inspect.isfunction(value) and hasattr(value, "_textual_on")
    ]
    assert decorated == []


async def test_q_in_the_sources_pane_gives_the_keys_back_to_the_headlines(library: Library) -> None:
    """The pane's "back to the list" message is handled by its name on the feeds' part of the screen."""
    app = ReaderApp(library, Store(None), Config(), poll_interval=0)
    async with started(app, (120, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = main(app)
        assert screen.query_one(Sources).has_focus
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running  # q went back to the list, it did not quit
        assert screen.query_one(HeadlineList).has_focus


async def test_the_find_bar_s_box_types_what_the_footer_names_as_keys(library: Library) -> None:
    """The find bar's box (made when it first opens) takes "/" as a slash, not as the filter's key."""
    app = ReaderApp(library, Store(None), Config(), poll_interval=0)
    async with started(app, (120, 40)) as pilot:
        await pilot.press("enter")  # a story open: Ctrl+F finds in it
        await settle(pilot)
        await pilot.press("ctrl+f", "a", "slash", "b")
        await settle(pilot)
        box = main(app).query_one("#find-input")
        assert box.has_focus and getattr(box, "value", None) == "a/b"
