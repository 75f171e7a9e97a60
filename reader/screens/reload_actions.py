"""The main screen's reload: stories added to, changed in or removed from the library folders while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message

from reader.library import Library
from reader.reload import Changes, compare
from reader.screens.main_part import MainScreenPart
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar

Reloader = Callable[[], Library]


class ReloadActions(MainScreenPart):
    """Ctrl+R and the periodic check: load the folders again, and show what changed in place."""

    reloader: Reloader | None
    reload_interval: float

    @dataclass
    class Reloaded(Message, namespace="main_screen"):
        """The folders were loaded again: what changed (``manual``: the user asked)."""

        changes: Changes
        manual: bool

    @dataclass
    class ReloadFailed(Message, namespace="main_screen"):
        """The folders could not be loaded again, and why."""

        error: str
        manual: bool

    def _start_reload_checks(self) -> None:
        if self.reloader is not None and self.reload_interval > 0:
            self.set_interval(self.reload_interval, self.check_library)

    def action_reload(self) -> None:
        """Reload the library: show stories added, changed or removed since it was loaded."""
        if self.reloader is None:
            self.notify("Nothing to reload: this library was not loaded from folders", timeout=3, markup=False)
            return
        self._reload(True)

    def check_library(self) -> None:
        """Look for stories added or removed in the library folders (every ``reload_interval`` seconds)."""
        if self.reloader is not None and not any(w.group == "reload" and w.is_running for w in self.workers):
            self._reload(False)

    @work(thread=True, exclusive=True, group="reload")
    def _reload(self, manual: bool) -> None:
        reloader = self.reloader
        if reloader is None:
            return
        known, known_paths = dict(self.library.by_id), dict(self.library.paths)  # copies: the UI may add meanwhile
        try:
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
        self.post_message(self.Reloaded(changes, manual))

    def on_main_screen_reload_failed(self, message: ReloadFailed) -> None:
        if message.manual:
            self.notify(f"Reload failed: {message.error}", severity="error", timeout=8, markup=False)

    def on_main_screen_reloaded(self, message: Reloaded) -> None:
        changes = message.changes
        self.library.problems = changes.problems
        if not changes:
            if message.manual:
                self.notify("No new stories", timeout=3, markup=False)
            return
        self.library.add_or_update(changes.changed, changes.paths)
        self.library.remove(changes.gone)
        if any(article.id == self.current for article in changes.changed):
            self.redraw_open_story()
        self.post_message(self.LibraryChanged())
        self._show_rows_in_place()
        self._recount()
        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()
        self.notify(changes.describe(), timeout=5, markup=False)
