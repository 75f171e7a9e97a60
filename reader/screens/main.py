"""The main screen: holds the reading state and routes between the headline list, the article and the sidebar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from reader.changes import Change, PendingChanges
from reader.config import Config
from reader.history import History
from reader.library import Library, Link
from reader.model import Article
from reader.search import SearchIndex
from reader.store import Store
from reader.text import clean_line
from reader.views import EMPTY, VIEWS, remembered, unread_count, view_rows
from reader.widgets.article_view import ArticleView, Story
from reader.widgets.breadcrumb import SHOWN, Breadcrumb
from reader.widgets.filter_box import FilterBox
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from reader.widgets.store_sync import StoreSync

NARROW = 110  # below this many columns the sidebar folds away


class MainScreen(Screen[None]):
    """Headlines, article and sidebar over one library and one store."""

    AUTO_FOCUS = "#headlines"  # not the (hidden) filter box, which would swallow the first keys
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

    view: var[str] = var("all", init=False)
    """Which stories the list shows: ``all``, ``unread`` or ``bookmarks``."""

    filter_text: var[str] = var("", init=False)
    """The words the headlines are filtered by ("" for none)."""

    story: var[Story | None] = var(None, always_update=True, init=False)
    """The one current story, as the article pane shows it (None before any is opened)."""

    unread: var[int] = var(0)
    """Stories in the library not read, counting changes still being saved."""

    shown: var[int] = var(0)
    """How many headlines the list shows."""

    subtitle: var[str] = var("")
    """The header's second line: view, filter and unread count."""

    @dataclass
    class Opened(Message):
        """A story's body and links are ready to show."""

        article: Article
        links: tuple[Link, ...]
        scroll_y: float

    @dataclass
    class BacklinksReady(Message):
        """The stories linking to an article are known."""

        article_id: str
        backlinks: list[Article]

    @dataclass
    class SettingsChanged(Message):
        """The settings in the config changed (the app saves them)."""

    def __init__(
        self,
        library: Library,
        store: Store,
        config: Config,
        *,
        poll_interval: float = 2.0,
        index: SearchIndex | None = None,
    ) -> None:
        """``poll_interval``: seconds between checks for marks made elsewhere (0: never; tests call ``poll_store``);
        ``index``: the full-text index the filter uses (None: titles only)."""
        super().__init__()
        self.index = index
        self.library = library
        self.store = store
        self.config = config
        self.poll_interval = poll_interval
        self.changes = PendingChanges(store)
        self.history = History()

    @property
    def current(self) -> str | None:
        """The id of the current story."""
        return self.story.article.id if self.story else None

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield FilterBox(self.index, id="filter")
                yield HeadlineList(id="headlines")
            with Vertical(id="centre"):
                yield Breadcrumb(id="breadcrumb")
                yield ArticleView(id="article").data_bind(story=MainScreen.story)
            yield Sidebar(id="sidebar")
        yield StoreSync(self.changes, self.poll_interval)
        yield Footer()

    def on_mount(self) -> None:
        headlines, sidebar = self.query_one(HeadlineList), self.query_one(Sidebar)
        headlines.is_read = sidebar.is_read = self.changes.is_read
        headlines.is_bookmarked = sidebar.is_bookmarked = self.changes.is_bookmarked
        headlines.focus()
        sidebar.clear_story()
        self._apply_width(self.size.width)
        last = self.store.last_opened
        self._show_rows(keep=last)
        self._recount()
        if last and self.library.get(last) is not None:
            self.open_article(last, mark_read=False)

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "narrow")
        wanted = self.config.show_sidebar and not narrow
        self.query_one(Sidebar).display = wanted or self.has_class("sidebar-forced")

    def key_groups(self) -> list[tuple[str, list[Binding]]]:
        """This screen's keys, then each pane's, for the help screen."""
        scroll = Binding("up,down,pageup,pagedown", "", "Scroll")
        return [
            ("Everywhere", _keys(self.BINDINGS)),
            ("Headline list", _keys(HeadlineList.BINDINGS)),
            ("Article", [*_keys(ArticleView.BINDINGS), scroll]),
            ("Sidebar", _keys(Sidebar.BINDINGS)),
        ]

    # -- the title ------------------------------------------------------------------------

    def compute_subtitle(self) -> str:
        shown = f" · “{self.filter_text}”: {self.shown}" if self.filter_text else ""
        return f"{VIEWS[self.view]}{shown} · {self.unread} unread"

    def watch_subtitle(self, subtitle: str) -> None:
        self.app.sub_title = subtitle

    def _recount(self) -> None:
        """Count the unread stories again (at start and after changes made elsewhere)."""
        self.unread = unread_count(self.library, self.changes)

    # -- marks made elsewhere -------------------------------------------------------------

    def poll_store(self) -> None:
        """Pick up marks made elsewhere now (the app does it every ``poll_interval`` seconds)."""
        self.query_one(StoreSync).poll()

    def on_store_sync_polled(self, message: StoreSync.Polled) -> None:
        for notice in message.notices:
            self.notify(clean_line(notice), severity="error", timeout=10, markup=False)
        self._recount()
        if self.view != "all":
            self._show_rows()
        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()

    # -- rows, views and the filter ---------------------------------------------------------

    def _show_rows(self, keep: str | None = None) -> None:
        headlines = self.query_one(HeadlineList)
        keep = keep or (headlines.highlighted.id if headlines.highlighted else None)
        if self.filter_text:
            headlines.empty_message = "Searching…"
            self.query_one(FilterBox).search(self.filter_text, view_rows(self.view, self.library, self.changes))
            return
        headlines.empty_message = EMPTY[self.view]
        headlines.set_rows(view_rows(self.view, self.library, self.changes), keep=keep)
        self.shown = len(headlines.rows)

    def on_filter_box_results(self, message: FilterBox.Results) -> None:
        if message.query != self.filter_text:
            return
        if not message.final and not message.rows:
            return  # wait for matches in the article text before saying "none"
        headlines = self.query_one(HeadlineList)
        where = " in titles (indexing the text…)" if message.indexing else ""
        headlines.empty_message = f"Nothing matches “{message.query}”{where}"
        headlines.set_rows(message.rows, keep=headlines.highlighted.id if headlines.highlighted else None)
        self.shown = len(message.rows)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    def watch_filter_text(self) -> None:
        self._show_rows()

    def search_ready(self, ok: bool = True) -> None:
        """The full-text index is built (``ok``) or unusable: filter again with it (or titles only)."""
        self.query_one(FilterBox).index_ready(ok)
        if self.filter_text:
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

    # -- opening stories ----------------------------------------------------------------------

    def open_article(
        self, article_id: str, *, record: bool = True, scroll_y: float = 0.0, mark_read: bool = True
    ) -> None:
        """Show a story; ``record`` adds it to the history (following a link or a headline)."""
        article = self.library.get(article_id)
        gone = article is None
        article = article or remembered(self.store, article_id)
        if article is None:
            self.notify("That story is not in the library", severity="warning")
            return
        if record:
            self.history.visit(article_id, self.query_one(ArticleView).scroll_y)
        self.story = Story(article, scroll_y=scroll_y, loading=not gone, gone=gone)
        if mark_read:
            self._save(Change("read", article_id, True, title=article.title))
        self._save(Change("opened", article_id, title=article.title))
        if gone:
            self.query_one(Sidebar).show([], [])
        else:
            self._prepare(article, scroll_y)

    @work(thread=True, exclusive=True, group="open")
    def _prepare(self, article: Article, scroll_y: float) -> None:
        full = self.library.full(article)  # may re-read and parse the file: never on the event loop
        self.post_message(self.Opened(full, tuple(self.library.links(full)), scroll_y))
        if self.library.backlinks_ready:
            self.post_message(self.BacklinksReady(full.id, self.library.backlinks(full.id)))

    @work(thread=True, exclusive=True, group="backlinks")
    def _find_backlinks(self, article_id: str) -> None:
        """The first backlinks are found (every story's links resolved) once the story is drawn."""
        self.post_message(self.BacklinksReady(article_id, self.library.backlinks(article_id)))

    def on_main_screen_opened(self, message: Opened) -> None:
        if message.article.id != self.current:
            return
        self.story = Story(message.article, message.links, message.scroll_y)
        self.refresh_bindings()
        self.call_after_refresh(self._fill_sidebar, message.article.id)  # the text first, then the sidebar

    def _fill_sidebar(self, article_id: str) -> None:
        """Show the open story's links and backlinks in the sidebar (finding backlinks the first time)."""
        if article_id != self.current or self.story is None:
            return
        ready = self.library.backlinks_ready
        backlinks = self.library.backlinks(article_id) if ready else []
        self.query_one(Sidebar).show(self.story.links, backlinks)
        if not ready:
            self.call_after_refresh(self._find_backlinks, article_id)

    def on_main_screen_backlinks_ready(self, message: BacklinksReady) -> None:
        if message.article_id == self.current and self.story is not None:
            self.query_one(Sidebar).show(self.story.links, message.backlinks)

    def watch_story(self, old: Story | None, new: Story | None) -> None:
        headlines = self.query_one(HeadlineList)
        headlines.current_id = new.article.id if new else None
        moved = old is None or new is None or old.article.id != new.article.id
        if old and moved:
            headlines.refresh_article(old.article.id)
        if new:
            if moved:  # the list follows the story; a body arriving later does not pull the cursor back
                headlines.move_to(new.article.id)
            headlines.refresh_article(new.article.id)
        self._draw_trail()

    def _draw_trail(self) -> None:
        titles = []
        for visit in self.history.trail[-(SHOWN + 1) :]:
            article = self.library.get(visit.article_id) or remembered(self.store, visit.article_id)
            titles.append(clean_line(article.title) if article else visit.article_id)
        self.query_one(Breadcrumb).trail = tuple(titles)

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
        """An entry no library story matches: say so in its place (a filter would find only this story)."""
        sidebar = self.query_one(Sidebar)
        option = sidebar.highlighted_option
        if option is not None and option.id is not None:
            note = Text.assemble((" ○  ", "dim"), (clean_line(event.headline), "dim"))
            note.append("\n    not in the library: no story matches this headline", style="italic")
            sidebar.replace_option_prompt(option.id, note)

    def _follow(self, target: str | None, headline: str) -> None:
        if target is None:
            self.notify(f"Not in the library: {clean_line(headline)}", timeout=3, markup=False)
        else:
            self.open_article(target)

    def action_back(self) -> None:
        visit = self.history.back(self.query_one(ArticleView).scroll_y)
        if visit is not None:
            self.open_article(visit.article_id, record=False, scroll_y=visit.scroll_y, mark_read=False)

    def action_forward(self) -> None:
        visit = self.history.forward(self.query_one(ArticleView).scroll_y)
        if visit is not None:
            self.open_article(visit.article_id, record=False, scroll_y=visit.scroll_y, mark_read=False)

    def action_next_unread(self) -> None:
        for link in self.story.links if self.story else ():
            if link.target is not None and not self.changes.is_read(link.target):
                self.open_article(link.target)
                return
        self.notify("No unread stories among this story's links", timeout=3)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        if self.has_class("narrow"):
            self.toggle_class("sidebar-forced")
            self._apply_width(self.size.width)
            (sidebar if self.has_class("sidebar-forced") else self.query_one(HeadlineList)).focus()
            return
        self.config.show_sidebar = not sidebar.display
        self.post_message(self.SettingsChanged())
        self._apply_width(self.size.width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.history.can_go_back or None
        if action == "forward":
            return self.history.can_go_forward or None
        if action in ("toggle_read", "toggle_bookmark"):
            return self._target() is not None or None
        if action == "next_unread":
            return bool(self.story and self.story.links) or None
        return True

    # -- read marks and bookmarks: every key press is one change, saved in order ---------------

    def _target(self) -> Article | None:
        """What m and b act on: the highlighted headline in the list, else the open story."""
        headlines = self.query_one(HeadlineList)
        if headlines.has_focus and headlines.highlighted is not None:
            return headlines.highlighted
        return self.story.article if self.story else headlines.highlighted

    def action_toggle_read(self) -> None:
        article = self._target()
        if article is not None:
            self._save(Change("read", article.id, not self.changes.is_read(article.id), title=article.title))

    def action_toggle_bookmark(self) -> None:
        article = self._target()
        if article is None:
            return
        on = not self.changes.is_bookmarked(article.id)
        self._save(Change("bookmark", article.id, on, article.title, article.section, article.published))
        self.notify("Bookmarked" if on else "Bookmark removed", timeout=2)

    def _save(self, change: Change) -> None:
        """Show the change at once and queue it for saving."""
        article_id = change.article_id
        if change.kind == "read" and self.changes.is_read(article_id) != change.on and self.library.get(article_id):
            self.unread += -1 if change.on else 1  # exact: every change passes here, in order
        self.query_one(StoreSync).save(change)
        if change.kind in ("read", "bookmark"):
            self._redraw_marks(article_id)

    def finish_saving(self) -> None:
        """Retry changes that failed to save (the app calls this when quitting)."""
        self.query_one(StoreSync).finish()

    @property
    def save_error(self) -> str | None:
        """Why the last change that failed to save failed."""
        return self.query_one(StoreSync).save_error

    def on_store_sync_saved(self, message: StoreSync.Saved) -> None:
        change = message.change
        if change.kind not in ("read", "bookmark"):
            return
        self._redraw_marks(change.article_id)
        if change.kind == "read" and (message.error or self.store.is_read(change.article_id) != change.on):
            self._recount()  # the store did not take the change as shown: count again from what it holds

    def _redraw_marks(self, article_id: str) -> None:
        self.query_one(HeadlineList).refresh_article(article_id)
        self.query_one(Sidebar).refresh_states()


def _keys(bindings: Sequence[object]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding)]
