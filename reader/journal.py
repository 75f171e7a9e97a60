"""A durable TinyDB storage: a snapshot line plus an append-only journal, in one file.

Line 1 is a whole TinyDB database (``{"table": {"doc_id": {...}}}``); each later
line is one change ``{"t": table, "c": {doc_id: doc-or-null}}``. A change costs
one appended line and an fsync, not a rewrite of the file; the file is compacted
(rewritten atomically: temporary file, fsync, ``os.replace``) when the journal
grows. A torn last line (a writer killed mid-append) was never acknowledged and
is ignored, then cut off by the next writer. No Textual here.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

Tables = dict[str, dict[str, Any]]
Changes = dict[str, dict[str, Any]]

COMPACT_MIN_LINES = 2_000


class CorruptState(Exception):
    """The state file cannot be read as a state file at all."""


class JournalStorage(Storage):
    """TinyDB storage over a snapshot + journal file; see the module docstring."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.tables: Tables = {}
        self.generation = 0  # bumped whenever the data changes, locally or from disk
        self.damaged = 0  # journal lines skipped because they could not be read
        # An open descriptor on the file we read: while we hold it, its inode cannot be
        # reused, so "same inode" reliably means "same file, maybe appended to".
        self._fd: int | None = None
        self._valid_size = 0  # bytes of that file that hold complete lines
        self._journal_lines = 0
        self._snapshot_size = 0
        self.pending: Changes = {}  # changes not yet on disk (a failed write)
        self.reload()

    # -- reading --------------------------------------------------------------

    def _reopen(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        with contextlib.suppress(FileNotFoundError):
            self._fd = os.open(self.path, os.O_RDONLY)

    def reload(self) -> None:
        """Read the whole file (raises :class:`CorruptState` when line 1 is unreadable)."""
        self._reopen()
        self.damaged = 0
        if self._fd is None:
            self.tables, self._valid_size, self._journal_lines, self._snapshot_size = {}, 0, 0, 0
        else:
            data = _read_from(self._fd, 0)
            end = data.find(b"\n")
            first = data if end == -1 else data[:end]
            try:
                tables = orjson.loads(first) if first.strip() else {}
            except orjson.JSONDecodeError:
                raise CorruptState("not valid JSON") from None
            if not _valid_tables(tables):
                raise CorruptState("not a reader state file")
            if end == -1:
                end = len(data)  # a snapshot without its newline is complete JSON all the same
            self.tables = tables
            self._snapshot_size = end + 1
            self._valid_size = min(end + 1, len(data))
            self._journal_lines = 0
            self._apply_journal(data, self._valid_size)
        self._reapply_pending()
        self.generation += 1

    def _apply_journal(self, data: bytes, offset: int, base: int = 0) -> bool:
        """Apply the complete journal lines of ``data`` from ``offset``; True if any."""
        size, applied = len(data), False
        while offset < size:
            end = data.find(b"\n", offset)
            if end == -1:
                break  # torn tail: never acknowledged
            line = data[offset:end]
            offset = end + 1
            self._valid_size = base + offset
            if not line.strip():
                continue
            try:
                entry = orjson.loads(line)
                _apply(self.tables, entry["t"], entry["c"])
            except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
                self.damaged += 1
                continue
            self._journal_lines += 1
            applied = True
        return applied

    def refresh(self) -> bool:
        """Pick up changes other processes made; True when anything changed."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._fd is None:
                return False
            self.reload()
            return True
        if self._fd is None:
            self.reload()
            return True
        held = os.fstat(self._fd)
        if (st.st_ino, st.st_dev) != (held.st_ino, held.st_dev):
            self.reload()  # compacted (replaced) by another process
            return True
        if held.st_size <= self._valid_size:
            return False
        tail = _read_from(self._fd, self._valid_size)
        if not self._apply_journal(tail, 0, self._valid_size):
            return False
        self._reapply_pending()
        self.generation += 1
        return True

    def read(self) -> Tables:
        """TinyDB's read: the current data (refreshed from disk if it changed)."""
        self.refresh()
        return self.tables

    # -- writing --------------------------------------------------------------

    def write(self, data: Tables) -> None:
        """TinyDB's whole-database write: rewrite the file atomically."""
        self.tables = data
        self.compact()

    def commit(self, table: str, changes: dict[str, Any]) -> None:
        """Durably record ``changes`` to one table (``None`` deletes a document).

        The in-memory data already holds them. On failure they stay pending in
        memory (and are written with the next successful commit) and OSError is raised.
        """
        for doc_id, doc in changes.items():
            self.pending.setdefault(table, {})[doc_id] = doc
        self.generation += 1
        if self._journal_lines >= max(COMPACT_MIN_LINES, self._snapshot_size // 64):
            self.compact()
            return
        lines = [orjson.dumps({"t": t, "c": c}) for t, c in self.pending.items()]
        line = b"\n".join(lines) + b"\n"
        if self._fd is None:
            self.compact()
            return
        fd = os.open(self.path, os.O_WRONLY)
        try:
            if os.fstat(fd).st_size != self._valid_size:
                os.ftruncate(fd, self._valid_size)  # cut a torn tail left by a killed writer
            os.lseek(fd, self._valid_size, os.SEEK_SET)
            _write_all(fd, line)
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._valid_size)
            raise
        finally:
            os.close(fd)
        self._valid_size += len(line)
        self._journal_lines += len(lines)
        self.pending.clear()

    def compact(self) -> None:
        """Rewrite the file as one snapshot: temporary file, fsync, rename, fsync folder."""
        data = orjson.dumps(self.tables) + b"\n"
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _fsync_folder(folder)
        self._valid_size = self._snapshot_size = len(data)
        self._journal_lines = 0
        self.pending.clear()
        self._reopen()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the state file's lock (other processes wait), with fresh data inside."""
        if fcntl is None:  # pragma: no cover - Windows
            self.refresh()
            yield
            return
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.refresh()
            yield
        finally:
            os.close(fd)

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
        elif isinstance(doc, dict):
            target[doc_id] = doc
        else:
            raise TypeError("document is not an object")


def _valid_tables(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(t, dict) and all(isinstance(d, dict) for d in t.values()) for t in data.values()
    )


def _read_from(fd: int, offset: int) -> bytes:
    """Everything in the file behind ``fd`` from ``offset`` on."""
    chunks: list[bytes] = []
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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
