"""Words found in headlines, fast at 100k stories: one casefolded text searched with ``str.find``. No Textual.

Memory: the folded text (a byte or so a character of the titles) and where each title
starts in it (8 bytes a row); no string or number object a row.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections.abc import Callable, Collection, Sequence

from reader.model import Article

_SEP = "\0"  # between two titles: never in a title's folded text, nor in a word looked for
#: A word in more than one title in this many is looked for title by title, not place by place.
_SCAN_SHARE = 8
_CHUNK = 2000  # titles split out of the text at a time (a title a string only while checked)


def _folded_text(titles: Sequence[str]) -> tuple[str, array[int]]:
    """The casefolded titles joined by :data:`_SEP`, and where each starts in it (one more: the end + 1)."""
    joined = _SEP.join(titles)
    if joined.isascii() and joined.count(_SEP) == len(titles) - 1:
        # the common case, without a string a title: ASCII folds to ASCII of the same length
        lengths = map(len, titles)
        text = joined.lower()  # casefold() of ASCII text
    else:
        folded = [title.casefold().replace(_SEP, " ") for title in titles]
        lengths = map(len, folded)
        text = _SEP.join(folded)
    del joined
    starts = array("q", itertools.accumulate(map((1).__add__, lengths), initial=0))
    return text, starts


class TitleMatcher:
    """The casefolded titles of ``rows`` (in order), to find the rows whose title holds every word."""

    def __init__(self, rows: Sequence[Article]) -> None:
        self.rows = list(rows)
        self._text, self._starts = _folded_text(list(map(operator.attrgetter("title"), self.rows)))
        self._ids = list(map(operator.attrgetter("id"), self.rows))

    def fits(self, rows: Sequence[Article]) -> bool:
        """Were these the rows (the same stories, in the same order) this matcher was made for?

        Stories are frozen: a changed one is a new object, so the very objects are compared.
        """
        return len(rows) == len(self.rows) and all(map(operator.is_, rows, self.rows))

    def matching(self, words: Sequence[str], stale: Callable[[], bool] | None = None) -> list[int]:
        """Positions (ascending) of the rows whose casefolded title holds every one of ``words`` (casefolded).

        ``stale``: asked now and then while every title is checked; when it says so (a newer query
        came), the search stops and what it found so far is returned (to be thrown away)."""
        words = [word for word in words if word]
        if not words:
            return list(range(len(self.rows)))
        if any(_SEP in word for word in words):
            return []
        text = self._text
        counts = {word: text.count(word) for word in words}
        first, *others = sorted(counts, key=counts.__getitem__)  # led by the rarest word
        if counts[first] * _SCAN_SHARE > len(self.rows):
            return self._scanned(first, others, stale)
        return self._found(first, others)

    def _found(self, first: str, others: list[str]) -> list[int]:
        """:meth:`matching` for a rare ``first`` word: from one of its places in the text to the next."""
        text, starts = self._text, self._starts
        found: list[int] = []
        row = 0
        at = text.find(first)
        while at >= 0:
            row += text.count(_SEP, starts[row], at)  # the titles skipped since the last place
            begin, end = starts[row], starts[row + 1] - 1  # the title is text[begin:end]
            if not others or all(text.find(word, begin, end) >= 0 for word in others):
                found.append(row)
            row += 1
            at = text.find(first, end + 1)  # in the next title or further
        return found

    def _scanned(self, first: str, others: list[str], stale: Callable[[], bool] | None) -> list[int]:
        """:meth:`matching` for a common ``first`` word: every title checked, :data:`_CHUNK` titles at a time."""
        text, starts, total = self._text, self._starts, len(self.rows)
        found: list[int] = []
        for low in range(0, total, _CHUNK):
            if stale is not None and stale():
                break
            high = min(low + _CHUNK, total)
            titles = text[starts[low] : starts[high] - 1].split(_SEP)
            keep = list(itertools.compress(range(high - low), map(operator.contains, titles, itertools.repeat(first))))
            for word in others:
                keep = [n for n in keep if word in titles[n]]
            found.extend(low + n for n in keep)
        return found

    def positions(self, ids: Collection[str]) -> list[int]:
        """Positions (ascending) of the rows with these ids (every row of an id listed twice).

        One pass over the ids in C (a few ms at 100k rows), nothing built ahead: sorting the
        ids to look them up cost the first query 60 to 120 ms and 16 bytes a row."""
        wanted = ids if isinstance(ids, (set, frozenset)) else set(ids)
        if not wanted:
            return []
        return list(itertools.compress(range(len(self._ids)), map(wanted.__contains__, self._ids)))
