"""Backlinks ("Linked from") as two arrays of numbers, kept in a small binary file between runs. No Textual.

Stories are numbered by their place in the library's list. ``sources[offsets[n]:offsets[n + 1]]``
are the numbers of the stories linking to story ``n``: 4 bytes a link, where lists of id
strings cost about 60 (and reading them back from JSON much more, at 100k stories). The
file holds the ids in that order too, so a list of the same stories in another order
(a library changed in place, then found equal to the files) reads it back.
"""

from __future__ import annotations

import contextlib
import operator
import os
import subprocess
import sys
from array import array
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from reader.cache import backlinks_path, write_atomically
from reader.children import exit_with_parent
from reader.files import check_regular
from reader.model import Article
from reader.parser_version import PARSER_VERSION
from reader.record import Frozen, set_field
from reader.rows import Rows
from reader.slots import Slots
from reader.text import ParseError

#: Bumped when link matching or this file's layout changes, so older backlinks are found again.
BACKLINKS_FORMAT = 3
_MAGIC = b"reader-backlinks"
_MAX_BYTES = 1_000_000_000
_IDS_AT_ONCE = 2000  # ids compared at a time, reading backlinks back
_NUMBERS_AT_ONCE = 1 << 16  # numbers read at a time
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
#: Seconds the child may take (beyond: found here instead).
CHILD_TIMEOUT = 600.0

Headlines = Callable[[Article], tuple[tuple[str, ...], tuple[str, ...]]]
Resolve = Callable[[str], str | None]


