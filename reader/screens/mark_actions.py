"""Read marks and bookmarks (every key press one change, saved in order), undo, and mark all read."""

from __future__ import annotations

from collections.abc import Sequence

from reader.changes import Change
from reader.model import Article
from reader.screens.main_part import MainScreenPart
from reader.text import clean_line
from reader.undo import Step, reverse_of
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from reader.widgets.store_sync import StoreSync


class MarkActions(MainScreenPart):
    """m, b, u and A: marking stories, saving each change, and taking changes back."""

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
        from reader.widgets.sources import Sources  # made when first wanted (just after the first frame)

        self.query_one(HeadlineList).refresh_article(article_id)
        sidebar = self.query_one(Sidebar)
        if any(entry.target == article_id for entry in sidebar.entries.values()):
            sidebar.refresh_states()  # only when the sidebar lists the story: a redraw of it costs
        if article_id in self.feed_info:
            for sources in self.query(Sources):
                sources.refresh_counts()

    def _redraw_all_marks(self) -> None:
        from reader.widgets.sources import Sources

        self.query_one(HeadlineList).refresh()
        self.query_one(Sidebar).refresh_states()
        for sources in self.query(Sources):
            sources.refresh_counts()

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
        self.notify(f"Undone: {clean_line(undone(step.reverse))}", timeout=4, markup=False)

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


def reverse_describe(reverse: Change) -> str:
    """What a mass change did, told from the change that undoes it."""
    count = len(reverse.ids)
    return f"{count} {'story' if count == 1 else 'stories'} marked {'unread' if reverse.on else 'read'}"


def undone(reverse: Change) -> str:
    """What taking a step back did, told from the change that did it ("3 stories are unread again")."""
    name = f"“{reverse.title}”" if reverse.title else reverse.article_id
    if reverse.kind == "bookmark":
        return f"{name} is bookmarked again" if reverse.on else f"{name} is no longer bookmarked"
    state = "read" if reverse.on else "unread"
    if reverse.kind == "read_many":
        count = len(reverse.ids)
        return f"1 story is {state} again" if count == 1 else f"{count} stories are {state} again"
    return f"{name} is {state} again"


def _minutes(article: Article | None) -> int:
    """Minutes to read ``article``, as its page says (0 when it does not)."""
    return article.read_minutes or 0 if article else 0
