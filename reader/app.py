"""The Textual app: loads the library and the store, then hands them to the main screen."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from reader.changes import MARKS
from reader.compact_stylesheet import CompactStylesheet
from reader.config import Config
from reader.library import Library
from reader.model import Article
from reader.screens.key_order import KeysInOrder
from reader.screens.main import MainScreen, _quick_thread_switches
from reader.search import SearchError, SearchIndex, default_path
from reader.store import Store
from reader.text import clean_line
from reader.threads import DaemonExecutor
from reader.widgets.article_view import ArticleView
from reader.widgets.feed_refresh import FeedRefresher
from reader.widgets.find_bar import FindBar
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from reader.widgets.store_sync import StoreSync
from reader.widgets.theme_contrast import readable_variables
from reader.widgets.toasts import forget_identical

if TYPE_CHECKING:
    from textual.command import Provider

    from reader.screens.loading import LoadingScreen
    from reader.screens.problems import ProblemEntry

Loader = Callable[[], tuple[Library, Store]]
Reloader = Callable[[], Library]


def _reader_commands() -> type[Provider]:
    """The palette's reader commands (imported when the palette first opens, not at launch)."""
    from reader.commands import ReaderCommands

    return ReaderCommands


def _open_article() -> type[Provider]:
    """The palette's "open a story by title" (imported when the palette first opens)."""
    from reader.commands import OpenArticle

    return OpenArticle


