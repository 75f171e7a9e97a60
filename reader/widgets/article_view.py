"""The article pane: the story rendered with rich, its inline Related links selectable.

A Line API widget: the story is rendered into strips once for the pane's width (and kept,
keyed by everything that changes how it looks), and ``render_line`` only picks the
lines on screen. Opening a story never makes Textual lay out the screen again to
measure it, which is what a ``Static`` in a scrolling container costs.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.visual import Visual, visualize

from reader.library import Link
from reader.model import Article
from reader.record import Frozen, set_field

WELCOME = (
    "Choose a headline and press Enter to read it.\n\n"
    "Follow Related and Explore stories from the sidebar; go back with Backspace or [, "
    "forward with ].\nPress ? for every key."
)
GONE = "This story's file is no longer in the library; the bookmark keeps its title."
UNREADABLE = "This story's file could not be read: it is gone or has changed (p lists why)."
LOADING_DELAY = 0.15  # seconds before "Loading…" replaces the old story (no flash for quick loads)
MEASURE = 80  # the widest the text runs: a comfortable measure, centred in a wider pane


class Story(Frozen):
    """What the pane shows: an article, its links, where to scroll; ``loading`` while its file is read."""

    __slots__ = ("article", "gone", "links", "loading", "scroll_y", "unreadable")

    article: Article
    links: tuple[Link, ...]
    scroll_y: float
    loading: bool
    gone: bool
    unreadable: bool  #: its file could not be read when it was opened (the problems screen says why)

    def __init__(
        self,
        article: Article,
        links: tuple[Link, ...] = (),
        scroll_y: float = 0.0,
        loading: bool = False,
        gone: bool = False,
        unreadable: bool = False,
    ) -> None:
        set_field(self, "article", article)
        set_field(self, "links", links)
        set_field(self, "scroll_y", scroll_y)
        set_field(self, "loading", loading)
        set_field(self, "gone", gone)
        set_field(self, "unreadable", unreadable)


class Ready(Frozen):
    """The first lines of a story rendered ahead of its open, for one key (width, look, selection, find)."""

    __slots__ = ("article", "key", "lines", "links", "rest")

    article: Article
    links: tuple[Link, ...]
    key: tuple[object, ...]
    lines: list[Strip]
    rest: Iterator[list[Strip]] | None

    def __init__(
        self,
        article: Article,
        links: tuple[Link, ...],
        key: tuple[object, ...],
        lines: list[Strip],
        rest: Iterator[list[Strip]] | None,
    ) -> None:
        set_field(self, "article", article)
        set_field(self, "links", links)
        set_field(self, "key", key)
        set_field(self, "lines", lines)
        set_field(self, "rest", rest)


class Look(Frozen):
    """The styles a render depends on (they change with the theme)."""

    __slots__ = ("base", "current", "link", "match")

    base: Style
    link: Style
    match: Style
    current: Style

    def __init__(self, base: Style, link: Style, match: Style, current: Style) -> None:
        set_field(self, "base", base)
        set_field(self, "link", link)
        set_field(self, "match", match)
        set_field(self, "current", current)


class ArticleView(ScrollView, can_focus=True):
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

    story: reactive[Story | None] = reactive(None, always_update=True, init=False, repaint=False)
    """The story on show (None: the welcome text)."""

    selected: reactive[int | None] = reactive(None, init=False, repaint=False)
    """The selected inline Related link, by position among the Related links."""

    find_query: reactive[str] = reactive("", init=False, repaint=False)
    """Words to find in the story, highlighted ("" for none)."""

    find_current: reactive[int] = reactive(0, init=False, repaint=False)
    """The match the find is at (from 0)."""

    class Found(Message):
        """The find is at match ``current`` (from 0) of ``count``."""

        def __init__(self, current: int, count: int) -> None:
            super().__init__()
            self.current = current
            self.count = count

    class Drawn(Message):
        """A story's text is on screen (what waits for it, such as the sidebar, may follow)."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class Follow(Message):
        """The user followed an inline Related link."""

        def __init__(self, link: Link) -> None:
            super().__init__()
            self.link = link

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loading_timer: Timer | None = None
        self.find_count = 0
        self._shown: Story | None = None  # what is drawn: the story, or the one before while it loads
        self._look: Look | None = None
        self._renders: dict[tuple[object, ...], list[Strip]] = {}  # the shown story's renders
        self._lines: list[Strip] = []  # the render on screen, one strip a line, the pane's width
        self._rest: Iterator[list[Strip]] | None = None  # the lines of the render still to come, part by part
        self._finishing = False  # the rest is to be rendered once the lines drawn now are on screen
        self._key: tuple[object, ...] | None = None
        self._drawn: str | None = None  # the story whose first draw is to be announced
        self._ready: Ready | None = None  # the first lines of a story about to be opened, rendered ahead

    @property
    def article(self) -> Article | None:
        """The article on show, if any."""
        return self.story.article if self.story else None

    @property
    def related(self) -> list[Link]:
        """The story's inline Related links, in order."""
        return [link for link in self.story.links if link.kind == "related"] if self.story else []

    @property
    def lines(self) -> list[Strip]:
        """Every line of what the pane shows (the story from top to bottom), as rendered for its width."""
        self._update()
        return self._lines

    # -- what to show ---------------------------------------------------------------------

    def watch_story(self, story: Story | None) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.set_reactive(ArticleView.selected, None)
        self.set_reactive(ArticleView.find_current, 0)
        if story is not None and story.loading:
            self._loading_timer = self.set_timer(LOADING_DELAY, self._loading_due)
            return
        self._show(story)

    def _loading_due(self) -> None:
        """The story is still being read: say so in place of the one before."""
        if self.story is not self._shown:
            self._show(self.story)

    def prepare(self, article: Article, links: tuple[Link, ...]) -> None:
        """Render the first screenful of a story likely to be opened next (the one the list's cursor rests on),
        so that opening it only has to paint them; kept until another is prepared or the key no longer fits."""
        if self.find_query or self.size.height == 0:
            return  # a find marks the text: rendered when shown; out of sight: nothing to gain
        look = self._current_look()
        width = self.scrollable_content_region.width
        story = Story(article, links)
        parts = self._parts(width, look, story)
        rest: Iterator[list[Strip]] | None = parts
        lines: list[Strip] = []
        for part in parts:
            lines.extend(part)
            if len(lines) >= self.scrollable_content_region.height:
                break
        else:
            rest = None
        self._ready = Ready(article, links, (width, look, None, "", 0), lines, rest)

    def _show(self, story: Story | None) -> None:
        """Draw ``story`` from its top (or where it was left: ``scroll_y``, kept within the new text)."""
        self._loading_timer = None
        self._shown = story
        self._drawn = story.article.id if story is not None and not story.loading else None
        self._renders.clear()
        self._key = None
        scroll_y = story.scroll_y if story else 0
        self._take_ready(story)
        # The lines down to the bottom of the pane now (the rest once they are on screen), so the
        # scroll below lands within the text; with a find, every line (the matches are counted).
        self._update(None if self.find_query else int(scroll_y) + self.scrollable_content_region.height)
        self.scroll_to(y=scroll_y, animate=False, immediate=True, force=True)
        self.refresh()
        if self.find_query:
            self.post_message(self.Found(self.find_current, self.find_count))

    def _take_ready(self, story: Story | None) -> None:
        """Start from the lines rendered ahead for this story, if they fit how it is to be drawn now."""
        ready, self._ready = self._ready, None
        if ready is None or story is None or story.loading or story.gone or self.find_query:
            return
        if ready.article is not story.article or ready.links != story.links:
            return
        width = self.scrollable_content_region.width
        key = (width, self._current_look(), self.selected, self.find_query, self.find_current)
        if key == ready.key:
            self.find_count = 0
            self._key, self._lines, self._rest = key, list(ready.lines), ready.rest
            if ready.rest is None:
                self._renders[key] = self._lines

    def watch_selected(self) -> None:
        self.refresh()
        self._scroll_to_line(self._line_with("link", self.selected))

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self._restyle(), init=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._look = None  # a new theme: the renders may show old colours (checked on the next draw)

    def _restyle(self) -> None:
        self._look = None
        self.refresh()

    def on_resize(self) -> None:
        self._update(upto=int(self.scroll_offset.y) + self.scrollable_content_region.height)  # rewrapped
        self.refresh()

    # -- drawing ------------------------------------------------------------------------

    def _current_look(self) -> Look:
        if self._look is None:
            self._look = Look(
                base=self.visual_style.rich_style,
                link=self.get_component_rich_style("article-view--link", partial=True),
                match=self.get_component_rich_style("article-view--match", partial=True),
                current=self.get_component_rich_style("article-view--match-current", partial=True),
            )
        return self._look

    def _content(self, look: Look, story: Story | None) -> RenderableType:
        """What the pane shows of ``story``, as one renderable (matches of the find marked)."""
        self.find_count = 0
        if story is None:
            return Text(WELCOME)
        if story.loading:
            return Text(f"Loading “{story.article.title}”…", style="italic")
        if story.gone or story.unreadable:
            note = GONE if story.gone else UNREADABLE
            return Text.assemble((story.article.title + "\n\n", "bold"), (note, "italic"))
        from reader.render import article_renderable  # not before the first paint, which shows no story

        selected = self.selected if story is self._shown else None  # a story rendered ahead has none chosen yet
        renderable = article_renderable(
            story.article, links=story.links, link_style=look.link, selected=selected, clickable=True
        )
        if self.find_query:
            from reader.find import mark  # finding in a story comes after the first paint

            self.find_count = mark(renderable, self.find_query, self.find_current, look.match, look.current)
            if self.find_count and self.find_current >= self.find_count:
                self.set_reactive(ArticleView.find_current, 0)
                self.find_count = mark(renderable, self.find_query, 0, look.match, look.current)
        return renderable

    def _update(self, upto: int | None = None) -> None:
        """Render what the pane shows for its width, unless that render is at hand; set the scroll height.

        With ``upto``, lines are rendered only until there are that many (the rest when needed).
        """
        look = self._current_look()
        width = self.scrollable_content_region.width
        key = (width, look, self.selected, self.find_query, self.find_current)
        if key != self._key:
            self._key = key
            kept = self._renders.get(key)
            self._lines, self._rest = (kept, None) if kept is not None else ([], self._parts(width, look, self._shown))
        if self._rest is not None and (upto is None or len(self._lines) < upto):
            for lines in self._rest:
                self._lines.extend(lines)
                if upto is not None and len(self._lines) >= upto:
                    break
            else:
                self._rest = None
                if len(self._renders) > 8:
                    self._renders.clear()
                self._renders[key] = self._lines
        height = len(self._lines) + (self._rest is not None)  # one more while the rest is to come
        if self.virtual_size.height != height:
            self._set_height(height)

    def _finish(self) -> None:
        """Render the rest of the lines (the scrollbar takes its true length)."""
        self._finishing = False
        self._update()
        self.refresh()  # a line past the first ones may have been drawn blank meanwhile

    def _parts(self, width: int, look: Look, story: Story | None) -> Iterator[list[Strip]]:
        """What the pane shows of ``story``, part by part (a paragraph, a list item...), as lines ``width``
        wide: the text at most :data:`MEASURE` wide, centred."""
        measure = max(1, min(MEASURE, width))
        margin = (width - measure) // 2
        blank = Strip.blank(margin, look.base)
        content = self._content(look, story)
        for part in content.renderables if isinstance(content, Group) else [content]:
            visual = visualize(self, part, markup=False)
            lines = Visual.to_strips(self, visual, measure, None, self.visual_style, pad=True)
            if margin > 0:
                lines = [Strip.join([blank, line]) for line in lines]
            yield [line.adjust_cell_length(width, look.base) for line in lines]

    def _set_height(self, height: int) -> None:
        """Scroll over ``height`` lines, without laying the screen out again (as Textual does on a resize).

        Only a scrollbar appearing or going away makes Textual lay the screen out again.
        """
        size = Size(0, height)  # never wider than the pane: no sideways scrollbar
        self.set_reactive(ArticleView.virtual_size, size)
        self._scroll_update(size)

    def render_line(self, y: int) -> Strip:
        number = int(self.scroll_offset.y) + y
        self._update(upto=number + 1)
        if self._rest is not None and not self._finishing:
            self._finishing = True
            self.call_later(self._finish)  # once these lines are on screen
        if self._drawn is not None:
            self.post_message(self.Drawn(self._drawn))
            self._drawn = None
        if 0 <= number < len(self._lines):
            return self._lines[number]
        return Strip.blank(self.scrollable_content_region.width, self._current_look().base)

    def _line_with(self, key: str, value: object) -> int | None:
        """The first line drawing a segment whose style meta has ``key`` = ``value``."""
        if value is None:
            return None
        for number, strip in enumerate(self.lines):
            if any(segment.style and segment.style.meta.get(key) == value for segment in strip):
                return number
        return None

    def _scroll_to_line(self, number: int | None, spacing: Spacing | None = None) -> None:
        if number is not None:
            region = Region(0, number, 1, 1)
            self.scroll_to_region(region, animate=False, immediate=True, force=True, spacing=spacing)

    # -- links --------------------------------------------------------------------------

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

    def watch_find_query(self) -> None:
        self.set_reactive(ArticleView.find_current, 0)
        self._find_moved()

    def watch_find_current(self) -> None:
        self._find_moved()

    def _find_moved(self) -> None:
        """Draw the matches, say where the find is, and bring the current match into view."""
        self._update()
        self.refresh()
        self.post_message(self.Found(self.find_current, self.find_count))
        if self.find_query and self.find_count:
            from reader.find import MATCH

            self._scroll_to_line(self._line_with(MATCH, self.find_current), Spacing(2, 0, 2, 0))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "find_step":
            return bool(self.find_query)  # else n and N are the screen's
        return True

    def action_find_step(self, step: int) -> None:
        if self.find_count:
            self.find_current = (self.find_current + step) % self.find_count
