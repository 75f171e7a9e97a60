"""The parse cache: headline data of parsed files, keyed by path, size and mtime. No Textual.

Two files: the list's data (id, title, section, date, minutes: about 150 bytes a
story, in columns: see :mod:`reader.rows`), read at every start, and beside it the
Related and Explore headlines, read only when backlinks are first needed.

The cache file is checked: a row of the wrong shape, with wrong types or with text
the parser never produces (escape sequences, control characters) is ignored and its
file parsed again. Each write names a new generation in the file's first bytes: data
derived from the file (the front a launch shows first, :mod:`reader.front`) keeps it,
to tell it still stands for the file. It is written through uniquely named temp files, removed when
the write fails; temp files of killed runs are removed when the cache is opened.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

import orjson

from reader.files import read_regular
from reader.model import Article, Image
from reader.parser_version import PARSER_VERSION
from reader.rows import Rows, unsafe

CACHE_FORMAT = 3
#: A parse cache file larger than this is not read (it is rebuilt instead).
MAX_CACHE_BYTES = 512_000_000


def backlinks_path(path: Path) -> Path:
    """Where the backlinks found over the library of a parse cache at ``path`` are kept."""
    return path.with_name(f"{path.stem}-backlinks.bin")


def links_path(path: Path) -> Path:
    """Where the Related and Explore headlines of a parse cache at ``path`` are kept."""
    return path.with_name(f"{path.stem}-links{path.suffix}")


class ParseCache:
    """Parsed headline data keyed by path, size and mtime; disposable (rebuilt when unreadable).

    ``rows``: the files of the last load, in order, with all a list shows (id, title,
    section, date, minutes). With them: ``roots``, what that load was asked to read,
    ``problems``, the files and folders it could not read and why, and ``complete``
    (every file it read is in ``rows`` or ``problems``): a launch may then show the
    rows as they are and check the files afterwards (see :meth:`trusted`).

    Bodies are not cached: they are re-parsed when an article is opened (well under
    a millisecond). The Related and Explore headlines (for backlinks) are kept in a
    second file, read on first use of :meth:`links`.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.rows = Rows()
        self.roots: list[Any] | None = None
        self.problems: list[tuple[str, str]] = []
        self.complete = False
        self.generation: str | None = None  # names what the file holds: new at every write (see :func:`generation_of`)
        self._index: dict[str, int] | None = None  # path → row, built on first use of get()
        self._links: _Links | None = None  # read on first use
        self._new_links: dict[str, list[Any]] = {}
        self._links_lock = threading.Lock()
        self._load()

    @property
    def entries(self) -> Rows:
        """The cached rows (truthy when any)."""
        return self.rows

    def _load(self) -> None:
        if self.path is None:
            return
        remove_stale_temp_files(self.path)
        with contextlib.suppress(OSError):  # backlinks as older versions kept them (JSON, 89 MB at 100k stories)
            os.unlink(self.path.with_name(f"{self.path.stem}-backlinks.json"))
        data = _read_json(self.path)
        if data is None:
            return
        self.rows = Rows.from_json(data)
        generation = data.get("generation")
        self.generation = generation if type(generation) is str and _GENERATION.fullmatch(generation) else None
        roots, problems = data.get("roots"), data.get("problems")
        if type(roots) is list and type(problems) is list:
            checked = [(p[0], p[1]) for p in problems if _is_problem(p)]
            self.roots, self.problems = roots, checked
            every_row = type(data.get("paths")) is list and len(data["paths"]) == len(self.rows)
            self.complete = data.get("complete") is True and len(checked) == len(problems) and every_row

    def trusted(self, roots: list[Any]) -> Rows | None:
        """The rows of a complete last load of these very ``roots`` (None otherwise): shown
        without looking at the files first (the caller checks them after)."""
        if not self.complete or self.roots != roots:
            return None
        return self.rows

    def holds(self, path: str) -> bool:
        """Does the cache hold a row for this file (of any version)? If not, it is parsed unlooked at."""
        if self._index is None:
            self._index = {p: n for n, p in enumerate(self.rows.paths)}
        return path in self._index

    def get(self, path: str, size: int, mtime: int) -> Article | None:
        """The cached (partial: no body, no links) article for this exact file version, if any."""
        if self._index is None:
            self._index = {p: n for n, p in enumerate(self.rows.paths)}
        row = self._index.get(path)
        if row is None or self.rows.sizes[row] != size or self.rows.mtimes[row] != mtime:
            return None
        return self.rows.article(row)

    def put(self, path: str, size: int, mtime: int, article: Article) -> None:
        """Remember the links of a freshly parsed article (its list data comes with :meth:`save`)."""
        if not path.isascii():
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                return  # JSON cannot hold it
        self._new_links[path] = [size, mtime, "\n".join(article.related), "\n".join(article.explore)]

    def links(self, path: str, size: int, mtime: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The Related and Explore headlines cached for this file version, if any (safe text only)."""
        entry = self._new_links.get(path)
        if entry is None:
            with self._links_lock:
                if self._links is None:
                    self._links = _Links.read(links_path(self.path)) if self.path is not None else _Links()
            entry = self._links.get(path)
        if entry is None or entry[0] != size or entry[1] != mtime:
            return None
        related, explore = entry[2], entry[3]
        if type(related) is not str or type(explore) is not str or unsafe(f"{related}\n{explore}"):
            return None
        return tuple(related.split("\n")) if related else (), tuple(explore.split("\n")) if explore else ()

    def release(self) -> None:
        """Let go of the data held in memory (after loading: the files keep it)."""
        self.rows, self._index, self._links, self._new_links = Rows(), None, None, {}

    def save(self, rows: Rows, roots: list[Any], problems: list[tuple[str, str]], complete: bool) -> None:
        """Write what a load found (atomically, when it differs from what the file holds)."""
        if self.path is None:
            return
        same = (
            not self._new_links
            and self.complete == complete
            and self.roots == roots
            and self.problems == problems
            and rows.same(self.rows)
            and self.generation is not None  # a file of an earlier version is written once more, with one
        )
        self._index = None  # the load is over: no more get()
        if same:
            return
        with contextlib.suppress(OSError, TypeError):  # a cache that cannot be written is only slower
            old = self._links if self._links is not None else _Links.read(links_path(self.path))
            links = _Links()
            for path, size, mtime in zip(rows.paths, rows.sizes, rows.mtimes, strict=True):
                entry = self._new_links.get(path) or old.get(path)
                if entry is not None and entry[0] == size and entry[1] == mtime:
                    links.add(path, entry)
            header = {"format": CACHE_FORMAT, "parser": PARSER_VERSION}
            generation = os.urandom(8).hex()
            body = {"roots": roots, "problems": problems, "complete": complete, **rows.to_json()}
            self.generation = None  # while the file may hold neither what it held nor what it will
            write_atomically(self.path, orjson.dumps({**header, "generation": generation, **body}))
            write_atomically(links_path(self.path), orjson.dumps({**header, **links.to_json()}))  # missing: files read
            self.rows, self.roots, self.problems, self.complete = rows, roots, problems, complete
            self.generation = generation
            self._index, self._links, self._new_links = None, links, {}


def looks_current(path: Path) -> bool:
    """Does the file at ``path`` start as a parse cache of this format and parser does, and end as JSON
    does (its first and last bytes only: whether a launch may count on it, before reading it)?"""
    head = orjson.dumps({"format": CACHE_FORMAT, "parser": PARSER_VERSION})[:-1] + b","
    try:
        with open(path, "rb") as file:
            if file.read(len(head)) != head:
                return False
            file.seek(-1, os.SEEK_END)
            return file.read(1) == b"}"  # not cut short
    except OSError:
        return False


#: A generation: 16 hex digits.
_GENERATION = re.compile(r"[0-9a-f]{16}")


def generation_of(path: Path) -> str | None:
    """The generation a parse cache file at ``path`` names in its first bytes (None: none, or another format or
    parser): what data derived from the file keeps to tell it is still the file's (:mod:`reader.front`)."""
    return generation_after(path, orjson.dumps({"format": CACHE_FORMAT, "parser": PARSER_VERSION})[:-1])


def generation_after(path: Path, head: bytes) -> str | None:
    """The generation a JSON file at ``path`` names right after ``head``, the object its first bytes open (None:
    the file does not start so, or cannot be read)."""
    head += b',"generation":"'
    try:
        with open(path, "rb") as file:
            start = file.read(len(head) + 17)
    except OSError:
        return None
    if not start.startswith(head) or start[-1:] != b'"':
        return None
    generation = start[len(head) : -1].decode("ascii", "replace")
    return generation if _GENERATION.fullmatch(generation) else None


def _is_problem(item: object) -> bool:
    return type(item) is list and len(item) == 2 and type(item[0]) is str and type(item[1]) is str


_LINK_COLUMNS = ("paths", "sizes", "mtimes", "related", "explore")


class _Links:
    """The Related and Explore headlines of files (each list one string, headlines on lines)."""

    def __init__(self, columns: list[list[Any]] | None = None) -> None:
        self.columns: list[list[Any]] = columns or [[] for _ in _LINK_COLUMNS]
        self._index: dict[str, int] | None = None

    @classmethod
    def read(cls, path: Path) -> _Links:
        """The links kept at ``path``; none when missing, corrupt or old."""
        data = _read_json(path)
        if data is None:
            return cls()
        columns: list[Any] = [data.get(name) for name in _LINK_COLUMNS]
        if any(type(c) is not list for c in columns) or len({len(c) for c in columns}) != 1:
            return cls()
        return cls(columns)

    def get(self, path: str) -> list[Any] | None:
        """``[size, mtime, related, explore]`` of a file (unchecked), if kept."""
        if self._index is None:
            self._index = {p: n for n, p in enumerate(self.columns[0])}
        row = self._index.get(path)
        return None if row is None else [column[row] for column in self.columns[1:]]

    def add(self, path: str, entry: list[Any]) -> None:
        """Keep ``[size, mtime, related, explore]`` for a file."""
        for column, value in zip(self.columns, [path, *entry], strict=True):
            column.append(value)
        self._index = None

    def to_json(self) -> dict[str, list[Any]]:
        """The columns by name."""
        return dict(zip(_LINK_COLUMNS, self.columns, strict=True))


def _read_json(path: Path) -> dict[str, Any] | None:
    """A cache file's data; None when it is missing, corrupt, not a regular file or of another version."""
    try:
        data = orjson.loads(read_regular(path, MAX_CACHE_BYTES))
    except (OSError, ValueError):
        return None
    if type(data) is dict and data.get("format") == CACHE_FORMAT and data.get("parser") == PARSER_VERSION:
        return data
    return None


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a uniquely named temp file, removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remove_stale_temp_files(path: Path) -> int:
    """Remove temp files of ``path`` left by runs that were killed (their process is gone)."""
    pattern = re.compile(re.escape(_temp_prefix(path)) + r"(\d+)(?:\.[^/]*)?\.tmp")
    removed = 0
    try:
        names = os.listdir(path.parent)
    except OSError:
        return 0
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)
            removed += 1
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier failed save of this very process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


