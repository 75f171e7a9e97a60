"""The header: Textual's, with a title line that changes without laying the screen out again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class SteadyTitle(HeaderTitle):
    """The title line: always one line the header's width, so a new title only repaints it."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show a new title (no layout: the line's size never changes)."""
        super().update(content, layout=False)


class TitleHeader(Header):
    """Textual's header; the title (the unread count changes on every open) is repainted, not laid out."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield SteadyTitle() if type(widget) is HeaderTitle else widget

    def show_title(self) -> None:
        """Show the app's title and sub-title as they are now (for a sub-title set without a repaint)."""
        for title in self.query(SteadyTitle):
            title.update(self.format_title())
