"""The help screen: every key in force (after the user's keymap), by pane."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KeyGroups = Sequence[tuple[str, Sequence[Binding]]]
EXTRA = (
    ("ctrl+p", "Command palette: commands, sort, section, open a story by title"),
    ("Tab", "Move between the panes"),
    ("Mouse", "Click a headline, a link or a sidebar story; wheel scrolls"),
)


def active_keys(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys that run ``binding`` now: the user's from the keymap, else its own."""
    return keymap.get(binding.id, binding.key) if binding.id else binding.key


class HelpScreen(ModalScreen[None]):
    """Lists the keys it is given, group by group, with the keymap applied; "Esc closes" always in sight."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, groups: KeyGroups, keymap: Mapping[str, str] | None = None) -> None:
        """``keymap``: binding id → keys, the user's bindings in force."""
        super().__init__()
        self.groups = groups
        self.keymap = dict(keymap or {})

    def _display(self, keys: str) -> str:
        return ", ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))

    def _group(self, title: str, bindings: Sequence[Binding]) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        table.add_column("key", style="bold", no_wrap=True, ratio=2)
        table.add_column("action", ratio=3)
        table.add_row(Text(title, style="bold underline"), "")
        for binding in bindings:
            table.add_row(Text(self._display(active_keys(binding, self.keymap))), Text(binding.description))
        return table

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("reader: keys", style="bold"), id="help-title")
            with VerticalScroll(id="help-keys"):
                first, *rest = self.groups or [("Everywhere", [])]
                extra = Table(box=None, show_header=False, padding=(0, 1), expand=True)
                extra.add_column("key", style="bold", no_wrap=True, ratio=2)
                extra.add_column("action", ratio=3)
                for key, text in EXTRA:
                    extra.add_row(Text(key), Text(text))
                with Vertical(classes="help-column"):  # the screen's keys; the panes' keys beside them
                    yield Static(self._group(*first), classes="help-group")
                    yield Static(extra, classes="help-group")
                with Vertical(classes="help-column"):
                    for title, bindings in rest:
                        yield Static(self._group(title, bindings), classes="help-group")
            yield Static(Text("Esc closes this screen", style="dim"), id="help-hint")

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "narrow")  # one column of keys on a narrow terminal

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
