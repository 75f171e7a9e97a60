"""Undo for mark changes: each step remembers the changes that put the marks back. No Textual."""

from __future__ import annotations

from collections.abc import Callable

from reader.changes import Change
from reader.record import Frozen, set_field

LIMIT = 200  #: steps remembered; the oldest are forgotten first


class Step(Frozen):
    """One undoable step: what it did, in words, and the change that reverses it."""

    __slots__ = ("description", "reverse")

    description: str
    reverse: Change

    def __init__(self, description: str, reverse: Change) -> None:
        set_field(self, "description", description)
        set_field(self, "reverse", reverse)


def reverse_of(change: Change, is_read: Callable[[str], bool], is_bookmarked: Callable[[str], bool]) -> Change | None:
    """The change that undoes ``change`` given the marks before it; None when it changes nothing.

    ``is_read`` and ``is_bookmarked`` answer for the state before ``change`` is made.
    """
    if change.kind == "read":
        if is_read(change.article_id) == change.on:
            return None
        return Change("read", change.article_id, not change.on, title=change.title)
    if change.kind == "bookmark":
        if is_bookmarked(change.article_id) == change.on:
            return None
        return Change("bookmark", change.article_id, not change.on, change.title, change.section, change.published)
    if change.kind == "read_many":
        ids = tuple(i for i in change.ids if is_read(i) != change.on)
        return Change("read_many", on=not change.on, title=change.title, ids=ids) if ids else None
    return None


class UndoStack:
    """Mark changes the user can take back, newest last."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._steps: list[Step] = []

    def __len__(self) -> int:
        return len(self._steps)

    def record(self, step: Step) -> None:
        """Remember a step (the oldest goes when there are ``limit`` of them)."""
        self._steps.append(step)
        del self._steps[: -self.limit]

    def pop(self) -> Step | None:
        """The newest step, taken off the stack; None when there is nothing to undo."""
        return self._steps.pop() if self._steps else None
