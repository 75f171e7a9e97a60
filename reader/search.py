"""Full-text search: an SQLite FTS5 index in the cache folder. No Textual.

The index is a derived cache, never the source of truth: it is keyed like the
parse cache (article id, file size, mtime and parser version), updated
incrementally, and thrown away and rebuilt when it is missing, corrupt or
stale. Bodies are streamed from the files in batches, never held in bulk.

Thread use: :meth:`SearchIndex.update` runs in one worker thread (it may farm
the parsing out to child processes, ``python -m reader.search``, which read paths
on stdin and answer with the texts on stdout); :meth:`SearchIndex.search` may be called
from any other thread meanwhile, and each new search (or :meth:`cancel`) stops
the one still running, which raises :class:`SearchCancelled`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import itertools
import os
import re
import sys
import threading
import zlib
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, NoReturn

from reader.children import Child
from reader.model import Article
from reader.parser_version import PARSER_VERSION
from reader.record import Frozen, set_field
from reader.text import ParseError, clean_line


class _OnFirstUse:
    """A module imported when first used: SQLite is not needed before the first headlines are shown."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            try:
                self._module = importlib.import_module(self._name)
            except ImportError as error:  # a Python built without SQLite: no index, titles are still matched
                self._module = _missing(self._name, error)
        return getattr(self._module, attribute)


def _missing(name: str, error: ImportError) -> ModuleType:
    """A stand-in for the database module this Python lacks: connecting raises :class:`SearchError` (the
    index is unavailable, and the user is told why); its error classes are never raised."""

    class Error(Exception):
        """Never raised."""

    class DatabaseError(Error):
        """Never raised."""

    class OperationalError(DatabaseError):
        """Never raised."""

    def connect(*_args: object, **_kwargs: object) -> NoReturn:
        raise SearchError(f"this Python has no {name} module ({clean_line(str(error))})")

    module = ModuleType(name)
    vars(module).update(Error=Error, DatabaseError=DatabaseError, OperationalError=OperationalError, connect=connect)
    return module


if TYPE_CHECKING:
    import sqlite3
else:
    sqlite3 = _OnFirstUse("sqlite3")

#: Bumped whenever the tables or the tokenizer change, so an old index is rebuilt.
INDEX_FORMAT = 2
#: Queries matching more stories than this list them newest first instead of by bm25
#: (ranking every story that holds a common word costs more than it tells).
RANK_LIMIT = 20_000
DAY = 1_000_000_000  # rowids are yyyymmdd * DAY + a count: newest first is rowid order
#: bm25 weights of the title, section and body columns.
WEIGHTS = (10.0, 4.0, 1.0)
BATCH = 500  # documents per transaction
MIN_FOR_PROCESSES = 400  # fewer files than this are parsed in the calling thread
AUTO_PREFIX = 3  # the word being typed matches as a prefix from this many characters

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, size INTEGER NOT NULL,"
    " mtime INTEGER NOT NULL, published TEXT, title TEXT NOT NULL, section TEXT NOT NULL, packed BLOB NOT NULL)",
    # contentless: the text lives (compressed) in docs.packed, only to delete a changed entry
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, section, body, content='',"
    " tokenize='unicode61 remove_diacritics 2')",
)
_TOKEN = r'"([^"]*)("?)(\*?)|([^\s"]+)'  # a query's words and phrases: compiled (and kept by re) at the first search

ReadBody = Callable[[str], str]
#: Files' (size, mtime) as the caller last looked at them, by path (no need to look again).
Stamps = Mapping[str, tuple[int, int]]


class SearchError(Exception):
    """The index cannot be created or written (the message says why, in one line)."""


class SearchCancelled(Exception):
    """A newer search (or :meth:`SearchIndex.cancel`) stopped this one."""


