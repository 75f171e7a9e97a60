"""The headline list on its own: cursor moves repaint only what changed, and kept rows never show stale state."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Input

import reader
from reader.model import Article
from reader.widgets.headline_list import HeadlineList

ROWS = [
    Article(id=f"a{n}", title=f"Story number {n}", section="WORLD", published=f"2025-01-{n + 1:02d}") for n in range(30)
]


class Host(App[None]):
    """Only the headline list (and something else to focus), styled by the app's stylesheet."""

    CSS_PATH = str(Path(reader.__file__).with_name("reader.tcss"))

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Input(id="other")
        yield HeadlineList(id="headlines")

    def on_mount(self) -> None:
        headlines = self.query_one(HeadlineList)
        headlines.is_read = self.read.__contains__
        headlines.is_bookmarked = self.marked.__contains__
        headlines.set_rows(ROWS)
        headlines.focus()


@contextlib.asynccontextmanager
async def running(
    app: Host | None = None, groups: list[tuple[int, str]] | None = None
) -> AsyncIterator[tuple[Pilot[None], HeadlineList]]:
    """Run ``app`` (a :class:`Host` by default), its rows in ``groups`` when given, until its list is drawn."""
    app = app or Host()
    async with app.run_test(size=(60, 30)) as pilot:
        headlines = app.query_one(HeadlineList)
        if groups is not None:
            headlines.set_rows(ROWS, groups=groups)
        await pilot.pause()
        yield pilot, headlines


def count_repaints(headlines: HeadlineList) -> list[int]:
    """The lines the list draws from now on, in order (a list that grows)."""
    drawn: list[int] = []
    real = headlines.render_line

    def counting(y: int) -> Strip:
        drawn.append(y)
        return real(y)

    headlines.render_line = counting  # type: ignore[method-assign]
    return drawn


def line(headlines: HeadlineList, y: int) -> Strip:
    return headlines.render_lines(Region(0, y, headlines.size.width, 1))[0]


def background(strip: Strip) -> object:
    """The background colour of a row's first cell (the rest of the row shares it)."""
    first = next(iter(strip))
    return (first.style or Style()).bgcolor


async def test_down_repaints_only_the_two_rows_it_changes() -> None:
    async with running() as (pilot, headlines):
        drawn = count_repaints(headlines)
        await pilot.press("down")
        await pilot.pause()
        assert headlines.cursor == 1
        assert sorted(set(drawn)) == [0, 1, 2, 3]  # the old cursor row and the new one, two lines each
        drawn.clear()
        await pilot.press("up", "down", "down")
        await pilot.pause()
        assert headlines.cursor == 2
        assert set(drawn) <= {0, 1, 2, 3, 4, 5}


async def test_the_cursor_row_alone_is_highlighted_after_moves() -> None:
    async with running() as (pilot, headlines):
        await pilot.press("down", "down")
        await pilot.pause()
        plain = background(line(headlines, 0))
        assert background(line(headlines, 4)) != plain  # row 2: title line
        assert background(line(headlines, 5)) != plain  # and its date line
        assert background(line(headlines, 2)) == plain  # the row the cursor left
        assert "Story number 2" in line(headlines, 4).text


async def test_a_row_shows_its_new_read_and_bookmark_state() -> None:
    app = Host()
    async with running(app) as (pilot, headlines):
        assert line(headlines, 2).text.startswith(" ● ")
        app.read.add("a1")
        app.marked.add("a1")
        headlines.refresh_article("a1")
        await pilot.pause()
        assert line(headlines, 2).text.startswith("   ★ Story number 1")


async def test_the_current_story_bar_moves_with_the_open_story() -> None:
    async with running() as (pilot, headlines):
        headlines.current_id = "a0"
        headlines.refresh_article("a0")
        await pilot.pause()
        assert line(headlines, 0).text.startswith("▌")
        headlines.current_id = "a3"
        headlines.refresh_article("a0")
        headlines.refresh_article("a3")
        await pilot.pause()
        assert not line(headlines, 0).text.startswith("▌")
        assert line(headlines, 6).text.startswith("▌")


