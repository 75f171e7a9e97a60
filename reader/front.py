"""The front of the library: what a warm launch draws first, kept beside the parse cache. No Textual.

Building every story of a large library (10,000 partial articles, sorted) takes a warm launch
longer than drawing its first screen does. The front file keeps what that screen needs: the
first and the last rows of the list (newest first, as a load of the parse cache gives it),
every story's id and reading minutes (the unread counts under any read marks), and the load's
problems. It names the generation of the parse cache file it was made from and the folders
that load read. A launch shows the front, and the rest is loaded right after the first frame
(:meth:`reader.library.Library.complete`), before any key is handled.

A derived cache: written after a load when missing or made from another generation, never the
source of truth. Missing, stale or damaged, it is not used: the launch loads as before.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator, Sequence
from itertools import compress
from operator import not_
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import orjson

from reader.cache import MAX_CACHE_BYTES, generation_after, generation_of, write_atomically
from reader.files import read_regular
from reader.model import Article
from reader.rows import Rows

if TYPE_CHECKING:
    from reader.library import Library

FRONT_FORMAT = 1
#: Rows kept at each end of the list: a terminal up to twice as many lines tall is filled by them.
FRONT_ROWS = 200
#: The sorts whose first rows the front holds (the section sort and one section need every row).
SORTS = ("newest", "oldest")


def front_path(cache_path: Path) -> Path:
    """Where the front of the library of a parse cache at ``cache_path`` is kept."""
    return cache_path.with_name(f"{cache_path.stem}-front{cache_path.suffix}")


class FrontRows(Sequence[Article]):
    """A list of ``total`` rows of which only the first ones are here (what a launch draws first)."""

    def __init__(self, first: list[Article], total: int) -> None:
        self.first = first
        self.total = total

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Article]: ...
    def __getitem__(self, index: int | slice) -> Article | Sequence[Article]:
        if isinstance(index, slice):
            return self.first[index]
        if 0 <= index < len(self.first):
            return self.first[index]
        raise IndexError(f"row {index} is not loaded yet")

    def __iter__(self) -> Iterator[Article]:
        return iter(self.first)


class Front:
    """What a launch shows before the library is whole: the first rows of each sort and the counts."""

    def __init__(
        self, newest: list[Article], oldest: list[Article], total: int, unread: int, minutes: int, lines: int
    ) -> None:
        self.newest = newest
        self.oldest = oldest
        self.total = total
        self.unread = unread  # stories not read, under the read marks the launch found
        self.minutes = minutes  # and the minutes they take to read (of those that say)
        self.lines = lines  # the tallest terminal the rows fill (a taller one needs the rest first)

    def rows(self, sort: str) -> FrontRows:
        """The list in this sort (one of :data:`SORTS`), as far as the front holds it."""
        return FrontRows(self.oldest if sort == "oldest" else self.newest, self.total)


def keep_front(cache_path: Path | None, generation: str | None, roots: list[Any] | None, library: Library) -> None:
    """Write the front of ``library`` (loaded completely from the parse cache file of this ``generation``,
    reading these ``roots``) unless the file kept is already of this generation. Failures only cost speed."""
    if cache_path is None or generation is None or roots is None:
        return
    path = front_path(cache_path)
    if _kept_generation(path) == generation:
        return
    articles, paths = library.articles, library.paths
    ids = [article.id for article in articles]
    minutes = [article.read_minutes for article in articles]
    data = {
        "format": FRONT_FORMAT,
        "generation": generation,
        "roots": roots,
        "total": len(articles),
        "minutes": sum(filter(None, minutes)),
        "newest": _rows(articles[:FRONT_ROWS], paths).to_json(),
        "oldest": _rows(articles[: -FRONT_ROWS - 1 : -1], paths).to_json(),
        "ids": "\n".join(ids),
        "read_minutes": minutes,
        "problems": [[str(problem.path), problem.reason] for problem in library.problems],
    }
    with contextlib.suppress(OSError, TypeError, ValueError):  # a front that cannot be written is only slower
        write_atomically(path, orjson.dumps(data))


def _rows(articles: list[Article], paths: dict[str, str]) -> Rows:
    """Rows of these stories and their files (sizes and mtimes unused: 0)."""
    rows = Rows()
    for article in articles:
        rows.append(paths.get(article.id, ""), 0, 0, article)
    return rows


def _kept_generation(path: Path) -> str | None:
    """The generation the front file at ``path`` names (it comes first in the file), if any."""
    return generation_after(path, orjson.dumps({"format": FRONT_FORMAT})[:-1])


def read_front(
    cache_path: Path, roots: list[Any] | None, read: dict[str, Any], sort: str, limit: int | None, keep: str | None
) -> tuple[Front, Library] | None:
    """The front kept for the parse cache at ``cache_path`` and a library of its stories (``loading``: the rest
    is to come), with the counts under these ``read`` marks; None when the front cannot stand for a complete
    load of the cache (missing, damaged, of another generation or other folders, a sort it does not hold, a
    terminal taller than its rows) or the story ``keep`` is in the library but not among its rows. A damaged
    front is removed (the next load writes it again)."""
    if roots is None or sort not in SORTS:
        return None
    path = front_path(cache_path)
    try:
        data = orjson.loads(read_regular(path, MAX_CACHE_BYTES))
    except OSError:
        return None
    except ValueError:
        data = None
    kept = _Kept.of(data)
    if kept is None:
        _forget(path)
        return None
    if kept.roots != roots or kept.generation != generation_of(cache_path):
        return None  # of another load
    shown = kept.oldest if sort == "oldest" else kept.newest
    if keep is not None and keep not in shown.ids and f"\n{keep}\n" in f"\n{kept.ids}\n":
        return None  # the cursor goes to a story further down
    position = shown.ids.index(keep) if keep is not None and keep in shown.ids else 0
    lines = _lines_filled(len(shown), kept.total, position)
    if shutil.get_terminal_size().lines > lines:
        return None  # a terminal too tall for the rows below the cursor
    unread = _unread(kept.ids, kept.every_minutes, kept.total, read) if read else (kept.total, kept.minutes)
    if unread is None:
        _forget(path)
        return None
    return _library(kept, *unread, limit, lines)


def _lines_filled(rows: int, total: int, cursor: int) -> int:
    """How tall a terminal ``rows`` first rows of ``total`` fill with the list's cursor on row ``cursor`` (two lines a
    row; the list scrolled to put the cursor at its top at most; room for the header and the footer)."""
    return 1_000_000 if rows == total else 2 * (rows - cursor) - 8


class _Kept:
    """A front file's data, checked (but for the ids and minutes of every story: see :func:`_unread`)."""

    def __init__(self, data: dict[str, Any], newest: Rows, oldest: Rows) -> None:
        self.generation: object = data.get("generation")
        self.roots: object = data.get("roots")
        self.total: int = data["total"]
        self.minutes: int = data["minutes"]
        self.problems: list[list[str]] = data["problems"]
        self.ids: str = data["ids"]
        self.every_minutes: list[Any] = data["read_minutes"]
        self.newest, self.oldest = newest, oldest

    @classmethod
    def of(cls, data: object) -> _Kept | None:
        """The front in ``data``, if it has the right shape and safe text."""
        if type(data) is not dict or data.get("format") != FRONT_FORMAT:
            return None
        total, minutes, problems = data.get("total"), data.get("minutes"), data.get("problems")
        if type(total) is not int or type(minutes) is not int or type(problems) is not list:
            return None
        if not all(type(p) is list and len(p) == 2 and type(p[0]) is str and type(p[1]) is str for p in problems):
            return None
        ids, every_minutes = data.get("ids"), data.get("read_minutes")
        if type(ids) is not str or type(every_minutes) is not list or len(every_minutes) != total:
            return None
        ends = []
        for name in SORTS:
            raw = data.get(name)
            rows = Rows.from_json(raw)
            if type(raw) is not dict or type(raw.get("ids")) is not list or len(rows) != len(raw["ids"]):
                return None  # a row failed its checks
            ends.append(rows)
        newest, oldest = ends
        if len(newest) != min(total, FRONT_ROWS) or len(oldest) != len(newest):
            return None
        return cls(data, newest, oldest)