class Updated(Frozen):
    """What one :meth:`SearchIndex.update` did."""

    __slots__ = ("added", "kept", "removed", "stopped")

    added: int  # new or changed entries indexed
    removed: int  # entries of vanished articles dropped
    kept: int  # entries already up to date
    stopped: bool  # the ``stop`` event ended it early

    def __init__(self, added: int, removed: int, kept: int, stopped: bool = False) -> None:
        set_field(self, "added", added)
        set_field(self, "removed", removed)
        set_field(self, "kept", kept)
        set_field(self, "stopped", stopped)


def default_path() -> Path:
    """Where the app keeps its index: ``search.sqlite`` in the cache folder."""
    from reader.paths import cache_dir

    return cache_dir() / "search.sqlite"


def body_text(article: Article) -> str:
    """The text indexed beside the title and section: dek, authors, body blocks."""
    parts = [article.dek or "", " ".join(article.authors), *(block.text for block in article.body)]
    return "\n".join(part for part in parts if part)


def file_text(path: str) -> str:
    """Read and parse one file and return its :func:`body_text` (the default ``read_body``)."""
    from reader.parse import parse  # not at import: the first paint never parses

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ParseError(error.strerror or str(error)) from None
    return body_text(parse(data, name=os.path.basename(path)))


def match_expression(query: str, *, prefix: bool = False) -> str | None:
    """User text → a safe FTS5 MATCH expression (None when there is nothing to look for).

    Every word becomes a quoted string, so operators, brackets and stray quotes are
    plain text; ``"two words"`` is a phrase, ``word*`` a prefix. With ``prefix`` the
    last word being typed (a bare word, or the last of a phrase not closed yet) also
    matches as a prefix once it has :data:`AUTO_PREFIX` characters.
    """
    terms: list[tuple[str, bool, bool]] = []  # text, is prefix, still being typed (a bare word, an open phrase)
    for match in re.finditer(_TOKEN, query):
        phrase, closed, star, word = match.groups()
        if word is not None:
            bare = word.rstrip("*")
            terms.append((bare, bare != word, True))
        else:
            terms.append((phrase.strip(), bool(star), not closed))
    terms = [term for term in terms if any(ch.isalnum() for ch in term[0])]
    if not terms:
        return None
    if prefix:
        text, starred, typing = terms[-1]
        if typing and not starred and len(text.split()[-1]) >= AUTO_PREFIX:
            terms[-1] = (text, True, True)
    return " ".join('"' + text.replace('"', '""') + '"' + ("*" if starred else "") for text, starred, _ in terms)


def _pack(read_body: ReadBody, path: str) -> tuple[str, bytes] | None:
    """One file's body text and its compressed copy; None when it cannot be read."""
    try:
        text = read_body(path)
    except (ParseError, OSError, UnicodeError, ValueError):
        return None
    return text, zlib.compress(text.encode("utf-8"), 1)


