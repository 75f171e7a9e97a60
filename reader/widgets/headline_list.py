"""The headline list: a Line API widget that draws only the visible rows.

Each headline takes two lines: markers and the title, then the rest of a long title and
a muted ``SECTION · date · N min`` (cut from the right when the title needs the room).
Colours are resolved here against the real row background (translucent theme colours
such as ``$boost`` or ``$text-muted`` included) and kept at a readable contrast.
The list holds a plain sequence of articles; 100,000 rows cost no more to show
than ten, because ``render_line`` only ever looks at the rows on screen.
A cursor move repaints only the two rows it leaves and enters, and rendered rows
are kept (keyed by everything they show) so a repaint rarely renders anew.

Rows may come in groups (sorted by section): a one-line header above each group
(``WORLD · 12``) that the cursor never rests on. The cursor counts headlines, not
lines; a headline's line is found from the group starts by bisection.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.model import Article
from reader.widgets.contrast import legible

ROW_HEIGHT = 2
HEADER_HEIGHT = 1


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, with an ellipsis when cut: at a word break when
    one is near, so words are not cut in the middle."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    cut = set_cell_size(text, width - 1)
    if text[len(cut) : len(cut) + 1] not in (" ", ""):
        space = cut.rfind(" ")
        if space >= (width - 1) * 2 // 3:
            cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def meta_text(article: Article, section: bool = True) -> str:
    """``WORLD · 2024-11-23 · 3 min`` (whatever of the three the article has; no section when not ``section``)."""
    minutes = f"{article.read_minutes} min" if article.read_minutes else ""
    return " · ".join(p for p in (article.section if section else None, article.published, minutes) if p)


def split_title(title: str, width: int) -> tuple[str, str]:
    """The part of ``title`` that fits ``width`` cells, broken at a word when one is near, and the rest."""
    if width <= 0 or cell_len(title) <= width:
        return title, ""
    cut = set_cell_size(title, width)
    space = cut.rfind(" ")
    if title[len(cut) : len(cut) + 1] == " ":
        space = len(cut)
    if space >= width // 3:
        return title[:space], title[space:].lstrip(" ")
    return cut, title[len(cut) :]


def second_line(rest: str, meta: str, width: int) -> tuple[str, str]:
    """The rest of a title and the meta text, fitted together into ``width`` cells."""
    if not rest:
        return "", fit(meta, width)
    if cell_len(rest) > width:
        return fit(rest, width), ""
    parts = meta.split(" · ")
    while parts and cell_len(" · ".join(parts)) > width - cell_len(rest) - 2:
        parts.pop()  # whole parts only: the reading time goes first, then the date
    return rest, ("  " + " · ".join(parts)) if parts else ""


PARTS = ("current", "marker", "bookmark", "unread", "read", "meta", "header", "rule")


MUTED = ("read", "meta", "rule")


def _dim(colour: Color, muted: bool = False) -> Style:
    """Dim text for a muted or translucent ANSI colour (the terminal cannot blend it)."""
    return Style(dim=True) if colour.ansi is not None and (muted or colour.a < 1) else Style()


class HeadlineList(ScrollView, can_focus=True):
    """A virtual list of headlines with a cursor; posts Selected."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="headlines.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="headlines.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="headlines.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="headlines.page_up"),
        Binding("home,g", "first", "First", show=False, id="headlines.first"),
        Binding("end,G", "last", "Last", show=False, id="headlines.last"),
        Binding("enter", "select", "Open", id="headlines.open"),
    ]

    COMPONENT_CLASSES = {
        "headline-list--cursor",
        "headline-list--unread",
        "headline-list--read",
        "headline-list--marker",
        "headline-list--bookmark",
        "headline-list--meta",
        "headline-list--current",
        "headline-list--header",
        "headline-list--rule",
    }

    # repaint=False: watch_cursor repaints the two rows that change, not the whole list
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Selected(Message):
        """The user chose a headline to open (Enter or click)."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: Sequence[Article] = ()
        self._starts: list[int] = []  # the first row of each group, in order
        self._labels: list[str] = []  # each group's header
        self._header_lines: list[int] = []  # the line of each group's header
        self._positions: dict[str, int] | None = None
        self.current_id: str | None = None
        self.is_read: Callable[[str], bool] = lambda _id: False
        self.is_bookmarked: Callable[[str], bool] = lambda _id: False
        self.empty_message = "No headlines"
        self.empty_hint = ""
        """Under :attr:`empty_message`, muted: what to do about it (the key that brings headlines back)."""
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._palettes: dict[tuple[bool, bool], dict[str, Style]] = {}

    # -- data -------------------------------------------------------------------

    def set_rows(
        self,
        rows: Sequence[Article],
        keep: str | None = None,
        groups: Sequence[tuple[int, str]] = (),
        kept: int | None = None,
    ) -> None:
        """Show ``rows``; keep the cursor on article ``keep`` when it is among them.

        ``groups``: (first row, header) of each group, in row order; a header line goes above each.
        ``kept``: ``keep``'s row when the caller knows it (else the rows are looked through for it).
        """
        self.rows = rows
        self._starts = [start for start, _ in groups]
        self._labels = [label for _, label in groups]
        self._header_lines = [start * ROW_HEIGHT + n * HEADER_HEIGHT for n, start in enumerate(self._starts)]
        self._positions = None
        self._strips.clear()
        self._resize_virtual()
        if kept is not None and 0 <= kept < len(rows) and rows[kept].id == keep:
            position: int | None = kept
        else:
            position = self.position_of(keep) if keep else None
        self.set_reactive(HeadlineList.cursor, 0 if position is None else position)
        self.refresh()
        if position is not None:
            self.call_after_refresh(self._scroll_to_cursor, True)
        else:
            self.scroll_to(y=0, animate=False, immediate=True)

    def position_of(self, article_id: str | None) -> int | None:
        """The row of an article in the current rows, if it is there."""
        if article_id is None:
            return None
        rows, cursor = self.rows, self.cursor
        if 0 <= cursor < len(rows) and rows[cursor].id == article_id:
            return cursor  # the story opened or marked is nearly always the cursor's: no map over every row
        if self._positions is None:
            self._positions = {article.id: n for n, article in enumerate(self.rows)}
        return self._positions.get(article_id)

    @property
    def highlighted(self) -> Article | None:
        """The article under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def refresh_article(self, article_id: str) -> None:
        """Repaint one headline (after its read or bookmark state changed)."""
        position = self.position_of(article_id)
        if position is not None:
            self.refresh_lines(self.line_of(position), ROW_HEIGHT)

    # -- lines: headlines and group headers ------------------------------------------------

    @property
    def content_lines(self) -> int:
        """Lines the headlines and group headers take."""
        return len(self.rows) * ROW_HEIGHT + len(self._starts) * HEADER_HEIGHT

    def _height(self) -> int:
        """Lines to scroll through: :attr:`content_lines`, and a blank line below them when the list
        scrolled to its end would otherwise start on a headline's second line (a title's tail)."""
        lines = self.content_lines
        view = self.scrollable_content_region.height
        if self.rows and lines > view > 0:
            where = self.at_line(lines - view)
            if isinstance(where, tuple) and where[1] == ROW_HEIGHT - 1:
                return lines + 1
        return lines

    def line_of(self, row: int) -> int:
        """The first line of headline ``row``, counting the group headers above it."""
        return row * ROW_HEIGHT + bisect_right(self._starts, row) * HEADER_HEIGHT

    @property
    def cursor_line(self) -> int:
        """The first line of the headline under the cursor."""
        return self.line_of(self.cursor)

    def at_line(self, line: int) -> tuple[int, int] | int:
        """What ``line`` shows: (row, part) for a headline's line, or the group's number for a header."""
        group = bisect_right(self._header_lines, line) - 1
        if group < 0:
            return divmod(line, ROW_HEIGHT)
        offset = line - self._header_lines[group]
        if offset < HEADER_HEIGHT:
            return group
        row, part = divmod(offset - HEADER_HEIGHT, ROW_HEIGHT)
        return self._starts[group] + row, part

    def move_to(self, article_id: str) -> None:
        """Put the cursor on an article (the list follows the current story)."""
        position = self.position_of(article_id)
        if position is not None:
            self.cursor = position

    # -- cursor -----------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        if old != new:
            self.refresh_lines(self.line_of(old), ROW_HEIGHT)
            self.refresh_lines(self.line_of(new), ROW_HEIGHT)
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a new theme or focus state: the kept rows show old colours
        self._palettes.clear()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        line, height = self.line_of(self.cursor), ROW_HEIGHT
        group = bisect_left(self._starts, self.cursor)
        if group < len(self._starts) and self._starts[group] == self.cursor:
            line, height = line - HEADER_HEIGHT, height + HEADER_HEIGHT  # a group's first row shows its header
        region = Region(0, line, 1, height)
        self.scroll_to_region(region, animate=False, center=center, immediate=True, force=True)
        top = round(self.scroll_y)
        where = self.at_line(top) if self.rows else None
        if isinstance(where, tuple) and where[1] == ROW_HEIGHT - 1 and top < self.max_scroll_y:
            # the list would start on the second line of a headline, a title's tail with no marker:
            # one line on, the cut headline is the one at the bottom, its title showing
            self.scroll_to(y=top + 1, animate=False, immediate=True, force=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_select(self) -> None:
        article = self.highlighted
        if article is not None:
            self.post_message(self.Selected(article.id))

    def on_click(self, event: events.Click) -> None:
        where = self.at_line(event.y + int(self.scroll_offset.y))
        if isinstance(where, int):
            return  # a group header: nothing to open
        row = where[0]
        if 0 <= row < len(self.rows):
            self.cursor = row
            self.post_message(self.Selected(self.rows[row].id))

    def on_resize(self) -> None:
        self.virtual_size = Size(0, self._height())

    def _resize_virtual(self) -> None:
        """The virtual height for the rows now, without laying the screen out again.

        Setting ``virtual_size`` would lay out the whole screen (every filter key at 100,000 rows); the
        list's own size does not change, only its scrollbar, which is updated here (a layout only
        when the scrollbar appears or goes, as its width is taken from the rows').
        """
        size = Size(0, self._height())  # never wider than the list: no sideways scrollbar
        if size == self.virtual_size:
            return
        self.set_reactive(HeadlineList.virtual_size, size)
        if self.is_mounted:
            self._scroll_update(size)  # what ScrollView does on a new size: scrollbar shown or not, its thumb

    # -- drawing ------------------------------------------------------------------

    def palette(self, on_cursor: bool) -> dict[str, Style]:
        """The styles a row is drawn with: ``row`` and one per part, every colour opaque and legible."""
        key = (on_cursor, self.has_focus)
        if key in self._palettes:
            return self._palettes[key]
        _, _, background, foreground = self.colors
        row_style = Style()
        if on_cursor:
            cursor = self.get_component_styles("headline-list--cursor")
            if cursor.has_rule("background"):
                background = background + cursor.background
            if cursor.has_rule("color"):
                foreground = cursor.color
                if cursor.auto_color:
                    foreground = background.get_contrast_text(cursor.color.a)
            row_style = cursor.text_style
        text = legible(foreground, background)
        palette = {"row": Style(color=text.rich_color, bgcolor=background.rich_color) + row_style + _dim(text)}
        for part in PARTS:
            styles = self.get_component_styles(f"headline-list--{part}")
            colour = text
            if styles.has_rule("color"):
                wanted = styles.color
                if styles.auto_color:
                    wanted = background.get_contrast_text(wanted.a)
                colour = legible(wanted, background)
            coloured = Style(color=colour.rich_color) + _dim(colour, part in MUTED)
            palette[part] = palette["row"] + styles.text_style + coloured
        self._palettes[key] = palette
        return palette

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        where = self.at_line(int(self.scroll_offset.y) + y)
        if isinstance(where, int):
            return self._header(where, width)
        row, part = where
        if not self.rows or row >= len(self.rows):
            base = self.palette(False)["row"]
            if not self.rows and y == 1:
                return Strip([Segment(fit(f"  {self.empty_message}", width), base)]).adjust_cell_length(width, base)
            if not self.rows and y == 2 and self.empty_hint:
                hint = self.palette(False)["meta"]
                return Strip([Segment(fit(f"  {self.empty_hint}", width), hint)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        article = self.rows[row]
        on_cursor = row == self.cursor
        read = self.is_read(article.id)
        key = (
            article.id,
            article.title,
            article.section,
            article.published,
            article.read_minutes,
            part,
            width,
            on_cursor,
            self.has_focus,
            article.id == self.current_id,
            read,
            part == 0 and self.is_bookmarked(article.id),
        )
        strip = self._strips.get(key)
        if strip is None:
            palette = self.palette(on_cursor)
            strip = self._render_row(article, part, width, palette, read).adjust_cell_length(width, palette["row"])
            self._strips[key] = strip
        return strip

    def _header(self, group: int, width: int) -> Strip:
        """A group's header line: `` WORLD · 12 ────``, the label never read as markup."""
        label = self._labels[group]
        key = ("header", label, width, self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            palette = self.palette(False)
            text = fit(f" {label} ", width)
            rule = "─" * max(0, width - cell_len(text) - 1)
            strip = Strip([Segment(text, palette["header"]), Segment(rule, palette["rule"])])
            strip = strip.adjust_cell_length(width, palette["row"])
            self._strips[key] = strip
        return strip

    def _render_row(self, article: Article, part: int, width: int, palette: dict[str, Style], read: bool) -> Strip:
        bar = Segment("▌" if article.id == self.current_id else " ", palette["current"])
        first, rest = split_title(article.title, width - 5)
        title_style = palette["read" if read else "unread"]
        if part == 1:
            more, meta = second_line(rest, meta_text(article, section=not self._starts), width - 5)  # headers say it
            indent = Segment("    ", palette["row"])
            return Strip([bar, indent, Segment(more, title_style), Segment(meta, palette["meta"])])
        unread_marker = Segment(" " if read else "●", palette["marker"])
        bookmark = Segment("★" if self.is_bookmarked(article.id) else " ", palette["bookmark"])
        space = Segment(" ", palette["row"])
        return Strip([bar, unread_marker, space, bookmark, space, Segment(first, title_style)])
