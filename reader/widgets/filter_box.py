"""The filter box: words to find in headlines and in the article text (through the search index)."""

from __future__ import annotations

import operator
import threading
from collections.abc import Sequence

from textual import work
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive

from reader.model import Article
from reader.search import SearchCancelled, SearchIndex
from reader.title_match import TitleMatcher
from reader.widgets.text_input import TextInput

#: Hits asked of the index for one query (the view keeps those it shows).
HITS = 1000
INDEXING = "indexing… titles only"


class FilterBox(TextInput):
    """Takes the words; :meth:`search` posts :class:`Results` from a worker given only the query.

    Until the index is :attr:`ready` (its first build is done) only titles are searched
    and the box says "indexing…"; without an index (or when it failed) titles only.
    """

    # Input sets its virtual size (the width of its text) on every key; Widget's reactive would lay the
    # whole screen out again each time. The box's own size never changes with its text (a fixed height,
    # the pane's width), so a new width only needs the box repainted (Input scrolls its text itself).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    class Results(Message):
        """The rows matching ``query``; ``indexing`` while only titles could be searched.

        ``keep``: the story the search was asked to keep in view, and ``kept`` its row among
        ``rows`` (None when it is not there), found in the worker so the list need not look.
        """

        def __init__(
            self,
            query: str,
            rows: list[Article],
            final: bool = True,
            indexing: bool = False,
            keep: str | None = None,
            kept: int | None = None,
        ) -> None:
            super().__init__()
            self.query = query
            self.rows = rows
            self.final = final
            self.indexing = indexing
            self.keep = keep
            self.kept = kept

    def __init__(self, index: SearchIndex | None = None, *, id: str | None = None) -> None:
        """``index``: the full-text index (None: titles only)."""
        super().__init__(placeholder="Filter by title or text", id=id)
        self.index = index
        self.ready = False
        self._rows: list[Article] = []
        self._matcher: TitleMatcher | None = None  # the last rows' folded titles (made again when they change)
        self._making = threading.Lock()  # one matcher made at a time: a search waits for one being made
        self._generation = 0  # bumped by each search: an older one still running gives up
        if index is not None:
            self.border_subtitle = INDEXING

    def index_ready(self, ok: bool = True) -> None:
        """The index finished its first build (``ok``) or cannot be used (not ``ok``)."""
        self.ready = ok
        if not ok:
            self.index = None
        self.border_subtitle = ""

    def search(self, query: str, rows: Sequence[Article], keep: str | None = None) -> None:
        """Look for ``query`` among ``rows`` (a newer search stops an older one at once);
        the results say where story ``keep`` is among them."""
        self._rows = list(rows)  # read by the worker: worker arguments are formatted with repr()
        self._generation += 1
        if self.index is not None:
            self.index.cancel()
        self._search(query, self._generation, keep)

    def prepare(self, rows: Sequence[Article]) -> None:
        """Fold the titles of ``rows`` now (in a worker), so that the first search need not (the box opened)."""
        self._prepare(list(rows))

    @work(thread=True, exclusive=True, group="filter-prepare", description="fold titles")
    def _prepare(self, rows: list[Article]) -> None:
        self._matcher_for(rows)

    def _matcher_for(self, rows: list[Article]) -> TitleMatcher:
        with self._making:
            matcher = self._matcher
            if matcher is None or not matcher.fits(rows):
                matcher = self._matcher = TitleMatcher(rows)
            return matcher

    @work(thread=True, exclusive=True, group="filter", description="filter")
    def _search(self, query: str, generation: int, keep: str | None) -> None:
        if generation != self._generation:
            return  # a newer query took over before this one began
        rows = self._rows
        matcher = self._matcher_for(rows)

        def stale() -> bool:
            return generation != self._generation

        titles = matcher.matching(query.casefold().split(), stale)
        if stale():
            return  # a newer query took over while the titles were looked through
        index = self.index
        if index is None or not self.ready:
            shown = [rows[n] for n in titles]
            self.post_message(
                self.Results(query, shown, indexing=index is not None, keep=keep, kept=_kept(shown, keep))
            )
            return
        if generation != self._generation:
            return
        try:
            hits = set(index.search(query, HITS, prefix=True))
        except SearchCancelled:
            return  # a newer query took over
        found = sorted(set(titles).union(matcher.positions(hits)))
        shown = [rows[n] for n in found]
        self.post_message(self.Results(query, shown, keep=keep, kept=_kept(shown, keep)))


def _kept(rows: list[Article], keep: str | None) -> int | None:
    """Where story ``keep`` is among ``rows``, if there (looked for here, in the worker)."""
    if keep is None:
        return None
    try:
        return operator.indexOf(map(operator.attrgetter("id"), rows), keep)
    except ValueError:
        return None