def _forget(path: Path) -> None:
    """Remove a damaged front file."""
    with contextlib.suppress(OSError):
        path.unlink()


def _unread(ids: str, minutes: list[Any], total: int, read: dict[str, Any]) -> tuple[int, int] | None:
    """Stories not read and their minutes, of every story (``ids``: one a line, in list order); None when the
    columns do not hold ``total`` stories each once."""
    every = ids.split("\n") if ids else []
    if len(every) != total or len(set(every)) != total:
        return None
    if not all(type(m) is int or m is None for m in minutes):
        return None
    unread: list[int | None] = list(compress(minutes, map(not_, map(read.__contains__, every))))
    return len(unread), sum(filter(None, unread))


def _library(kept: _Kept, unread: int, minutes: int, limit: int | None, lines: int) -> tuple[Front, Library]:
    """The front and a library of its stories (each once), which knows their files."""
    from reader.library import Library, Problem

    first, last = kept.newest.articles(), kept.oldest.articles()
    paths: dict[str, str] = {}
    for rows in (kept.newest, kept.oldest):
        for ident, path in zip(rows.ids, rows.paths, strict=True):
            paths.setdefault(ident, path)
    known = [Problem(Path(path), reason) for path, reason in kept.problems]
    by_id = {article.id: article for article in (*last, *first)}  # one object a story: the newest list's
    last = [by_id[article.id] for article in last]
    library = Library([*first, *last], paths, known, limit, unchecked=True)
    library.loading = True
    front = Front(first, last, kept.total, unread, minutes, lines)
    library.front = front
    return front, library
