"""The main screen's reading ahead: the story the list's cursor rests on is read, parsed and its links resolved
in a worker, so that Enter shows it at once, in one frame, with no worker to wait for (issue 9)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.timer import Timer

from reader.library import Link, read_article
from reader.model import Article
from reader.record import Frozen, set_field
from reader.screens.main_part import MainScreenPart
from reader.text import ParseError
from reader.widgets.article_view import ArticleView
from reader.widgets.headline_list import HeadlineList

if TYPE_CHECKING:
    from reader.screens.main import FileStamp

PREFETCH_DELAY = 0.1  # seconds the cursor rests on a headline before its story is read ahead
PREFETCHED = 4  # stories read ahead kept at most


class Prefetched(Frozen):
    """A story read ahead: the library's article and list it was read for, its body, links and file."""

    __slots__ = ("article", "articles", "full", "links", "stamp")

    article: Article
    articles: list[Article]
    full: Article
    links: tuple[Link, ...]
    stamp: FileStamp | None

    def __init__(
        self, article: Article, articles: list[Article], full: Article, links: tuple[Link, ...], stamp: FileStamp | None
    ) -> None:
        set_field(self, "article", article)
        set_field(self, "articles", articles)
        set_field(self, "full", full)
        set_field(self, "links", links)
        set_field(self, "stamp", stamp)


class OpenAhead(MainScreenPart):
    """Reads the highlighted story ahead of Enter; :meth:`take_ahead` gives it to the open, if still current."""

    class ReadAhead(Message):
        """A story was read ahead (its first lines may be rendered ahead too)."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    _prefetch_timer: Timer | None = None
    _prefetched: dict[str, Prefetched]  # stories read ahead (the cursor rested on them), by id

    def _watch_cursor_for_reading_ahead(self) -> None:
        self._prefetched = {}
        self.watch(self.query_one(HeadlineList), "cursor", self._cursor_moved, init=False)

    def take_ahead(self, article: Article) -> Prefetched | None:
        """The story read ahead for this very article of the library as it is now (None: read it now)."""
        ahead = self._prefetched.pop(article.id, None)
        return ahead if ahead is not None and self._still_current(ahead, article) else None

    def _still_current(self, ahead: Prefetched, article: Article) -> bool:
        return ahead.article is article and ahead.articles is self.library.articles

    def _cursor_moved(self, cursor: int) -> None:
        """The list's cursor moved: read its story ahead once it rests there a moment."""
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        self._prefetch_timer = self.set_timer(PREFETCH_DELAY, self._prefetch_highlighted)

    def _prefetch_highlighted(self) -> None:
        self._prefetch_timer = None
        article = self.query_one(HeadlineList).highlighted
        if article is None or article.id == self.current:
            return
        ahead = self._prefetched.get(article.id)
        if ahead is None or not self._still_current(ahead, article):
            self._prefetch(article)

    @work(thread=True, exclusive=True, group="prefetch", description="prefetch")
    def _prefetch(self, article: Article) -> None:
        """Read and parse a story and resolve its links, ahead of Enter (its problems are left to the open)."""
        articles = self.library.articles
        stamp = self.stamp(article.id)  # before reading, as an open does
        full = article
        if article.partial:
            name = self.library.paths.get(article.id)
            try:
                full = read_article(Path(name), self.library.limit) if name else article
            except ParseError:
                return
            if full.partial or full.id != article.id:
                return  # changed or unreadable: the open finds out and says so
        links = tuple(self.library.links(full))
        prefetched = self._prefetched
        while len(prefetched) >= PREFETCHED:
            prefetched.pop(next(iter(prefetched)), None)
        prefetched[article.id] = Prefetched(article, articles, full, links, stamp)
        self.post_message(self.ReadAhead(article.id))

    def on_open_ahead_read_ahead(self, message: ReadAhead) -> None:
        """Render the first lines of the story read ahead while the cursor still rests on it (Enter then
        only paints them)."""
        ahead = self._prefetched.get(message.article_id)
        article = self.query_one(HeadlineList).highlighted
        if ahead is None or article is None or article.id != message.article_id or article.id == self.current:
            return
        if self._still_current(ahead, article):
            self.query_one(ArticleView).prepare(ahead.full, ahead.links)

    def _check_ahead(self, ahead: Prefetched) -> None:
        """A story just shown as read ahead: its file is looked at again, and if it changed since (say, a body
        edited under the same headline, which a reload does not list), the story is read and drawn again."""
        self._check_stamp(ahead.article.id, ahead.stamp)

    @work(thread=True, group="prefetch-check", description="prefetch-check")
    def _check_stamp(self, article_id: str, stamp: FileStamp | None) -> None:
        if self.stamp(article_id) != stamp:
            self.app.call_from_thread(self._ahead_changed, article_id, stamp)

    def _ahead_changed(self, article_id: str, stamp: FileStamp | None) -> None:
        if self.current == article_id and self.opened_file == stamp:  # still as shown from ahead
            self.library.forget_body(article_id)
            self.redraw_open_story()
