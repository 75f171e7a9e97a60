"""The breadcrumb: the trail of stories that led here, fitted to the width it has."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

SEPARATOR = " › "
LEAD = " "
LEAD_MORE = " ‹ "
SHOWN = 4  # at most this many titles
SHORTEST = 8  # a title is not cut shorter than this many cells


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: cut at a word break when one is near, with an ellipsis."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = set_cell_size(text, width - 1)
    if text[len(cut) : len(cut) + 1] not in (" ", ""):
        space = cut.rfind(" ")
        if space >= (width - 1) // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def fit_trail(titles: list[str], width: int) -> tuple[bool, list[str]]:
    """The titles to show in ``width`` cells, oldest first, and whether older ones were left out.

    The current (last) title keeps the most room; older ones are shortened, then dropped.
    """
    dropped = len(titles) > SHOWN
    titles = titles[-SHOWN:]
    while titles:
        room = width - cell_len(LEAD_MORE if dropped else LEAD) - cell_len(SEPARATOR) * (len(titles) - 1)
        if len(titles) == 1:
            return dropped, [shorten(titles[0], max(1, room))]
        older = titles[:-1]
        reserve = min(cell_len(titles[-1]), max(room // 2, room - SHORTEST * len(older)))
        each = (room - reserve) // len(older)
        if each >= SHORTEST:
            shown = [shorten(title, each) for title in older]
            used = sum(cell_len(title) for title in shown)
            return dropped, [*shown, shorten(titles[-1], max(1, room - used))]
        titles, dropped = titles[1:], True
    return dropped, []


class Breadcrumb(Widget):
    """One line: ``‹ older › old › Current story``; redrawn whenever its trail or width changes."""

    trail: reactive[tuple[str, ...]] = reactive(())
    """Titles of the stories that led here and the current one, oldest first."""

    def render(self) -> Text:
        dropped, shown = fit_trail(list(self.trail), self.content_region.width or self.size.width)
        text = Text(LEAD_MORE if dropped else LEAD, style="dim", no_wrap=True, overflow="ellipsis")
        for n, title in enumerate(shown):
            last = n == len(shown) - 1
            text.append(title, style="bold" if last else "dim")
            if not last:
                text.append(SEPARATOR, style="dim")
        return text
