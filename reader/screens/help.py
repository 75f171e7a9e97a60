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
KEY_WIDTH = 17  # "↑, ↓, pgup, pgdn" and a little room
EXTRA = (
    ("ctrl+p", "Commands, sections, stories"),
    ("Tab", "Move between the panes"),
    ("Mouse", "Click opens, wheel scrolls"),
)


def active_keys(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys that run ``binding`` now: the user's from the keymap, else its own."""
    return keymap.get(binding.id, binding.key) if binding.id else binding.key


def _rows(bindings: Sequence[Binding], keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """(keys, description) lines, the tooltip when a binding has one; bindings that do the same ("Quit" on q and Q)
    share one, as do Down and Up."""
    rows: dict[str, str] = {}  # description → keys, in first-seen order
    for binding in bindings:
        keys = active_keys(binding, keymap)
        said = binding.tooltip or binding.description  # the footer's word, or the longer tooltip when there is one
        rows[said] = f"{rows[said]},{keys}" if said in rows else keys
    if "Down" in rows and "Up" in rows:
        down, up = rows.pop("Down"), rows.pop("Up")
        rows = {"Down, up": f"{down},{up}", **rows}
    return [(keys, description) for description, keys in rows.items()]


def split(groups: Sequence[Table]) -> tuple[list[Table], list[Table]]:
    """The groups in order, cut in two columns of about equal height (the first always on the left)."""
    half = (sum(table.row_count for table in groups) + len(EXTRA)) / 2
    left: list[Table] = []
    rows = 0
    for table in groups:
        if left and rows + table.row_count > half + 2:
            break
        left.append(table)
        rows += table.row_count
    return left, list(groups[len(left) :])


class HelpScreen(ModalScreen[None]):
    """Lists the keys it is given, group by group, with the keymap applied; "Esc closes" always in sight."""

    CSS_PATH = "dialogs.tcss"  # read when the first of these screens opens: not at launch
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("Q", "app.quit", "Quit", show=False, id="help.quit"),  # "Q anywhere", as the README says
        # the list's own keys, as in the headline list (arrows and PgUp/PgDn scroll it already)
        Binding("j", "scroll_keys('down')", "Down", show=False, id="help.down"),
        Binding("k", "scroll_keys('up')", "Up", show=False, id="help.up"),
        Binding("g", "scroll_keys('home')", "Top", show=False, id="help.top"),
        Binding("G", "scroll_keys('end')", "Bottom", show=False, id="help.bottom"),
        Binding("space", "scroll_keys('page_down')", "Page down", show=False, id="help.page_down"),
    ]

    def __init__(self, groups: KeyGroups, keymap: Mapping[str, str] | None = None) -> None:
        """``keymap``: binding id → keys, the user's bindings in force."""
        super().__init__()
        self.groups = groups
        self.keymap = dict(keymap or {})

    def _display(self, keys: str) -> str:
        return ", ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))

    def _group(self, title: str, bindings: Sequence[Binding]) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        table.add_column("key", style="bold", no_wrap=True, width=KEY_WIDTH)
        table.add_column("action", ratio=1)
        table.add_row(Text(title, style="bold underline"), "")
        for keys, description in _rows(bindings, self.keymap):
            table.add_row(Text(self._display(keys)), Text(description))
        return table

    def compose(self) -> ComposeResult:
        groups = [self._group(title, bindings) for title, bindings in self.groups]
        extra = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        extra.add_column("key", style="bold", no_wrap=True, width=KEY_WIDTH)
        extra.add_column("action", ratio=1)
        for key, text in EXTRA:
            extra.add_row(Text(key), Text(text))
        left, right = split(groups)
        with Vertical(id="help-box"):
            yield Static(Text("reader: keys", style="bold"), id="help-title")
            with VerticalScroll(id="help-keys"):
                with Vertical(classes="help-column"):
                    for table in [*left, extra]:
                        yield Static(table, classes="help-group")
                with Vertical(classes="help-column"):
                    for table in right:
                        yield Static(table, classes="help-group")
            yield Static(Text("Esc closes this screen", style="dim"), id="help-hint")

    def action_scroll_keys(self, where: str) -> None:
        """Scroll the keys: ``down``, ``up``, ``home``, ``end`` or ``page_down``."""
        keys = self.query_one("#help-keys", VerticalScroll)
        getattr(keys, f"scroll_{where}")(animate=False, immediate=True)  # the next key in a burst scrolls on from here

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "narrow")  # one column of keys on a narrow terminal

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
