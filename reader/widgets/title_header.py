"""The header: Textual's, with a title line that changes without laying the screen out again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

from reader.title_fit import Part, fit_title


class SteadyTitle(HeaderTitle):
    """The title line: always one line the header's width, so a new title only repaints it."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show a new title (no layout: the line's size never changes)."""
        super().update(content, layout=False)


class TitleHeader(Header):
    """Textual's header; the title (the unread count changes on every open) is repainted, not laid out.

    With :attr:`parts` set (by the screen), the title fits the header's width: the least useful parts
    (the reading time, then the app's name...) go first, whole, so the view, feed, filter and counts stay.
    """

    parts: tuple[Part, ...] = ()

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield SteadyTitle() if type(widget) is HeaderTitle else widget

    def format_title(self) -> Content:
        """The title and sub-title that fit the title line (Textual's own look: the sub-title dim)."""
        titles = self.query(SteadyTitle)
        width = titles.first().size.width if titles else 0
        if not self.parts or width <= 0:
            return super().format_title()
        title, sub_title = fit_title(self.screen_title, self.parts, width)
        if not title:
            return Content(sub_title).stylize("dim")
        return self.app.format_title(title, sub_title)

    def on_resize(self) -> None:
        """Fit the title to the new width."""
        self.call_after_refresh(self.show_title)

    def show_title(self) -> None:
        """Show the app's title and sub-title as they are now (for a sub-title set without a repaint)."""
        for title in self.query(SteadyTitle):
            title.update(self.format_title())