class SearchIndex:
    """An FTS5 index of titles, sections and full text, stored at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._write = threading.Lock()  # one update (or reset) at a time
        self._query = threading.Lock()  # one query at a time on the shared connection
        self._ticket = itertools.count(1)
        self._generation = 0  # a new ticket for each search and cancel(): older queries stop
        self._running = 0  # the ticket of the query now running
        self._conn: sqlite3.Connection | None = None  # the searches' connection (read only)
        self._replaced = 0  # bumped when update() replaces the file: searches reconnect
        self._conn_replaced = 0

    # -- the file -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """A connection to a usable index file, replacing a corrupt or stale one (updates only)."""
        for attempt in range(2):
            conn: sqlite3.Connection | None = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                if self._is_current(conn):
                    return conn
                conn.close()
                conn = None
                if attempt:
                    break
                self._remove_files()
            except (sqlite3.DatabaseError, OSError):
                if conn is not None:
                    conn.close()
                if attempt:
                    break
                self._remove_files()
        raise SearchError(f"cannot create a search index at {self.path}")

    @staticmethod
    def _is_current(conn: sqlite3.Connection) -> bool:
        """Does the file hold an index of this format and parser version (creating an empty one)?"""
        wanted = {"format": str(INDEX_FORMAT), "parser": str(PARSER_VERSION)}
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            with conn:
                conn.execute("BEGIN")
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.executemany("INSERT INTO meta VALUES (?, ?)", wanted.items())
            return True
        if not {"meta", "docs", "fts"} <= tables:
            return False
        found = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('format', 'parser')").fetchall())
        conn.execute("SELECT rowid FROM fts WHERE fts MATCH '\"x\"' LIMIT 1").fetchall()
        return found == wanted

    def _remove_files(self) -> None:
        self._replaced += 1
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _reader(self) -> sqlite3.Connection:
        """The searches' connection: never creates, changes or removes the file (updates do)."""
        if self._conn is not None and self._conn_replaced != self._replaced:
            self._drop_reader()  # the file it reads was replaced
        if self._conn is None:
            replaced = self._replaced
            try:
                uri = self.path.resolve().as_uri() + "?mode=rw"
                conn = sqlite3.connect(uri, uri=True, timeout=5, check_same_thread=False, isolation_level=None)
            except (sqlite3.Error, OSError, ValueError):
                raise SearchError(f"no search index at {self.path} yet") from None
            try:
                tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                current = {"meta", "docs", "fts"} <= tables and self._is_current(conn)
            except sqlite3.Error:
                current = False
            if not current:
                conn.close()
                raise SearchError(f"the search index at {self.path} is not ready")
            conn.set_progress_handler(self._stale, 1000)
            self._conn, self._conn_replaced = conn, replaced
        return self._conn

    def has_entries(self) -> bool:
        """Does the file already hold a usable index with entries (from an earlier run)? Never creates it.

        Such an index can answer searches at once, while :meth:`update` brings it up to date.
        """
        with self._query:
            try:
                return self._reader().execute("SELECT 1 FROM docs LIMIT 1").fetchone() is not None
            except (sqlite3.Error, SearchError):
                self._drop_reader()
                return False

    def _drop_reader(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Stop any query and close the index (it reopens on next use)."""
        self.cancel()
        with self._query:
            self._drop_reader()

    # -- searching ------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the query now running, if any (it raises :class:`SearchCancelled`)."""
        self._generation = next(self._ticket)

    def _stale(self) -> int:
        """Progress handler: non-zero (stop) when a newer query has been asked for."""
        return int(self._running != self._generation)

    def search(self, query: str, limit: int | None = 200, *, prefix: bool = False) -> list[str]:
        """Ids of the articles matching ``query``, best first (bm25, then newest; newest
        first when more than :data:`RANK_LIMIT` match).

        Every word must match (title, section or text); ``"a phrase"`` and ``word*``
        work; any other text is taken literally, never as FTS5 syntax. ``prefix``
        treats the last word as a prefix (for search as you type). Returns ``[]``
        for an empty query or an unusable index; raises :class:`SearchCancelled`
        when a newer search or :meth:`cancel` overtook this one.
        """
        expression = match_expression(query, prefix=prefix)
        mine = self._generation = next(self._ticket)
        if expression is None:
            return []
        with self._query:
            if mine != self._generation:
                raise SearchCancelled(query)
            self._running = mine
            try:
                conn = self._reader()
                return self._ranked(conn, expression, limit)
            except sqlite3.OperationalError as error:
                if mine != self._generation or "interrupt" in str(error):
                    raise SearchCancelled(query) from None
                self._broken()
                return []
            except (sqlite3.DatabaseError, SearchError):
                self._broken()
                return []
            finally:
                self._running = 0

    def _ranked(self, conn: sqlite3.Connection, expression: str, limit: int | None) -> list[str]:
        """Rowids newest first (rowid order, cheap) when there are very many, else by bm25."""
        newest = [
            rowid
            for (rowid,) in conn.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?", (expression, RANK_LIMIT + 1)
            )
        ]
        if self._stale():
            raise SearchCancelled(expression)
        if len(newest) > RANK_LIMIT:
            if limit is None or limit > RANK_LIMIT:
                newest = [
                    r
                    for (r,) in conn.execute(
                        "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?",
                        (expression, -1 if limit is None else limit),
                    )
                ]
            rowids = newest[:limit]
        elif len(newest) <= 1:
            rowids = newest
        else:
            rowids = [
                rowid
                for (rowid,) in conn.execute(
                    "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, ?, ?, ?), rowid DESC LIMIT ?",
                    (expression, *WEIGHTS, -1 if limit is None else limit),
                )
            ]
        ids: dict[int, str] = {}
        for start in range(0, len(rowids), 10_000):
            chunk = rowids[start : start + 10_000]
            marks = ",".join("?" * len(chunk))
            ids.update(conn.execute(f"SELECT rowid, id FROM docs WHERE rowid IN ({marks})", chunk).fetchall())
        return [ids[rowid] for rowid in rowids if rowid in ids]

    def _broken(self) -> None:
        """The file went bad under us: let go of it; the next :meth:`update` checks and rebuilds it."""
        self._drop_reader()

    # -- building -------------------------------------------------------------------

    def update(
        self,
        articles: Sequence[Article],
        read_body: ReadBody = file_text,
        paths: Mapping[str, str] | None = None,
        *,
        processes: int = 0,
        stop: threading.Event | None = None,
        stamps: Stamps | None = None,
    ) -> Updated:
        """Bring the index in line with ``articles`` (newest first is indexed first).

        An article with a file in ``paths`` (id → path) is keyed by the file's size and
        mtime (from ``stamps`` when it holds the path, else looked at now) and its text
        comes from ``read_body(path)``; one without is keyed by its own text. Entries of
        articles no longer given are removed. When every key is as the last complete
        update left them, nothing more is done. With ``processes``
        (and the default ``read_body``) the files are parsed in that many child
        processes when there are many (a first build), leaving this process free.
        Blocks until done or until ``stop`` is set; commits every :data:`BATCH` entries,
        so searches see progress.
        """
        paths = paths or {}
        known = stamps or {}
        keys: Callable[[], Iterator[Key]]
        if known:  # streamed twice at most (no list of every key held): the files looked at are few
            keys = functools.partial(_keys, articles, paths, known)
        else:
            keys = functools.partial(iter, list(_keys(articles, paths, known)))  # every file looked at: once
        with self._write:
            try:
                return self._update(articles, keys, read_body, paths, processes, stop)
            except sqlite3.DatabaseError:
                self._remove_files()  # corrupt under us: start again, once
            try:
                return self._update(articles, keys, read_body, paths, processes, stop)
            except (sqlite3.Error, OSError) as error:
                raise SearchError(f"search index {self.path}: {error}") from None

    def _update(
        self,
        articles: Sequence[Article],
        keys: Callable[[], Iterator[Key]],
        read_body: ReadBody,
        paths: Mapping[str, str],
        processes: int,
        stop: threading.Event | None,
    ) -> Updated:
        conn = self._connect()
        try:
            digest = _digest(keys())
            last = conn.execute("SELECT value FROM meta WHERE key = 'keys'").fetchone()
            if last is not None and last[0].startswith(f"{digest} ") and last[0][len(digest) + 1 :].isdigit():
                return Updated(0, 0, int(last[0][len(digest) + 1 :]))  # as the last complete update left it
            with conn:  # the entries change from here: until they are complete again, no digest
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM meta WHERE key = 'keys'")
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS current(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, size INT, mtime INT)"
            )
            conn.execute("DELETE FROM current")
            with conn:  # the first of two articles with one id wins, as in the library
                conn.execute("BEGIN")
                conn.executemany("INSERT OR IGNORE INTO current VALUES (?, ?, ?, ?)", keys())
            removed = self._remove_vanished(conn)
            todo: list[tuple[int, int, int]] = conn.execute(
                "SELECT c.seq, c.size, c.mtime FROM current c LEFT JOIN docs d ON d.id = c.id"
                " WHERE d.id IS NULL OR d.size != c.size OR d.mtime != c.mtime ORDER BY c.seq"
            ).fetchall()
            unique = conn.execute("SELECT COUNT(*) FROM current").fetchone()[0]
            added, stopped = self._add(conn, articles, todo, read_body, paths, processes, stop)
            conn.execute("DELETE FROM current")
            if not stopped:
                with conn:
                    conn.execute("BEGIN")
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('keys', ?)", (f"{digest} {unique}",))
            return Updated(added, removed, unique - len(todo), stopped)
        finally:
            conn.close()

    @staticmethod
    def _remove_vanished(conn: sqlite3.Connection) -> int:
        """Remove the entries of articles no longer given, a batch per transaction.

        Each batch is listed under the write lock, and a row another reader sharing the
        index removed meanwhile is skipped (it used to end the update with a traceback).
        """
        removed = 0
        while True:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                gone = [
                    rowid
                    for (rowid,) in conn.execute(
                        "SELECT rowid FROM docs WHERE id NOT IN (SELECT id FROM current) LIMIT ?", (BATCH,)
                    )
                ]
                for rowid in gone:
                    row = conn.execute(
                        "SELECT rowid, title, section, packed FROM docs WHERE rowid = ?", (rowid,)
                    ).fetchone()
                    if row is None:
                        continue
                    _forget(conn, *row)
                    conn.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
                    removed += 1
            if len(gone) < BATCH:
                return removed

    def _add(
        self,
        conn: sqlite3.Connection,
        articles: Sequence[Article],
        todo: list[tuple[int, int, int]],
        read_body: ReadBody,
        paths: Mapping[str, str],
        processes: int,
        stop: threading.Event | None,
    ) -> tuple[int, bool]:
        """Index the articles at positions ``todo``; (how many, stopped early?)."""
        files = [paths[articles[seq].id] for seq, _, _ in todo if articles[seq].id in paths]
        if processes > 0 and len(files) >= MIN_FOR_PROCESSES and read_body is file_text:
            bodies = _parsed_elsewhere(files, processes)
        else:
            bodies = (_pack(read_body, path) for path in files)
        done = 0
        try:
            for start in range(0, len(todo), BATCH):
                if stop is not None and stop.is_set():
                    return done, True
                with conn:
                    conn.execute("BEGIN")
                    for seq, size, mtime in todo[start : start + BATCH]:
                        article = articles[seq]
                        packed = next(bodies) if article.id in paths else _pack_article(article)
                        self._put(conn, article, size, mtime, packed)
                        done += 1
            return done, False
        finally:
            bodies.close()

    @staticmethod
    def _put(
        conn: sqlite3.Connection, article: Article, size: int, mtime: int, packed: tuple[str, bytes] | None
    ) -> None:
        """Index one article (replacing its old entry) under the key it was found with."""
        text, blob = packed or ("", b"")
        old = conn.execute("SELECT rowid, title, section, packed FROM docs WHERE id = ?", (article.id,)).fetchone()
        if old is not None:
            _forget(conn, *old)
            conn.execute("DELETE FROM docs WHERE rowid = ?", (old[0],))
        day = _day(article.published)
        last = conn.execute("SELECT MAX(rowid) FROM docs WHERE rowid >= ? AND rowid < ?", (day, day + DAY)).fetchone()
        rowid = day if last[0] is None else last[0] + 1
        section = article.section or ""
        conn.execute(
            "INSERT INTO docs(rowid, id, size, mtime, published, title, section, packed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (rowid, article.id, size, mtime, article.published, article.title, section, blob),
        )
        conn.execute(
            "INSERT INTO fts(rowid, title, section, body) VALUES (?, ?, ?, ?)", (rowid, article.title, section, text)
        )


