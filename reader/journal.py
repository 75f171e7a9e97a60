"""A durable TinyDB storage: a snapshot line plus an append-only journal, in one file.

Line 1 is a whole TinyDB database (``{"table": {"doc_id": {...}}}``); each later
line is one change ``{"t": table, "c": {doc_id: doc-or-null}}`` holding whole
documents. A change costs one appended line and an fsync, not a rewrite of the
file; the file is compacted (rewritten atomically: temporary file, fsync,
``os.replace``) when the journal grows. A torn last line (a writer killed
mid-append) was never acknowledged and is ignored, then cut off by the next writer.

Lines are appended only to a file in this format (its snapshot line ends with a
newline); anything else, such as a file written by stock TinyDB, is rewritten
whole by the first change. Only regular files are opened, and the lock is waited
for a bounded time. ``JournalStorage(None)`` keeps everything in memory through
the same code. No Textual here.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from reader.fileops import (
    NotRegularFile,
    copy_new,
    fsync_folder,
    lock_within,
    open_regular,
    open_state,
    pid_alive,
    read_from,
    write_all,
)
from reader.record import Record

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

Tables = dict[str, dict[str, Any]]
Changes = dict[str, dict[str, Any]]
Check = Callable[[str, dict[str, Any]], Iterable[str]]
Rekey = Callable[[str, str, dict[str, Any]], str]

COMPACT_MIN_LINES = 2_000
LOCK_TIMEOUT = 5.0  # seconds to wait for another process's lock before giving up
STALE_TMP_AGE = 60.0  # seconds after which a temporary file is surely abandoned


class CorruptState(Exception):
    """The state file cannot be read as a state file at all."""


class Damage(Record):
    """What could not be read in the file, beyond a torn last line."""

    __slots__ = ("lines", "records", "snapshot")

    lines: int  # journal lines that could not be read
    records: int  # records of the wrong shape or type, skipped
    snapshot: str | None  # why line 1 was unreadable while the journal was kept

    def __init__(self, lines: int = 0, records: int = 0, snapshot: str | None = None) -> None:
        self.lines = lines
        self.records = records
        self.snapshot = snapshot

    def __bool__(self) -> bool:
        return bool(self.lines or self.records or self.snapshot)


class _Parsed(Record):
    __slots__ = ("journal_lines", "ours", "snapshot_size", "tables", "valid_size")
    tables: Tables
    valid_size: int
    snapshot_size: int
    journal_lines: int
    ours: bool  # the snapshot line ends with a newline: lines may be appended

    def __init__(self, tables: Tables, valid_size: int, snapshot_size: int, journal_lines: int, ours: bool) -> None:
        self.tables = tables
        self.valid_size = valid_size
        self.snapshot_size = snapshot_size
        self.journal_lines = journal_lines
        self.ours = ours


def _no_bad_records(table: str, docs: dict[str, Any]) -> Iterable[str]:
    return ()


def _same_key(table: str, key: str, doc: dict[str, Any]) -> str:
    return key


class JournalStorage(Storage):
    """TinyDB storage over a snapshot + journal file (or memory); see the module docstring.

    ``check(table, docs)`` gives the ids of the invalid documents among ``docs`` (a
    table's documents by id; invalid ones are skipped and counted in :attr:`damage`,
    one table at a time for speed); ``rekey(table, key, doc)`` gives the id a record should
    have, applied to files from elsewhere (stock TinyDB) when they are migrated.
    """

    def __init__(
        self,
        path: str | Path | None,
        *,
        check: Check = _no_bad_records,
        rekey: Rekey = _same_key,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.lock_path = None if self.path is None else self.path.with_name(self.path.name + ".lock")
        self.check, self.rekey, self.lock_timeout = check, rekey, lock_timeout
        self.tables: Tables = {}
        self.generation = 0  # bumped whenever the data changes, locally or from disk
        self.damage = Damage()  # what the last reads skipped; the owner resets it once handled
        self.hold = False  # True: commits stay pending in memory (the lock could not be had)
        # An open descriptor on the file we read: while we hold it, its inode cannot be
        # reused, so "same inode" reliably means "same file, maybe appended to".
        self._fd: int | None = None
        self._lock_fd: int | None = None  # set while we hold the lock (it is re-entrant)
        self._writable = False
        self._valid_size = 0  # bytes of that file that hold complete lines
        self._mtime = 0  # its modification time as of our last read or write (a rewrite in place shows)
        self._journal_lines = 0
        self._snapshot_size = 0
        self._ours = True  # lines may be appended to the file as read
        self.pending: Changes = {}  # changes not yet on disk (a failed write)

    @property
    def in_memory(self) -> bool:
        """Is there no file behind this storage?"""
        return self.path is None

    # -- reading --------------------------------------------------------------

    def reload(self) -> None:
        """Read the whole file again.

        Raises :class:`CorruptState` when it cannot be read as a state file and OSError
        (e.g. :class:`NotRegularFile`) when it cannot be read at all; either way the data
        read before is kept.
        """
        if self.path is None:
            return
        fd, writable = open_state(self.path)
        damage = Damage()
        if fd is None:
            parsed = _Parsed({}, 0, 0, 0, True)
        else:
            try:
                mtime = os.fstat(fd).st_mtime_ns
                parsed = self._parse(read_from(fd, 0), damage)
            except BaseException:
                os.close(fd)
                raise
        self.damage = damage
        self.close()
        self._mtime = 0 if fd is None else mtime
        self._fd, self._writable = fd, writable
        self.tables, self._valid_size, self._snapshot_size = parsed.tables, parsed.valid_size, parsed.snapshot_size
        self._journal_lines, self._ours = parsed.journal_lines, parsed.ours
        self._reapply_pending()
        self.generation += 1

    def _parse(self, data: bytes, damage: Damage) -> _Parsed:
        """The tables in ``data``; raises :class:`CorruptState` when there are none to be had."""
        if not data.strip():
            return _Parsed({}, 0, 0, 0, False)
        end = data.find(b"\n")
        first = data if end == -1 else data[:end]
        salvaged: dict[str, Any] = {}
        found = 0
        snapshot_size = len(data) if end == -1 else end + 1
        raw = _loads(first)
        if raw is _BAD:
            whole = _loads(data)
            if whole is not _BAD:  # stock TinyDB with indent: one JSON document on many lines
                if not isinstance(whole, dict):
                    raise CorruptState("not a reader state file")
                return _Parsed(self._clean(whole, damage, migrate=True), len(data), len(data), 0, False)
            raw = _loads(first.decode("utf-8", "replace").encode("utf-8"))
            if isinstance(raw, dict):
                damage.snapshot = "its first line had damaged characters"
            else:
                raw = None
                salvaged, found = _salvage(first)
        elif not isinstance(raw, dict):
            raise CorruptState("not a reader state file")
        ours = end != -1
        tables = self._clean(salvaged if raw is None else raw, damage, migrate=not ours)
        parsed = _Parsed(tables, snapshot_size, snapshot_size, 0, ours)
        self._apply_journal(parsed, data, snapshot_size, damage)
        if raw is None:
            if not parsed.journal_lines and not found:
                raise CorruptState("not valid JSON")
            damage.snapshot = (
                f"its first line was damaged (kept the {found} records still readable in it"
                f" and the {parsed.journal_lines} changes after it)"
            )
        if damage.snapshot:
            parsed.ours = False  # rewrite it whole before appending to it
        return parsed

    def _clean(self, raw: dict[str, Any], damage: Damage, migrate: bool) -> Tables:
        """Only well-formed, valid records of ``raw`` (``migrate``: under the ids they should have)."""
        tables: Tables = {}
        rekey = self.rekey
        for name, table in raw.items():
            if not isinstance(table, dict):
                damage.records += len(table) if isinstance(table, list) and table else 1
                continue
            tables[name] = self._valid(name, table, damage)
            if migrate:
                tables[name] = {rekey(name, key, doc): doc for key, doc in tables[name].items()}
        return tables

    def _valid(self, table: str, docs: dict[str, Any], damage: Damage) -> dict[str, Any]:
        """``docs`` without the malformed or invalid ones (counted in ``damage``)."""
        malformed = {key for key, doc in docs.items() if type(doc) is not dict or not key.isdecimal()}
        if malformed:
            docs = {key: doc for key, doc in docs.items() if key not in malformed}
        invalid = set(self.check(table, docs))
        if invalid:
            docs = {key: doc for key, doc in docs.items() if key not in invalid}
        damage.records += len(malformed) + len(invalid)
        return docs

    def _apply_journal(self, parsed: _Parsed, data: bytes, offset: int, damage: Damage, base: int = 0) -> bool:
        """Apply the complete journal lines of ``data`` from ``offset``; True if any."""
        size, applied = len(data), False
        while offset < size:
            end = data.find(b"\n", offset)
            if end == -1:
                break  # torn tail: never acknowledged
            line = data[offset:end]
            offset = end + 1
            parsed.valid_size = base + offset
            if not line.strip():
                continue
            entry = _loads(line)
            if not (isinstance(entry, dict) and isinstance(entry.get("t"), str) and isinstance(entry.get("c"), dict)):
                damage.lines += 1
                continue
            self._apply_checked(parsed.tables, entry["t"], entry["c"], damage)
            parsed.journal_lines += 1
            applied = True
        return applied

    def _apply_checked(self, tables: Tables, table: str, changes: dict[str, Any], damage: Damage) -> None:
        target = tables.setdefault(table, {})
        for key in [key for key, doc in changes.items() if doc is None]:
            target.pop(key, None)
        target.update(self._valid(table, {k: d for k, d in changes.items() if d is not None}, damage))

    def refresh(self) -> bool:
        """Pick up changes other processes made; True when anything changed.

        Raises like :meth:`reload` when the file was replaced by something unreadable.
        """
        if self.path is None:
            return False
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._fd is None:
                return False
            self.reload()
            return True
        if self._fd is None or not stat.S_ISREG(st.st_mode):
            self.reload()
            return True
        held = os.fstat(self._fd)
        if (st.st_ino, st.st_dev) != (held.st_ino, held.st_dev):
            self.reload()  # compacted (replaced) by another process
            return True
        if held.st_size < self._valid_size or (held.st_size == self._valid_size and held.st_mtime_ns != self._mtime):
            self.reload()  # rewritten in place (not by us: we append or replace)
            return True
        if held.st_size == self._valid_size:
            return False
        self._mtime = held.st_mtime_ns
        tail = read_from(self._fd, self._valid_size)
        parsed = _Parsed(self.tables, self._valid_size, self._snapshot_size, self._journal_lines, self._ours)
        applied = self._apply_journal(parsed, tail, 0, self.damage, self._valid_size)
        self._valid_size, self._journal_lines = parsed.valid_size, parsed.journal_lines
        if not applied:
            return False
        self._reapply_pending()
        self.generation += 1
        return True

    def read(self) -> Tables:
        """TinyDB's read: the data as last loaded (call :meth:`refresh` to pick up others' changes)."""
        return self.tables

    def documents(self, table: str) -> Iterable[dict[str, Any]]:
        """The documents of one table, valid by ``check`` (a live view: do not modify)."""
        return self.tables.get(table, {}).values()

    # -- writing --------------------------------------------------------------

    def write(self, data: Tables) -> None:
        """TinyDB's whole-database write: rewrite the file atomically."""
        self.tables = data
        self.compact()

    def commit(self, table: str, changes: dict[str, Any]) -> None:
        """Durably record ``changes`` to one table (``None`` deletes a document).

        The in-memory data already holds them. On failure (or while :attr:`hold` is
        set) they stay pending in memory, written with the next successful commit;
        a failure raises OSError.
        """
        for doc_id, doc in changes.items():
            self.pending.setdefault(table, {})[doc_id] = doc
        self.generation += 1
        self.save()

    def save(self) -> None:
        """Write the pending changes (unless :attr:`hold` is set); OSError when that fails."""
        if self.path is None:
            self.pending.clear()
            return
        if self.hold or not self.pending:
            return
        if (
            self._fd is None
            or not self._ours
            or self._journal_lines >= max(COMPACT_MIN_LINES, self._snapshot_size // 64)
            or (self._valid_size and os.pread(self._fd, 1, self._valid_size - 1) != b"\n")
        ):
            self.compact()  # also the only safe way to add to a file that is not in our format
            return
        lines = [orjson.dumps({"t": t, "c": c}) for t, c in self.pending.items()]
        line = b"\n".join(lines) + b"\n"
        fd = self._fd if self._writable else os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            if os.fstat(fd).st_size != self._valid_size:
                os.ftruncate(fd, self._valid_size)  # cut a torn tail left by a killed writer
            write_all(fd, line, self._valid_size)
            os.fsync(fd)
            self._mtime = os.fstat(fd).st_mtime_ns
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._valid_size)
            raise
        finally:
            if fd != self._fd:
                os.close(fd)
        self._valid_size += len(line)
        self._journal_lines += len(lines)
        self.pending.clear()

    def compact(self) -> None:
        """Rewrite the file as one snapshot: temporary file, fsync, rename, fsync folder."""
        if self.path is None:
            self.pending.clear()
            return
        data = orjson.dumps(self.tables) + b"\n"
        target = self._target()
        folder = target.parent
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.stat(target).st_mode):
                raise NotRegularFile(self.path)  # never replace a FIFO or a device with our file
        tmp = folder / f".{target.name}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            try:
                write_all(fd, data, 0)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        fsync_folder(folder)
        self.pending.clear()
        self.close()
        with contextlib.suppress(OSError):
            self._fd, self._writable = open_state(self.path)
            if self._fd is not None:
                self._mtime = os.fstat(self._fd).st_mtime_ns
        self._valid_size = self._snapshot_size = len(data)
        self._journal_lines = 0
        self._ours = True

    def _target(self) -> Path:
        """The file to replace: the state file, or where its link points (a file kept in a synced folder
        stays there, and the link stays a link)."""
        assert self.path is not None
        return Path(os.path.realpath(self.path)) if os.path.islink(self.path) else self.path

    def keep_copy(self, name: str) -> Path:
        """Keep the file as it is now under a new name beside it (``name`` plus a counter)."""
        assert self.path is not None
        base = self.path.with_name(name)
        for n in range(1, 1000):
            candidate = base if n == 1 else base.with_name(f"{base.name}-{n}")
            try:
                os.link(self.path, candidate)  # atomic, and fails rather than overwrite
                return candidate
            except FileExistsError:
                continue
            except OSError:  # no hard links here: copy the bytes instead
                try:
                    copy_new(self.path, candidate)
                    return candidate
                except FileExistsError:
                    continue
        raise FileExistsError(errno.EEXIST, "too many copies", str(base))

    def clean_temporary_files(self) -> int:
        """Remove temporary files abandoned by killed writers; how many were removed."""
        if self.path is None:
            return 0
        removed = 0
        target = self._target()
        prefix = f".{target.name}."
        with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
            for entry in entries:
                name = entry.name
                if not (name.startswith(prefix) and name.endswith(".tmp")):
                    continue
                pid = name[len(prefix) : -len(".tmp")]
                with contextlib.suppress(OSError):
                    age = time.time() - entry.stat(follow_symlinks=False).st_mtime
                    if not pid.isdecimal() or age > STALE_TMP_AGE or not pid_alive(int(pid)):
                        os.unlink(entry.path)
                        removed += 1
        return removed

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the state file's lock (other processes wait); the caller refreshes inside.

        Raises :class:`StateLocked` after :attr:`lock_timeout` seconds, and OSError when
        the lock file cannot be used. Re-entrant (callers serialise their threads).
        """
        if self.lock_path is None or fcntl is None or self._lock_fd is not None:  # none, or held already
            yield
            return
        try:
            fd = open_regular(self.lock_path, os.O_RDWR | os.O_CREAT)
        except FileNotFoundError:  # no folder yet
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = open_regular(self.lock_path, os.O_RDWR | os.O_CREAT)
        assert fd is not None
        try:
            lock_within(fd, self.lock_path, self.lock_timeout)
            with contextlib.suppress(OSError):  # fixed width: no truncation (it costs like an fsync)
                os.pwrite(fd, f"{os.getpid():>12}\n".encode(), 0)
            self._lock_fd = fd
            yield
        finally:
            self._lock_fd = None
            os.close(fd)  # releases the lock

    def _reapply_pending(self) -> None:
        for table, changes in self.pending.items():
            _apply(self.tables, table, changes)

    def close(self) -> None:
        """Release the file (every change is already on disk when commit returns)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _apply(tables: Tables, table: str, changes: dict[str, Any]) -> None:
    target = tables.setdefault(table, {})
    for doc_id, doc in changes.items():
        if doc is None:
            target.pop(doc_id, None)
        else:
            target[doc_id] = doc


