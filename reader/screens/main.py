"""The main screen: owns the reading state and mediates between the three panes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from reader.history import History
from reader.library import Library, Link
from reader.model import Article
from reader.store import Store, StoreError
from reader.text import clean_line
from reader.widgets.article_view import ArticleView
from reader.widgets.headline_list import HeadlineList, fit
from reader.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from reader.app import ReaderApp

VIEWS = {"all": "All stories", "unread": "Unread", "bookmarks": "Bookmarks"}
NARROW = 110  # below this many columns the sidebar folds away


class MainScreen(Screen[None]):
    """Headlines, article and sidebar; the current story, view, filter and history live here."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="main.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="main.clear_filter"),
        Binding("1", "view('all')", "All", show=False, id="main.view_all"),
        Binding("2", "view('unread')", "Unread", show=False, id="main.view_unread"),
        Binding("3", "view('bookmarks')", "Bookmarks", show=False, id="main.view_bookmarks"),
        Binding("m", "toggle_read", "Read", id="main.toggle_read"),
        Binding("b", "toggle_bookmark", "Bookmark", id="main.toggle_bookmark"),
        Binding("n", "next_unread", "Next unread", show=False, id="main.next_unread"),
        Binding("backspace,left_square_bracket,alt+left", "back", "Back", id="main.back"),
        Binding("right_square_bracket,alt+right", "forward", "Forward", show=False, id="main.forward"),
        Binding("s", "toggle_sidebar", "Sidebar", id="main.toggle_sidebar"),
    ]

    view: reactive[str] = reactive("all", init=False)
    current: reactive[str | None] = reactive(None, init=False)

    class Loaded(Message):
        """The library and store finished loading."""

        def __init__(self, library: Library, store: Store) -> None:
            super().__init__()
            self.library = library
            self.store = store

    class ArticleReady(Message):
        """An article's body and links are ready to show."""

        def __init__(self, article: Article, links: list[Link], scroll_y: float) -> None:
            super().__init__()
            self.article = article
            self.links = links
            self.scroll_y = scroll_y

    class BacklinksReady(Message):
        """The stories linking to an article are known."""

        def __init__(self, article_id: str, backlinks: list[Article]) -> None:
            super().__init__()
            self.article_id = article_id
            self.backlinks = backlinks

    class Filtered(Message):
        """Filter results for a query."""

        def __init__(self, query: str, rows: list[Article], final: bool) -> None:
            super().__init__()
            self.query = query
            self.rows = rows
            self.final = final

    class StateChangedElsewhere(Message):
        """Another process changed read marks or bookmarks."""

        def __init__(self, unread: int) -> None:
            super().__init__()
            self.unread = unread

    class Saved(Message):
        """A state change was saved (or failed to be)."""

        def __init__(self, article_id: str, error: str | None = None, unread_delta: int = 0) -> None:
            super().__init__()
            self.article_id = article_id
            self.error = error
            self.unread_delta = unread_delta

    def __init__(self) -> None:
        super().__init__()
        self.library: Library | None = None
        self.store: Store | None = None
        self.history = History()
        self.filter_text = ""
        self.article: Article | None = None
        self.links: list[Link] = []
        self.unread = 0
        self.sidebar_wanted = True

    @property
    def reader(self) -> ReaderApp:
        from reader.app import ReaderApp

        assert isinstance(self.app, ReaderApp)
        return self.app

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Input(placeholder="Filter: words in title or text", id="filter")
                yield HeadlineList(id="headlines")
            with Vertical(id="centre"):
                yield Static(id="breadcrumb")
                yield ArticleView(id="article")
            yield Sidebar(id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        headlines = self.query_one(HeadlineList)
        headlines.empty_message = "Loading library…"
        headlines.focus()
        self.query_one(Sidebar).clear_story()
        self.sidebar_wanted = self.reader.config.show_sidebar
        self._apply_width(self.size.width)
        app = self.reader
        if app.library is not None and app.store is not None:
            self.post_message(self.Loaded(app.library, app.store))
        else:
            self._load()

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        library, store = self.reader.loader()
        self.post_message(self.Loaded(library, store))
        library.prepare_links()

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "narrow")
        self.query_one(Sidebar).display = (self.sidebar_wanted and not narrow) or self.has_class("sidebar-forced")

    # -- loading --------------------------------------------------------------------

    def on_main_screen_loaded(self, message: Loaded) -> None:
        self.library, self.store = message.library, message.store
        read = message.store.read_marks
        self.unread = sum(1 for article in message.library.articles if article.id not in read)
        headlines = self.query_one(HeadlineList)
        headlines.is_read = message.store.is_read
        headlines.is_bookmarked = message.store.is_bookmarked
        headlines.empty_message = "No headlines"
        sidebar = self.query_one(Sidebar)
        sidebar.is_read, sidebar.is_bookmarked = headlines.is_read, headlines.is_bookmarked
        last = message.store.last_opened
        self._show_rows(keep=last)
        self._update_title()
        problems = len(message.library.problems) + len(message.store.notices)
        if problems:
            self.notify(
                f"{problems} problem{'s' if problems != 1 else ''} while loading: press p to see them",
                severity="warning",
                timeout=8,
            )
        for notice in message.store.notices:
            self.notify(clean_line(notice), severity="error", timeout=10, markup=False)
        if last and message.library.get(last) is not None:
            self.open_article(last, mark_read=False)
        self.set_interval(2.0, self._poll_store)

    @work(thread=True, exclusive=True, group="poll")
    def _poll_store(self) -> None:
        """Pick up marks made elsewhere (``reader read`` in a shell, a second window)."""
        if self.store is not None and self.library is not None and self.store.refresh():
            read = self.store.read_marks
            unread = sum(1 for article in self.library.articles if article.id not in read)
            self.post_message(self.StateChangedElsewhere(unread))

    def on_main_screen_state_changed_elsewhere(self, message: StateChangedElsewhere) -> None:
        self.unread = message.unread
        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()
        self._update_title()

    # -- rows, views and the filter -----------------------------------------------------

    def _view_rows(self) -> list[Article]:
        assert self.library is not None and self.store is not None
        articles = self.library.articles
        if self.view == "unread":
            read = self.store.read_marks
            return [a for a in articles if a.id not in read]
        if self.view == "bookmarks":
            marks = self.store.bookmarks_by_id
            rows = [a for a in articles if a.id in marks]
            known = {a.id for a in rows}
            missing = [self._bookmark_only(m.id) for m in self.store.bookmarks if m.id not in known]
            return rows + [a for a in missing if a is not None]
        return articles

    def _bookmark_only(self, article_id: str) -> Article | None:
        """A bookmarked story whose file is gone, as far as the bookmark remembers it."""
        mark = self.store.bookmarks_by_id.get(article_id) if self.store else None
        if mark is None:
            return None
        return Article(id=mark.id, title=mark.title, section=mark.section, published=mark.published, partial=True)

    def _show_rows(self, keep: str | None = None) -> None:
        if self.library is None:
            return
        headlines = self.query_one(HeadlineList)
        keep = keep or (headlines.highlighted.id if headlines.highlighted else None)
        if self.filter_text:
            headlines.empty_message = "Searching…"
            self._filter(self.filter_text, self._view_rows(), keep)
            return
        headlines.empty_message = {"unread": "No unread stories", "bookmarks": "No bookmarks yet: press b"}.get(
            self.view, "No headlines"
        )
        headlines.set_rows(self._view_rows(), keep=keep)

    @work(thread=True, exclusive=True, group="filter")
    def _filter(self, query: str, rows: Sequence[Article], keep: str | None) -> None:
        assert self.library is not None
        words = query.casefold().split()
        quick = [a for a in rows if all(w in a.title.casefold() for w in words)]
        self.post_message(self.Filtered(query, quick, final=False))
        search_text = self.library.search_text
        full = [a for a in rows if all(w in search_text(a) for w in words)]
        self.post_message(self.Filtered(query, full, final=True))

    def on_main_screen_filtered(self, message: Filtered) -> None:
        if message.query != self.filter_text:
            return
        headlines = self.query_one(HeadlineList)
        if not message.final and len(message.rows) == 0:
            return  # wait for matches in the article text before saying "none"
        headlines.empty_message = f"Nothing matches “{message.query}”"
        keep = headlines.highlighted.id if headlines.highlighted else None
        headlines.set_rows(message.rows, keep=keep)
        self._update_title()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self._show_rows()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(HeadlineList).focus()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        self.set_focus(box)  # at once, so keys typed right after "/" reach the box

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""  # Input.Changed re-shows every row
        box.display = False
        self.query_one(HeadlineList).focus()

    def action_view(self, view: str) -> None:
        self.view = view

    def watch_view(self) -> None:
        self._show_rows()
        self._update_title()

    def _update_title(self) -> None:
        app = self.app
        rows = len(self.query_one(HeadlineList).rows)
        shown = f" · “{self.filter_text}”: {rows}" if self.filter_text else ""
        app.sub_title = f"{VIEWS[self.view]}{shown} · {self.unread} unread"

    # -- opening stories ----------------------------------------------------------------

    def open_article(
        self, article_id: str, *, record: bool = True, scroll_y: float = 0.0, mark_read: bool = True
    ) -> None:
        """Show a story; ``record`` adds it to the history (following a link or a headline)."""
        if self.library is None:
            return
        in_library = self.library.get(article_id)
        article = in_library or self._bookmark_only(article_id)
        if article is None:
            self.notify("That story is not in the library", severity="warning")
            return
        view = self.query_one(ArticleView)
        if record:
            self.history.visit(article_id, view.scroll_y)
        self.current = article_id
        if mark_read:
            self._save_read(article_id, True)
        self._save_last_opened(article_id)
        if in_library is None:
            self.post_message(self.ArticleReady(article, [], scroll_y))  # a bookmark whose file is gone
        else:
            self._prepare(article, scroll_y)

    @work(thread=True, exclusive=True, group="open")
    def _prepare(self, article: Article, scroll_y: float) -> None:
        assert self.library is not None
        full = self.library.full(article)
        links = self.library.links(full)
        self.post_message(self.ArticleReady(full, links, scroll_y))
        self.post_message(self.BacklinksReady(full.id, self.library.backlinks(full.id)))

    def on_main_screen_article_ready(self, message: ArticleReady) -> None:
        if message.article.id != self.current:
            return
        self.article, self.links = message.article, message.links
        article_view = self.query_one(ArticleView)
        article_view.show(message.article, message.links, message.scroll_y)
        if message.article.partial and not message.article.body:
            self.query_one("#article-body", Static).update(
                Text.assemble(
                    (message.article.title + "\n\n", "bold"),
                    ("This story's file is no longer in the library; the bookmark keeps its title.", "italic"),
                )
            )
        sidebar = self.query_one(Sidebar)
        ready = self.library is not None and self.library.backlinks_ready
        sidebar.show(message.links, self.library.backlinks(message.article.id) if ready and self.library else [])
        self._draw_breadcrumb()
        self.refresh_bindings()

    def on_main_screen_backlinks_ready(self, message: BacklinksReady) -> None:
        if message.article_id == self.current:
            self.query_one(Sidebar).show(self.links, message.backlinks)

    def watch_current(self, old: str | None, new: str | None) -> None:
        headlines = self.query_one(HeadlineList)
        headlines.current_id = new
        if old:
            headlines.refresh_article(old)
        if new:
            headlines.move_to(new)
            headlines.refresh_article(new)

    def _draw_breadcrumb(self) -> None:
        assert self.library is not None
        titles = []
        for visit in self.history.trail[-4:]:
            article = self.library.get(visit.article_id)
            titles.append(article.title if article else visit.article_id)
        width = max(10, self.query_one("#breadcrumb").size.width or 60)
        each = max(8, (width - 3 * len(titles)) // max(1, len(titles)))
        text = Text(" ‹ " if len(self.history.trail) > 4 else " ", style="dim")
        for n, title in enumerate(titles):
            last = n == len(titles) - 1
            text.append(fit(title, each), style="bold" if last else "dim")
            if not last:
                text.append(" › ", style="dim")
        self.query_one("#breadcrumb", Static).update(text)

    @on(HeadlineList.Selected)
    def _headline_selected(self, event: HeadlineList.Selected) -> None:
        self.open_article(event.article_id)

    @on(ArticleView.Follow)
    def _inline_follow(self, event: ArticleView.Follow) -> None:
        self._follow(event.link.target, event.link.headline)

    @on(Sidebar.Follow)
    def _sidebar_follow(self, event: Sidebar.Follow) -> None:
        self._follow(event.article_id, "")

    @on(Sidebar.Search)
    def _sidebar_search(self, event: Sidebar.Search) -> None:
        self._search_for(event.headline)

    def _follow(self, target: str | None, headline: str) -> None:
        if target is None:
            self._search_for(headline)
            return
        self.open_article(target)

    def _search_for(self, headline: str) -> None:
        """Run the library filter for a headline that is not in the library."""
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = headline
        self.notify("Not in the library: searching for it", timeout=3)
        self.query_one(HeadlineList).focus()

    def action_back(self) -> None:
        visit = self.history.back(self.query_one(ArticleView).scroll_y)
        if visit is not None:
            self.open_article(visit.article_id, record=False, scroll_y=visit.scroll_y, mark_read=False)

    def action_forward(self) -> None:
        visit = self.history.forward(self.query_one(ArticleView).scroll_y)
        if visit is not None:
            self.open_article(visit.article_id, record=False, scroll_y=visit.scroll_y, mark_read=False)

    def action_next_unread(self) -> None:
        if self.store is None:
            return
        for link in self.links:
            if link.target is not None and not self.store.is_read(link.target):
                self.open_article(link.target)
                return
        self.notify("No unread stories among this story's links", timeout=3)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        if self.has_class("narrow"):
            self.toggle_class("sidebar-forced")
            self._apply_width(self.size.width)
            if self.has_class("sidebar-forced"):
                sidebar.focus()
            else:
                self.query_one(HeadlineList).focus()
            return
        self.sidebar_wanted = not sidebar.display
        self.reader.config.show_sidebar = self.sidebar_wanted
        self.reader.save_config()
        self._apply_width(self.size.width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.history.can_go_back or None
        if action == "forward":
            return self.history.can_go_forward or None
        if action in ("toggle_read", "toggle_bookmark"):
            return self._target() is not None or None
        if action == "next_unread":
            return bool(self.links) or None
        return True

    # -- read marks and bookmarks ------------------------------------------------------

    def _target(self) -> Article | None:
        """What m and b act on: the highlighted headline in the list, else the open story."""
        headlines = self.query_one(HeadlineList)
        if headlines.has_focus and headlines.highlighted is not None:
            return headlines.highlighted
        return self.article or headlines.highlighted

    def action_toggle_read(self) -> None:
        article = self._target()
        if article is not None and self.store is not None:
            self._save_read(article.id, not self.store.is_read(article.id))

    def action_toggle_bookmark(self) -> None:
        article = self._target()
        if article is None or self.store is None:
            return
        on = not self.store.is_bookmarked(article.id)
        self._save_bookmark(article, on)
        self.notify("Bookmarked" if on else "Bookmark removed", timeout=2)

    @work(thread=True, group="store")
    def _save_read(self, article_id: str, read: bool) -> None:
        assert self.store is not None
        was = self.store.is_read(article_id)
        error = None
        try:
            self.store.set_read(article_id, read)
        except StoreError as failure:
            error = str(failure)
        delta = 0
        if was != self.store.is_read(article_id) and self.library and self.library.get(article_id):
            delta = -1 if read else 1
        self.post_message(self.Saved(article_id, error, delta))

    @work(thread=True, group="store")
    def _save_bookmark(self, article: Article, on: bool) -> None:
        assert self.store is not None
        error = None
        try:
            self.store.set_bookmark(
                article.id, on, title=article.title, section=article.section, published=article.published
            )
        except StoreError as failure:
            error = str(failure)
        self.post_message(self.Saved(article.id, error))

    @work(thread=True, group="store")
    def _save_last_opened(self, article_id: str) -> None:
        assert self.store is not None
        try:
            self.store.set_last_opened(article_id)
        except StoreError as failure:
            self.post_message(self.Saved(article_id, str(failure)))

    def on_main_screen_saved(self, message: Saved) -> None:
        if message.error:
            self.reader.runtime_problems.append(message.error)
            self.notify(clean_line(message.error), severity="error", timeout=10, markup=False)
        self.query_one(HeadlineList).refresh_article(message.article_id)
        self.query_one(Sidebar).refresh_states()
        self.unread += message.unread_delta
        self._update_title()