def _forget(conn: sqlite3.Connection, rowid: int, title: str, section: str, packed: bytes) -> None:
    """Delete one entry from the contentless FTS table (it needs the text it indexed)."""
    text = zlib.decompress(packed).decode("utf-8") if packed else ""
    conn.execute(
        "INSERT INTO fts(fts, rowid, title, section, body) VALUES ('delete', ?, ?, ?, ?)", (rowid, title, section, text)
    )


def _day(published: str | None) -> int:
    """The first rowid of a publication day (``2024-11-05`` → 20241105 * DAY; undated → 0)."""
    digits = "".join(ch for ch in (published or "")[:10] if ch.isdigit())[:8]
    return int(digits.ljust(8, "0")) * DAY if len(digits) >= 4 else 0


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def _own_key(text: str) -> tuple[int, int]:
    """The key of an article with no file: its text's length and checksum."""
    data = text.encode("utf-8")
    return -2 - len(data), zlib.crc32(data)


#: (position, id, size, mtime): an article as the index keys it.
Key = tuple[int, str, int, int]


def _keys(articles: Sequence[Article], paths: Mapping[str, str], stamps: Stamps) -> Iterator[Key]:
    """(position, id, size, mtime) of every article, as the index would key it (a file in ``stamps``
    as it says, any other file looked at now)."""
    for seq, article in enumerate(articles):
        path = paths.get(article.id)
        if path is not None:
            stamp = stamps.get(path)
            yield (seq, article.id, *(stamp if stamp is not None else _stat(path)))
        else:
            yield (seq, article.id, *_own_key(body_text(article)))


