"""The sidebar: the current story's Related, Explore and Linked-from stories."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.library import Link
from reader.model import Article
from reader.record import Frozen, set_field
from reader.widgets.wrapping_list import WrappingOptionList


class Entry(Frozen):
    """One sidebar line: a headline and the library article it opens (None: not in library)."""

    __slots__ = ("headline", "target")

    headline: str
    target: str | None

    def __init__(self, headline: str, target: str | None) -> None:
        set_field(self, "headline", headline)
        set_field(self, "target", target)


class Sidebar(WrappingOptionList):
    """Navigable Related / Explore / Linked from entries; posts Follow or Search."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("enter", "select", "Open story", id="sidebar.open"),
        Binding("q", "screen.focus_headlines", "List", show=False, id="sidebar.to_list"),
        Binding("escape", "screen.leave_pane", "Back", show=False, id="sidebar.leave"),
    ]

    class Follow(Message):
        """Open a library story from the sidebar."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class Search(Message):
        """Look for a headline that is not in the library."""

        def __init__(self, headline: str) -> None:
            super().__init__()
            self.headline = headline

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: dict[str, Entry] = {}
        self.is_read: Callable[[str], bool] = lambda _id: False
        self.is_bookmarked: Callable[[str], bool] = lambda _id: False
        self.border_title = "Related stories"
        self._outdated = False  # the story shown is being replaced: its marks need no redraw

    def outdated(self) -> None:
        """Another story is being opened: until :meth:`show` fills the sidebar for it, its markers are not
        redrawn (a redraw of every entry would delay the new story's first frame, for lines about to go)."""
        self._outdated = True

    def show(self, links: Sequence[Link], backlinks: Sequence[Article]) -> None:
        """Fill the sidebar for one story."""
        self._outdated = False
        self.entries = {}
        options: list[Option | None] = []
        groups = (
            ("Related", [Entry(link.headline, link.target) for link in links if link.kind == "related"]),
            ("Explore", [Entry(link.headline, link.target) for link in links if link.kind == "explore"]),
            ("Linked from", [Entry(article.title, article.id) for article in backlinks]),
        )
        for title, entries in groups:
            if options:
                options.append(None)
            options.append(Option(Text(title.upper(), style="bold"), disabled=True))
            if not entries:
                options.append(Option(Text("  none", style="dim italic"), disabled=True))
            for entry in entries:
                key = f"e{len(self.entries)}"
                self.entries[key] = entry
                options.append(Option(self._prompt(entry), id=key))
        self.set_options(options)
        self.highlighted = next((n for n, option in enumerate(self.options) if not option.disabled), None)

    def clear_story(self) -> None:
        """No story open."""
        self._outdated = False
        self.entries = {}
        self.set_options([Option(Text("Open a story to see its related stories", style="dim italic"), disabled=True)])

    def _prompt(self, entry: Entry) -> Table:
        """Marker column and headline column, so a long headline wraps under itself."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=3, no_wrap=True)
        grid.add_column(ratio=1)
        if entry.target is None:
            headline = Text(entry.headline, style="dim")
            headline.append("  (not in library)", style="dim italic")
            grid.add_row(Text(" ○", style="dim"), headline)
            return grid
        unread = not self.is_read(entry.target)
        headline = Text(entry.headline, style="" if unread else "dim")
        marker = Text(" ●" if unread else " ✓", style="bold" if unread else "dim")
        if self.is_bookmarked(entry.target):
            marker.append("★", style="bold")  # beside the marker, never wrapped onto a line of its own
        grid.add_row(marker, headline)
        return grid

    def refresh_states(self) -> None:
        """Redraw the read and bookmark markers (after a change)."""
        if self._outdated:
            return  # refilled with fresh markers soon
        for key, entry in self.entries.items():
            if entry.target is not None:
                self.replace_option_prompt(key, self._prompt(entry))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self.entries.get(event.option.id or "")
        if entry is None:
            return
        if entry.target is None:
            self.post_message(self.Search(entry.headline))
        else:
            self.post_message(self.Follow(entry.target))
