"""The Sources pane: every feed with its unread count, last refresh and last error."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.text import clean_line
from reader.widgets.wrapping_list import WrappingOptionList

if TYPE_CHECKING:
    from reader.feeds.subscriptions import FeedStatus


def ago(when: str | None, now: datetime | None = None) -> str:
    """An ISO time as "5 min ago", "3 h ago", "2 d ago"; "never" when unknown."""
    if not when:
        return "never"
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return "never"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def state_line(status: FeedStatus, now: datetime | None = None) -> str:
    """The second line of a feed: last refresh, and why it failed, is gone or waits."""
    feed = status.feed
    failed = feed.gone or bool(feed.last_error)  # the last attempt failed: "refreshed" would say it worked
    parts = [f"{'failed' if failed else 'refreshed'} {ago(feed.last_refresh, now)}"]
    if feed.gone:
        parts.append("gone (HTTP 410)")
    elif feed.last_error:
        parts.append(clean_line(feed.last_error))
    if failed and feed.last_success:
        parts.append(f"last worked {ago(feed.last_success, now)}")
    if not feed.gone and feed.next_try:
        try:
            retry = datetime.fromisoformat(feed.next_try)
        except ValueError:
            retry = None
        if retry is not None and retry > (now or datetime.now(UTC)):
            parts.append(f"backing off until {retry.strftime('%H:%M')}")
    return " · ".join(parts)


_NO_FEEDS = "No feeds yet:\n`reader feeds add URL` subscribes"


class Sources(WrappingOptionList):
    """One entry per feed; Enter scopes the headlines to it, ``a`` marks all its stories read."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="sources.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="sources.up"),
        Binding("enter", "select", "Open", tooltip="Show its stories", id="sources.open"),
        Binding("a", "mark_source_read", "Mark read", tooltip="Mark feed read", id="sources.mark_read"),
        # q goes back to the list, as in the sidebar and the article (it quit the whole app here); Q quits
        Binding("q", "to_list", "List", tooltip="Back to the headlines", id="sources.to_list"),
        # The screen's keys as this pane shows them: r refreshes the highlighted feed; the keys for the
        # open story still work here but leave the footer to the feed keys (so "? Help" fits at 80 columns).
        Binding("r", "screen.refresh_feed", "Refresh", id="main.refresh_feed"),
        Binding("m", "screen.toggle_read", "Read", show=False, id="main.toggle_read"),
        Binding("b", "screen.toggle_bookmark", "Bookmark", show=False, id="main.toggle_bookmark"),
        Binding("backspace,left_square_bracket,alt+left", "screen.back", "Back", show=False, id="main.back"),
    ]

    class Scope(Message):
        """Show only this feed's stories."""

        def __init__(self, feed_id: str) -> None:
            super().__init__()
            self.feed_id = feed_id

    class MarkRead(Message):
        """Mark every story of this feed read."""

        def __init__(self, feed_id: str) -> None:
            super().__init__()
            self.feed_id = feed_id

    class ToList(Message):
        """Give the keys back to the headline list (q)."""

    AGE_SECONDS = 60.0  #: how often the times shown ("5 min ago") are worked out again while the pane shows

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.statuses: dict[str, FeedStatus] = {}
        self.is_read: Callable[[str], bool] = lambda _id: False
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.border_title = "Sources"

    def on_mount(self) -> None:
        self.set_interval(self.AGE_SECONDS, self._age)

    def _age(self) -> None:
        """Redraw the times while the pane shows ("refreshed just now" stayed for as long as it was open)."""
        if self.display and self.statuses:
            self.refresh_counts()

    def unread(self, status: FeedStatus) -> int:
        """Stories of the feed not read (counting changes still being saved)."""
        return sum(1 for article_id in status.story_ids if not self.is_read(article_id))

    def show(self, statuses: Sequence[FeedStatus], *, unreadable: bool = False) -> None:
        """Fill the pane with these feeds, keeping the highlighted one (``unreadable``: feeds.json could not
        be read, so there may well be feeds)."""
        keep = self.highlighted_feed
        self.statuses = {status.feed.id: status for status in statuses}
        if not statuses:
            empty = "feeds.json cannot be read: p says why" if unreadable else _NO_FEEDS
            self.set_options([Option(Text(empty, style="dim italic"), disabled=True)])
            return
        self.set_options([Option(self._prompt(status), id=status.feed.id) for status in statuses])
        ids = list(self.statuses)
        self.highlighted = ids.index(keep) if keep in ids else 0

    def refresh_counts(self) -> None:
        """Redraw the unread counts (after marks changed)."""
        for feed_id, status in self.statuses.items():
            self.replace_option_prompt(feed_id, self._prompt(status))

    @property
    def highlighted_feed(self) -> str | None:
        """The id of the highlighted feed."""
        if self.highlighted is None or not self.statuses:
            return None
        return self.get_option_at_index(self.highlighted).id

    def _prompt(self, status: FeedStatus) -> Table:
        """Unread/all count column, then the name over the state line (long names wrap under themselves)."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True, min_width=5)
        grid.add_column(ratio=1)
        unread = self.unread(status)
        feed = status.feed
        trouble = feed.gone or bool(feed.last_error)
        grid.add_row(
            Text(f"{unread}/{status.items}", style="bold" if unread else "dim"),
            Text(clean_line(feed.name), style="bold" if unread else ""),
        )
        grid.add_row("", Text(state_line(status, self.clock()), style="italic" if trouble else "dim"))
        return grid

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Scope(event.option.id))

    def action_mark_source_read(self) -> None:
        feed_id = self.highlighted_feed
        if feed_id is not None:
            self.post_message(self.MarkRead(feed_id))

    def action_to_list(self) -> None:
        self.post_message(self.ToList())
