"""What a running app draws, read back from the compositor: each run of text, its colours and its contrast."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.color import ColorType
from textual.app import App
from textual.color import Color
from textual.errors import NoWidget
from textual.filter import dim_color
from textual.screen import Screen
from textual.widget import Widget

from reader.widgets.contrast import contrast

BODY = 4.5
"""The least contrast of body text: a widget's text in its own colour (WCAG AA)."""
SECONDARY = 3.0
"""The least contrast of anything else drawn: dim metadata, key hints, muted titles."""


_DECORATION = re.compile("[\u2500-\u259f]")
"""Box drawing and block elements: borders, rules and scrollbars, not text."""


@dataclass(frozen=True)
class Drawn:
    """A run of visible text on the screen, as the terminal shows it."""

    where: str  #: the widget it belongs to (type and id, or its classes)
    text: str
    ratio: float
    body: bool  #: drawn in its widget's own text colour, not dimmed: held to BODY
    colours: str  #: "fg on bg"

    def __str__(self) -> str:
        return f"{self.where}: {self.text[:30]!r} {self.colours} = {self.ratio:.2f}"


def label(widget: Widget) -> str:
    """A widget as a short name: its type and id, else its type and classes."""
    name = type(widget).__name__
    if widget.id:
        return f"{name}#{widget.id}"
    return "".join([name, *(f".{c}" for c in sorted(widget.classes))])


def drawn(app: App[Any]) -> list[Drawn]:
    """Every run of visible text on the app's screen (truecolor themes only: ANSI ones leave colours to the
    terminal), with the widget under it and its contrast; dim text as a terminal dims it (half way to the
    background)."""
    screen = app.screen
    compositor = screen._compositor
    found: list[Drawn] = []
    for y, strip in enumerate(compositor.render_strips()):
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style
            start, x = x, x + segment.cell_length
            if not _DECORATION.sub("", text).strip() or style is None or segment.control:
                continue  # blank, or lines and blocks only (borders, rules, scrollbars): no text to read
            if style.color is None or style.bgcolor is None:
                continue
            if ColorType.TRUECOLOR not in (style.color.type, style.bgcolor.type):
                continue
            fg_rich = dim_color(style.bgcolor, style.color) if style.dim else style.color
            fg, bg = Color.from_rich_color(fg_rich), Color.from_rich_color(style.bgcolor)
            offset = start + len(text) - len(text.lstrip())
            try:
                widget, _ = compositor.get_widget_at(offset, y)
            except NoWidget:
                continue
            if isinstance(widget, Screen):
                continue  # a dialog's backdrop: the screen under it, faded on purpose
            own = widget.rich_style.color
            body = not style.dim and own is not None and style.color == own
            found.append(Drawn(label(widget), text.strip(), contrast(fg, bg), body, f"{fg.hex} on {bg.hex}"))
    return found


def too_faint(runs: list[Drawn]) -> list[Drawn]:
    """The runs under their minimum: body text under BODY, anything under SECONDARY."""
    return [run for run in runs if run.ratio < (BODY if run.body else SECONDARY)]
