"""Read marks, bookmarks and the last opened article, kept in TinyDB. No Textual.

Only non-default state is stored: a read mark or a bookmark is a document, an
unread article has none. A document's id is a hash of the article id, so two
processes never pick the same id for different articles, and every change is
made under the file lock on fresh data (merge, never overwrite).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from reader.journal import CorruptState, JournalDB, JournalStorage, stamp

SCHEMA = 1
READS = "reads"
BOOKMARKS = "bookmarks"
META = "meta"
META_ID = 1


class StoreError(Exception):
    """A change could not be saved; the message is for the user. The change is kept in memory."""


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A bookmarked article, with enough kept to show it after its file is gone."""

    id: str
    title: str
    section: str | None
    published: str | None
    at: str

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready data."""
        return {"id": self.id, "title": self.title, "section": self.section, "published": self.published, "at": self.at}


def doc_id(article_id: str) -> int:
    """The stable TinyDB document id of an article (63-bit hash of its id)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "big") >> 1


class Store:
    """The user's reading state. ``Store(None)`` keeps it in memory only (tests)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.notices: list[str] = []  # one-line messages for the user (state moved aside, ...)
        self.storage: JournalStorage | None = None
        self.db: TinyDB = self._open()
        self._generation = -1
        self._reads: dict[str, str] = {}
        self._bookmarks: dict[str, Bookmark] = {}
        self._last_opened: str | None = None
        self._guard = threading.RLock()  # the app saves from worker threads
        self._sync()

    # -- opening ----------------------------------------------------------------

    def _open(self) -> TinyDB:
        if self.path is None:
            return TinyDB(storage=MemoryStorage)
        try:
            db = JournalDB(self.path, storage=JournalStorage)
        except CorruptState as error:
            aside = self._move_aside()
            self.notices.append(
                f"state file {self.path} was unreadable ({error}); moved it to {aside.name}, starting empty"
            )
            db = JournalDB(self.path, storage=JournalStorage)
        except OSError as error:
            self.notices.append(f"cannot read state file {self.path}: {error.strerror}; changes will not be saved")
            self.path = None
            return TinyDB(storage=MemoryStorage)
        storage = db.storage
        assert isinstance(storage, JournalStorage)
        self.storage = storage
        if storage.damaged:
            copy = self._aside_name()
            with contextlib.suppress(OSError):
                shutil.copy2(self.path, copy)
            self.notices.append(
                f"state file {self.path} had {storage.damaged} damaged entries; kept the rest (copy in {copy.name})"
            )
            with contextlib.suppress(OSError), storage.locked():
                storage.compact()
        return db

    def _aside_name(self) -> Path:
        assert self.path is not None
        base = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        candidate, n = base, 1
        while candidate.exists():
            candidate, n = base.with_name(f"{base.name}-{n}"), n + 1
        return candidate

    def _move_aside(self) -> Path:
        aside = self._aside_name()
        assert self.path is not None
        os.replace(self.path, aside)
        return aside

    # -- keeping the in-memory view current ----------------------------------------

    def _sync(self) -> None:
        """Rebuild the in-memory view when the data changed on disk."""
        if self.storage is not None:
            self.storage.refresh()
            generation = self.storage.generation
            if generation == self._generation:
                return
        self._reads = {doc["id"]: doc.get("at", "") for doc in self._documents(READS) if "id" in doc}
        self._bookmarks = {
            doc["id"]: Bookmark(
                doc["id"], doc.get("title", ""), doc.get("section"), doc.get("published"), doc.get("at", "")
            )
            for doc in self._documents(BOOKMARKS)
            if "id" in doc
        }
        meta = self.db.table(META).get(doc_id=META_ID)
        self._last_opened = meta.get("last_opened") if meta else None
        if self.storage is not None:
            self._generation = self.storage.generation

    def _documents(self, table: str) -> list[dict[str, Any]]:
        """A table's documents; straight from the storage's data when it is ours (fast)."""
        if self.storage is not None:
            return list(self.storage.tables.get(table, {}).values())
        return [dict(doc) for doc in self.db.table(table).all()]

    @contextlib.contextmanager
    def _change(self) -> Iterator[None]:
        """Lock, refresh, apply one change; translate a failed save into :class:`StoreError`."""
        with self._guard:
            if self.storage is None:
                yield
                return
            with self._saving():
                yield

    @contextlib.contextmanager
    def _saving(self) -> Iterator[None]:
        assert self.storage is not None
        try:
            with self._lock():
                self._sync()
                yield
        except OSError as error:
            raise StoreError(
                f"cannot save state to {self.path}: {error.strerror or error}; the change is kept until reader closes"
            ) from None
        finally:
            self._generation = self.storage.generation

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        assert self.storage is not None
        try:
            lock = self.storage.locked()
            lock.__enter__()
        except OSError:
            yield  # an unwritable folder: the save below fails and says so
            return
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    # -- queries ----------------------------------------------------------------------

    def refresh(self) -> bool:
        """Pick up changes made by other processes; True when there were any."""
        with self._guard:
            before = self._generation
            self._sync()
            return self._generation != before

    def is_read(self, article_id: str) -> bool:
        """Has the article been read?"""
        return article_id in self._reads

    def is_bookmarked(self, article_id: str) -> bool:
        """Is the article bookmarked?"""
        return article_id in self._bookmarks

    @property
    def read_ids(self) -> dict[str, str]:
        """Read article ids and when they were read (do not modify)."""
        return self._reads

    @property
    def bookmarks(self) -> list[Bookmark]:
        """Bookmarks, newest first."""
        return sorted(self._bookmarks.values(), key=lambda b: b.at, reverse=True)

    @property
    def bookmark_ids(self) -> dict[str, Bookmark]:
        """Bookmarked article ids (do not modify)."""
        return self._bookmarks

    @property
    def last_opened(self) -> str | None:
        """The article the user had open last."""
        return self._last_opened

    # -- changes ------------------------------------------------------------------------

    def set_read(self, article_id: str, read: bool = True) -> bool:
        """Mark an article read or unread; True when that changed anything."""
        with self._change():
            if read == (article_id in self._reads):
                return False
            table = self.db.table(READS)
            if read:
                at = stamp()
                self._reads[article_id] = at
                table.upsert(Document({"id": article_id, "at": at}, doc_id=doc_id(article_id)))
            else:
                self._reads.pop(article_id, None)
                table.remove(doc_ids=[doc_id(article_id)])
        return True

    def set_bookmark(
        self,
        article_id: str,
        on: bool = True,
        *,
        title: str = "",
        section: str | None = None,
        published: str | None = None,
    ) -> bool:
        """Add or remove a bookmark; True when that changed anything."""
        with self._change():
            if on == (article_id in self._bookmarks):
                return False
            table = self.db.table(BOOKMARKS)
            if on:
                mark = Bookmark(article_id, title, section, published, stamp())
                self._bookmarks[article_id] = mark
                table.upsert(Document(mark.to_dict(), doc_id=doc_id(article_id)))
            else:
                self._bookmarks.pop(article_id, None)
                table.remove(doc_ids=[doc_id(article_id)])
        return True

    def set_last_opened(self, article_id: str) -> None:
        """Remember the article the user is reading."""
        if article_id == self._last_opened:
            return
        with self._change():
            self._last_opened = article_id
            self.db.table(META).upsert(
                Document({"schema": SCHEMA, "last_opened": article_id}, doc_id=META_ID),
            )

    def flush(self) -> None:
        """Retry saving changes that failed to save earlier (e.g. after a full disk)."""
        if self.storage is not None and self.storage.pending:
            with self._change():
                self.storage.compact()

    @property
    def unsaved(self) -> bool:
        """Are there changes that could not be saved yet?"""
        return self.storage is not None and bool(self.storage.pending)

    def export_bookmarks(self) -> list[dict[str, Any]]:
        """Bookmarks as JSON-ready data, newest first."""
        return [b.to_dict() for b in self.bookmarks]


def open_store(path: Path | None = None) -> Store:
    """The user's store (``paths.state_file()`` unless ``path`` is given)."""
    from reader.paths import state_file

    return Store(path or state_file())
