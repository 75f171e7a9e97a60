"""Finding an item among many by a key, in 4 bytes an item (where a dict takes about 80). No Textual.

An open-addressing table (linear probing, at most half full) of item numbers by the hash of
their key; the caller keeps the items and says whether one is the one looked for.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable


class Slots:
    """Numbers ``0 .. count - 1`` placed by hash; :meth:`find` gives the first placed one whose key matches."""

    def __init__(self, count: int) -> None:
        size = 8
        while size < 2 * count:
            size *= 2
        self._mask = size - 1
        self._count = count
        self._table = array("I", bytes(4 * size))  # number + 1; 0: empty

    def place(self, hashes: Iterable[int], same: Callable[[int, int], bool] | None = None) -> None:
        """Place numbers 0, 1, ... by these hashes. With ``same(number, other)`` (do they have the same key?),
        a number whose key is placed already is left out (the first stays findable); without, keys are unique."""
        table, mask, count = self._table, self._mask, self._count
        for number, hashed in enumerate(hashes):
            if number >= count:
                raise ValueError(f"more than {count} numbers placed")
            slot = hashed & mask
            while held := table[slot]:
                if same is not None and same(held - 1, number):
                    break
                slot = (slot + 1) & mask
            else:
                table[slot] = number + 1

    def find(self, hashed: int, matches: Callable[[int], bool]) -> int | None:
        """The first number placed with this hash whose key ``matches``, or None."""
        table, mask = self._table, self._mask
        slot = hashed & mask
        while held := table[slot]:
            if matches(held - 1):
                return held - 1
            slot = (slot + 1) & mask
        return None
