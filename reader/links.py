"""Matching a Related or Explore headline to the library article it names. No Textual.

Headlines are compared as word lists: case, accents, quotes and apostrophes,
dashes, punctuation and spacing do not count. A headline with one word changed
(two in long headlines; adding or dropping "a", "the" and the like costs half)
still matches. So does a reworded headline with the same key words in another
order ("Port Elsen night market brings back the lantern parade" and "'Lantern
parade' returns to Port Elsen night market"): at least :data:`MIN_SHARED` words
other than "a", "the" and the like, no more than a quarter of either headline's
such words missing from the other, and the shared words in another order (in the
same order, the words that differ are substitutions: "a record crop of blue barley"
and "a record crop of red wool" are two stories). Anything further apart is another story.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable

from reader.slots import Slots

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "at", "for", "and", "or", "by", "with", "as", "is", "are", "its", "from"]
)
_RAREST = 3
#: Reworded headlines must share this many key words (words but "a", "the"...) ...
MIN_SHARED = 4
#: ... and this share of the key words of each.
MIN_OVERLAP = 0.75
_MAX_POSTINGS = 20_000
_COUNTED = 1000  # titles whose words are counted at a time, building the word index


class _Numbering(dict[str, int]):
    """Numbers words in the order they are first looked up (0, 1, ...)."""

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        return number


#: A build in the background pauses this long after every :data:`PACE_EVERY` titles, so that the UI's
#: thread gets the GIL at once instead of after Python's switch interval (5 ms) each time it wants it.
PACE_SECONDS = 0.0005
PACE_EVERY = 400


class Pacer:
    """Paces a long build in a background thread (a short sleep now and then), until someone waits for it."""

    def __init__(self, every: int = PACE_EVERY, seconds: float = PACE_SECONDS) -> None:
        self.every = every
        self.seconds = seconds
        self.hurried = False  # someone waits for the result: no more pauses
        self.finished = threading.Event()  # set by the builder when it is done (or gave up)

    def step(self, count: int) -> None:
        """Called with how many items are done so far: pause every :attr:`every` items."""
        if count % self.every == 0 and not self.hurried:
            time.sleep(self.seconds)

    def hurry(self) -> None:
        """Finish without pausing (the result is waited for)."""
        self.hurried = True


def words(headline: str) -> tuple[str, ...]:
    """The comparable words of a headline: case-folded, accents and apostrophes dropped."""
    text = unicodedata.normalize("NFKD", headline.casefold().translate(_APOSTROPHES))
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return tuple(_WORD.findall(text))


def allowed_distance(length: int) -> float:
    """How far apart two headlines of ``length`` words may be and still match."""
    if length < 6:
        return 0.5
    if length < 12:
        return 1.0
    return 2.0


def key_words(words: tuple[str, ...]) -> frozenset[str]:
    """The words of a headline that carry its meaning (not "a", "the" and the like)."""
    return frozenset(words) - _STOPWORDS


def reworded(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two reworded headlines are: the share of key words they have in common
    (of the larger set; 1.0: the same words), or 0 unless they share :data:`MIN_SHARED`
    key words and those stand in another order in one than in the other."""
    keys_a, keys_b = key_words(a), key_words(b)
    shared = keys_a & keys_b
    if len(shared) < MIN_SHARED:
        return 0.0
    if _in_order(a, shared) == _in_order(b, shared):
        return 0.0
    return len(shared) / max(len(keys_a), len(keys_b))


def _in_order(words: tuple[str, ...], keep: frozenset[str]) -> list[str]:
    """The words of ``keep`` in the order they first occur in ``words``."""
    return list(dict.fromkeys(word for word in words if word in keep))


