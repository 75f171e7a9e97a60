"""The problems screen: files that could not be loaded, state files moved aside, failed saves, feed errors."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.text import clean_line

#: A problem as a line (``what: reason``), or already split into what it is about and why.
ProblemEntry = str | tuple[str, str]


def where_and_why(problem: ProblemEntry, home: str | None = None) -> tuple[str, str]:
    """A problem split into what it is about (a file, a feed, a setting) and what went wrong.

    ``path: reason`` gives the path (the home folder as ``~``) and the reason; a line without ``": "``
    is all "what"; nothing is dropped. A file's or a feed's problem comes split already, so a ``": "``
    in its name stays in the name.
    """
    if isinstance(problem, tuple):
        where, why = clean_line(problem[0]), clean_line(problem[1])
    else:
        where, _, why = clean_line(problem).partition(": ")
    home = str(Path.home()) if home is None else home
    if home not in ("", "/") and where.startswith(home + "/"):
        where = "~" + where[len(home) :]
    return where, why


def entry(problem: ProblemEntry) -> Text:
    """One problem: what it is about in bold, and under it what went wrong (plain text, never markup)."""
    where, why = where_and_why(problem)
    text = Text()
    text.append(where, style="bold")
    if why:
        text.append("\n")
        text.append(why)
    return text


class ProblemsScreen(ModalScreen[None]):
    """A list of every problem met since the app started."""

    CSS_PATH = "dialogs.tcss"  # read when the first of these screens opens: not at launch
    BINDINGS = [
        Binding("escape,q,p", "dismiss", "Close", id="problems.close"),
        Binding("Q", "app.quit", "Quit", show=False, id="problems.quit"),  # "Q anywhere", as the README says
        Binding("j", "scroll_list('down')", "Down", show=False, id="problems.down"),
        Binding("k", "scroll_list('up')", "Up", show=False, id="problems.up"),
        Binding("g", "scroll_list('home')", "Top", show=False, id="problems.top"),
        Binding("G", "scroll_list('end')", "Bottom", show=False, id="problems.bottom"),
    ]

    def __init__(self, problems: list[ProblemEntry]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box"):
            yield Static(Text(f"Problems ({len(self.problems)})", style="bold"), id="problems-title")
            with VerticalScroll(id="problems-list"):
                if not self.problems:
                    yield Static(Text("No problems: every file loaded and every change was saved.", style="italic"))
                for problem in self.problems:
                    with Horizontal(classes="problem-row"):  # the bullet beside the text: wrapped lines hang
                        yield Static("•", classes="problem-bullet")
                        yield Static(entry(problem), classes="problem")
            yield Static(Text("Esc closes this screen", style="dim"), id="problems-hint")

    def action_scroll_list(self, where: str) -> None:
        """Scroll the problems: ``down``, ``up``, ``home`` or ``end``."""
        listing = self.query_one("#problems-list", VerticalScroll)
        getattr(listing, f"scroll_{where}")(animate=False, immediate=True)  # a burst's next key scrolls on

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
