"""The breadcrumb: the trail of stories that led to the open one, fitted to the width it has.

The open story's own title is not repeated (the article's heading shows it): the line ends
in ``›``, pointing at the story below. With no story before it, the line names the list
the story was opened from.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

SEPARATOR = " › "
LEAD = " "
LEAD_MORE = " ‹ "
SHOWN = 4  # at most this many titles
END = " ›"  # the trail leads on to the story below
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

    The last title (the nearest) keeps the most room; older ones are shortened, then dropped.
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
    """One line: ``‹ older › old ›`` (the stories before the open one), or ``All stories ›`` when none;
    redrawn whenever its trail, its list or its width changes."""

    trail: reactive[tuple[str, ...]] = reactive(())
    """Titles of the stories that led to the open one, oldest first (not the open one's)."""

    where: reactive[str] = reactive("")
    """The list the open story was opened from, shown when no story led to it ("" when none is open)."""

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        if not self.trail:
            return Text(f"{LEAD}{shorten(self.where, max(1, width - 3))}{END}" if self.where else "", style="dim")
        dropped, shown = fit_trail(list(self.trail), width - cell_len(END))
        text = Text(LEAD_MORE if dropped else LEAD, style="dim", no_wrap=True, overflow="ellipsis")
        for n, title in enumerate(shown):
            text.append(title)
            text.append(SEPARATOR if n < len(shown) - 1 else END, style="dim")
        return text
