"""The article pane: the story rendered with rich, its inline Related links selectable."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from reader.find import MATCH, mark
from reader.library import Link
from reader.model import Article
from reader.render import article_renderable

WELCOME = (
    "Choose a headline and press Enter to read it.\n\n"
    "Follow Related and Explore stories from the sidebar; go back with Backspace or [, "
    "forward with ].\nPress ? for every key."
)
GONE = "This story's file is no longer in the library; the bookmark keeps its title."
LOADING_DELAY = 0.15  # seconds before "Loading…" replaces the old story (no flash for quick loads)


@dataclass(frozen=True, slots=True)
class Story:
    """What the pane shows: an article, its links, where to scroll; ``loading`` while its file is read."""

    article: Article
    links: tuple[Link, ...] = ()
    scroll_y: float = 0.0
    loading: bool = False
    gone: bool = False


class ArticleView(VerticalScroll, can_focus=True):
    """Shows one story; ``l``/``L`` select inline links, Enter or a click follows one."""

    BINDINGS = [
        Binding("l", "next_link", "Next link", id="article.next_link"),
        Binding("L", "previous_link", "Prev link", show=False, id="article.previous_link"),
        Binding("enter", "follow", "Follow link", show=False, id="article.follow"),  # l hints at links; ? fits at 80
        Binding("j", "scroll_down", "Down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Up", show=False, id="article.up"),
        Binding("space", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("slash", "screen.find", "Find", id="article.find"),
        Binding("n", "find_step(1)", "Next match", show=False, id="article.find_next"),
        Binding("N", "find_step(-1)", "Prev match", show=False, id="article.find_previous"),
        Binding("escape", "screen.close_find", "Close find", show=False, id="article.close_find"),
        Binding("g,home", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="article.bottom"),
        Binding("q", "screen.focus_headlines", "List", show=False, id="article.to_list"),
        Binding("escape", "screen.leave_pane", "Back to list", show=False, id="article.leave"),
    ]

    COMPONENT_CLASSES = {"article-view--link", "article-view--match", "article-view--match-current"}

    story: reactive[Story | None] = reactive(None, always_update=True, init=False)
    """The story on show (None: the welcome text)."""

    selected: reactive[int | None] = reactive(None, init=False)
    """The selected inline Related link, by position among the Related links."""

    find_query: reactive[str] = reactive("", init=False)
    """Words to find in the story, highlighted ("" for none)."""

    find_current: reactive[int] = reactive(0, init=False)
    """The match the find is at (from 0)."""

    @dataclass
    class Found(Message):
        """The find is at match ``current`` (from 0) of ``count``."""

        current: int
        count: int

    @dataclass
    class Follow(Message):
        """The user followed an inline Related link."""

        link: Link

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loading_timer: Timer | None = None
        self.find_count = 0
        self._find_moved = False  # scroll to the current match after the next draw

    def compose(self) -> ComposeResult:
        yield Static(Text(WELCOME), id="article-body")

    @property
    def article(self) -> Article | None:
        """The article on show, if any."""
        return self.story.article if self.story else None

    @property
    def related(self) -> list[Link]:
        """The story's inline Related links, in order."""
        return [link for link in self.story.links if link.kind == "related"] if self.story else []

    def watch_story(self, story: Story | None) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.set_reactive(ArticleView.selected, None)
        self.set_reactive(ArticleView.find_current, 0)
        if story is not None and story.loading:
            self._loading_timer = self.set_timer(LOADING_DELAY, self._draw)
            return
        self._draw()
        self.scroll_to(y=0, animate=False, immediate=True)
        if story is not None and story.scroll_y:
            self.call_after_refresh(self.scroll_to, y=story.scroll_y, animate=False, immediate=True)

    def watch_selected(self) -> None:
        self._draw()
        self.call_after_refresh(self._scroll_to_selected)

    def _draw(self) -> None:
        body = self.query_one("#article-body", Static)
        story = self.story
        if story is None:
            body.update(Text(WELCOME))
        elif story.loading:
            body.update(Text(f"Loading “{story.article.title}”…", style="italic"))
        elif story.gone:
            body.update(Text.assemble((story.article.title + "\n\n", "bold"), (GONE, "italic")))
        else:
            link_style = self.get_component_rich_style("article-view--link", partial=True)
            renderable = article_renderable(
                story.article, links=story.links, link_style=link_style, selected=self.selected, clickable=True
            )
            body.update(self._mark_matches(renderable))

    def _scroll_to_selected(self) -> None:
        """Bring the selected link into view (issue 10 bug 5)."""
        if self.selected is None:
            return
        body = self.query_one("#article-body", Static)
        lines = body.render_lines(Region(0, 0, body.size.width, body.size.height))
        for y, strip in enumerate(lines):
            if any(segment.style and segment.style.meta.get("link") == self.selected for segment in strip):
                region = Region(0, body.virtual_region.y + y, 1, 1)
                self.scroll_to_region(region, animate=False, immediate=True, force=True)
                return

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self._draw(), init=False)

    def _select(self, step: int) -> None:
        count = len(self.related)
        if not count:
            self.notify("This story has no inline links", severity="warning", timeout=2)
            return
        self.selected = (0 if step > 0 else count - 1) if self.selected is None else (self.selected + step) % count

    def action_next_link(self) -> None:
        self._select(1)

    def action_previous_link(self) -> None:
        self._select(-1)

    def action_follow(self) -> None:
        related = self.related
        if self.selected is None and related:
            self.selected = 0  # Enter with no link chosen chooses the first; Enter again follows it
            return
        if self.selected is not None and self.selected < len(related):
            self.post_message(self.Follow(related[self.selected]))

    def on_click(self, event: events.Click) -> None:
        number = event.style.meta.get("link")
        related = self.related
        if isinstance(number, int) and 0 <= number < len(related):
            self.selected = number
            self.post_message(self.Follow(related[number]))

    # -- find in the story ----------------------------------------------------------------

    def _mark_matches(self, renderable: RenderableType) -> RenderableType:
        """Highlight the find's matches in ``renderable``; say where the find is."""
        if not self.find_query:
            self.find_count = 0
            return renderable
        style = self.get_component_rich_style("article-view--match", partial=True)
        current = self.get_component_rich_style("article-view--match-current", partial=True)
        self.find_count = mark(renderable, self.find_query, self.find_current, style, current)
        if self.find_count and self.find_current >= self.find_count:
            self.set_reactive(ArticleView.find_current, 0)
            self.find_count = mark(renderable, self.find_query, 0, style, current)
        self.post_message(self.Found(self.find_current, self.find_count))
        if self._find_moved:
            self._find_moved = False
            self.call_after_refresh(self._scroll_to_match)
        return renderable

    def watch_find_query(self) -> None:
        self.set_reactive(ArticleView.find_current, 0)
        self._find_moved = True
        self._draw()

    def watch_find_current(self) -> None:
        self._find_moved = True
        self._draw()

    def _scroll_to_match(self) -> None:
        """Bring the current match into view, a few lines below the top edge when it was out of sight."""
        if not self.find_query or not self.find_count:
            return
        body = self.query_one("#article-body", Static)
        lines = body.render_lines(Region(0, 0, body.size.width, body.size.height))
        for y, strip in enumerate(lines):
            if any(segment.style and segment.style.meta.get(MATCH) == self.find_current for segment in strip):
                region = Region(0, body.virtual_region.y + y, 1, 1)
                self.scroll_to_region(region, animate=False, immediate=True, force=True, spacing=Spacing(2, 0, 2, 0))
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "find_step":
            return bool(self.find_query)  # else n and N are the screen's
        return True

    def action_find_step(self, step: int) -> None:
        if self.find_count:
            self.find_current = (self.find_current + step) % self.find_count