def _digest(keys: Iterator[Key]) -> str:
    """One string for every key in order (the index keeps it, and how many stories, after a complete update)."""
    import hashlib  # here, in the indexing worker: a launch does without it (OpenSSL's library is slow to load)

    digest = hashlib.sha1(usedforsecurity=False)
    while chunk := list(itertools.islice(keys, 2000)):
        text = "".join(f"{ident}\0{size}\0{mtime}\n" for _, ident, size, mtime in chunk)
        digest.update(text.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _pack_article(article: Article) -> tuple[str, bytes]:
    text = body_text(article)
    return text, zlib.compress(text.encode("utf-8"), 1)


def _next_text(child: Child) -> tuple[str, bytes] | None:
    """A child's next answer: a file's text and its compressed copy, or None when it could not be read."""
    if child.read_status() == b"\0":
        return None
    data = child.read_frame()
    return data.decode("utf-8"), zlib.compress(data, 1)  # compressed here: the child is the busier


def _parsed_elsewhere(files: list[str], processes: int) -> Generator[tuple[str, bytes] | None, None, None]:
    """The packed bodies of ``files`` in order, parsed by child processes (file ``n`` by child
    ``n % processes``); if a child fails, the rest are parsed here."""
    children: list[Child] = []
    try:
        try:
            for _ in range(processes):
                children.append(Child("reader.search"))
        except OSError:
            children = []
        for number, child in enumerate(children):
            child.feed(files[number :: len(children)])
        position = 0
        with contextlib.suppress(EOFError):
            while children and position < len(files):
                packed = _next_text(children[position % len(children)])
                position += 1
                yield packed
        for path in files[position:]:
            yield _pack(file_text, path)
    finally:
        for child in children:
            child.close()


def _serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The child's loop: read length-prefixed paths, answer each with its text (length-prefixed)."""
    while True:
        header = source.read(4)
        if len(header) < 4:
            return
        path = source.read(int.from_bytes(header, "big")).decode("utf-8", "surrogateescape")
        try:
            text = file_text(path).encode("utf-8")
        except (ParseError, OSError, UnicodeError, ValueError):
            sink.write(b"\0")
        else:
            sink.write(b"\1" + len(text).to_bytes(4, "big") + text)
        sink.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
