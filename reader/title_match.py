"""Words found in headlines, fast at 100k stories: one casefolded text searched with ``str.find``. No Textual."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from reader.model import Article

_SEP = "\0"  # between two titles: never in a title's folded text, nor in a word looked for


class TitleMatcher:
    """The casefolded titles of ``rows`` (in order), to find the rows whose title holds every word."""

    def __init__(self, rows: Sequence[Article]) -> None:
        self.rows = list(rows)
        self._key = [id(article) for article in self.rows]  # articles are frozen: a changed one is a new object
        self._folded = [article.title.casefold().replace(_SEP, " ") for article in self.rows]
        self._text = _SEP.join(self._folded)
        self._starts = list(itertools.accumulate((len(title) + 1 for title in self._folded), initial=0))
        self._position: dict[str, int] | None = None  # id → its row (the last of two with one id)
        self._twice: dict[str, list[int]] = {}  # ids of more than one row → all their rows

    def fits(self, rows: Sequence[Article]) -> bool:
        """Were these the rows (the same stories, in the same order) this matcher was made for?"""
        return len(rows) == len(self._key) and all(id(a) == k for a, k in zip(rows, self._key, strict=True))

    def matching(self, words: Sequence[str]) -> list[int]:
        """Positions (ascending) of the rows whose casefolded title holds every one of ``words`` (casefolded)."""
        words = [word for word in words if word]
        if not words:
            return list(range(len(self.rows)))
        if any(_SEP in word for word in words):
            return []
        text = self._text
        first, *others = sorted(words, key=text.count)  # led by the rarest word
        found: list[int] = []
        starts, folded = self._starts, self._folded
        at = text.find(first)
        while at >= 0:
            row = bisect.bisect_right(starts, at) - 1
            if all(word in folded[row] for word in others):
                found.append(row)
            at = text.find(first, starts[row + 1])  # the next title
        return found

    def positions(self, ids: set[str]) -> list[int]:
        """Positions (ascending) of the rows with these ids."""
        where = self._position
        if where is None:  # built whole before it is shared: two workers may ask at once
            where = {article.id: number for number, article in enumerate(self.rows)}
            if len(where) < len(self.rows):
                twice: dict[str, list[int]] = {}
                for number, article in enumerate(self.rows):
                    twice.setdefault(article.id, []).append(number)
                self._twice = {key: rows for key, rows in twice.items() if len(rows) > 1}
            self._position = where
        found = [where[i] for i in ids if i in where and i not in self._twice]
        found.extend(n for i in ids if i in self._twice for n in self._twice[i])
        return sorted(found)
