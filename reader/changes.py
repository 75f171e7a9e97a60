"""Changes to the reading state, saved one at a time in the order the user made them. No Textual.

The interface pushes a :class:`Change` for every key press and shows the state as it
will be once every change is saved; a worker takes the changes out in order and
applies them to the store. Nothing is lost when keys come faster than saves.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from itertools import compress
from operator import attrgetter, not_
from typing import TYPE_CHECKING, Literal

from reader.record import Frozen, set_field
from reader.store import Store

if TYPE_CHECKING:
    from reader.model import Article

Kind = Literal["read", "bookmark", "opened", "flush", "read_many"]
MARKS = ("read", "bookmark", "read_many")  #: the kinds that change a read mark or a bookmark


class Change(Frozen):
    """One change: mark read/unread, bookmark on/off, remember the open story, or retry failed saves.

    ``read_many`` marks every story in ``ids`` read (``on``) or unread, saved in one write.
    """

    __slots__ = ("article_id", "ids", "kind", "on", "published", "section", "title")

    kind: Kind
    article_id: str
    on: bool
    title: str
    section: str | None
    published: str | None
    ids: tuple[str, ...]

    def __init__(
        self,
        kind: Kind,
        article_id: str = "",
        on: bool = True,
        title: str = "",
        section: str | None = None,
        published: str | None = None,
        ids: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "article_id", article_id)
        set_field(self, "on", on)
        set_field(self, "title", title)
        set_field(self, "section", section)
        set_field(self, "published", published)
        set_field(self, "ids", ids)

    def overlay_keys(self) -> list[tuple[str, str]]:
        """The (kind, article id) marks this change sets; empty for other kinds."""
        if self.kind == "read_many":
            return [("read", article_id) for article_id in self.ids]
        if self.kind in ("read", "bookmark"):
            return [(self.kind, self.article_id)]
        return []

    def describe(self) -> str:
        """What the change is, in words (for "not saved" messages)."""
        name = f"“{self.title}”" if self.title else self.article_id
        if self.kind == "read":
            return f"{name} marked {'read' if self.on else 'unread'}"
        if self.kind == "bookmark":
            return f"{name} {'bookmarked' if self.on else 'bookmark removed'}"
        if self.kind == "opened":
            return f"{name} as the story last opened"
        if self.kind == "read_many":
            count = len(self.ids)
            return f"{count} {'story' if count == 1 else 'stories'} marked {'read' if self.on else 'unread'}"
        return "changes that failed to save earlier"

    def apply(self, store: Store) -> None:
        """Save the change (may raise :class:`reader.store.StoreError`)."""
        if self.kind == "read":
            store.set_read(self.article_id, self.on)
        elif self.kind == "bookmark":
            store.set_bookmark(
                self.article_id, self.on, title=self.title, section=self.section, published=self.published
            )
        elif self.kind == "opened":
            store.set_last_opened(self.article_id)
        elif self.kind == "read_many":
            store.set_read_many(self.ids, self.on)
        else:
            store.flush()


class PendingChanges:
    """Changes not saved yet, in order; read and bookmark queries see them as already made."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._waiting: deque[Change] = deque()
        self._applying: Change | None = None
        self._draining = False
        self._overlay: dict[tuple[str, str], tuple[bool, int]] = {}  # (kind, id) → (value, changes pending)

    def push(self, change: Change) -> bool:
        """Queue a change; True when no worker is taking changes out, so the caller must start one."""
        with self._lock:
            self._waiting.append(change)
            for key in change.overlay_keys():
                _value, count = self._overlay.get(key, (change.on, 0))
                self._overlay[key] = (change.on, count + 1)
            start = not self._draining
            self._draining = True
            return start

    def take(self) -> Change | None:
        """The next change to apply (the previous one is done); None, and the worker stops, when none is left."""
        with self._lock:
            self._finish()
            if not self._waiting:
                self._draining = False
                return None
            self._applying = self._waiting.popleft()
            return self._applying

    def _finish(self) -> None:
        change, self._applying = self._applying, None
        if change is None:
            return
        for key in change.overlay_keys():
            value, count = self._overlay[key]
            if count > 1:
                self._overlay[key] = (value, count - 1)
            else:
                del self._overlay[key]

    @property
    def pending(self) -> list[Change]:
        """Changes not saved yet, oldest first (the one being saved included)."""
        with self._lock:
            return ([self._applying] if self._applying else []) + list(self._waiting)

    def is_read(self, article_id: str) -> bool:
        """Read, once every pending change is saved?"""
        found = self._overlay.get(("read", article_id))
        return found[0] if found else self.store.is_read(article_id)

    def unread(self, articles: Sequence[Article]) -> list[Article]:
        """The articles not read once every pending change is saved, in order. With no read mark pending (a
        launch) it is one set lookup a story, not two calls: counting 10,000 stories before the first paint."""
        with self._lock:
            pending = any(kind == "read" for kind, _id in self._overlay)
        if pending:
            is_read = self.is_read
            return [article for article in articles if not is_read(article.id)]
        read = self.store.read_marks.__contains__
        return list(compress(articles, map(not_, map(read, map(attrgetter("id"), articles)))))

    def is_bookmarked(self, article_id: str) -> bool:
        """Bookmarked, once every pending change is saved?"""
        found = self._overlay.get(("bookmark", article_id))
        return found[0] if found else self.store.is_bookmarked(article_id)
