"""The list's data of many stories in columns (one list per field): what the parse cache keeps. No Textual.

Columns load from JSON as a handful of flat lists (cheap at 100k stories) and are checked
a column at a time: every column of the right type and every text the parser could have
produced. Only when a column fails is each row checked, and the bad rows dropped.

Memory (about 400 bytes a story at 100k): sizes and mtimes are machine integers in arrays,
not number objects; sections and dates, few of them told apart, are one string each, not
one a row (JSON decoding makes a new string at every use).
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from typing import Any

from reader.model import Article
from reader.record import Record

#: The columns, in the order a row lists them.
COLUMNS = ("paths", "sizes", "mtimes", "ids", "titles", "sections", "published", "minutes")

_TEXT = frozenset({str})
_TEXT_OR_NONE = frozenset({str, type(None)})
_INT = frozenset({int})
_INT_OR_NONE = frozenset({int, type(None)})
_KINDS = (_TEXT, _INT, _INT, _TEXT, _TEXT, _TEXT_OR_NONE, _TEXT_OR_NONE, _INT_OR_NONE)
#: The columns kept as machine integers (sizes and mtimes in nanoseconds: 64 bits hold them).
_NUMBERS = frozenset({"sizes", "mtimes"})
_LOWEST, _HIGHEST = -(2**63), 2**63 - 1
_STAMPS = 2000  # rows a string of :meth:`Rows.stamps`
#: The columns with few values told apart: each value kept once.
_REPEATED = frozenset({"sections", "published"})

# What the parser never leaves in text: escape sequences, control characters but tab and
# newline, bidirectional overrides, lone surrogates; found in the UTF-8 bytes (fast).
_C0_BYTES = bytes(range(9)) + bytes(range(11, 32)) + b"\x7f"
_UNSAFE_UTF8 = (
    re.compile(rb"\xc2[\x80-\x9f]"),  # C1 controls
    re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])"),  # bidirectional overrides and isolates
    re.compile(rb"\xed[\xa0-\xbf]"),  # surrogates
)


def unsafe(text: str) -> bool:
    """Does ``text`` hold a character the parser never leaves in article text?"""
    if text.isascii():  # the common case: a C0 control is all it could hold (looked for in bytes: quick)
        data = text.encode("ascii")
        return len(data.translate(None, _C0_BYTES)) != len(data)
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0_BYTES)) != len(data):
        return True
    return len(data) != len(text) and any(pattern.search(data) is not None for pattern in _UNSAFE_UTF8)


_new = object.__new__
#: Runs an iterator to its end, keeping nothing.
_consume: Callable[[Iterable[object]], None] = deque[object](maxlen=0).extend
# Each field's slot written straight through its descriptor: quicker than ``object.__setattr__``
# (which looks the descriptor up at every call), and still past the frozen dataclass's check.
_SETTERS = {name: getattr(Article, name).__set__ for name in (f.name for f in fields(Article))}
#: The fields a partial article has from its row, in the order :func:`partial_articles` takes them.
_FROM_ROW = ("id", "title", "section", "read_minutes", "published")
#: The others, as a partial article has them (no body, no links).
_BLANK = {"dek": None, "image": None, "authors": (), "body": (), "related": (), "source": None, "explore": ()}


def partial_articles(
    ids: list[str],
    titles: list[str],
    sections: list[str | None],
    minutes: list[int | None],
    published: list[str | None],
) -> list[Article]:
    """Partial articles (the list's fields only), one a row, built without the frozen dataclass's checks:
    the objects first, then one field of every article at a time (loops in C, no Python call a row)."""
    made: list[Article] = list(map(_new, itertools.repeat(Article, len(ids))))
    columns: tuple[Iterable[object], ...] = (ids, titles, sections, minutes, published)
    for name, column in zip(_FROM_ROW, columns, strict=True):
        _consume(map(_SETTERS[name], made, column))
    for name, value in (*_BLANK.items(), ("partial", True)):
        _consume(map(_SETTERS[name], made, itertools.repeat(value)))
    return made


def partial_article(ident: str, title: str, section: str | None, minutes: int | None, published: str | None) -> Article:
    """One partial article (see :func:`partial_articles`)."""
    return partial_articles([ident], [title], [section], [minutes], [published])[0]


class Rows(Record):
    """Files and their list data, one column per field, in load order (``paths``: absolute)."""

    __slots__ = ("ids", "minutes", "mtimes", "paths", "published", "sections", "sizes", "titles")

    paths: list[str]
    sizes: array[int]
    mtimes: array[int]
    ids: list[str]
    titles: list[str]
    sections: list[str | None]
    published: list[str | None]
    minutes: list[int | None]

    def __init__(
        self,
        paths: list[str] | None = None,
        sizes: array[int] | None = None,
        mtimes: array[int] | None = None,
        ids: list[str] | None = None,
        titles: list[str] | None = None,
        sections: list[str | None] | None = None,
        published: list[str | None] | None = None,
        minutes: list[int | None] | None = None,
    ) -> None:
        self.paths = [] if paths is None else paths
        self.sizes = array("q") if sizes is None else sizes
        self.mtimes = array("q") if mtimes is None else mtimes
        self.ids = [] if ids is None else ids
        self.titles = [] if titles is None else titles
        self.sections = [] if sections is None else sections
        self.published = [] if published is None else published
        self.minutes = [] if minutes is None else minutes

    def __len__(self) -> int:
        return len(self.paths)

    def columns(self) -> list[Any]:
        """The columns in :data:`COLUMNS` order."""
        return [getattr(self, name) for name in COLUMNS]

    def append(self, path: str, size: int, mtime: int, article: Article) -> None:
        """Add a row for ``article``, read from ``path`` at this size and mtime."""
        self.paths.append(path)
        self.sizes.append(size)
        self.mtimes.append(mtime)
        self.ids.append(article.id)
        self.titles.append(article.title)
        self.sections.append(article.section)
        self.published.append(article.published)
        self.minutes.append(article.read_minutes)

    def article(self, row: int) -> Article:
        """The partial article of one row."""
        return partial_article(
            self.ids[row], self.titles[row], self.sections[row], self.minutes[row], self.published[row]
        )

    def articles(self) -> list[Article]:
        """Every row's partial article, in order."""
        return partial_articles(self.ids, self.titles, self.sections, self.minutes, self.published)

    def stamps(self) -> Iterator[str]:
        """``path NUL size NUL mtime`` lines of every row, in order (what keys data derived from these
        files), a few thousand rows a string: joined, the lines of every row, without a string a row."""
        stamp = "{}\0{}\0{}\n".format
        for start in range(0, len(self.paths), _STAMPS):
            end = start + _STAMPS
            yield "".join(map(stamp, self.paths[start:end], self.sizes[start:end], self.mtimes[start:end]))

    def to_json(self) -> dict[str, list[Any]]:
        """The columns by name, ready for JSON (lists)."""
        return {name: getattr(self, name).tolist() if name in _NUMBERS else getattr(self, name) for name in COLUMNS}

    def same(self, other: Rows) -> bool:
        """Do both hold the same rows in the same order?"""
        return self.columns() == other.columns()

    @classmethod
    def from_json(cls, data: Any) -> Rows:
        """The rows of cached data that pass the checks (all, in the common case; none when the
        columns are missing or of different lengths)."""
        if type(data) is not dict:
            return cls()
        columns: list[Any] = [data.get(name) for name in COLUMNS]
        if any(type(column) is not list for column in columns) or len({len(c) for c in columns}) != 1:
            return cls()
        if not _columns_ok(columns):
            good = [_row_ok(row) for row in zip(*columns, strict=True)]
            columns = [list(itertools.compress(column, good)) for column in columns]
        return cls(*(_compact(name, column) for name, column in zip(COLUMNS, columns, strict=True)))


def _compact(name: str, column: list[Any]) -> Any:
    """A checked column as :class:`Rows` keeps it: numbers in an array, repeated texts shared."""
    if name in _NUMBERS:
        return array("q", column)
    if name in _REPEATED:
        return _shared(column)
    return column


def _shared(column: list[Any]) -> list[Any]:
    """``column`` with equal values one object (the first), freeing the copies."""
    first = {value: value for value in column}
    return list(map(first.__getitem__, column))


def _fits(numbers: list[int]) -> bool:
    """Do all these (int) values fit a 64-bit array?"""
    return not numbers or (min(numbers) >= _LOWEST and max(numbers) <= _HIGHEST)


def _columns_ok(columns: list[list[Any]]) -> bool:
    """Every value of the right type, ids and titles never empty, no unsafe text (a column at a time)."""
    for column, kinds in zip(columns, _KINDS, strict=True):
        if not set(map(type, column)) <= kinds:
            return False
    _paths, sizes, mtimes, ids, titles, sections, published, _minutes = columns
    if not (all(ids) and all(titles) and _fits(sizes) and _fits(mtimes)):
        return False
    texts: tuple[Iterable[str], ...] = (ids, titles, filter(None, sections), filter(None, published))
    return not any(_unsafe_line(" ".join(column)) for column in texts)


def _row_ok(row: tuple[Any, ...]) -> bool:
    """The checks of :func:`_columns_ok`, on one row."""
    for value, kinds in zip(row, _KINDS, strict=True):
        if type(value) not in kinds:
            return False
    _path, size, mtime, ident, title, section, published, _minutes = row
    if not (_LOWEST <= size <= _HIGHEST and _LOWEST <= mtime <= _HIGHEST):
        return False
    return bool(ident and title) and not _unsafe_line(f"{ident} {title} {section or ''} {published or ''}")


def _unsafe_line(text: str) -> bool:
    """Does one-line text (an id, a title, a section, a date) hold what the parser never leaves in it?"""
    return unsafe(text) or "\n" in text or "\t" in text
