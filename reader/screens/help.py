"""The help screen: every key, by where it works."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KeyGroups = Sequence[tuple[str, Sequence[Binding]]]


class HelpScreen(ModalScreen[None]):
    """Lists the keys it is given, group by group (the app gives the active ones)."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, groups: KeyGroups) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2), expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("action")
        for title, bindings in self.groups:
            table.add_row(Text(title, style="bold underline"), "")
            for binding in bindings:
                keys = ", ".join(self.app.get_key_display(Binding(k, "")) for k in binding.key.split(","))
                table.add_row(Text(keys), Text(binding.description))
            table.add_row("", "")
        table.add_row(Text("ctrl+p", style="bold"), Text("Command palette: commands and open a story by title"))
        table.add_row(Text("Tab", style="bold"), Text("Move between the panes"))
        table.add_row(Text("Mouse", style="bold"), Text("Click a headline, a link or a sidebar story; wheel scrolls"))
        with VerticalScroll(id="help-box"):
            yield Static(Text("reader: keys", style="bold"), id="help-title")
            yield Static(table)
            yield Static(Text("Esc closes this screen", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
