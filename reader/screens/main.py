"""The main screen: holds the reading state and routes between the headline list, the article and the sidebar."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from reader.changes import Change, PendingChanges
from reader.config import Config
from reader.history import History, Visit
from reader.library import Library, Link
from reader.model import Article
from reader.record import Frozen, set_field
from reader.screens.feed_actions import FeedActions
from reader.screens.find_actions import FindActions
from reader.screens.mark_actions import MarkActions
from reader.screens.open_ahead import OpenAhead
from reader.screens.pane_actions import PaneActions
from reader.screens.reload_actions import ReloadActions, Reloader
from reader.screens.sort_actions import SortActions
from reader.screens.warm import warm_later
from reader.store import Store
from reader.text import clean_line
from reader.title_fit import SEPARATOR, Part, shorten
from reader.undo import UndoStack
from reader.views import EMPTY, VIEWS, remembered, unread_totals
from reader.widgets.article_view import ArticleView, Story
from reader.widgets.breadcrumb import SHOWN, Breadcrumb
from reader.widgets.feed_refresh import FeedRefresher
from reader.widgets.find_bar import FindBar
from reader.widgets.headline_list import HeadlineList
from reader.widgets.key_footer import KeyFooter
from reader.widgets.sidebar import Sidebar
from reader.widgets.store_sync import StoreSync
from reader.widgets.title_header import TitleHeader

if TYPE_CHECKING:
    from reader.feeds.stories import StoryInfo
    from reader.feeds.subscriptions import FeedStatus
    from reader.search import SearchIndex
    from reader.widgets.filter_box import FilterBox

NARROW = 110  # below this many columns the sidebar folds away
SINGLE = 60  # below this many columns one pane shows at a time: list, article, sidebar
COMPACT = 120  # below this many columns the footer packs its keys tighter
SWITCH_INTERVAL = 0.001  # seconds a thread holds the GIL while another waits for it, once the screen is up


#: The views' names when the header is short of room.
SHORT_VIEWS = {"all": "All"}


class MainScreen(
    PaneActions, MarkActions, FeedActions, SortActions, FindActions, ReloadActions, OpenAhead, Screen[None]
):  # the parts are plain classes at run time (see MainScreenPart): Screen comes after them
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
        Binding("ctrl+r", "reload", "Reload the library", show=False, id="main.reload"),
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

    shown_filter: var[str] = var("")
    """The words the headlines on show match ("" for none): until a new query's results come, the old ones'."""

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

    scope_unread: var[int] = var(0)
    """That feed's stories not read, counting changes still being saved."""

    refresh_status: var[str] = var("")
    """How the running feed refresh is going ("" when none runs)."""

    class Opened(Message):
        """A story's body and links are ready to show."""

        def __init__(self, article: Article, links: tuple[Link, ...], scroll_y: float) -> None:
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

    class SettingsChanged(Message):
        """The settings in the config changed (the app saves them)."""

    class LibraryChanged(Message):
        """Stories were added, changed or removed (a feed refresh, a reload), or the first check of the files
        found them as the parse cache said: the app updates the search index."""

    def __init__(
        self,
        library: Library,
        store: Store,
        config: Config,
        *,
        poll_interval: float = 2.0,
        index: SearchIndex | None = None,
        reloader: Reloader | None = None,
        reload_interval: float = 10.0,
    ) -> None:
        """``poll_interval``: seconds between checks for marks made elsewhere (0: never; tests call ``poll_store``);
        ``index``: the full-text index the filter uses (None: titles only);
        ``reloader``: loads the library folders again (None: Ctrl+R has nothing to reload);
        ``reload_interval``: seconds between checks of the folders for new stories (0: never; tests call
        ``check_library``)."""
        super().__init__()
        self.index = index
        self.library = library
        self.store = store
        self.config = config
        self.poll_interval = poll_interval
        self.reloader = reloader
        self.reload_interval = reload_interval
        self.changes = PendingChanges(store)
        self.history = History()
        self.undo = UndoStack()
        self.feed_info: dict[str, StoryInfo] = {}  # feed stories by article id: URL, feed, file
        self.feed_statuses: dict[str, FeedStatus] = {}
        self.feed_names: dict[str, str] = {}  # every feed seen while the app runs, by id and by folder: its name
        self.opened_file: FileStamp | None = None  # the open story's file as it was read
        self._keys_shown: tuple[bool, ...] = ()  # what the footer's keys showed at the last open
        self._shown = False  # resumed (shown) once already
        self._index_news: list[bool] = []  # what search_ready said so far (for a filter box made later)

    @property
    def current(self) -> str | None:
        """The id of the current story."""
        return self.story.article.id if self.story else None

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        headlines = HeadlineList(id="headlines")
        self._focus_unstyled(headlines)
        yield TitleHeader()
        with Vertical(id="left"):
            yield headlines
        with Vertical(id="centre"):
            yield Breadcrumb(id="breadcrumb")
            yield Static(id="story-source")
            # the find bar goes here, over the article, when first wanted (FindActions)
            yield ArticleView(id="article").data_bind(story=MainScreen.story)
        yield Sidebar(id="sidebar")  # the Sources pane goes beside it when first wanted
        yield StoreSync(self.changes, self.poll_interval)
        yield FeedRefresher(self.config.refresh_minutes, self.library.limit)
        yield KeyFooter()

    def on_mount(self) -> None:
        headlines, sidebar = self.query_one(HeadlineList), self.query_one(Sidebar)
        headlines.is_read = sidebar.is_read = self.changes.is_read
        headlines.is_bookmarked = sidebar.is_bookmarked = self.changes.is_bookmarked
        self.call_after_refresh(self._load_feed_info)  # after the first paint: its thread would slow that down
        self._start_reload_checks()
        self._focused_as_styled(headlines)
        self._watch_cursor_for_reading_ahead()
        sidebar.clear_story()
        self._load_arrangement()
        self.query_one("#left").border_title = "Headlines"
        self._apply_width(self.size.width)
        last = self.store.last_opened
        self._show_rows(keep=last)
        self._recount()
        if last and self.library.get(last) is not None:
            self.open_article(last, mark_read=False)
        self.call_after_refresh(_quick_thread_switches)
        self.call_after_refresh(warm_later)  # what the first frame did without, before a key wants it

    def _focus_unstyled(self, headlines: HeadlineList) -> None:
        """The headline list has the keys from the start: focused before any widget is styled, so it is styled
        once, focused, as it is mounted (Textual's auto-focus, after the mount, styled it twice more: ~3 ms)."""
        headlines.set_reactive(Widget.has_focus, True)
        self.focused = headlines  # Textual's auto-focus finds the focus taken and leaves it

    def _focused_as_styled(self, headlines: HeadlineList) -> None:
        """What focusing the headline list does besides its style: its pane's title lit (the pane was styled
        before the list was in it), the Focus event, and the footer's keys."""
        self.app.stylesheet.apply(self.query_one("#left"))  # #left:focus-within
        headlines.post_message(events.Focus())
        self.refresh_bindings()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown:  # the first time, every widget was styled as it was mounted, just before: once is enough
            self._shown = True  # (Textual would style the whole screen again: ~30 widgets, milliseconds at launch)
            event.refresh_styles = False

    def on_resize(self) -> None:
        had = self.focused
        self._apply_width(self.size.width)
        self.call_after_refresh(self._refocus, had)

    def _refocus(self, had: Widget | None) -> None:
        """The pane with the keys went out of sight (a narrower terminal): the story being read stays on screen
        with them, else the headline list takes them (they did nothing, with nothing focused)."""
        if self.focused is not None or had is None:
            return
        if isinstance(had, ArticleView) and self.story is not None and self.has_class("single"):
            self._show_article_pane()  # the article takes the screen, with the keys
        else:
            self.query_one(HeadlineList).focus()

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
        from reader.widgets.sources import Sources  # made when first wanted (just after the first frame)

        scroll = Binding("up,down,pageup,pagedown", "", "Scroll")
        return [
            ("Everywhere", _keys(self.BINDINGS)),
            ("Find in the story", [Binding("enter", "", "Next match"), *_keys(FindBar.BINDINGS)]),
            ("Headline list", [b for b in _keys(HeadlineList.BINDINGS) if not b.action.startswith("screen.")]),
            ("Article", [*_keys(ArticleView.BINDINGS), scroll]),
            ("Sidebar", _keys(Sidebar.BINDINGS)),
            ("Sources", [b for b in _keys(Sources.BINDINGS) if not b.action.startswith("screen.")]),
        ]

    # -- the title ------------------------------------------------------------------------

    def subtitle_parts(self) -> list[Part]:
        """The header's parts, each with how soon it goes when the header is short of room."""
        parts = [Part(VIEWS[self.view], short=SHORT_VIEWS.get(self.view))]
        if self.scope_name:  # scoped, the feed's own count comes first: the library's alone would read as the feed's
            count = f": {self.scope_unread} unread"
            parts.append(Part(self.scope_name + count, short=shorten(self.scope_name, 20) + count))
        if self.section:
            parts.append(Part(clean_line(self.section), drop=3))
        if self.shown_filter:  # the count beside the words it is for: a key alone changes no header (the results will)
            parts.append(Part(f"“{self.shown_filter}”: {self.shown}"))
        parts.append(Part(f"{self.unread} in all" if self.scope_name else f"{self.unread} unread"))
        if self.unread_minutes:
            parts.append(Part(f"~{self.unread_minutes} min to read", drop=1))
        if self.refresh_status:
            parts.append(Part(self.refresh_status, drop=4))
        return parts

    def compute_subtitle(self) -> str:
        return SEPARATOR.join(part.text for part in self.subtitle_parts())

    def watch_subtitle(self, subtitle: str) -> None:
        # Setting app.sub_title would repaint every line of the screen (on every open: the unread count);
        # only the header's title line changes, so that line alone is repainted.
        self.app.set_reactive(App.sub_title, subtitle)
        parts = tuple(self.subtitle_parts())
        for header in self.query(TitleHeader):
            header.parts = parts
            header.show_title()
        if self.is_mounted:
            self._draw_trail()  # the view, feed or section the breadcrumb names may have changed

    def _recount(self) -> None:
        """Count the unread stories again (at start and after changes made elsewhere)."""
        front = self.library.front
        if front is not None:  # a launch, before the rest of the library is loaded: counted as the front was read
            self.unread, self.unread_minutes = front.unread, front.minutes
            return
        self.unread, self.unread_minutes = unread_totals(self.library, self.changes)

    def library_completed(self) -> None:
        """A launch loaded the rest of the library it showed the front of: the same rows and counts (nothing moves);
        what waited for the whole library starts now (the check of its files)."""
        self.library_grew()
        if self.library.unchecked:
            self.check_library()

    # -- marks made elsewhere -------------------------------------------------------------

    def poll_store(self) -> None:
        """Pick up marks made elsewhere now (the app does it every ``poll_interval`` seconds)."""
        self.query_one(StoreSync).poll()

    def on_store_sync_polled(self, message: StoreSync.Polled) -> None:
        from reader.widgets.sources import Sources  # made when first wanted (just after the first frame)

        for notice in message.notices:
            self.notify(clean_line(notice), severity="error", timeout=10, markup=False)
        self._recount()
        if self.view != "all":
            self._show_rows()
        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()
        for sources in self.query(Sources):
            sources.refresh_counts()

    # -- rows, views and the filter ---------------------------------------------------------

    def _show_rows(self, keep: str | None = None) -> None:
        headlines = self.query_one(HeadlineList)
        keep = keep or (headlines.highlighted.id if headlines.highlighted else None)
        if self.filter_text:
            headlines.empty_message, headlines.empty_hint = "Searching…", ""
            self._filter_box().search(self.filter_text, self._scoped(self._view_rows()), keep)
            return
        headlines.empty_message = EMPTY[self.view]
        headlines.empty_hint = f"{self._key_for('main.view_all')} shows every story" if self.view == "unread" else ""
        front = self.library.front
        if front is not None:  # a launch's first rows (its view, no feed): the rest comes right after the first frame
            headlines.set_rows(front.rows(self.config.sort), keep=keep)
            self.shown, self.shown_filter = len(headlines.rows), ""
            return
        rows = self._scoped(self._view_rows())
        headlines.set_rows(rows, keep=keep, groups=self._groups(rows))
        self.shown, self.shown_filter = len(headlines.rows), ""

    def on_filter_box_results(self, message: FilterBox.Results) -> None:
        if message.query != self.filter_text:
            return
        if not message.final and not message.rows:
            return  # wait for matches in the article text before saying "none"
        headlines = self.query_one(HeadlineList)
        where = " in titles (indexing the text…)" if message.indexing else ""
        headlines.empty_message = f"Nothing matches “{message.query}”{where}"
        headlines.empty_hint = f"{self._key_for('main.clear_filter')} clears the filter"
        keep = headlines.highlighted.id if headlines.highlighted else None
        kept = None
        if keep == message.keep:  # the worker looked for it among the matches: no look through them here
            keep, kept = (keep if message.kept is not None else None), message.kept
        groups = self._groups(message.rows)
        headlines.set_rows(message.rows, keep=keep, groups=groups, kept=kept)  # matches keep the order
        self.shown, self.shown_filter = len(message.rows), message.query

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    def watch_filter_text(self) -> None:
        self._show_rows()

    def search_ready(self, ok: bool = True) -> None:
        """The full-text index is built (``ok``) or unusable: filter again with it (or titles only)."""
        self._index_news.append(ok)
        for box in self.query(_filter_box_class()):
            box.index_ready(ok)
        if self.filter_text:
            self._show_rows()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(HeadlineList).focus()

    def _key_for(self, binding_id: str) -> str:
        """The key that runs ``binding_id`` now (the user's keymap applied), shown as the footer shows keys."""
        keys = getattr(self.app, "keymap", {}).get(binding_id)
        if keys is None:
            keys = next(b.key for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        return self.app.get_key_display(Binding(keys.split(",")[0].strip(), ""))

    def _filter_box(self) -> FilterBox:
        """The filter box, made the first time it is wanted (a launch does without it: one widget fewer to
        style, and no Input styles to read)."""
        filter_box = _filter_box_class()
        for box in self.query(filter_box):
            return box
        box = filter_box(self.index, id="filter")
        for ok in self._index_news:
            box.index_ready(ok)
        self.query_one("#left").mount(box, before=0)  # above the list; styled (hidden) at once
        return box

    def action_filter(self) -> None:
        if self.has_class("single"):  # one pane at a time: the list's, which holds the box, takes the screen
            self.remove_class("show-article", "sidebar-forced", "sources")
            self._apply_width(self.size.width)
        elif self.has_class("sidebar-forced"):  # narrow: the sidebar was in the list's place
            self.remove_class("sidebar-forced")
            self._apply_width(self.size.width)
        box = self._filter_box()
        box.display = True
        self.set_focus(box)  # at once, so keys typed right after "/" reach the box
        if not box.value:
            box.prepare(self._scoped(self._view_rows()))  # the titles folded before the first key

    def action_clear_filter(self) -> None:
        for box in self.query(_filter_box_class()):
            if box.value:
                box.value = ""  # Input.Changed re-shows every row
            box.display = False
        if self.has_class("single", "sources"):  # one pane at a time: Esc goes back from the feeds to the list
            self.remove_class("sources", "sidebar-forced", "show-article")
            self._apply_width(self.size.width)
        elif self.has_class("narrow", "sidebar-forced"):  # the sidebar in the list's place: the list comes back
            self.remove_class("sidebar-forced")
            self._apply_width(self.size.width)
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
        if article_id != self.current:
            self.query_one(Sidebar).outdated()  # refilled once the text is drawn: no redraw of its marks before
        ahead = None if gone else self.take_ahead(article)
        if ahead is not None:
            self.opened_file = ahead.stamp  # read ahead: shown at once, in one frame, with no worker to wait for
            self.workers.cancel_group(self, "open")  # an open still being read is overtaken
            self.story = Story(ahead.full, ahead.links, scroll_y)
            self._refresh_keys()
            self._check_ahead(ahead)  # read again if its file changed since it was read ahead
        else:
            self.story = Story(article, scroll_y=scroll_y, loading=not gone, gone=gone)
        if mark_read:
            self._save(Change("read", article_id, True, title=article.title))
        self._save(Change("opened", article_id, title=article.title))
        if gone:
            self.query_one(Sidebar).show([], [])
        elif self.story is not None and self.story.loading:
            self._prepare(article, scroll_y)
        elif not self.query_one(ArticleView).region:  # out of sight (one pane at a time): nothing to wait for
            self.call_after_refresh(self._fill_sidebar, article_id)

    @work(thread=True, exclusive=True, group="open", description="open")
    def _prepare(self, article: Article, scroll_y: float) -> None:
        self.opened_file = self.stamp(article.id)  # before reading: a change made meanwhile is seen later
        full = self.library.full(article)  # may re-read and parse the file: never on the event loop
        if full.partial and self.reloader is not None:
            self.app.call_from_thread(self.check_library)  # its file changed or went: show the folders as they are
        self.post_message(self.Opened(full, tuple(self.library.links(full)), scroll_y))

    @work(thread=True, exclusive=True, group="backlinks", description="backlinks")
    def _find_backlinks(self, article_id: str) -> None:
        """The first backlinks are found (every story's links resolved) once the story is drawn."""
        self.post_message(self.BacklinksReady(article_id, self.library.backlinks(article_id)))

    def _refresh_keys(self) -> None:
        """Show the footer's keys again if opening a story changed one it shows (Textual rebuilds the whole
        footer, laying the screen out twice: not on every open)."""
        keys = (
            self.history.can_go_back,
            self.history.can_go_forward,
            self._target() is not None,
            self.query_one(ArticleView).has_focus,  # its footer shows Find, which waits for the text
        )
        if keys != self._keys_shown or keys[-1]:
            self._keys_shown = keys
            self.refresh_bindings()

    def stamp(self, article_id: str) -> FileStamp | None:
        """The story's file as it is now (its time and size), to tell later whether it changed. Threads only."""
        path = self.library.paths.get(article_id)
        try:
            st = os.stat(path) if path else None
        except OSError:
            st = None
        return FileStamp(article_id, st.st_mtime_ns, st.st_size) if st else None

    def redraw_open_story(self) -> None:
        """The open story changed (a feed refresh, a reload): read it again and draw it in place."""
        story = self.story
        article = self.library.get(story.article.id) if story is not None and not story.gone else None
        if story is None or article is None:
            return
        self._prepare(article, story.scroll_y if story.loading else self.query_one(ArticleView).scroll_y)

    def on_main_screen_library_changed(self) -> None:
        """Stories came or went: the open story's links may lead elsewhere now (then it is drawn again)."""
        story = self.story
        if story is None or story.gone or story.loading:
            return
        if self.library.links(story.article) != list(story.links):
            self.redraw_open_story()

    def on_main_screen_opened(self, message: Opened) -> None:
        if message.article.id != self.current:
            return
        article = message.article
        self.story = Story(article, message.links, message.scroll_y, unreadable=article.partial)  # partial: unread
        self._refresh_keys()
        if not self.query_one(ArticleView).region:  # out of sight (one pane at a time): nothing to wait for
            self.call_after_refresh(self._fill_sidebar, message.article.id)

    def on_article_view_drawn(self, message: ArticleView.Drawn) -> None:
        self._fill_sidebar(message.article_id)  # the story's text is on screen: now the sidebar

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
        """The breadcrumb: the stories before the open one (its own title is the heading), else the list's name."""
        titles = []
        for visit in self.history.trail[-(SHOWN + 2) : -1]:
            article = self.library.get(visit.article_id) or remembered(self.store, visit.article_id)
            titles.append(clean_line(article.title) if article else visit.article_id)
        breadcrumb = self.query_one(Breadcrumb)
        breadcrumb.trail = tuple(titles)
        where = (VIEWS[self.view], self.scope_name, clean_line(self.section))
        breadcrumb.where = " · ".join(part for part in where if part) if self.story else ""

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
        self._go(self.history.back(self.query_one(ArticleView).scroll_y, self._openable))

    def action_forward(self) -> None:
        self._go(self.history.forward(self.query_one(ArticleView).scroll_y, self._openable))

    def _openable(self, article_id: str) -> bool:
        """Can the story be shown (its file, or its bookmark, is still there)? Back and forward pass over the rest."""
        return self.library.get(article_id) is not None or remembered(self.store, article_id) is not None

    def _go(self, visit: Visit | None) -> None:
        if visit is None:
            self.notify("That story is not in the library", severity="warning")  # every one that way is gone
        else:
            self.open_article(visit.article_id, record=False, scroll_y=visit.scroll_y, mark_read=False)
            self._show_article_pane()

    def read(self, article_id: str) -> None:
        """Open a story and show it (when one pane shows at a time, the article's takes the screen)."""
        self.open_article(article_id)
        self._show_article_pane()

    def action_next_unread(self) -> None:
        for link in self.story.links if self.story else ():
            if link.target is not None and not self.changes.is_read(link.target):
                self.read(link.target)
                return
        following = self._next_unread_in_list()
        if following is not None:
            self.read(following.id)  # this story's links are all read: on down the list
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

    # -- what can run now, and toasts ---------------------------------------------------------

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
            return any(bar.display for bar in self.query(FindBar))  # else Esc is the list's "clear filter"
        return True


class FileStamp(Frozen):
    """A story's file as it was read: when it was last written, and its size."""

    __slots__ = ("article_id", "mtime_ns", "size")

    article_id: str
    mtime_ns: int
    size: int

    def __init__(self, article_id: str, mtime_ns: int, size: int) -> None:
        set_field(self, "article_id", article_id)
        set_field(self, "mtime_ns", mtime_ns)
        set_field(self, "size", size)


def _quick_thread_switches() -> None:
    """Textual writes every frame from a thread of its own, which needs the GIL: at Python's default switch
    interval (5 ms) a frame waits up to that long, two or three times, while the event loop goes on with the
    work that follows it (the sidebar after a story's text) or a worker runs (issue 9). Set after the first
    paint: the start, when a loader thread contends with the event loop, keeps the default."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))


def _filter_box_class() -> type[FilterBox]:
    """The filter box's class: its module (and the title matcher and search modules it needs) is imported
    when the box is first wanted, or just after the first frame (see :mod:`reader.screens.warm`)."""
    from reader.widgets.filter_box import FilterBox

    return FilterBox


def _keys(bindings: Sequence[object]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding)]
