"""Read marks, bookmarks and the last opened article, kept in TinyDB. No Textual.

Only non-default state is stored: a read mark or a bookmark is a document, an
unread article has none. A document's id is a hash of the article id, so two
processes never pick the same id for different articles, and every change is
made under the file lock on fresh data (merge, never overwrite).

A damaged state file, found at start or while running, is kept beside the state
file under a ``.corrupt-`` name and what could be read is saved again; the user
is told through :attr:`Store.notices` (:meth:`Store.new_notices` gives the ones
not shown yet). Records of the wrong type are skipped and reported, the rest kept.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb.table import Document

from reader import journal
from reader.fileops import StateLocked
from reader.journal import CorruptState, Damage, JournalDB, JournalStorage, stamp
from reader.record import Frozen, set_field

SCHEMA = 1
READS = "reads"
BOOKMARKS = "bookmarks"
META = "meta"
META_ID = 1


class StoreError(Exception):
    """A change could not be saved; the message (one line, for the user) says why.

    The change is kept in memory (:attr:`Store.unsaved`) and saved with the next
    change or :meth:`Store.flush`; a long-lived caller may tell the user so.
    """


class Bookmark(Frozen):
    """A bookmarked article, with enough kept to show it after its file is gone."""

    __slots__ = ("at", "id", "published", "section", "title")

    id: str
    title: str
    section: str | None
    published: str | None
    at: str

    def __init__(self, id: str, title: str, section: str | None, published: str | None, at: str) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "section", section)
        set_field(self, "published", published)
        set_field(self, "at", at)

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready data."""
        return {"id": self.id, "title": self.title, "section": self.section, "published": self.published, "at": self.at}


def doc_id(article_id: str) -> int:
    """The stable TinyDB document id of an article (63-bit hash of its id)."""
    import hashlib  # here: a launch only reads marks (OpenSSL's library is slow to load)

    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "big") >> 1


