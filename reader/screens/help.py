"""The help screen: every key, by where it works."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _keys(bindings: list[BindingType]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding)]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the app, the main screen and each pane."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        from reader.app import ReaderApp
        from reader.screens.main import MainScreen
        from reader.widgets.article_view import ArticleView
        from reader.widgets.headline_list import HeadlineList
        from reader.widgets.sidebar import Sidebar

        table = Table(box=None, show_header=False, padding=(0, 2), expand=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("action")
        groups = (
            ("Everywhere", _keys(ReaderApp.BINDINGS) + _keys(MainScreen.BINDINGS)),
            ("Headline list", _keys(HeadlineList.BINDINGS)),
            ("Article", [*_keys(ArticleView.BINDINGS), Binding("up,down,pageup,pagedown", "", "Scroll")]),
            ("Sidebar", _keys(Sidebar.BINDINGS)),
        )
        for title, bindings in groups:
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