def backlinks_key(rows: Rows) -> str:
    """What backlinks found over these rows are kept under: every file's path, size and mtime."""
    import hashlib  # here: a launch does without it (OpenSSL's library is slow to load)

    digest = hashlib.sha1(f"{BACKLINKS_FORMAT} {PARSER_VERSION}\n".encode(), usedforsecurity=False)
    for part in rows.stamps():  # a part at a time: no copy of them all (megabytes at 100k stories)
        digest.update(part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class Kept(Frozen):
    """Where a library's backlinks are kept between runs: beside its parse cache, under a key."""

    __slots__ = ("cache", "key")

    cache: Path  # the parse cache holding the library's rows
    key: Callable[[], str]  # worked out when first needed

    def __init__(self, cache: Path, key: Callable[[], str]) -> None:
        set_field(self, "cache", cache)
        set_field(self, "key", key)

    @property
    def path(self) -> Path:
        """The backlinks file."""
        return backlinks_path(self.cache)

    def find_elsewhere(self, key: str) -> None:
        """Have a child process find the backlinks of the rows in the parse cache and keep them
        (when they are still these rows); failures are quiet (the caller then finds them itself).
        The child's stdin is a pipe held open meanwhile: when this process ends, even killed, the
        child sees it close and stops (it would otherwise run on for up to :data:`CHILD_TIMEOUT`)."""
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            child = subprocess.Popen(
                [sys.executable, "-P", "-m", "reader.backlinks", str(self.cache), key],  # -P: as children.Child
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                child.wait(timeout=CHILD_TIMEOUT)
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait()
                if child.stdin is not None:
                    child.stdin.close()


class Backlinks:
    """Which stories of a list link to each story of it."""

    def __init__(self, articles: Sequence[Article], offsets: array[int], sources: array[int]) -> None:
        self.articles = articles
        self.offsets = offsets
        self.sources = sources
        self._positions: Slots | None = None  # story numbers by id (4 bytes a story, where a dict takes 80)

    def of(self, article_id: str) -> list[Article]:
        """The stories whose Related or Explore lists point at this one."""
        articles = self.articles
        positions = self._positions
        if positions is None:
            positions = Slots(len(articles))
            positions.place(hash(a.id) for a in articles)  # ids are told apart: a library holds each once
            self._positions = positions
        n = positions.find(hash(article_id), lambda m: articles[m].id == article_id)
        if n is None:
            return []
        return [articles[s] for s in self.sources[self.offsets[n] : self.offsets[n + 1]]]

    @classmethod
    def build(cls, articles: Sequence[Article], resolve: Resolve, headlines: Headlines) -> Backlinks:
        """Resolve every story's Related and Explore headlines (each target once per story, never itself)."""
        positions = {a.id: n for n, a in enumerate(articles)}
        linked: dict[int, list[int]] = {}
        for n, article in enumerate(articles):
            seen: set[str] = set()
            related, explore = headlines(article)
            for headline in related + explore:
                target = resolve(headline)
                if target is not None and target != article.id and target not in seen:
                    seen.add(target)
                    where = positions.get(target)
                    if where is not None:
                        linked.setdefault(where, []).append(n)
        offsets, sources = array("I", [0]), array("I")
        for n in range(len(articles)):
            sources.extend(linked.get(n, ()))
            offsets.append(len(sources))
        return cls(articles, offsets, sources)

    def write(self, path: Path, key: str) -> None:
        """Keep the arrays at ``path`` for the list of files ``key`` names (atomically; failures ignored)."""
        ids = _joined_ids(self.articles)
        header = f"{BACKLINKS_FORMAT} {sys.byteorder} {key} {len(self.articles)} {len(self.sources)} {len(ids)}\n"
        with contextlib.suppress(OSError):
            write_atomically(
                path, _MAGIC + b" " + header.encode() + ids + self.offsets.tobytes() + self.sources.tobytes()
            )

    @classmethod
    def read(cls, path: Path, key: str, articles: Sequence[Article]) -> Backlinks | None:
        """The backlinks kept at ``path`` for these files and this list; None when missing, damaged or stale."""
        try:
            fd = os.open(path, _OPEN_FLAGS)  # never waits on a pipe: a FIFO is refused below
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                return cls._read(handle, os.fstat(fd), key, articles)
        except (OSError, EOFError, ParseError):  # unreadable, cut short, not a regular file or too large
            return None

    @classmethod
    def _read(cls, handle: BinaryIO, st: os.stat_result, key: str, articles: Sequence[Article]) -> Backlinks | None:
        """:meth:`read` from an open file, read a part at a time into the arrays (no copy of the whole file)."""
        check_regular(st, _MAX_BYTES)
        header = handle.readline(400)
        if not header.endswith(b"\n"):
            return None
        fields = header[:-1].split(b" ")
        count = len(articles)
        if len(fields) != 7 or fields[:3] != [_MAGIC, str(BACKLINKS_FORMAT).encode(), sys.byteorder.encode()]:
            return None
        if fields[3] != key.encode() or fields[4] != str(count).encode():
            return None
        if not (fields[5].isdigit() and fields[6].isdigit()):
            return None
        links, names_size = int(fields[5]), int(fields[6])
        offsets, sources = array("I"), array("I")
        if st.st_size != len(header) + names_size + (count + 1 + links) * offsets.itemsize:
            return None
        names = handle.read(names_size)
        _fill(offsets, handle, count + 1)  # EOFError when the file was cut short meanwhile
        _fill(sources, handle, links)
        ordered = all(map(operator.le, offsets, islice(offsets, 1, None)))
        if len(names) != names_size or offsets[0] != 0 or offsets[-1] != links or not ordered:
            return None
        if links and max(sources) >= count:
            return None
        if _same_ids(names, articles):  # the common case, without a string an id
            return cls(articles, offsets, sources)
        listed = names.decode("utf-8", "surrogateescape").split("\n") if count else []
        if len(listed) != count:
            return None
        return cls._reordered(articles, listed, offsets, sources)

    @classmethod
    def _reordered(
        cls, articles: Sequence[Article], names: list[str], offsets: array[int], sources: array[int]
    ) -> Backlinks | None:
        """Backlinks kept for the same stories listed in another order, renumbered (None: other stories)."""
        positions = {a.id: n for n, a in enumerate(articles)}
        where = [positions.get(name, -1) for name in names]
        if -1 in where or len(set(where)) != len(articles):
            return None
        linked: list[list[int]] = [[] for _ in articles]
        for n, target in enumerate(where):
            linked[target] = [where[s] for s in sources[offsets[n] : offsets[n + 1]]]
        new_offsets, new_sources = array("I", [0]), array("I")
        for found in linked:
            new_sources.extend(found)
            new_offsets.append(len(new_sources))
        return cls(articles, new_offsets, new_sources)


def _joined_ids(articles: Sequence[Article]) -> bytes:
    """The stories' ids, a line each, as the file holds them."""
    return "\n".join(a.id for a in articles).encode("utf-8", "surrogateescape")


def _fill(numbers: array[int], handle: BinaryIO, count: int) -> None:
    """Read ``count`` more numbers into the array, a part at a time (no copy of them all at once)."""
    while count > 0:
        part = min(count, _NUMBERS_AT_ONCE)
        numbers.fromfile(handle, part)
        count -= part


def _same_ids(names: bytes, articles: Sequence[Article]) -> bool:
    """Are ``names`` (as :func:`_joined_ids` gives them) the ids of these stories? Compared a few thousand
    stories at a time: no copy of every id."""
    at = 0
    for start in range(0, len(articles), _IDS_AT_ONCE):
        part = _joined_ids(articles[start : start + _IDS_AT_ONCE])
        if start:
            part = b"\n" + part
        if names[at : at + len(part)] != part:
            return False
        at += len(part)
    return at == len(names)


#: How far the child steps back for the app (``nice``): its seconds of work at 100k stories run in the
#: background, and where the machine is busy, the app's threads (opening a story) go first.
NICENESS = 10


def _step_back() -> None:
    """Lower this process's priority by :data:`NICENESS` (where the system allows it; never fatal)."""
    with contextlib.suppress(AttributeError, OSError):
        os.nice(NICENESS)


def _child(cache_file: str, key: str) -> int:
    """The child's work: the library of the parse cache's rows (if they are still those of ``key``),
    every link resolved, the backlinks kept. Exit status 0 when they were. Stops at once when the
    parent is gone (its stdin closes)."""
    writing = exit_with_parent()
    _step_back()
    from reader.library import library_from_cache

    found = library_from_cache(Path(cache_file))
    if found is None or found[1] != key:
        return 1
    library = found[0]
    graph = Backlinks.build(library.articles, library.resolver.resolve, library.headlines)
    with writing:
        graph.write(backlinks_path(Path(cache_file)), key)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