def distance(a: tuple[str, ...], b: tuple[str, ...], limit: float) -> float:
    """Word-level edit distance; stopword insertions cost 0.5. Returns > limit early."""
    previous = [0.0]
    for word in b:
        previous.append(previous[-1] + (0.5 if word in _STOPWORDS else 1.0))
    for word_a in a:
        cost_a = 0.5 if word_a in _STOPWORDS else 1.0
        current = [previous[0] + cost_a]
        for j, word_b in enumerate(b, start=1):
            cost_b = 0.5 if word_b in _STOPWORDS else 1.0
            current.append(
                min(
                    previous[j] + cost_a,
                    current[j - 1] + cost_b,
                    previous[j - 1] + (0.0 if word_a == word_b else 1.0),
                )
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


class Resolver:
    """Finds the article a headline names among ``(id, title)`` pairs, newest first.

    Exact matches need the titles' words only; the index of which titles hold each word (for
    headlines that match no title exactly, about as costly again) is built on first need, or
    ahead of it by :meth:`prepare`.

    Memory (about 100 bytes a title at 100k with the word index, where tuples of words, dicts
    and lists of numbers took about 450): each word told apart is a number; the titles are one array of those numbers
    with where each title starts in it; exact matches are found through :class:`Slots` of
    title numbers; the titles holding each word are one array, a slice a word.
    """

    def __init__(self, titles: Iterable[tuple[str, str]], pacer: Pacer | None = None) -> None:
        self._ids: list[str] = []
        numbers = _Numbering()  # word → its number, while the titles are read
        self._flat = array("I")  # every title's words (numbers), one title after the other
        self._starts = array("I", [0])  # title n is _flat[_starts[n]:_starts[n + 1]]
        hashes = array("q")
        flat, starts, number_of = self._flat, self._starts, numbers.__getitem__
        for index, (article_id, title) in enumerate(titles):
            key = tuple(map(number_of, words(title)))  # in C, but for words not seen before
            self._ids.append(article_id)
            flat.extend(key)
            starts.append(len(flat))
            hashes.append(hash(key))
            if pacer is not None:
                pacer.step(index + 1)
        spelled = list(numbers)  # number → word: numbers are given in order
        # then the words one string (a line each) and numbers found by hash: no string nor dict entry a word
        self._vocabulary = "\n".join(spelled) + "\n"
        self._word_starts = array("I", itertools.accumulate((len(word) + 1 for word in spelled), initial=0))
        self._word_slots = Slots(len(spelled))
        self._word_slots.place(map(hash, spelled))
        del numbers, spelled
        self._exact_slots = Slots(len(hashes))  # of titles with the same words, the first
        self._exact_slots.place(hashes, lambda index, other: self._title(index) == self._title(other))
        self._postings: tuple[array[int], array[int]] | None = None  # (where each word's titles start, titles)
        self._indexing = threading.Lock()
        self._pacer: Pacer | None = None  # the build of the postings under way, if any
        self._cache: dict[str, str | None] = {}

    def _title(self, index: int) -> array[int]:
        """The words (numbers) of title ``index``."""
        return self._flat[self._starts[index] : self._starts[index + 1]]

    def _exact(self, key: tuple[str, ...]) -> int | None:
        """The first title whose words are ``key``, if any."""
        found = [self._number(word) for word in key]
        if -1 in found:
            return None  # a word no title holds
        wanted = array("I", found)
        return self._exact_slots.find(hash(tuple(found)), lambda index: self._title(index) == wanted)

    def _words(self, index: int) -> tuple[str, ...]:
        """The words of title ``index``."""
        return tuple(map(self._spelling, self._title(index)))

    def _spelling(self, number: int) -> str:
        """The word numbered ``number``."""
        return self._vocabulary[self._word_starts[number] : self._word_starts[number + 1] - 1]

    def _number(self, word: str) -> int:
        """The number of a word some title holds, else -1."""
        found = self._word_slots.find(hash(word), lambda number: self._spelling(number) == word)
        return -1 if found is None else found

    @property
    def prepared(self) -> bool:
        """Are the titles' words indexed (no resolve waits for it)?"""
        return self._postings is not None

    def prepare(self, pacer: Pacer | None = None) -> None:
        """Index the titles' words now (paced, in a background thread), so that no resolve waits for it."""
        self._postings_built(pacer)

    def _postings_built(self, pacer: Pacer | None = None) -> tuple[array[int], array[int]]:
        postings = self._postings
        if postings is not None:
            return postings
        building = self._pacer
        if building is not None:
            building.hurry()  # a paced build is under way: it finishes at full speed
        with self._indexing:
            if self._postings is None:
                self._pacer = pacer
                self._postings, self._pacer = self._indexed(pacer), None
            return self._postings

    def _indexed(self, pacer: Pacer | None) -> tuple[array[int], array[int]]:
        """Which titles hold each word: ``titles[starts[w]:starts[w + 1]]`` (ascending) hold word ``w``.
        Two passes over the titles: how many hold each word, then where they go."""
        flat, starts, count = self._flat, self._starts, len(self._ids)
        held = array("I", bytes(4 * len(self._word_starts)))
        distinct = array("I")  # each title's words once, one title after the other
        ends = array("I", [0])
        counts: Counter[int] = Counter()
        counted = 0  # the words of distinct[:counted] are counted
        for index in range(count):
            distinct.extend(set(flat[starts[index] : starts[index + 1]]))
            ends.append(len(distinct))
            if index % _COUNTED == _COUNTED - 1:
                counts.update(distinct[counted:])  # in C, a few thousand words at a time
                counted = len(distinct)
            if pacer is not None:
                pacer.step(2 * index + 1)
        counts.update(distinct[counted:])
        for word, titles_holding in counts.items():
            held[word + 1] = titles_holding
        word_starts = array("I", itertools.accumulate(held))
        cursor = word_starts[:-1]
        titles = array("I", bytes(4 * len(distinct)))
        for index in range(count):
            for word in distinct[ends[index] : ends[index + 1]]:
                titles[cursor[word]] = index
                cursor[word] += 1
            if pacer is not None:
                pacer.step(2 * index + 2)
        return word_starts, titles

    def resolve(self, headline: str) -> str | None:
        """The id of the article ``headline`` names, or None."""
        try:
            return self._cache[headline]
        except KeyError:
            pass
        key = words(headline)
        index = self._exact(key)
        if index is None and key:
            index = self._near(key)
        found = None if index is None else self._ids[index]
        self._cache[headline] = found
        return found

    def _near(self, key: tuple[str, ...]) -> int | None:
        word_starts, titles = self._postings_built()
        every = []  # (start, end) of the titles of each of the headline's words some title holds
        for word in set(key):  # in the order of the set of words: ties in length keep it
            number = self._number(word)
            if number >= 0:
                every.append((word_starts[number], word_starts[number + 1]))
        rarest = sorted(every, key=lambda span: span[1] - span[0])[:_RAREST]
        candidates = sorted({i for start, end in rarest if end - start <= _MAX_POSTINGS for i in titles[start:end]})
        best, best_distance = None, 0.0
        alike_index, best_overlap = None, MIN_OVERLAP
        for index in candidates:
            other = self._words(index)
            limit = allowed_distance(max(len(key), len(other)))
            if abs(len(other) - len(key)) <= 2 * limit:
                found = distance(key, other, limit)
                if found <= limit and (best is None or found < best_distance):
                    best, best_distance = index, found
            if best is None:
                alike = reworded(key, other)
                if alike > best_overlap or (alike == best_overlap and alike_index is None):
                    alike_index, best_overlap = index, alike
        return best if best is not None else alike_index