_TEXT_OR_NONE = frozenset({str, type(None)})


def article_from_head(head: object) -> Article | None:
    """The partial article cached headline data describes; ``None`` unless it has the shape
    :meth:`Article.head` gives it and text the parser could have produced (checked in one pass)."""
    if type(head) is not dict:
        return None
    get = head.get
    ident, title, section, dek = get("id"), get("title"), get("section"), get("dek")
    published, source, minutes, image = get("published"), get("source"), get("read_minutes"), get("image")
    authors, related, explore = get("authors"), get("related"), get("explore")
    if type(ident) is not str or type(title) is not str or not ident or not title:
        return None
    maybe = _TEXT_OR_NONE
    if not (type(section) in maybe and type(dek) in maybe and type(published) in maybe and type(source) in maybe):
        return None
    if (minutes is not None and type(minutes) is not int) or not (
        type(authors) is list and type(related) is list and type(explore) is list
    ):
        return None
    texts = [ident, title, section or "", dek or "", published or "", source or "", *authors, *related, *explore]
    picture = None
    if image is not None:
        if type(image) is not dict:
            return None
        alt, caption, credit = image.get("alt"), image.get("caption"), image.get("credit")
        if not (type(alt) in maybe and type(caption) in maybe and type(credit) in maybe):
            return None
        texts += (alt or "", caption or "", credit or "")
        picture = Image(alt, caption, credit)
    try:
        joined = " ".join(texts)  # TypeError when a list held anything but strings
    except TypeError:
        return None
    if unsafe(joined):
        return None
    return Article(
        id=ident,
        title=title,
        section=section,
        read_minutes=minutes,
        dek=dek,
        image=picture,
        authors=tuple(authors),
        published=published,
        related=tuple(related),
        source=source,
        explore=tuple(explore),
        partial=True,
    )
