"""The header's title fitted to its width: the least useful parts go first, whole. No Textual."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size

from reader.record import Frozen, set_field

SEPARATOR = " · "
TITLE_SEPARATOR = " — "


class Part(Frozen):
    """One part of the sub-title, how soon it goes when short of room (0: never; 1 goes first), and a
    shorter way to say it for when every part that may go has gone."""

    __slots__ = ("drop", "short", "text")

    text: str
    drop: int
    short: str | None

    def __init__(self, text: str, drop: int = 0, short: str | None = None) -> None:
        set_field(self, "text", text)
        set_field(self, "drop", drop)
        set_field(self, "short", short)


def shorten(name: str, cells: int) -> str:
    """``name`` cut to at most ``cells`` cells at a word, with an ellipsis; whole when it fits."""
    if cell_len(name) <= cells:
        return name
    words = name.split()
    cut = ""
    for word in words:
        if cell_len(f"{cut} {word}".strip()) + 1 > cells:
            break
        cut = f"{cut} {word}".strip()
    if not cut:
        cut = set_cell_size(name, max(1, cells - 1))  # in cells: a wide character takes two
    return cut.rstrip(" :,;-—–·") + "…"


#: When the app's own name goes: after the reading time, before anything that says what the list shows.
TITLE_DROP = 2


def fit_title(title: str, parts: Sequence[Part], width: int) -> tuple[str, str]:
    """The title and sub-title that fit ``width`` cells, dropping parts whole, least useful first.

    The app's title goes at :data:`TITLE_DROP`; then parts that never go take their short forms, first
    to last, until the line fits; they are all kept even when it still does not (the header cuts the end).
    """
    kept = list(parts)
    shown_title = title

    def length() -> int:
        sub = cell_len(SEPARATOR.join(part.text for part in kept))
        return cell_len(shown_title) + (cell_len(TITLE_SEPARATOR) if shown_title and sub else 0) + sub

    ranks = sorted({part.drop for part in parts if part.drop} | ({TITLE_DROP} if title else set()))
    for rank in ranks:
        if length() <= width:
            break
        if rank == TITLE_DROP:
            shown_title = ""
        kept = [part for part in kept if part.drop != rank]
    for n, part in enumerate(kept):
        if length() <= width:
            break
        if part.short is not None:
            kept[n] = Part(part.short)
    return shown_title, SEPARATOR.join(part.text for part in kept)