class Store:
    """The user's reading state in a state file; ``Store(None)`` keeps it in memory only (tests).

    ``lock_timeout``: seconds to wait for another process holding the file's lock
    (``journal.LOCK_TIMEOUT`` unless given).
    """

    def __init__(self, path: Path | None, *, lock_timeout: float | None = None) -> None:
        self.path = path
        self.notices: list[str] = []  # one-line messages for the user (state moved aside, ...)
        self._shown = 0  # notices already handed out by new_notices()
        self._problem: str | None = None  # the last reading problem reported (not repeated)
        self._generation = -1
        self._news = False  # marks made elsewhere were read in by a change of ours: the next refresh says so
        self._reads: dict[str, str] = {}
        self._bookmarks: dict[str, Bookmark] = {}
        self._last_opened: str | None = None
        self._guard = threading.RLock()  # the app saves from worker threads
        self._resources = contextlib.ExitStack()
        self.db = JournalDB(
            path,
            storage=JournalStorage,
            check=_bad_records,
            rekey=_record_key,
            lock_timeout=journal.LOCK_TIMEOUT if lock_timeout is None else lock_timeout,
        )
        self._resources.callback(self.db.close)
        storage = self.db.storage
        assert isinstance(storage, JournalStorage)
        self.storage: JournalStorage = storage
        self.storage.clean_temporary_files()
        self._load()
        self._sync()

    def close(self) -> None:
        """Release the state file (every change that returned is already on disk)."""
        self._resources.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading the file, and mending it ----------------------------------------------

    def _load(self, repair: bool = True) -> OSError | CorruptState | None:
        """Bring the data up to date with the file, mending damage; never raises.

        Returns why the file could not be read (then nothing may be written over it).
        """
        try:
            self.storage.refresh()
        except CorruptState as error:
            return self._repair(error) if repair else error
        except OSError as error:
            self._report(f"cannot read state file {self.path}: {_reason(error, self.path)}; changes are not saved")
            return error
        if self.storage.damage and repair:
            return self._repair(None)
        self._problem = None
        return None

    def _repair(self, error: CorruptState | None) -> OSError | CorruptState | None:
        """Under the lock: keep a copy of the damaged file and save what could be read."""
        storage = self.storage
        assert self.path is not None  # a store in memory is never damaged
        try:
            with storage.locked():
                try:
                    storage.reload()  # it may have been mended meanwhile
                    error = None
                except CorruptState as again:
                    error = again
                damage = storage.damage
                if error is None and not damage:
                    return None
                aside = storage.keep_copy(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
                kept = bool(storage.tables) or bool(storage.pending)
                storage.damage = Damage()
                storage.compact()
        except OSError as failure:
            what = f"unreadable ({error})" if error else f"damaged ({_describe(storage.damage)})"
            self._report(f"state file {self.path} is {what} and could not be mended: {_reason(failure, self.path)}")
            return failure
        if error is not None:
            then = "saved what reader had to a new one" if kept else "starting empty"
            self._report(f"state file {self.path} was unreadable ({error}); moved it to {aside.name}, {then}")
        else:
            self._report(f"state file {self.path} had {_describe(damage)}; kept the rest, moved it to {aside.name}")
        self._problem = None
        return None

    def _report(self, notice: str) -> None:
        """Tell the user once (a problem found by every poll is reported once)."""
        if notice != self._problem:
            self._problem = notice
            self.notices.append(notice)

    def new_notices(self) -> list[str]:
        """Notices added since the last call (the first call gives them all), for the app to show."""
        with self._guard:
            fresh = self.notices[self._shown :]
            self._shown = len(self.notices)
            return fresh

    # -- keeping the in-memory view current ----------------------------------------

    def _sync(self) -> None:
        """Rebuild the in-memory view when the data changed (records are valid: see ``_bad_records``)."""
        storage = self.storage
        if storage.generation == self._generation:
            return
        self._reads = {doc["id"]: doc.get("at", "") for doc in storage.documents(READS)}
        self._bookmarks = {
            doc["id"]: Bookmark(
                doc["id"], doc.get("title", ""), doc.get("section"), doc.get("published"), doc.get("at", "")
            )
            for doc in storage.documents(BOOKMARKS)
        }
        meta = self.db.table(META).get(doc_id=META_ID)
        self._last_opened = meta.get("last_opened") if isinstance(meta, dict) else None
        self._generation = storage.generation

    @contextlib.contextmanager
    def _change(self) -> Iterator[None]:
        """Lock, refresh, apply one change, save; a failed save raises :class:`StoreError`.

        When the lock cannot be had or the file cannot be read, the change is still
        made in memory and kept pending (``unsaved``), then StoreError says why.
        """
        with self._guard, contextlib.ExitStack() as stack:
            storage = self.storage
            failure: OSError | CorruptState | None = None
            try:
                stack.enter_context(storage.locked())
            except OSError as error:
                failure = error
            problem = self._load(repair=failure is None)
            failure = failure or problem
            if failure is not None:
                storage.hold = True
                stack.callback(setattr, storage, "hold", False)
            self._news = self._news or storage.generation != self._generation
            self._sync()
            try:
                yield
            except OSError as error:
                failure = error
            finally:
                self._generation = storage.generation
            if failure is not None and storage.pending:
                raise self._failure(failure) from None

    def _failure(self, error: OSError | CorruptState) -> StoreError:
        if isinstance(error, StateLocked):
            return StoreError(f"state file is locked by another reader (PID {error.pid or 'unknown'})")
        if isinstance(error, CorruptState):
            return StoreError(f"cannot save state to {self.path}: the file is unreadable ({error})")
        return StoreError(f"cannot save state to {self.path}: {_reason(error, self.path)}")

    # -- queries ----------------------------------------------------------------------

    def refresh(self) -> bool:
        """Pick up changes made by other processes (the app polls this); never raises.

        True when the data changed since the last refresh (marks made elsewhere that a change of ours
        read in count too) or a notice was added (see :meth:`new_notices`):
        a state file found damaged, replaced or unreadable is handled as at start.
        """
        with self._guard:
            before, notices = self._generation, len(self.notices)
            self._load()
            self._sync()
            news, self._news = self._news, False
            return news or self._generation != before or len(self.notices) != notices

    def is_read(self, article_id: str) -> bool:
        """Has the article been read?"""
        return article_id in self._reads

    def is_bookmarked(self, article_id: str) -> bool:
        """Is the article bookmarked?"""
        return article_id in self._bookmarks

    @property
    def read_marks(self) -> dict[str, str]:
        """Read article ids and when they were read, ISO 8601 (do not modify)."""
        return self._reads

    @property
    def bookmarks(self) -> list[Bookmark]:
        """Bookmarks, newest first."""
        return sorted(self._bookmarks.values(), key=lambda b: b.at, reverse=True)

    @property
    def bookmarks_by_id(self) -> dict[str, Bookmark]:
        """Bookmarks by article id (do not modify)."""
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

    def set_read_many(self, article_ids: Iterable[str], read: bool = True) -> int:
        """Mark many articles read or unread in one write (mark all read, its undo); return how many changed."""
        changed = 0
        with self._change():
            storage = self.storage
            held, storage.hold = storage.hold, True  # every document joins one pending write
            try:
                table = self.db.table(READS)
                at = stamp()
                for article_id in dict.fromkeys(article_ids):
                    if read == (article_id in self._reads):
                        continue
                    changed += 1
                    if read:
                        self._reads[article_id] = at
                        table.upsert(Document({"id": article_id, "at": at}, doc_id=doc_id(article_id)))
                    else:
                        self._reads.pop(article_id, None)
                        table.remove(doc_ids=[doc_id(article_id)])
            finally:
                storage.hold = held
            storage.save()
        return changed

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
        if self.storage.pending:
            with self._change():
                self.storage.save()

    @property
    def unsaved(self) -> bool:
        """Are there changes that could not be saved yet?"""
        return bool(self.storage.pending)

    def export_bookmarks(self) -> list[dict[str, Any]]:
        """Bookmarks as JSON-ready data, newest first."""
        return [b.to_dict() for b in self.bookmarks]


def open_store(path: Path | None = None) -> Store:
    """The user's store (``paths.state_file()`` unless ``path`` is given)."""
    from reader.paths import state_file

    return Store(path or state_file())


def _bad_records(table: str, docs: dict[str, Any]) -> list[str]:
    """The ids of the records of ``table`` that lack a field the store relies on, or have
    one of the wrong type (one pass a table: this runs over every record at start)."""
    text, maybe = str, (str, type(None))
    if table == READS:
        return [
            key
            for key, doc in docs.items()
            if not (type(doc.get("id")) is text and doc["id"] and type(doc.get("at", "")) is text)
        ]
    if table == BOOKMARKS:
        return [
            key
            for key, doc in docs.items()
            if not (
                type(doc.get("id")) is text
                and doc["id"]
                and type(doc.get("title", "")) is text
                and type(doc.get("at", "")) is text
                and isinstance(doc.get("section"), maybe)
                and isinstance(doc.get("published"), maybe)
            )
        ]
    if table == META:
        return [key for key, doc in docs.items() if not isinstance(doc.get("last_opened"), maybe)]
    return []


def _record_key(table: str, key: str, doc: dict[str, Any]) -> str:
    """The id a record gets when a file from elsewhere is migrated: the hash of its article id."""
    return str(doc_id(doc["id"])) if table in (READS, BOOKMARKS) else key


def _reason(error: OSError, path: Path | None) -> str:
    """An OSError as a short phrase, naming the file when it is not ``path`` itself."""
    reason = error.strerror or str(error)
    if error.filename and path is not None and Path(str(error.filename)) != path:
        reason += f" ({Path(str(error.filename)).name})"
    return reason


def _describe(damage: Damage) -> str:
    """What was wrong in a state file, in words."""
    parts = []
    if damage.snapshot:
        parts.append(damage.snapshot)
    if damage.lines:
        parts.append(f"{damage.lines} damaged entr{'y' if damage.lines == 1 else 'ies'}")
    if damage.records:
        parts.append(f"{damage.records} bad record{'' if damage.records == 1 else 's'} (skipped)")
    return ", ".join(parts)
