"""The article pane: the story rendered with rich, its inline Related links selectable."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from reader.library import Link
from reader.model import Article
from reader.render import article_renderable

WELCOME = (
    "Choose a headline and press Enter to read it.\n\n"
    "Follow Related and Explore stories from the sidebar; go back with Backspace or [, "
    "forward with ].\nPress ? for every key."
)


class ArticleView(VerticalScroll, can_focus=True):
    """Shows one article; ``l``/``L`` select inline links, Enter or a click follows one."""

    BINDINGS = [
        Binding("l", "next_link", "Next link", id="article.next_link"),
        Binding("L", "previous_link", "Prev link", show=False, id="article.previous_link"),
        Binding("enter", "follow", "Follow link", id="article.follow"),
        Binding("j", "scroll_down", "Down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Up", show=False, id="article.up"),
        Binding("space", "page_down", "Page down", show=False, id="article.page_down"),
    ]

    COMPONENT_CLASSES = {"article-view--link"}

    class Follow(Message):
        """The user followed an inline Related link."""

        def __init__(self, link: Link) -> None:
            super().__init__()
            self.link = link

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.links: list[Link] = []
        self.selected: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(WELCOME), id="article-body")

    @property
    def _related(self) -> list[Link]:
        return [link for link in self.links if link.kind == "related"]

    def show(self, article: Article | None, links: Sequence[Link] = (), scroll_y: float = 0.0) -> None:
        """Show an article (None: the welcome text) and scroll to ``scroll_y``."""
        self.article = article
        self.links = list(links)
        self.selected = None
        self._draw()
        self.scroll_to(y=0, animate=False, immediate=True)
        if scroll_y:
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False, immediate=True)

    def _draw(self) -> None:
        body = self.query_one("#article-body", Static)
        if self.article is None:
            body.update(Text(WELCOME))
            return
        link_style = self.get_component_rich_style("article-view--link", partial=True)
        body.update(
            article_renderable(
                self.article, links=self.links, link_style=link_style, selected=self.selected, clickable=True
            )
        )

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self._draw(), init=False)

    def _select(self, step: int) -> None:
        count = len(self._related)
        if not count:
            self.notify("This story has no inline links", severity="warning", timeout=2)
            return
        self.selected = (0 if step > 0 else count - 1) if self.selected is None else (self.selected + step) % count
        self._draw()

    def action_next_link(self) -> None:
        self._select(1)

    def action_previous_link(self) -> None:
        self._select(-1)

    def action_follow(self) -> None:
        related = self._related
        if self.selected is not None and self.selected < len(related):
            self.post_message(self.Follow(related[self.selected]))

    def on_click(self, event: events.Click) -> None:
        number = event.style.meta.get("link")
        related = self._related
        if isinstance(number, int) and 0 <= number < len(related):
            self.selected = number
            self._draw()
            self.post_message(self.Follow(related[number]))
