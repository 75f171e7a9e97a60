"""The loading screen: shown while the library and the state file are read."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class LoadingScreen(Screen[None]):
    """ "Loading library…" until the main screen can be shown; q still quits."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("  Loading library…"), id="loading")
        yield Footer()

    def progress(self, done: int, total: int) -> None:
        """Show how many files of a first start are parsed."""
        self.query_one("#loading", Static).update(Text(f"  Loading library… {done:,} of {total:,} stories read"))
