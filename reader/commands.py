"""Command palette providers: the app's commands, and opening a story by title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from reader.screens.main import MainScreen

COMMANDS = (
    ("View: all stories", "view('all')", "Show every headline"),
    ("View: unread", "view('unread')", "Show only stories not read yet"),
    ("View: bookmarks", "view('bookmarks')", "Show bookmarked stories"),
    ("Filter headlines", "filter", "Search titles and text"),
    ("Toggle read", "toggle_read", "Mark the story read or unread"),
    ("Toggle bookmark", "toggle_bookmark", "Bookmark the story, or remove its bookmark"),
    ("Next unread linked story", "next_unread", "Open the first unread Related or Explore story"),
    ("Back", "back", "The previous story in the trail"),
    ("Forward", "forward", "The next story in the trail"),
    ("Toggle sidebar", "toggle_sidebar", "Show or hide Related, Explore and Linked from"),
)


def _main_screen(provider: Provider) -> MainScreen | None:
    from reader.screens.main import MainScreen

    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    return None


class ReaderCommands(Provider):
    """reader's own commands: views, marks, navigation, help and problems."""

    def _commands(self) -> list[tuple[str, object, str]]:
        screen = _main_screen(self)
        found: list[tuple[str, object, str]] = []
        if screen is not None:
            for name, action, help_text in COMMANDS:
                found.append((name, partial(screen.run_action, action), help_text))
        found.append(("Show keys", partial(self.app.run_action, "help"), "Every key, by pane"))
        found.append(("Show problems", partial(self.app.run_action, "problems"), "Files skipped, saves that failed"))
        return found

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)  # type: ignore[arg-type]


class OpenArticle(Provider):
    """Open a story by (fuzzy) title."""

    LIMIT = 40
    FUZZY_SCAN = 20_000

    async def search(self, query: str) -> Hits:
        screen = _main_screen(self)
        if screen is None or screen.library is None or not query.strip():
            return
        words = query.casefold().split()
        articles = screen.library.articles
        candidates = [a for a in articles if all(w in a.title.casefold() for w in words)][:500]
        if len(candidates) < self.LIMIT:
            seen = {a.id for a in candidates}
            candidates += [a for a in articles[: self.FUZZY_SCAN] if a.id not in seen]
        matcher = self.matcher(query)
        scored = []
        for article in candidates:
            score = matcher.match(article.title)
            if score > 0:
                scored.append((score, article))
        scored.sort(key=lambda pair: pair[0], reverse=True)
        for score, article in scored[: self.LIMIT]:
            yield Hit(
                score,
                matcher.highlight(article.title),
                partial(screen.open_article, article.id),
                help=" · ".join(p for p in (article.section, article.published) if p) or None,
            )