_BAD = object()


def _loads(data: bytes) -> Any:
    """Parsed JSON, or ``_BAD``."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return _BAD


@functools.cache
def _token() -> re.Pattern[bytes]:
    """In a TinyDB snapshot: the start of a table, ``"name":{`` before ``"doc_id":{``, or one flat record,
    ``"doc_id":{...}`` (braces inside its strings are fine). Compiled when first needed (a damaged file)."""
    return re.compile(
        rb'"((?:[^"\\]|\\.)*)"\s*:\s*\{(?=\s*"\d+"\s*:\s*\{)'
        rb'|"(\d+)"\s*:\s*(\{(?:"(?:[^"\\]|\\.)*"|[^{}"])*\})'
    )


def _salvage(line: bytes) -> tuple[dict[str, Any], int]:
    """The records still readable in a damaged snapshot line, by table, and how many.

    A record is kept only under a table whose name was read intact: after the end of
    a table (a gap starting with ``}``), records wait for the next table's name.
    """
    tables: dict[str, Any] = {}
    table: str | None = None
    found, last = 0, 0
    for match in _token().finditer(line):
        if line[last : match.start()].lstrip().startswith(b"}"):
            table = None
        last = match.end()
        name, key, body = match.groups()
        if name is not None:
            decoded = _loads(b'"' + name + b'"')
            table = decoded if isinstance(decoded, str) else None
            continue
        doc = _loads(body)
        if table is not None and isinstance(doc, dict):
            tables.setdefault(table, {})[key.decode("ascii")] = doc
            found += 1
    return tables, found


class _TrackedTable(MutableMapping[int, Any]):
    """TinyDB's view of one raw table, recording which documents an update touched."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.touched: set[str] = set()

    def __getitem__(self, doc_id: int) -> Any:
        key = str(doc_id)
        doc = self.raw[key]
        self.touched.add(key)  # TinyDB updates documents in place after getting them
        return doc

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        key = str(doc_id)
        self.raw[key] = doc
        self.touched.add(key)

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        del self.raw[key]
        self.touched.add(key)

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in list(self.raw))

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        self.touched.update(self.raw)
        self.raw.clear()


class JournalTable(Table):
    """A TinyDB table whose updates cost O(changed documents), not O(table)."""

    def _update_table(self, updater: Any) -> None:
        storage = self._storage
        if not isinstance(storage, JournalStorage):
            super()._update_table(updater)
            return
        raw = storage.read().setdefault(self.name, {})
        view = _TrackedTable(raw)
        try:
            updater(view)
        finally:
            changes = {key: raw.get(key) for key in view.touched}
            self.clear_cache()
            if changes:
                storage.commit(self.name, changes)


class JournalDB(TinyDB):
    """TinyDB over :class:`JournalStorage` with :class:`JournalTable` tables."""

    table_class = JournalTable


def stamp() -> str:
    """Now, as an ISO 8601 UTC timestamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