async def test_focus_and_theme_changes_recolour_kept_rows() -> None:
    app = Host()
    async with running(app) as (pilot, headlines):
        focused = background(line(headlines, 0))
        app.query_one("#other", Input).focus()
        await pilot.pause()
        blurred = background(line(headlines, 0))
        assert blurred != focused  # the cursor row dims when the list loses focus
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert background(line(headlines, 0)) != blurred


async def test_new_rows_replace_kept_ones() -> None:
    async with running() as (pilot, headlines):
        assert "Story number 0" in line(headlines, 0).text
        renamed = [Article(id="a0", title="A new title for the same story", section="WORLD", published="2025-01-01")]
        headlines.set_rows(renamed)
        await pilot.pause()
        assert "A new title for the same story" in line(headlines, 0).text
        assert line(headlines, 2).text.strip() == ""


# -- group headers (sorted by section) ---------------------------------------------------------------

GROUPS = [(0, "WORLD · 3"), (3, "SPORT · 27")]


class Clicks(Host):
    """The host, remembering which headlines were opened."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def on_headline_list_selected(self, message: HeadlineList.Selected) -> None:
        self.opened.append(message.article_id)


async def test_group_headers_sit_above_their_rows_and_the_cursor_skips_them() -> None:
    async with running(groups=GROUPS) as (pilot, headlines):
        assert line(headlines, 0).text.startswith(" WORLD · 3 ─")
        assert "Story number 0" in line(headlines, 1).text
        assert line(headlines, 7).text.startswith(" SPORT · 27 ─")  # 1 header + 3 rows of 2 lines
        assert "Story number 3" in line(headlines, 8).text
        cursor_bg = background(line(headlines, 1))
        await pilot.press("down", "down", "down")  # over the SPORT header, onto the first story below it
        await pilot.pause()
        assert headlines.highlighted is ROWS[3]
        assert background(line(headlines, 8)) == cursor_bg and background(line(headlines, 7)) != cursor_bg
        await pilot.press("up")
        assert headlines.highlighted is ROWS[2]
        await pilot.press("end")
        await pilot.pause()
        assert headlines.highlighted is ROWS[-1]
        last = headlines.cursor_line - int(headlines.scroll_y)
        assert "Story number 29" in line(headlines, last).text
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        top = headlines.cursor_line - int(headlines.scroll_y)
        assert headlines.highlighted is not None and 0 <= top < headlines.size.height - 1
        assert f"Story number {headlines.cursor}" in line(headlines, top).text
        await pilot.press("pagedown")
        assert headlines.highlighted is not None
        await pilot.press("home")
        await pilot.pause()
        assert headlines.cursor == 0 and headlines.scroll_y == 0  # the first header shows too
        assert line(headlines, 0).text.startswith(" WORLD · 3")


async def test_a_click_on_a_header_opens_nothing_and_a_click_below_opens_that_story() -> None:
    app = Clicks()
    async with running(app, groups=GROUPS) as (pilot, headlines):
        await pilot.press("down")
        await pilot.click(HeadlineList, offset=(10, 7))  # the SPORT header
        await pilot.pause()
        assert app.opened == [] and headlines.cursor == 1
        await pilot.click(HeadlineList, offset=(10, 9))  # the second line of the story below it
        await pilot.pause()
        assert app.opened == ["a3"] and headlines.cursor == 3


async def test_down_over_a_header_repaints_only_the_two_rows_it_changes() -> None:
    async with running(groups=GROUPS) as (pilot, headlines):
        await pilot.press("down", "down")
        await pilot.pause()
        drawn = count_repaints(headlines)
        await pilot.press("down")
        await pilot.pause()
        assert headlines.cursor == 3
        assert sorted(set(drawn)) == [5, 6, 8, 9]  # row 2's lines and row 3's, not the header between


async def test_rows_without_groups_lose_their_headers() -> None:
    async with running(groups=GROUPS) as (pilot, headlines):
        headlines.set_rows(ROWS[:5])
        await pilot.pause()
        assert "Story number 0" in line(headlines, 0).text
        assert "Story number 4" in line(headlines, 8).text
        assert line(headlines, 10).text.strip() == ""
        assert headlines.virtual_size.height == 10