class ReaderApp(KeysInOrder, App[None]):
    """A terminal news reader: headlines, the article, and the stories it links to."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {_reader_commands, _open_article}
    BINDINGS = [
        Binding("q,ctrl+c", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("p", "problems", "Problems", show=False, id="app.problems"),
    ]

    class Loaded(Message):
        """The library and the store are ready."""

        def __init__(self, library: Library, store: Store) -> None:
            super().__init__()
            self.library = library
            self.store = store

    class LoadFailed(Message):
        """The library or the store could not be loaded at all."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class LoadProgress(Message):
        """``done`` of ``total`` files parsed (a first start)."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    class LoadBatch(Message):
        """Stories a first start has parsed so far (shown before the rest), and the store."""

        def __init__(self, articles: list[Article], paths: dict[str, str], store: Store) -> None:
            super().__init__()
            self.articles = articles
            self.paths = paths
            self.store = store

    class Indexed(Message):
        """The search index is up to date (``error``: it cannot be used, and why)."""

        def __init__(self, error: str | None = None) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        library: Library | None = None,
        store: Store | None = None,
        config: Config | None = None,
        *,
        loader: Loader | None = None,
        config_path: Path | None = None,
        poll_interval: float = 2.0,
        save_wait: float = 3.0,
        search_index: SearchIndex | None = None,
        load_now: bool = False,
        reloader: Reloader | None = None,
        reload_interval: float = 10.0,
        gc_paused: bool = False,
    ) -> None:
        """Give ``library`` and ``store`` ready-made (tests), or a ``loader`` run in a worker.

        ``poll_interval``: seconds between checks of the state file for marks made elsewhere;
        ``save_wait``: how long quitting waits for changes still being saved;
        ``search_index``: the full-text index (by default ``search.sqlite`` in the cache folder),
        brought up to date in the background once the headlines are shown;
        ``load_now``: run the ``loader`` before the first screen instead of in a worker beside
        it (for a warm start: quicker than loading while Textual starts, which contends for the GIL);
        ``reloader``: loads the library folders again, as ``loader`` does (Ctrl+R, and every
        ``reload_interval`` seconds: 0 never), to show stories added or removed while the app runs;
        ``gc_paused``: the caller paused the garbage collector for the start (``reader`` does): it is
        resumed once the first screen is painted.
        """
        super().__init__()
        self.stylesheet = CompactStylesheet(variables=self.theme_variables)  # no style read yet (see its module)
        self.library = library
        self.store = store
        self.config = config or Config()
        self.config_path = config_path
        self.poll_interval = poll_interval
        self.save_wait = save_wait
        self._loader = loader
        self.reloader = reloader
        self.reload_interval = reload_interval
        self._load_now = load_now and loader is not None
        self._load_error: str | None = None
        self.runtime_problems: list[ProblemEntry] = [*self.config.problems]
        if self.config.theme not in self.available_themes:  # kept in config.json as it is, for the user to fix
            self.runtime_problems.append(f"config.json theme: no theme {self.config.theme!r} ({self.theme} is used)")
        self.keymap: dict[str, str] = {}
        """The user's key bindings in force (binding id → keys)."""
        self.search_index = search_index or SearchIndex(default_path())
        self._stop_indexing = threading.Event()
        self._searchable = False  # the filter has been told it may search the index
        self._growing: Library | None = None  # shown while a first start still parses the rest
        self._gc_paused = gc_paused
        self._early_variables: dict[str, str] | None = None  # the theme's, when set before any style was read
        if self.config.theme != self.theme and self.config.theme in self.available_themes:
            # now, before any style is read: set on mount, every style read by then would be read again
            self.theme = self.config.theme
            self._early_variables = self.get_css_variables()
            self.stylesheet.set_variables(self._early_variables)

    def on_load(self) -> None:
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())  # stuck workers never block exit
        if self._load_now and self._loader is not None and self.library is None:
            try:
                self.library, self.store = self._loader()
            except Exception as error:
                self._load_error = str(error) or type(error).__name__

    def on_mount(self) -> None:
        if self.library is not None and self.library.front is not None:
            self.call_after_refresh(self.finish_launch)  # the rest of the library, once its front is painted
        if self._gc_paused:
            self.call_after_refresh(self._resume_gc)  # after the first screen is painted (and the library is whole)
        if self.runtime_problems:  # config.json's
            self.notify("config.json has problems: press p to see them", severity="warning", timeout=8, markup=False)
        self.apply_keymap()
        self.watch(self, "theme", self._theme_changed, init=False)
        if self._load_error is not None:
            self.post_message(self.LoadFailed(self._load_error))
        elif isinstance(self.screen, MainScreen):  # the first screen already (get_default_screen)
            self._tell_problems(self.screen.library, self.screen.store.new_notices())
            self.call_after_refresh(self.reindex)  # after the first headlines are painted
        elif self.library is not None and self.store is not None:
            self._show(self.library, self.store)
        else:
            self.push_screen(_loading_screen()())
            self._load()

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, every text colour made readable on its backgrounds (any theme, the user's too)."""
        variables = readable_variables(super().get_css_variables())
        self.theme_variables = variables
        return variables

    async def on_event(self, event: events.Event) -> None:
        front = self.library.front if self.library is not None else None
        if front is not None and _acts_on_rows(event, front.lines):
            self.finish_launch()  # before any key or click: it acts on the whole list
        await super().on_event(event)

    def finish_launch(self) -> None:
        """Load the rest of a library a warm launch showed the front of (after the first frame), and show it: the same
        rows and counts, nothing moves. A failure ends the app as a failed load does."""
        library = self.library
        if library is None or library.front is None:
            return
        _quick_thread_switches()  # the first frame's writer thread takes the interpreter from the load at once
        try:
            library.complete()
        except Exception as error:
            self.post_message(self.LoadFailed(str(error) or type(error).__name__))
            return
        main = self._main()
        if main is not None and main.is_mounted:
            main.library_completed()  # the search index is brought up to date after (on_mount asked for it after this)

    def refresh_css(self, animate: bool = True) -> None:
        """Read the styles again for new theme variables; not for the theme set as the app was made (see
        ``__init__``): the styles were read with its variables in the first place."""
        early, self._early_variables = self._early_variables, None
        if early is not None and early == self.get_css_variables():
            self.stylesheet.update(self, animate=animate)  # the app's theme classes; no screen yet
            return
        super().refresh_css(animate)

    def _resume_gc(self) -> None:
        """Collect garbage again; what a warm start built (the library, the main screen) lives as
        long as the app does, so it is frozen: collections skip it from now on."""
        if isinstance(self.screen, MainScreen):
            gc.freeze()
        gc.enable()

    def get_default_screen(self) -> Screen[None]:
        """The main screen when the library is loaded already (one screen built and painted, not two)."""
        if self._load_error is None and self.library is not None and self.store is not None:
            return self._main_screen(self.library, self.store)
        return Screen()

    # every worker has a description: without one Textual builds it from the repr() of the arguments,
    # which for a story list costs hundreds of milliseconds and megabytes at 100k stories
    @work(thread=True, exclusive=True, group="load", description="load")
    def _load(self) -> None:
        if self._loader is None:
            self.post_message(self.LoadFailed("no library given and no loader"))
            return
        try:
            library, store = self._loader()
        except Exception as error:
            self.post_message(self.LoadFailed(str(error) or type(error).__name__))
            return
        self.post_message(self.Loaded(library, store))

    def show_progress(self, done: int, total: int) -> None:
        """Say how far loading got (from any thread: the loader calls it while parsing)."""
        self.post_message(self.LoadProgress(done, total))

    def show_batch(self, articles: list[Article], paths: dict[str, str], store: Store) -> None:
        """Show the stories a first start has parsed so far (from the loader's thread)."""
        self.post_message(self.LoadBatch(articles, paths, store))

    def on_reader_app_load_batch(self, message: LoadBatch) -> None:
        if self._growing is None:
            if self.library is not None or not message.articles or not isinstance(self.screen, _loading_screen()):
                return
            library = Library(message.articles, dict(message.paths))
            library.loading = True  # no reload, no search index, until the rest is read
            self._growing, self.library, self.store = library, library, message.store
            self._show(library, message.store, finished=False)
            return
        self._growing.add_or_update(message.articles, message.paths)
        main = self._main()
        if main is not None:
            main.library_grew()

    def on_reader_app_load_progress(self, message: LoadProgress) -> None:
        if isinstance(self.screen, _loading_screen()):
            self.screen.progress(message.done, message.total)
        main = self._main()
        if self._growing is not None and main is not None:
            main.refresh_status = f"{message.done:,} of {message.total:,} stories read"

    def on_reader_app_loaded(self, message: Loaded) -> None:
        growing, self._growing = self._growing, None
        if growing is None:
            self.library, self.store = message.library, message.store
            self._show(message.library, message.store)
            return
        growing.adopt(message.library)  # the screens keep the object they hold
        main = self._main()
        if main is not None:
            main.refresh_status = ""
            main.library_grew()
        self._tell_problems(growing, [])
        self.reindex()

    def _show(self, library: Library, store: Store, finished: bool = True) -> None:
        """Open the main screen over a loaded library and store; tell the user of problems met loading
        (``finished``: the library is whole, not the first stories of a first start)."""
        self._tell_problems(library, store.new_notices())
        main = self._main_screen(library, store)
        if isinstance(self.screen, _loading_screen()):
            self.switch_screen(main)
        else:
            self.push_screen(main)
        if finished:
            self.call_after_refresh(self.reindex)  # after the first headlines are painted

    def _main_screen(self, library: Library, store: Store) -> MainScreen:
        return MainScreen(
            library,
            store,
            self.config,
            poll_interval=self.poll_interval,
            index=self.search_index,
            reloader=self.reloader,
            reload_interval=self.reload_interval,
        )

    def _tell_problems(self, library: Library, notices: list[str]) -> None:
        problems = len(library.problems) + len(notices)
        if problems:
            self.notify(
                f"{problems} problem{'s' if problems != 1 else ''} while loading: press p to see them",
                severity="warning",
                timeout=8,
            )
        for notice in notices:
            self.notify(clean_line(notice), severity="error", timeout=10, markup=False)

    def reindex(self) -> None:
        """Bring the search index in line with the library, in the background (after an import or a refresh too)."""
        if self.library is not None and not self.library.loading:
            self._index()

    @work(thread=True, exclusive=True, group="index", description="index")
    def _index(self) -> None:
        library = self.library  # read here: worker arguments are formatted with repr()
        if library is None:
            return
        if not self._searchable and self.search_index.has_entries():  # the last run's index answers now
            self.post_message(self.Indexed())
        library.prepare_resolver()  # now (paced), so that opening the first story need not
        if library.unchecked and self.reloader is not None:
            return  # the files are checked first; the screen asks again then, and their sizes and mtimes serve
        try:
            stop, stamps = self._stop_indexing, library.file_stamps()
            done = self.search_index.update(
                library.articles, paths=library.paths, processes=1, stop=stop, stamps=stamps
            )
        except SearchError as error:
            self.post_message(self.Indexed(str(error)))
        else:
            if not done.stopped:
                self.post_message(self.Indexed())

    def on_reader_app_indexed(self, message: Indexed) -> None:
        if message.error is not None:
            self.runtime_problems.append(f"search index unavailable: {message.error}")
            self.notify(clean_line(f"search index unavailable: {message.error}"), severity="warning", markup=False)
        self._searchable = message.error is None
        main = self._main()
        if main is not None:
            main.search_ready(message.error is None)

    def on_unmount(self) -> None:
        self._stop_indexing.set()
        self.search_index.cancel()

    def on_reader_app_load_failed(self, message: LoadFailed) -> None:
        self.exit(return_code=1, message=Text(clean_line(f"reader: cannot load the library: {message.error}")))

    def _theme_changed(self, theme: str) -> None:
        self.config.theme = theme
        self.save_config()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast that replaces an identical one still on show (every pane's toasts come here)."""
        forget_identical(self, message, title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_main_screen_settings_changed(self) -> None:
        self.save_config()

    def on_main_screen_library_changed(self) -> None:
        self.reindex()

    def on_feed_refresher_problems(self, message: FeedRefresher.Problems) -> None:
        known = set(self.runtime_problems)  # a feed failing every refresh is listed once
        self.runtime_problems.extend(line for line in dict.fromkeys(message.lines) if line not in known)

    def on_store_sync_problem(self, message: StoreSync.Problem) -> None:
        self.runtime_problems.append(message.text)
        self.notify(clean_line(message.text), severity="error", timeout=10, markup=False)

    @work(thread=True, group="config", description="config")
    def save_config(self) -> None:
        """Remember the settings (theme, sidebar) for the next run."""
        self.config.save(self.config_path)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # one help entry in the palette: "Show keys"
                yield command

    def _main(self) -> MainScreen | None:
        return next((s for s in reversed(self.screen_stack) if isinstance(s, MainScreen)), None)

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen  # not needed at launch

        if isinstance(self.screen, HelpScreen):
            return
        main = self._main()
        groups = main.key_groups() if main else [("Everywhere", [])]
        first, *rest = groups
        app_keys = [b for b in self.BINDINGS if isinstance(b, Binding)]
        self.push_screen(HelpScreen([(first[0], [*app_keys, *first[1]]), *rest], keymap=self.keymap))

    def action_problems(self) -> None:
        from reader.screens.problems import ProblemsScreen  # not needed at launch

        if isinstance(self.screen, ProblemsScreen):
            return
        problems: list[ProblemEntry] = []
        if self.library is not None:
            problems += [(str(p.path), p.reason) for p in self.library.problems]  # a ": " in a name stays in it
        problems += self.store.notices if self.store is not None else []
        self.push_screen(ProblemsScreen([*problems, *self.runtime_problems]))

    async def action_quit(self) -> None:
        """Quit once every change is saved; after ``save_wait`` seconds quit anyway, saying what was not saved."""
        self._stop_indexing.set()
        main = self._main()
        if main is None:
            self.exit()
            return
        main.finish_saving()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.save_wait
        while main.changes.pending and loop.time() < deadline:
            await asyncio.sleep(0.02)
        waiting = [change.describe() for change in main.changes.pending if change.kind in MARKS]
        if waiting:
            text = f"reader: quit before these changes were saved (the state file is busy): {'; '.join(waiting)}"
        elif main.store.unsaved:
            text = f"reader: some changes could not be saved: {main.save_error or 'the state file is busy'}"
        else:
            self.exit()
            return
        self.exit(return_code=1, message=Text(clean_line(text)))

    def apply_keymap(self) -> None:
        """Apply the user's key bindings (``keymap`` in config.json); entries that cannot be applied are problems."""
        if not self.config.keymap:  # the usual case: nothing to check (nor the dialogs' modules to import)
            self.keymap = {}
            self.set_keymap(self.keymap)
            return
        from reader.keymap import check_keymap, clashes
        from reader.screens.help import HelpScreen
        from reader.screens.problems import ProblemsScreen

        keyed = (type(self), MainScreen, HeadlineList, ArticleView, Sidebar, FindBar, HelpScreen, ProblemsScreen)
        panes = {
            cls.__name__: [(b.id, b.key) for b in cls.BINDINGS if isinstance(b, Binding) and b.id] for cls in keyed
        }
        keymap, problems = check_keymap(self.config.keymap, {i for pane in panes.values() for i, _ in pane})
        self.keymap, clashing = clashes(panes, keymap, _key_name)
        problems += clashing
        self.set_keymap(self.keymap)
        for problem in problems:
            self.runtime_problems.append(problem)
        if problems:
            count = len(problems)
            self.notify(
                f"{count} key binding{'s' if count != 1 else ''} in config.json not applied: press p to see why",
                severity="warning",
                timeout=8,
                markup=False,
            )


def _acts_on_rows(event: events.Event, lines: int) -> bool:
    """Might this act on headlines past a launch's first rows (a key, a click, a terminal taller than ``lines``)?"""
    if isinstance(event, events.Resize):
        return event.size.height > lines
    return isinstance(event, (events.Key, events.Paste, events.MouseEvent))


def _loading_screen() -> type[LoadingScreen]:
    """The loading screen's class, imported when first needed: a warm start never shows it."""
    from reader.screens.loading import LoadingScreen

    return LoadingScreen


def _key_name(key: str) -> str:
    """A key spelled as Textual's bindings spell it (``/`` → ``slash``), to compare keys."""
    return _character_to_key(key) if len(key) == 1 else key
