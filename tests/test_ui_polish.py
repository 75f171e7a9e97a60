"""Issue 10's on-screen bugs: every row state readable in every built-in theme, no stray scrollbar."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import ColorType
from rich.console import Console
from textual.app import App, ComposeResult
from textual.color import Color
from textual.strip import Strip
from textual.widgets import Input

import reader
from reader.model import Article, Block
from reader.render import article_renderable
from reader.widgets.contrast import MINIMUM, contrast, legible
from reader.widgets.headline_list import HeadlineList, second_line, split_title

ROWS = [
    Article(id=f"a{n}", title=f"Story number {n} about the harbour", section="WORLD", published=f"2025-01-{n + 1:02d}")
    for n in range(30)
]
THEMES = list(App().available_themes)


class Host(App[None]):
    """The headline list beside something else to focus, styled by the app's stylesheet."""

    CSS_PATH = str(Path(reader.__file__).with_name("reader.tcss"))

    def compose(self) -> ComposeResult:
        yield Input(id="other")
        yield HeadlineList(id="headlines")

    def on_mount(self) -> None:
        headlines = self.query_one(HeadlineList)
        headlines.is_read = {"a1", "a2"}.__contains__
        headlines.is_bookmarked = {"a1"}.__contains__
        headlines.current_id = "a0"
        headlines.set_rows(ROWS)
        headlines.focus()


def lines(headlines: HeadlineList, count: int) -> list[Strip]:
    return [headlines.render_line(y) for y in range(count)]


def poor_contrast(strips: list[Strip]) -> list[str]:
    """Every visible character drawn with less than the minimum contrast, described."""
    poor = []
    for y, strip in enumerate(strips):
        for segment in strip:
            text, style = segment.text, segment.style
            if not text.strip() or style is None or segment.control:
                continue
            assert style.color is not None and style.bgcolor is not None, f"line {y}: {text!r} has no colours"
            if ColorType.TRUECOLOR not in (style.color.type, style.bgcolor.type):
                continue  # the ANSI themes leave the colours to the terminal
            fg, bg = Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
            ratio = contrast(fg, bg)
            if ratio < MINIMUM:
                poor.append(f"line {y}: {text.strip()!r} {fg.hex} on {bg.hex} = {ratio:.2f}")
    return poor


@pytest.mark.parametrize("theme", THEMES)
async def test_every_row_state_is_readable_in_every_theme(theme: str) -> None:
    """Cursor (focused and not), the open story's bar, read and unread titles, the section · date lines."""
    app = Host()
    async with app.run_test(size=(70, 30)) as pilot:
        app.theme = theme
        headlines = app.query_one(HeadlineList)
        await pilot.pause()
        focused = lines(headlines, 8)  # row 0: cursor and current; rows 1, 2: read; row 3: unread
        assert poor_contrast(focused) == []
        app.query_one("#other", Input).focus()
        await pilot.pause()
        blurred = lines(headlines, 8)
        assert poor_contrast(blurred) == []
        assert blurred[0] != focused[0]  # the cursor row shows whether the list has focus
        await pilot.press("tab")
        await pilot.pause()
        headlines.cursor = 2  # a read row under the cursor
        await pilot.pause()
        assert poor_contrast(lines(headlines, 8)) == []


def test_legible_keeps_good_colours_and_mends_poor_ones() -> None:
    dark = Color.parse("#1e1e1e")
    assert legible(Color.parse("#e0e0e0"), dark) == Color.parse("#e0e0e0")
    mended = legible(Color.parse("#ffffff").with_alpha(0.6), Color.parse("#e8e8e8"))  # white 60% on light grey
    assert contrast(mended, Color.parse("#e8e8e8")) >= MINIMUM


async def test_no_horizontal_scrollbar_when_the_list_scrolls() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        headlines = app.query_one(HeadlineList)
        await pilot.pause()
        headlines.set_rows(ROWS[:2])  # a short list (no scrollbar) first, as after a filter
        await pilot.pause()
        headlines.set_rows(ROWS[:12])
        await pilot.pause()
        assert headlines.max_scroll_y > 0
        assert not headlines.show_horizontal_scrollbar
        assert headlines.max_scroll_x == 0
        last = headlines.scrollable_content_region.height - 1
        assert "▁" not in lines(headlines, last + 1)[last].text


def test_list_items_hang_and_a_blank_line_follows_the_list() -> None:
    """Article typography: wrapped list lines start under the text, not the bullet; the list ends with a gap."""
    article = Article(
        id="x",
        title="Market hours",
        body=(
            Block("list_item", "Hours: six in the evening until midnight, every night of the week"),
            Block("list_item", "Stalls: forty"),
            Block("paragraph", "The council hopes for good weather."),
        ),
    )
    console = Console(width=40, record=True, color_system=None)
    console.print(article_renderable(article))
    lines = console.export_text().splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("  • Hours"))
    assert lines[first + 1].startswith("    ") and lines[first + 1].strip()  # hanging under "Hours"
    stalls = next(n for n, line in enumerate(lines) if "Stalls" in line)
    assert lines[stalls + 1].strip() == "" and "council hopes" in lines[stalls + 2]


def test_a_long_title_takes_two_lines_and_the_meta_keeps_whole_parts() -> None:
    """Whole headlines: the title goes on over the second line; section, date and minutes are never cut mid-part."""
    title = "Port Elsen opens its first floating library on the Tallow River"
    first, rest = split_title(title, 40)
    assert first == "Port Elsen opens its first floating" and f"{first} {rest}" == title
    assert second_line(rest, "CULTURE · 2026-11-20 · 3 min", 40) == (rest, "  CULTURE")
    assert second_line(rest, "CULTURE · 2026-11-20 · 3 min", 60) == (rest, "  CULTURE · 2026-11-20 · 3 min")
    assert second_line(rest, "CULTURE · 2026-11-20 · 3 min", 20) == ("library on the…", "")
    assert second_line("", "CULTURE · 2026-11-20 · 3 min", 40) == ("", "CULTURE · 2026-11-20 · 3 min")


async def test_ansi_themes_keep_the_terminal_palette_and_dim_read_titles() -> None:
    app = Host()
    async with app.run_test(size=(70, 30)) as pilot:
        app.theme = "ansi-dark"
        await pilot.pause()
        read_title = next(s for s in lines(app.query_one(HeadlineList), 4)[2] if "Story number 1" in s.text)
        assert read_title.style is not None and read_title.style.dim
        assert read_title.style.color is not None and read_title.style.color.type != ColorType.TRUECOLOR
