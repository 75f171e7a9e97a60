"""The Textual app: wires the library, the store and the settings into the screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader.commands import OpenArticle, ReaderCommands
from reader.config import Config
from reader.library import Library
from reader.screens.help import HelpScreen
from reader.screens.main import MainScreen
from reader.screens.problems import ProblemsScreen
from reader.store import Store, StoreError
from reader.text import clean_line

Loader = Callable[[], tuple[Library, Store]]


class ReaderApp(App[None]):
    """A terminal news reader: headlines, the article, and the stories it links to."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ReaderCommands, OpenArticle}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("p", "problems", "Problems", show=False, id="app.problems"),
    ]

    def __init__(
        self,
        library: Library | None = None,
        store: Store | None = None,
        config: Config | None = None,
        *,
        loader: Loader | None = None,
        config_path: Path | None = None,
    ) -> None:
        """Give ``library`` and ``store`` ready-made (tests), or a ``loader`` run in a worker."""
        super().__init__()
        self.library = library
        self.store = store
        self.config = config or Config()
        self.config_path = config_path
        self._loader = loader
        self.runtime_problems: list[str] = []

    def loader(self) -> tuple[Library, Store]:
        """Load the library and the store (called from a worker thread)."""
        if self._loader is None:
            raise RuntimeError("no library given and no loader")
        library, store = self._loader()
        self.library, self.store = library, store
        return library, store

    def on_mount(self) -> None:
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.watch(self, "theme", self._theme_changed, init=False)
        self.push_screen(MainScreen())

    def get_default_screen(self) -> Screen[None]:
        return Screen()

    def _theme_changed(self, theme: str) -> None:
        self.config.theme = theme
        self.save_config()

    @work(thread=True, group="config")
    def save_config(self) -> None:
        """Remember the settings (theme, sidebar) for the next run."""
        self.config.save(self.config_path)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Keys", "Show every key", self.action_help)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_problems(self) -> None:
        if isinstance(self.screen, ProblemsScreen):
            return
        problems = [str(p) for p in self.library.problems] if self.library is not None else []
        problems += self.store.notices if self.store is not None else []
        self.push_screen(ProblemsScreen(problems + self.runtime_problems))

    async def action_quit(self) -> None:
        """Quit once every change is saved (saves in flight finish first)."""
        saving = [worker for worker in self.workers if worker.group == "store"]
        if saving:
            await self.workers.wait_for_complete(saving)
        if self.store is not None and self.store.unsaved:
            try:
                self.store.flush()
            except StoreError as error:
                self.exit(message=Text(clean_line(f"reader: some changes could not be saved: {error}")))
                return
        self.exit()
