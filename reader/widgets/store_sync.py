"""Keeps the reading state in step with the state file: saves changes in order, picks up marks made elsewhere."""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widget import Widget

from reader.changes import Change, PendingChanges
from reader.store import StoreError


class StoreSync(Widget):
    """Invisible; runs the save worker and the poll of the state file, and reports by message."""

    DEFAULT_CSS = "StoreSync { display: none; }"

    class Saved(Message):
        """A change was saved, or failed to be (``error``)."""

        def __init__(self, change: Change, error: str | None = None) -> None:
            super().__init__()
            self.change = change
            self.error = error

    class Polled(Message):
        """The state file was checked: ``changed`` by another process; ``notices`` new from the store."""

        def __init__(self, changed: bool, notices: list[str]) -> None:
            super().__init__()
            self.changed = changed
            self.notices = notices

    class Problem(Message):
        """Something the user should know went wrong (the app shows and lists it)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, changes: PendingChanges, poll_interval: float = 2.0) -> None:
        """``poll_interval``: seconds between checks of the state file (0: never; tests call :meth:`poll`)."""
        super().__init__()
        self.changes = changes
        self.store = changes.store
        self.poll_interval = poll_interval
        self.save_error: str | None = None
        """Why the last change that failed to save failed."""
        self._poll_error = ""

    def on_mount(self) -> None:
        if self.poll_interval > 0:
            self.set_interval(self.poll_interval, self.poll)

    # -- saving: every change in the order it was made ------------------------------------

    def save(self, change: Change) -> None:
        """Queue a change; a worker saves queued changes one at a time."""
        if self.changes.push(change):
            self._save_changes()

    def finish(self) -> None:
        """Retry changes that failed to save (before quitting)."""
        if self.store.unsaved:
            self.save(Change("flush"))

    @work(thread=True, group="store", description="store")
    def _save_changes(self) -> None:
        while (change := self.changes.take()) is not None:
            error = None
            try:
                change.apply(self.store)
            except StoreError as failure:
                error = str(failure)
            except Exception as failure:  # never lose the worker, and with it every later change
                error = f"saving failed: {failure or type(failure).__name__}"
            if error:
                self.save_error = error
                self.post_message(self.Problem(error))
            self.post_message(self.Saved(change, error))

    # -- polling: marks made by other processes, a state file damaged under us ------------------

    def poll(self) -> None:
        """Check the state file for changes made elsewhere (``reader read`` in a shell, a second window)."""
        self._poll()

    @work(thread=True, exclusive=True, group="poll", description="poll")
    def _poll(self) -> None:
        try:
            changed = self.store.refresh()
        except Exception as error:  # a damaged or vanished state file must not end the app
            text = f"could not check the state file for changes: {error or type(error).__name__}"
            if text != self._poll_error:
                self._poll_error = text
                self.post_message(self.Problem(text))
            return
        self._poll_error = ""
        notices = self.store.new_notices()
        if changed or notices:
            self.post_message(self.Polled(changed, notices))
