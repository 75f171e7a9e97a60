"""The main screen's reload: stories added to, changed in or removed from the library folders while it runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from reader.library import Library
from reader.screens.main_part import MainScreenPart
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from reader.reload import Changes

Reloader = Callable[[], Library]


class ReloadActions(MainScreenPart):
    """Ctrl+R and the periodic check: load the folders again, and show what changed in place."""

    reloader: Reloader | None
    reload_interval: float

    class Reloaded(Message, namespace="main_screen"):
        """The folders were loaded again: what changed (``manual``: the user asked)."""

        def __init__(self, changes: Changes, manual: bool) -> None:
            super().__init__()
            self.changes = changes
            self.manual = manual

    class ReloadFailed(Message, namespace="main_screen"):
        """The folders could not be loaded again, and why."""

        def __init__(self, error: str, manual: bool) -> None:
            super().__init__()
            self.error = error
            self.manual = manual

    def _start_reload_checks(self) -> None:
        if self.reloader is not None and self.library.unchecked:
            self.call_after_refresh(self.check_library)  # shown from the parse cache: check the files now
        if self.reloader is not None and self.reload_interval > 0:
            self.set_interval(self.reload_interval, self.check_library)

    def action_reload(self) -> None:
        """Reload the library: show stories added, changed or removed since it was loaded."""
        if self.reloader is None:
            self.notify("Nothing to reload: this library was not loaded from folders", timeout=3, markup=False)
            return
        if self.library.loading:
            self.notify("Still reading the library: the rest comes in a moment", timeout=3, markup=False)
            return
        self._reload(True)

    def check_library(self) -> None:
        """Look for stories added or removed in the library folders (every ``reload_interval`` seconds)."""
        if self.library.loading:
            return  # a first start is still reading them
        if self.reloader is not None and not any(w.group == "reload" and w.is_running for w in self.workers):
            self._reload(False)

    def library_grew(self) -> None:
        """Show the stories a first start added to the library, in place (the cursor stays)."""
        self._show_rows_in_place()
        self._recount()
        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()

    @work(thread=True, exclusive=True, group="reload", description="reload")
    def _reload(self, manual: bool) -> None:
        from reader.reload import Changes, compare, release_memory  # a reload comes after the first paint

        reloader = self.reloader
        if reloader is None:
            return
        disk = self.library.disk
        try:
            if not manual and disk is not None and disk.unchanged():  # a walk and a stat a file: cheap at 100k
                self.post_message(self.Reloaded(Changes(problems=list(self.library.problems), disk=disk), manual))
                return
            known, known_paths = dict(self.library.by_id), dict(self.library.paths)  # copies: the UI may add meanwhile
            fresh = reloader()
        except Exception as error:
            self.post_message(self.ReloadFailed(str(error) or type(error).__name__, manual))
            return
        changes = compare(known, known_paths, fresh)
        opened = self.opened_file
        article = fresh.get(opened.article_id) if opened else None
        listed = {changed.id for changed in changes.changed}
        if opened and article and article.id not in listed and self.stamp(opened.article_id) != opened:
            changes.changed.append(article)  # the open story's text changed under the same headline
            if article.id in fresh.paths:
                changes.paths[article.id] = fresh.paths[article.id]
        del fresh, known, known_paths  # a whole library at 100k stories: its memory goes back to the system
        release_memory()
        self.post_message(self.Reloaded(changes, manual))

    def on_main_screen_reload_failed(self, message: ReloadFailed) -> None:
        if self.library.unchecked:
            self.library.unchecked = False  # the next check tries again; nothing more to wait for
            self.post_message(self.LibraryChanged())  # the search index waited for this first check
        if message.manual:
            self.notify(f"Reload failed: {message.error}", severity="error", timeout=8, markup=False)

    def on_main_screen_reloaded(self, message: Reloaded) -> None:
        changes = message.changes
        first = self.library.unchecked
        self.library.problems = changes.problems
        self.library.unchecked = False
        self.library.disk = changes.disk
        self.library.keep_backlinks(changes.kept)  # after a feed refresh too: no change left to apply
        if first and not changes:
            self.post_message(self.LibraryChanged())  # the search index waited for this first check of the files
        if not changes:
            if message.manual:
                self.notify("No new stories", timeout=3, markup=False)
            return
        self.library.add_or_update(changes.changed, changes.paths)
        self.library.remove(changes.gone)
        self.library.keep_backlinks(changes.kept)  # the same stories as the folders now
        if any(article.id == self.current for article in changes.changed):
            self.redraw_open_story()
        self.post_message(self.LibraryChanged())
        self._show_rows_in_place()
        self._recount()
        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()
        self.notify(changes.describe(), timeout=5, markup=False)
