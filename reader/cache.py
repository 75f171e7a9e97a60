"""The parse cache: headline data of parsed files, keyed by path, size and mtime. No Textual.

Two files: the list's data (id, title, section, date, minutes: about 150 bytes a
story), read at every start, and beside it the Related and Explore headlines,
read only when backlinks are first needed.

The cache file is not trusted: an entry of the wrong shape, with wrong types or with
text the parser never produces (escape sequences, control characters) is ignored and
its file parsed again. It is written through uniquely named temp files, removed when
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
from reader.parse import PARSER_VERSION

CACHE_FORMAT = 2
#: A parse cache file larger than this is not read (it is rebuilt instead).
MAX_CACHE_BYTES = 512_000_000


def backlinks_path(path: Path) -> Path:
    """Where the backlinks found over the library of a parse cache at ``path`` are kept."""
    return path.with_name(f"{path.stem}-backlinks{path.suffix}")


def links_path(path: Path) -> Path:
    """Where the Related and Explore headlines of a parse cache at ``path`` are kept."""
    return path.with_name(f"{path.stem}-links{path.suffix}")


class ParseCache:
    """Parsed headline data keyed by path, size and mtime; disposable (rebuilt when unreadable).

    ``entries``: path → ``[size, mtime, id, title, section, published, minutes]``, all a
    list shows. Bodies are not cached: they are re-parsed when an article is opened (well
    under a millisecond). The Related and Explore headlines (for backlinks) are kept in
    a second file, read on first use of :meth:`links`.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        self._links: dict[str, list[Any]] | None = None  # read on first use
        self._new_links: dict[str, list[Any]] = {}
        self._links_lock = threading.Lock()
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        remove_stale_temp_files(self.path)
        self.entries = _read_entries(self.path)

    def get(self, path: str, size: int, mtime: int) -> Article | None:
        """The cached (partial: no body, no links) article for this exact file version, if any.

        An entry of the wrong shape or with unsafe text is ignored (the file is re-parsed).
        """
        entry = self.entries.get(path)
        if type(entry) is not list or len(entry) != 7 or entry[0] != size or entry[1] != mtime:
            return None
        return article_from_entry(entry)

    def put(self, path: str, size: int, mtime: int, article: Article) -> None:
        """Remember a freshly parsed article (not for a path that is not valid UTF-8: JSON cannot hold it)."""
        if not path.isascii():
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                return
        self.entries[path] = [
            size,
            mtime,
            article.id,
            article.title,
            article.section,
            article.published,
            article.read_minutes,
        ]
        self._new_links[path] = [size, mtime, list(article.related), list(article.explore)]
        self.dirty = True

    def links(self, path: str, size: int, mtime: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The Related and Explore headlines cached for this file version, if any (safe text only)."""
        entry = self._new_links.get(path)
        if entry is None:
            with self._links_lock:
                if self._links is None:
                    self._links = _read_entries(links_path(self.path)) if self.path is not None else {}
            entry = self._links.get(path)
        if type(entry) is not list or len(entry) != 4 or entry[0] != size or entry[1] != mtime:
            return None
        related, explore = entry[2], entry[3]
        if type(related) is not list or type(explore) is not list:
            return None
        try:
            if _unsafe(" ".join([*related, *explore])):
                return None
        except TypeError:
            return None
        return tuple(related), tuple(explore)

    def release(self) -> None:
        """Let go of the data held in memory (after loading: the files keep it)."""
        self.entries, self._links, self._new_links = {}, None, {}
        self.dirty = False

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache atomically if it changed; drop entries not in ``keep``."""
        if self.path is None:
            return
        if keep is not None and len(keep) != len(self.entries):
            kept = {k: v for k, v in self.entries.items() if k in keep}
            if len(kept) != len(self.entries):
                self.entries = kept
                self.dirty = True
        if not self.dirty:
            return
        with contextlib.suppress(OSError, TypeError):  # a cache that cannot be written is only slower
            old = self._links if self._links is not None else _read_entries(links_path(self.path))
            links = {k: v for k, v in old.items() if k in self.entries}
            links.update((k, v) for k, v in self._new_links.items() if k in self.entries)
            header = {"format": CACHE_FORMAT, "parser": PARSER_VERSION}
            write_atomically(self.path, orjson.dumps({**header, "entries": self.entries}))
            write_atomically(links_path(self.path), orjson.dumps({**header, "entries": links}))  # missing: files read
            self._links, self._new_links = links, {}
            self.dirty = False


def _read_entries(path: Path) -> dict[str, list[Any]]:
    """The entries of a cache file; empty when it is missing, corrupt, not a regular file or old."""
    try:
        data = orjson.loads(read_regular(path, MAX_CACHE_BYTES))
        if data.get("format") == CACHE_FORMAT and data.get("parser") == PARSER_VERSION:
            entries = data["entries"]
            if isinstance(entries, dict):
                return entries
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    return {}


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
# What the parser never leaves in text: escape sequences, control characters but tab and
# newline, bidirectional overrides, lone surrogates; found in the UTF-8 bytes (fast).
_C0_BYTES = bytes(range(9)) + bytes(range(11, 32)) + b"\x7f"
_UNSAFE_UTF8 = (
    re.compile(rb"\xc2[\x80-\x9f]"),  # C1 controls
    re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])"),  # bidirectional overrides and isolates
    re.compile(rb"\xed[\xa0-\xbf]"),  # surrogates
)


def _unsafe(text: str) -> bool:
    """Does ``text`` hold a character the parser never leaves in article text?"""
    if text.isprintable() and text.isascii():
        return False  # the common case, in two quick C checks
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0_BYTES)) != len(data):
        return True
    return len(data) != len(text) and any(pattern.search(data) is not None for pattern in _UNSAFE_UTF8)


def article_from_entry(entry: list[Any]) -> Article | None:
    """The partial article of a cache entry ``[size, mtime, id, title, section, published,
    minutes]``; ``None`` unless the types are right and the text is what the parser could give."""
    _, _, ident, title, section, published, minutes = entry
    if type(ident) is not str or type(title) is not str or not ident or not title:
        return None
    if not (type(section) in _TEXT_OR_NONE and type(published) in _TEXT_OR_NONE):
        return None
    if minutes is not None and type(minutes) is not int:
        return None
    if _unsafe(f"{ident} {title} {section or ''} {published or ''}"):
        return None
    return Article(id=ident, title=title, section=section, read_minutes=minutes, published=published, partial=True)


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
    if _unsafe(joined):
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
