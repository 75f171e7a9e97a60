"""The find bar: words to find in the open story, and "k of N"."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static


class FindBar(Horizontal):
    """Takes the words to find; posts Changed as they are typed, Step for next/previous, Closed on Esc.

    Enter or Down: next match; Shift+Enter or Up: previous.
    """

    BINDINGS = [
        Binding("down", "step(1)", "Next match", id="find.next"),
        Binding("shift+enter,up", "step(-1)", "Previous match", id="find.previous"),
        Binding("escape", "close", "Close find", id="find.close"),
    ]

    found: reactive[tuple[int, int] | None] = reactive(None, init=False)
    """(current match from 0, number of matches); None before anything is typed."""

    class Changed(Message):
        """The words to find changed ("" for none)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Step(Message):
        """Go to the next (1) or previous (-1) match."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Closed(Message):
        """The user closed the bar."""

    def _parts(self) -> tuple[Input, Static]:
        """The words box and the count, made when the bar first opens (a launch does without them)."""
        if not self.children:
            from reader.widgets.text_input import TextInput  # the bar's box is made when it first opens

            self.mount(TextInput(placeholder="Find in this story", id="find-input", select_on_focus=True))
            self.mount(Static("", id="find-count"))
        return self.query_one(Input), self.query_one("#find-count", Static)

    @property
    def query_text(self) -> str:
        """The words typed ("" before the bar first opens)."""
        return self._parts()[0].value if self.children else ""

    def open(self) -> None:
        """Show the bar and take the keys."""
        self.display = True
        self._parts()[0].focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(1))  # Enter: the next match

    def watch_found(self, found: tuple[int, int] | None) -> None:
        if not self.children:
            return  # never opened: no count to show
        count = self._parts()[1]
        if found is None or not self.query_text:
            count.update("")
        elif found[1] == 0:
            count.update(Text("no matches", style="italic"))
        else:
            count.update(Text(f"{found[0] + 1} of {found[1]}"))

    def action_step(self, step: int) -> None:
        self.post_message(self.Step(step))

    def action_close(self) -> None:
        self.post_message(self.Closed())
