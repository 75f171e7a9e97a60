"""The filter box: words to find in headlines, then in the article text, searched in a worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.widgets import Input

from reader.model import Article


class FilterBox(Input):
    """Takes the words; :meth:`search` posts Results twice: title matches at once, then text matches."""

    @dataclass
    class Results(Message):
        """The rows matching ``query`` (``final`` once the article text was searched too)."""

        query: str
        rows: list[Article]
        final: bool

    def __init__(self, search_text: Callable[[Article], str], *, id: str | None = None) -> None:
        """``search_text``: an article's searchable text, lower-cased (may read its file)."""
        super().__init__(placeholder="Filter: words in title or text", id=id)
        self.search_text = search_text

    def search(self, query: str, rows: Sequence[Article]) -> None:
        """Look for ``query``'s words among ``rows`` (a newer search cancels an older one)."""
        self._search(query, list(rows))

    @work(thread=True, exclusive=True, group="filter")
    def _search(self, query: str, rows: list[Article]) -> None:
        words = query.casefold().split()
        self.post_message(self.Results(query, [a for a in rows if all(w in a.title.casefold() for w in words)], False))
        search_text = self.search_text
        self.post_message(self.Results(query, [a for a in rows if all(w in search_text(a) for w in words)], True))
