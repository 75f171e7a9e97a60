"""Browser-style history of opened stories, with the scroll position of each. No Textual."""

from __future__ import annotations

from collections.abc import Callable

from reader.record import Frozen, set_field


class Visit(Frozen):
    """A story in the trail, and how far down the user had scrolled it."""

    __slots__ = ("article_id", "scroll_y")

    article_id: str
    scroll_y: float

    def __init__(self, article_id: str, scroll_y: float = 0.0) -> None:
        set_field(self, "article_id", article_id)
        set_field(self, "scroll_y", scroll_y)


def _any(article_id: str) -> bool:
    return True


class History:
    """Back and forward through opened stories.

    Opening a story after going back drops the forward entries; leaving a story
    records its scroll position so that coming back restores it.
    """

    def __init__(self, limit: int = 500) -> None:
        self._visits: list[Visit] = []
        self._index = -1
        self._limit = limit

    @property
    def current(self) -> Visit | None:
        """The story on screen, if any."""
        return self._visits[self._index] if self._index >= 0 else None

    @property
    def trail(self) -> list[Visit]:
        """Visits up to and including the current one (for the breadcrumb)."""
        return self._visits[: self._index + 1]

    @property
    def can_go_back(self) -> bool:
        """Is there a story behind the current one?"""
        return self._index > 0

    @property
    def can_go_forward(self) -> bool:
        """Is there a story ahead (after going back)?"""
        return self._index < len(self._visits) - 1

    def visit(self, article_id: str, scroll_y: float = 0.0) -> None:
        """Open a story: remember where we were in the old one, drop the forward entries."""
        current = self.current
        if current is not None and current.article_id == article_id:
            return
        self._remember(scroll_y)
        del self._visits[self._index + 1 :]
        self._visits.append(Visit(article_id))
        if len(self._visits) > self._limit:
            del self._visits[0]
        self._index = len(self._visits) - 1

    def back(self, scroll_y: float = 0.0, openable: Callable[[str], bool] = _any) -> Visit | None:
        """Step back to the nearest story ``openable`` accepts (one whose file is gone is passed over),
        remembering the scroll position of the story we leave; None, and no step, when there is none."""
        return self._step(range(self._index - 1, -1, -1), scroll_y, openable)

    def forward(self, scroll_y: float = 0.0, openable: Callable[[str], bool] = _any) -> Visit | None:
        """Step forward again, as :meth:`back` does the other way."""
        return self._step(range(self._index + 1, len(self._visits)), scroll_y, openable)

    def _step(self, indexes: range, scroll_y: float, openable: Callable[[str], bool]) -> Visit | None:
        for index in indexes:
            if openable(self._visits[index].article_id):
                self._remember(scroll_y)
                self._index = index
                return self._visits[index]
        return None

    def _remember(self, scroll_y: float) -> None:
        if self._index >= 0:
            self._visits[self._index] = Visit(self._visits[self._index].article_id, scroll_y)
