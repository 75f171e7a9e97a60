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
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from reader.changes import Change, PendingChanges
from reader.config import SORTS, Config
from reader.feeds.stories import StoryInfo
from reader.feeds.subscriptions import FeedStatus
from reader.history import History
from reader.library import Library, Link
from reader.model import Article
from reader.search import SearchIndex
from reader.store import Store
from reader.text import clean_line
from reader.undo import Step, UndoStack, reverse_of
from reader.views import EMPTY, SORT_NAMES, VIEWS, arrange, remembered, unread_totals, view_rows
from reader.widgets.article_view import ArticleView, Story
from reader.widgets.breadcrumb import SHOWN, Breadcrumb
from reader.widgets.feed_refresh import FeedRefresher
from reader.widgets.filter_box import FilterBox
from reader.widgets.find_bar import FindBar
from reader.widgets.headline_list import ROW_HEIGHT, HeadlineList
from reader.widgets.sidebar import Sidebar
from reader.widgets.sources import Sources
from reader.widgets.store_sync import StoreSync
from reader.widgets.toasts import forget_identical

NARROW = 110  # below this many columns the sidebar folds away
SINGLE = 60  # below this many columns one pane shows at a time: list, article, sidebar
COMPACT = 120  # below this many columns the footer packs its keys tighter


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
        Binding("u", "undo", "Undo", show=False, id="main.undo"),
        Binding("A", "mark_all_read", "Mark all read", show=False, id="main.mark_all_read"),
        Binding("4", "sources", "Sources", show=False, id="main.sources"),
        Binding("r", "refresh_feed", "Refresh feed", show=False, id="main.refresh_feed"),
        Binding("R", "refresh_all", "Refresh all", show=False, id="main.refresh_all"),
        Binding("o", "open_url", "Open in browser", show=False, id="main.open_url"),
        Binding("y", "copy_url", "Copy address", show=False, id="main.copy_url"),
        Binding("S", "cycle_sort", "Sort", show=False, id="main.sort"),
        Binding("ctrl+f", "find", "Find in story", show=False, id="main.find"),
        Binding("Q", "app.quit", "Quit", show=False, id="main.quit"),
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

    unread_minutes: var[int] = var(0)
    """Minutes to read the unread stories (those whose page says), counting changes still being saved."""

    section: var[str] = var("")
    """The one section the list shows ("" for all), as in the config."""

    subtitle: var[str] = var("")
    """The header's second line: view, filter and unread count."""

    scope: var[str | None] = var(None, init=False)
    """The feed whose stories the list shows (None: every story)."""

    scope_name: var[str] = var("")
    """The name of the feed the list is scoped to ("" for none)."""

    refresh_status: var[str] = var("")
    """How the running feed refresh is going ("" when none runs)."""

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

    @dataclass
    class LibraryChanged(Message):
        """Stories were added or changed (a feed refresh): the app brings the search index up to date."""

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
        self.undo = UndoStack()
        self.feed_info: dict[str, StoryInfo] = {}  # feed stories by article id: URL, feed, file
        self.feed_statuses: dict[str, FeedStatus] = {}

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
                yield Static(id="story-source")
                yield FindBar(id="find")
                yield ArticleView(id="article").data_bind(story=MainScreen.story)
            yield Sidebar(id="sidebar")
            yield Sources(id="sources")
        yield StoreSync(self.changes, self.poll_interval)
        yield FeedRefresher(self.config.refresh_minutes, self.library.limit)
        yield Footer()

    def on_mount(self) -> None:
        headlines, sidebar = self.query_one(HeadlineList), self.query_one(Sidebar)
        headlines.is_read = sidebar.is_read = self.changes.is_read
        headlines.is_bookmarked = sidebar.is_bookmarked = self.changes.is_bookmarked
        self.query_one(Sources).is_read = self.changes.is_read
        self._load_feed_info()
        headlines.focus()
        sidebar.clear_story()
        self.query_one(FindBar).display = False
        self._load_arrangement()
        self.query_one("#left").border_title = "Headlines"
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
        self.set_class(width < SINGLE, "single")
        self.query_one(Footer).compact = width < COMPACT
        wanted = self.config.show_sidebar and not narrow
        self.query_one(Sidebar).display = wanted or self.has_class("sidebar-forced")
        self._apply_sources()
        self.set_class(not wanted and not narrow, "no-sidebar")

    def key_groups(self) -> list[tuple[str, list[Binding]]]:
        """This screen's keys, then each pane's, for the help screen."""
        scroll = Binding("up,down,pageup,pagedown", "", "Scroll")
        return [
            ("Everywhere", _keys(self.BINDINGS)),
            ("Find in the story", [Binding("enter", "", "Next match"), *_keys(FindBar.BINDINGS)]),
            ("Headline list", _keys(HeadlineList.BINDINGS)),
            ("Article", [*_keys(ArticleView.BINDINGS), scroll]),
            ("Sidebar", _keys(Sidebar.BINDINGS)),
            ("Sources", _keys(Sources.BINDINGS)),
        ]

    # -- the title ------------------------------------------------------------------------

    def compute_subtitle(self) -> str:
        shown = f" · “{self.filter_text}”: {self.shown}" if self.filter_text else ""
        source = f" · {self.scope_name}" if self.scope_name else ""
        section = f" · {clean_line(self.section)}" if self.section else ""
        minutes = f" · ~{self.unread_minutes} min to read" if self.unread_minutes else ""
        busy = f" · {self.refresh_status}" if self.refresh_status else ""
        return f"{VIEWS[self.view]}{source}{section}{shown} · {self.unread} unread{minutes}{busy}"

    def watch_subtitle(self, subtitle: str) -> None:
        self.app.sub_title = subtitle

    def _recount(self) -> None:
        """Count the unread stories again (at start and after changes made elsewhere)."""
        self.unread, self.unread_minutes = unread_totals(self.library, self.changes)

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
        self.query_one(Sources).refresh_counts()

    # -- rows, views and the filter ---------------------------------------------------------

    def _show_rows(self, keep: str | None = None) -> None:
        headlines = self.query_one(HeadlineList)
        keep = keep or (headlines.highlighted.id if headlines.highlighted else None)
        if self.filter_text:
            headlines.empty_message = "Searching…"
            self.query_one(FilterBox).search(self.filter_text, self._scoped(self._view_rows()))
            return
        headlines.empty_message = EMPTY[self.view]
        headlines.set_rows(self._scoped(self._view_rows()), keep=keep)
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
        self._show_source()

    def _draw_trail(self) -> None:
        titles = []
        for visit in self.history.trail[-(SHOWN + 1) :]:
            article = self.library.get(visit.article_id) or remembered(self.store, visit.article_id)
            titles.append(clean_line(article.title) if article else visit.article_id)
        self.query_one(Breadcrumb).trail = tuple(titles)

    @on(HeadlineList.Selected)
    def _headline_selected(self, event: HeadlineList.Selected) -> None:
        self.open_article(event.article_id)
        self._show_article_pane()

    @on(ArticleView.Follow)
    def _inline_follow(self, event: ArticleView.Follow) -> None:
        self._follow(event.link.target, event.link.headline)

    @on(Sidebar.Follow)
    def _sidebar_follow(self, event: Sidebar.Follow) -> None:
        self._follow(event.article_id, "")
        self._show_article_pane()

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
        following = self._next_unread_in_list()
        if following is not None:
            self.open_article(following.id)  # this story's links are all read: on down the list
            return
        self.notify("No unread stories left", timeout=3)

    def _next_unread_in_list(self) -> Article | None:
        """The first unread headline after the current story (or the cursor) in the list, wrapping round."""
        headlines = self.query_one(HeadlineList)
        rows = headlines.rows
        start = headlines.position_of(self.current)
        start = headlines.cursor if start is None else start
        for n in range(1, len(rows)):
            article = rows[(start + n) % len(rows)]
            if not self.changes.is_read(article.id):
                return article
        return None

    # -- panes: focus, and one pane at a time on a very narrow terminal ---------------------

    def _show_article_pane(self) -> None:
        """When one pane shows at a time, move on to the article."""
        if self.has_class("single"):
            self.remove_class("sidebar-forced")
            self.add_class("show-article")
            self._apply_width(self.size.width)
            self.query_one(ArticleView).focus()

    def action_focus_headlines(self) -> None:
        """Back to the headline list (q in the article or the sidebar)."""
        if self.has_class("single"):
            self.remove_class("show-article", "sidebar-forced")
            self._apply_width(self.size.width)
        self.query_one(HeadlineList).focus()

    def action_leave_pane(self) -> None:
        """Esc in the article or sidebar: one pane back when one shows at a time, else clear the filter."""
        if not self.has_class("single"):
            self.action_clear_filter()
        elif self.has_class("sidebar-forced") and self.story is not None:
            self._show_article_pane()
        else:
            self.action_focus_headlines()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast that replaces an identical one still on show."""
        forget_identical(self.app, message, title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

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
            return bool(self.story) or None
        if action == "find":
            return self.story is not None and not self.story.loading
        if action == "close_find":
            return bool(self.query_one(FindBar).display)  # else Esc is the list's "clear filter"
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

    def _save(self, change: Change, *, undoable: bool = True) -> None:
        """Show the change at once and queue it for saving; a mark change can be undone (``u``)."""
        article_id = change.article_id
        if undoable:
            self._remember(change)
        if change.kind == "read" and self.changes.is_read(article_id) != change.on and self.library.get(article_id):
            self.unread += -1 if change.on else 1  # exact: every change passes here, in order
            self.unread_minutes += (-1 if change.on else 1) * _minutes(self.library.get(article_id))
        if change.kind == "read_many":
            flips = [i for i in change.ids if self.changes.is_read(i) != change.on and self.library.get(i)]
            self.unread += -len(flips) if change.on else len(flips)
            self.unread_minutes += (-1 if change.on else 1) * sum(_minutes(self.library.get(i)) for i in flips)
        self.query_one(StoreSync).save(change)
        if change.kind in ("read", "bookmark"):
            self._redraw_marks(article_id)
        if change.kind == "read_many":
            self._redraw_all_marks()

    def finish_saving(self) -> None:
        """Retry changes that failed to save (the app calls this when quitting)."""
        self.query_one(StoreSync).finish()

    @property
    def save_error(self) -> str | None:
        """Why the last change that failed to save failed."""
        return self.query_one(StoreSync).save_error

    def on_store_sync_saved(self, message: StoreSync.Saved) -> None:
        change = message.change
        if change.kind == "read_many":
            self._redraw_all_marks()
            if message.error:
                self._recount()
            return
        if change.kind not in ("read", "bookmark"):
            return
        self._redraw_marks(change.article_id)
        if change.kind == "read" and (message.error or self.store.is_read(change.article_id) != change.on):
            self._recount()  # the store did not take the change as shown: count again from what it holds

    def _redraw_marks(self, article_id: str) -> None:
        self.query_one(HeadlineList).refresh_article(article_id)
        self.query_one(Sidebar).refresh_states()
        if article_id in self.feed_info:
            self.query_one(Sources).refresh_counts()

    def _redraw_all_marks(self) -> None:
        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()
        self.query_one(Sources).refresh_counts()

    # -- undo and mark all read ------------------------------------------------------------------

    def _remember(self, change: Change) -> None:
        """Put the change's reverse on the undo stack, if it changes any mark."""
        reverse = reverse_of(change, self.changes.is_read, self.changes.is_bookmarked)
        if reverse is not None:
            description = change.describe() if change.kind != "read_many" else reverse_describe(reverse)
            self.undo.record(Step(description, reverse))

    def action_undo(self) -> None:
        """Take back the last mark change (a whole "mark all read" at once)."""
        step = self.undo.pop()
        if step is None:
            self.notify("Nothing to undo", timeout=2)
            return
        self._save(step.reverse, undoable=False)
        self.notify(f"Undone: {clean_line(step.description)}", timeout=4, markup=False)

    def action_mark_all_read(self) -> None:
        """Mark every story the list shows (this view, filter and feed) read."""
        self._mark_read([article.id for article in self.query_one(HeadlineList).rows], "in this list")

    def _mark_read(self, ids: Sequence[str], where: str) -> None:
        unread = tuple(i for i in dict.fromkeys(ids) if not self.changes.is_read(i))
        if not unread:
            self.notify(f"No unread stories {where}", timeout=3, markup=False)
            return
        self._save(Change("read_many", on=True, ids=unread))
        count = len(unread)
        self.notify(
            f"Marked {count} {'story' if count == 1 else 'stories'} read {where}: u undoes", timeout=5, markup=False
        )

    # -- feeds: the Sources pane, refresh, the story's address ----------------------------------

    @work(thread=True, exclusive=True, group="feed-info")
    def _load_feed_info(self) -> None:
        from reader.feeds.stories import all_stories
        from reader.feeds.subscriptions import SubscriptionError, feed_statuses

        info = all_stories()
        try:
            statuses = feed_statuses(set())
        except SubscriptionError as error:
            statuses = []
            self.post_message(FeedRefresher.Problems([str(error)]))
        self.post_message(self.FeedsKnown(info, statuses))

    @dataclass
    class FeedsKnown(Message):
        """The feeds, their state, and where each feed story came from."""

        info: dict[str, StoryInfo]
        statuses: list[FeedStatus]

    def on_main_screen_feeds_known(self, message: FeedsKnown) -> None:
        self.feed_info = message.info
        self.feed_statuses = {status.feed.id: status for status in message.statuses}
        self.query_one(Sources).show(message.statuses)
        if self.scope is not None:
            self._show_rows()
        self._show_source()
        self._name_scope()

    def _scoped(self, rows: list[Article]) -> list[Article]:
        status = self.feed_statuses.get(self.scope or "")
        if self.scope is None:
            return rows
        ids = set(status.story_ids) if status else set()
        return [article for article in rows if article.id in ids]

    def watch_scope(self) -> None:
        self._name_scope()
        self._show_rows()

    def _name_scope(self) -> None:
        status = self.feed_statuses.get(self.scope or "")
        self.scope_name = clean_line(status.feed.name) if status else ""

    def _apply_sources(self) -> None:
        sources = self.query_one(Sources)
        sources.display = self.has_class("sources")
        if sources.display:
            self.query_one(Sidebar).display = False

    def action_sources(self) -> None:
        """Show or hide the Sources pane (in the sidebar's place); hiding it shows every story again."""
        if self.scope is not None and not self.has_class("sources"):
            self.add_class("sources")  # narrow: the list was scoped with the pane closed; show the feeds again
            self._apply_width(self.size.width)
            self.query_one(Sources).focus()
            return
        self.toggle_class("sources")
        self._apply_width(self.size.width)
        if self.has_class("sources"):
            self._load_feed_info()
            self.query_one(Sources).focus()
        else:
            self.scope = None
            self.query_one(HeadlineList).focus()

    @on(Sources.Scope)
    def _scope_to(self, event: Sources.Scope) -> None:
        self.scope = event.feed_id
        self._show_rows()
        if self.has_class("narrow"):  # the article pane comes back; 4 shows the feeds again
            self.remove_class("sources")
            self._apply_width(self.size.width)
        self.query_one(HeadlineList).focus()

    @on(Sources.MarkRead)
    def _mark_source_read(self, event: Sources.MarkRead) -> None:
        status = self.feed_statuses.get(event.feed_id)
        if status is not None:
            self._mark_read(status.story_ids, f"in {clean_line(status.feed.name)}")

    def _feed_of(self, article: Article | None) -> str | None:
        info = self.feed_info.get(article.id) if article else None
        if info is not None:
            return info.feed_id
        return None

    def action_refresh_feed(self) -> None:
        """Refresh the highlighted feed (Sources pane), else the current story's feed."""
        sources = self.query_one(Sources)
        feed_id = sources.highlighted_feed if sources.has_focus else None
        feed_id = feed_id or self._feed_of(self._target()) or self.scope
        if feed_id is None:
            self.notify("Not a feed story: R refreshes every feed", timeout=3)
            return
        self._start_refresh([feed_id])

    def action_refresh_all(self) -> None:
        """Refresh every feed."""
        self._start_refresh([])

    def _start_refresh(self, keys: list[str]) -> None:
        if not self.query_one(FeedRefresher).start(keys):
            self.notify("A refresh is already running", timeout=3)
            return
        self.refresh_status = "refreshing…"

    def on_feed_refresher_progress(self, message: FeedRefresher.Progress) -> None:
        errors = f", {message.errors} failed" if message.errors else ""
        self.refresh_status = f"refreshing {message.done}/{message.total}{errors}"

    def on_feed_refresher_finished(self, message: FeedRefresher.Finished) -> None:
        self.refresh_status = ""
        if message.error is not None:
            self.notify(f"Refresh failed: {clean_line(message.error)}", severity="error", timeout=8, markup=False)
            return
        new = self.library.add_or_update(message.articles, message.paths) if message.articles else 0
        if message.articles:
            self.post_message(self.LibraryChanged())
            self._show_rows_in_place()
            self._recount()
        self._load_feed_info()
        failed = sum(1 for result in message.results if result.state in ("error", "gone"))
        if message.background and not new and not failed:
            return
        text = f"Refreshed {len(message.results)} feed{'s' if len(message.results) != 1 else ''}: {new} new"
        if failed:
            text += f", {failed} failed (p shows why)"
        self.notify(text, severity="warning" if failed else "information", timeout=5, markup=False)

    def _show_rows_in_place(self) -> None:
        """Show the rows again with the highlighted story on the same screen line (new stories above it)."""
        headlines = self.query_one(HeadlineList)
        before = headlines.cursor * ROW_HEIGHT - headlines.scroll_y
        self._show_rows()

        def keep_line() -> None:
            headlines.scroll_to(y=max(0, headlines.cursor * ROW_HEIGHT - before), animate=False, immediate=True)

        headlines.call_after_refresh(keep_line)

    def _story_url(self) -> str | None:
        article = self._target()
        info = self.feed_info.get(article.id) if article else None
        if info is None or not info.url:
            self.notify("This story has no web address", timeout=3)
            return None
        return info.url

    def action_open_url(self) -> None:
        """Open the story's web page in the browser."""
        url = self._story_url()
        if url is not None:
            self._open_in_browser(url)

    @work(thread=True, group="browser")
    def _open_in_browser(self, url: str) -> None:
        from reader import outside

        if not outside.open_url(url):
            self.app.call_from_thread(
                self.notify, "No browser could be started: y copies the address", severity="warning", timeout=5
            )

    def action_copy_url(self) -> None:
        """Copy the story's web address to the clipboard."""
        url = self._story_url()
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {clean_line(url)}", timeout=3, markup=False)

    def _show_source(self) -> None:
        """The line above the article: the feed and the address of a feed story."""
        line = self.query_one("#story-source", Static)
        info = self.feed_info.get(self.current or "")
        line.display = info is not None
        if info is None:
            return
        status = self.feed_statuses.get(info.feed_id)
        name = status.feed.name if status else info.feed_slug
        url = clean_line(info.url or "no web address")
        line.update(Text.assemble((clean_line(name), "bold"), " · ", url, no_wrap=True, overflow="ellipsis"))

    # -- sort and section -----------------------------------------------------------------------

    def _load_arrangement(self) -> None:
        """Take the sort and section from the config (a section no longer in the library is dropped)."""
        if self.config.section and not any(a.section == self.config.section for a in self.library.articles):
            self.config.section = ""
        self.section = self.config.section

    def _view_rows(self) -> list[Article]:
        """The view's stories in the chosen section and order."""
        return arrange(view_rows(self.view, self.library, self.changes), self.config.sort, self.section)

    def action_cycle_sort(self) -> None:
        """Newest first → oldest first → by section → newest first."""
        self.set_sort(SORTS[(SORTS.index(self.config.sort) + 1) % len(SORTS)])

    def set_sort(self, sort: str) -> None:
        """Sort the headlines (one of ``SORTS``) and remember it."""
        self.config.sort = sort
        self.post_message(self.SettingsChanged())
        self._show_rows()
        self.notify(f"Sorted {SORT_NAMES[sort]}", timeout=2)

    def set_section(self, section: str) -> None:
        """Show only one section's stories ("" for all) and remember it."""
        self.config.section = self.section = section
        self.post_message(self.SettingsChanged())
        self._show_rows()

    # -- find in the story --------------------------------------------------------------------

    def action_find(self) -> None:
        self.query_one(FindBar).open()
        query = self.query_one(FindBar).query_text
        self.query_one(ArticleView).find_query = query

    def action_close_find(self) -> None:
        bar = self.query_one(FindBar)
        bar.display = False
        bar.found = None
        self.query_one(ArticleView).find_query = ""
        self.query_one(ArticleView).focus()

    def on_find_bar_changed(self, message: FindBar.Changed) -> None:
        self.query_one(ArticleView).find_query = message.query

    def on_find_bar_step(self, message: FindBar.Step) -> None:
        self.query_one(ArticleView).action_find_step(message.step)

    def on_find_bar_closed(self) -> None:
        self.action_close_find()

    def on_article_view_found(self, message: ArticleView.Found) -> None:
        self.query_one(FindBar).found = (message.current, message.count)


def reverse_describe(reverse: Change) -> str:
    """What a mass change did, told from the change that undoes it."""
    count = len(reverse.ids)
    return f"{count} {'story' if count == 1 else 'stories'} marked {'unread' if reverse.on else 'read'}"


def _minutes(article: Article | None) -> int:
    """Minutes to read ``article``, as its page says (0 when it does not)."""
    return article.read_minutes or 0 if article else 0


def _keys(bindings: Sequence[object]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding)]
