"""Untrusted text in the interface: titles and sections are shown as text, never run as markup."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.command import CommandList
from textual.content import Content
from textual.fuzzy import Matcher
from textual.geometry import Region
from textual.widgets import Static

from reader.app import ReaderApp
from reader.commands import as_markup, highlight
from reader.config import Config
from reader.library import load_library
from reader.paths import seeds_dir
from reader.screens.problems import ProblemsScreen
from reader.store import Store
from reader.text import clean_line

PAGE = """{section}
2 MIN READ
{title}
A story whose title carries markup.
{title}
Tamsin HoltTamsin Holt
November 17, 2026

The island council voted nine to two on Tuesday.

SOURCE:Sample
"""


def hostile_library(folder: Path, victim: Path) -> list[str]:
    """Write three stories whose titles and sections try every markup form; return the titles."""
    titles = [
        f"Over [@click=app.screenshot('victim.txt','{victim.parent}')]CLICKME[/] here",
        "Over [@click=app.quit]QUITME[/] and [link=https://example.invalid]LINKME[/link] there",
        "Over [bold red]BOLD[/] [REVERSE]x[/REVERSE] [/] [on] :smile: [[double]] \\[escaped] end",
    ]
    for n, title in enumerate(titles):
        (folder / f"hostile-{n}.txt").write_text(PAGE.format(section="[REVERSE]SECX[/]", title=title))
    return titles


async def palette_lines(pilot, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the palette, type ``query``, wait for its hits; the lines it shows."""
    await pilot.press("ctrl+p", *query)
    command_list = pilot.app.screen.query_one(CommandList)
    for _ in range(200):  # the search runs in the background: wait for its hits, at most ~10 s
        await pilot.pause(0.05)
        if command_list.option_count >= 3:
            break
    await pilot.pause()
    region = Region(0, 0, command_list.size.width, command_list.size.height)
    return [strip.text for strip in command_list.render_lines(region)]


async def test_palette_shows_hostile_titles_literally_and_clicking_them_runs_nothing(tmp_path: Path) -> None:
    """Issue 7 item 1 (class: no external string is parsed as markup): the palette's hits."""
    folder = tmp_path / "library"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    titles = hostile_library(folder, victim)
    library = load_library(folders=[folder, seeds_dir()])
    assert {a.title for a in library.articles} >= set(titles), "the parser keeps the titles as written"
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config())
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        lines = await palette_lines(pilot, "over")
        shown = "\n".join(lines)
        for title in titles:
            assert title in shown, f"{title!r} not shown literally in {shown!r}"
        assert "[REVERSE]SECX[/]" in shown, shown
        # Click right on the words that were meant to be links or actions.
        command_list = app.screen.query_one(CommandList)
        for word in ("QUITME", "CLICKME", "LINKME"):
            for y, line in enumerate(lines):
                if word in line:
                    await pilot.click(command_list, offset=(line.index(word) + 2, y))
                    break
            await pilot.pause()
            assert app.is_running, f"clicking {word} quit the app"
            if app.screen.query(CommandList):
                continue
            lines = await palette_lines(pilot, "over")  # the click chose the story: open the palette again
    assert not victim.exists(), "a title ran app.screenshot"


async def test_problems_and_notifications_show_hostile_file_names_as_text(tmp_path: Path) -> None:
    """Issue 7 items 1 and 2: a file name with markup and escape sequences, on the problems screen."""
    folder = tmp_path / "library"
    folder.mkdir()
    name = "[@click=app.quit]Q \x1b]0;pwned\x07 \x1b[2J [bold]b.txt"
    (folder / name).write_bytes(b"")
    library = load_library(folders=[folder])
    assert library.problems, "an empty file is a problem"
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config())
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        shown = "\n".join(str(line.render()) for line in app.screen.query(".problem").results(Static))
        assert "[@click=app.quit]Q" in shown and "[bold]b.txt" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        for line in app.screen.query(".problem"):
            await pilot.click(line)
        assert app.is_running


MARKUP_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "[/]",
        "[b]",
        "[REVERSE]",
        "[@click=app.quit]",
        "[link=x]",
        "\\",
        "[[",
        "]]",
        ":smile:",
        "=",
        "'",
        "on",
        " ",
    ]
)


@given(
    st.lists(st.one_of(MARKUP_PIECES, st.text(max_size=5)), max_size=12).map("".join),
    st.text(min_size=1, max_size=4).filter(str.strip),
)
def test_palette_text_is_the_text_whatever_it_holds(text: str, query: str) -> None:
    """Issue 7 item 1, fuzzed: the palette's hit line and help line show any string exactly."""
    text = clean_line(text)  # what the palette is given: external text is cleaned first
    assert Content.from_markup(as_markup(text)).plain == text
    shown = highlight(Matcher(query), text)
    assert shown.plain == text
    assert not any(span.style for span in shown.spans if isinstance(span.style, str) and "@click" in span.style)
