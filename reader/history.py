"""Browser-style history of opened stories, with the scroll position of each. No Textual."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Visit:
    """A story in the trail, and how far down the user had scrolled it."""

    article_id: str
    scroll_y: float = 0.0


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

    def back(self, scroll_y: float = 0.0) -> Visit | None:
        """Step back, remembering the scroll position of the story we leave."""
        if not self.can_go_back:
            return None
        self._remember(scroll_y)
        self._index -= 1
        return self._visits[self._index]

    def forward(self, scroll_y: float = 0.0) -> Visit | None:
        """Step forward again, remembering the scroll position of the story we leave."""
        if not self.can_go_forward:
            return None
        self._remember(scroll_y)
        self._index += 1
        return self._visits[self._index]

    def _remember(self, scroll_y: float) -> None:
        if self._index >= 0:
            self._visits[self._index] = Visit(self._visits[self._index].article_id, scroll_y)
