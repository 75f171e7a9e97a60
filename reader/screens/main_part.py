"""The base of the main screen's parts: what each part may use of the screen that holds them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from textual.message import Message
    from textual.reactive import var
    from textual.screen import Screen

    from reader.changes import PendingChanges
    from reader.config import Config
    from reader.feeds.stories import StoryInfo
    from reader.feeds.subscriptions import FeedStatus
    from reader.history import History
    from reader.library import Library
    from reader.model import Article
    from reader.screens.main import FileStamp
    from reader.store import Store
    from reader.undo import UndoStack
    from reader.widgets.article_view import Story

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object  # a mixin: each subclass of Screen costs a launch about half a millisecond to make


class MainScreenPart(_ScreenBase):
    """One group of the main screen's actions and handlers; ``MainScreen`` inherits every part (then ``Screen``).

    A plain class at run time (a Screen to the type checker): its handlers are found by their names
    (``on_<message>``), as Textual finds them on any class of the screen's; an ``@on`` handler here would not be.
    """

    if TYPE_CHECKING:  # what MainScreen holds, for the type checker
        SettingsChanged: ClassVar[type[Message]]
        LibraryChanged: ClassVar[type[Message]]
        library: Library
        store: Store
        config: Config
        changes: PendingChanges
        history: History
        undo: UndoStack
        feed_info: dict[str, StoryInfo]
        feed_statuses: dict[str, FeedStatus]
        feed_names: dict[str, str]
        opened_file: FileStamp | None
        story: var[Story | None] = var(None)
        view: var[str] = var("")
        section: var[str] = var("")
        scope: var[str | None] = var(None)
        scope_name: var[str] = var("")
        scope_unread: var[int] = var(0)
        refresh_status: var[str] = var("")
        unread: var[int] = var(0)
        unread_minutes: var[int] = var(0)

        @property
        def current(self) -> str | None: ...
        def stamp(self, article_id: str) -> FileStamp | None: ...
        def redraw_open_story(self) -> None: ...
        def open_article(
            self, article_id: str, *, record: bool = True, scroll_y: float = 0.0, mark_read: bool = True
        ) -> None: ...
        def _show_rows(self, keep: str | None = None) -> None: ...
        def _apply_width(self, width: int) -> None: ...
        def _recount(self) -> None: ...
        def _show_rows_in_place(self, keep: str | None = None) -> None: ...
        def action_clear_filter(self) -> None: ...
        def _focus_shown_pane(self) -> None: ...
        def action_focus_headlines(self) -> None: ...
        def _target(self) -> Article | None: ...
        def _mark_read(self, ids: Sequence[str], where: str) -> None: ...
