"""What changed in the library folders since they were loaded: new, changed and gone stories. No Textual."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from functools import partial

from reader.backlinks import Kept, backlinks_key
from reader.library import Disk, Library, Problem
from reader.model import Article
from reader.record import Record
from reader.rows import Rows


class Changes(Record):
    """Stories to add or replace (with their files), and ids whose file is gone."""

    __slots__ = ("changed", "disk", "gone", "kept", "new", "paths", "problems")

    changed: list[Article]
    paths: dict[str, str]
    gone: list[str]
    new: int
    problems: list[Problem]
    disk: Disk | None  # the files as the fresh load found them
    kept: Kept | None  # where the backlinks of the fresh load's stories are kept

    def __init__(
        self,
        changed: list[Article] | None = None,
        paths: dict[str, str] | None = None,
        gone: list[str] | None = None,
        new: int = 0,
        problems: list[Problem] | None = None,
        disk: Disk | None = None,
        kept: Kept | None = None,
    ) -> None:
        self.changed = [] if changed is None else changed
        self.paths = {} if paths is None else paths
        self.gone = [] if gone is None else gone
        self.new = new
        self.problems = [] if problems is None else problems
        self.disk = disk
        self.kept = kept

    def __bool__(self) -> bool:
        return bool(self.changed or self.gone)

    def describe(self) -> str:
        """One line for a toast: "2 new stories, 1 changed, 1 gone"."""
        parts = [f"{self.new} new stor{'ies' if self.new != 1 else 'y'}"] if self.new else []
        if len(self.changed) > self.new:
            parts.append(f"{len(self.changed) - self.new} changed")
        if self.gone:
            parts.append(f"{len(self.gone)} gone")
        return ", ".join(parts)


def _files_only(disk: Disk | None, known_paths: Mapping[str, str]) -> Disk | None:
    """The files of a fresh load as the library keeps them to check the folders (path, size, mtime).

    Not its rows' ids, titles, sections and dates, which the library holds already: kept, they held
    the text of the fresh load's parse cache alive (about 30 MiB at 100,000 stories, a reload). A path
    the library knows is the library's own string, not a copy.
    """
    if disk is None:
        return None
    rows = disk.rows
    same = {path: path for path in known_paths.values()}
    files = Rows(paths=[same.get(path, path) for path in rows.paths], sizes=rows.sizes, mtimes=rows.mtimes)
    return Disk(disk.extra, disk.folders, files, disk.others)


def _head(article: Article) -> tuple[str, str | None, int | None, str | None]:
    """What the headline list shows of a story: the fields every head has, parsed or from the parse cache."""
    return article.title, article.section, article.read_minutes, article.published


def compare(known: Mapping[str, Article], known_paths: Mapping[str, str], fresh: Library) -> Changes:
    """What ``fresh`` (the folders loaded again) holds that ``known`` does not, and what is gone.

    A known story counts as gone only when it came from a file that no longer exists, can no longer
    be read or now holds another story (stories added some other way, such as a feed refresh under
    way, stay).
    """
    disk = _files_only(fresh.disk, known_paths)
    kept = fresh.kept_backlinks
    if kept is not None and disk is not None:  # its key is worked out from the files alone
        kept = Kept(kept.cache, partial(backlinks_key, disk.rows))
    changes = Changes(problems=list(fresh.problems), disk=disk, kept=kept)
    for article in fresh.articles:
        old = known.get(article.id)
        if old is None or _head(old) != _head(article) or known_paths.get(article.id) != fresh.paths.get(article.id):
            changes.changed.append(article)
            if article.id in fresh.paths:
                changes.paths[article.id] = fresh.paths[article.id]
            changes.new += old is None
    files = set(fresh.paths.values())
    unreadable = {str(problem.path) for problem in fresh.problems}  # emptied, a pipe now, too large...
    for article_id in known:
        if article_id in fresh.by_id:
            continue
        path = known_paths.get(article_id)
        if path is not None and (path in files or path in unreadable or not os.path.lexists(path)):
            changes.gone.append(article_id)
    return changes


def release_memory() -> None:
    """Give the C heap's free pages back to the system, once a reload's fresh library is dropped.

    A reload that cannot take the parse cache's word builds a whole second library and drops it
    (hundreds of MiB at the peak at 100,000 stories); the C allocator kept the pages it freed,
    scattered among pages still in use, and the app's resident memory stayed that much higher.
    glibc's ``malloc_trim`` hands them back; elsewhere (another C library) this does nothing.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # this process's own C library
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim
