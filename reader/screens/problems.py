"""The problems screen: files that could not be loaded, state files moved aside, failed saves."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.text import clean_line


class ProblemsScreen(ModalScreen[None]):
    """A list of every problem met since the app started."""

    BINDINGS = [Binding("escape,q,p", "dismiss", "Close", id="problems.close")]

    def __init__(self, problems: list[str]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="problems-box"):
            yield Static(Text(f"Problems ({len(self.problems)})", style="bold"), id="problems-title")
            if not self.problems:
                yield Static(Text("No problems: every file loaded and every change was saved.", style="italic"))
            for problem in self.problems:
                yield Static(Text.assemble(("• ", "bold"), clean_line(problem)), classes="problem")
            yield Static(Text("Esc closes this screen", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
