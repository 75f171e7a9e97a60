"""Finding words in a rendered story: literal, case-insensitive, matches styled in place. No Textual."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text

MATCH = "find"  # the style meta key that numbers each match, so the pane can scroll to one


def spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text``: literal (never a pattern), ignoring case, not overlapping."""
    if not query:
        return []
    return [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


def texts(renderable: RenderableType) -> Iterator[Text]:
    """The Text parts of a rendered story, in reading order (a Text, or a Group of them)."""
    if isinstance(renderable, Text):
        yield renderable
    elif isinstance(renderable, Group):
        for part in renderable.renderables:
            yield from texts(part)


def mark(renderable: RenderableType, query: str, current: int, style: Style, current_style: Style) -> int:
    """Style every match of ``query`` in ``renderable`` (``current`` with ``current_style``); the number of matches.

    Each match's style carries ``{"find": n}`` meta, its number in reading order.
    """
    count = 0
    for text in texts(renderable):
        for start, end in spans(text.plain, query):
            look = current_style if count == current else style
            text.stylize(look + Style(meta={MATCH: count}), start, end)
            count += 1
    return count
