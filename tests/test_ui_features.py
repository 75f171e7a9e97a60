"""Expected features of issue 10, through Pilot: find in the story, sort and section, keymap, header, help."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static

from reader.app import ReaderApp
from reader.config import Config
from reader.find import MATCH
from reader.library import Library
from reader.screens.help import HelpScreen
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.find_bar import FindBar
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import main, settle, started

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"
CAVES = "2026-11-19-scientists-map-the-singing-caves-of-the-veldan-highlands"


def make_app(library: Library, tmp_path: Path, config: Config | None = None) -> ReaderApp:
    return ReaderApp(
        library,
        Store(tmp_path / "state.json"),
        config or Config(),
        config_path=tmp_path / "config.json",
        poll_interval=0,
    )


def drawn(widget: Widget) -> str:
    """The text a widget draws."""
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def count_text(app: ReaderApp) -> str:
    return str(app.screen.query_one("#find-count", Static).render()).strip()


def match_lines(app: ReaderApp) -> dict[int, int]:
    """Match number → the line of the article body it is drawn on."""
    found: dict[int, int] = {}
    for y, strip in enumerate(app.screen.query_one(ArticleView).lines):
        for segment in strip:
            number = segment.style.meta.get(MATCH) if segment.style else None
            if isinstance(number, int):
                found.setdefault(number, y)
    return found


@contextlib.asynccontextmanager
async def tram_open(library: Library, tmp_path: Path) -> AsyncIterator[tuple[ReaderApp, Pilot[None]]]:
    """The app over ``library`` with the tram story open: the app and its pilot."""
    app = make_app(library, tmp_path)
    async with started(app) as pilot:
        await open_story(pilot, TRAM)
        yield app, pilot


async def open_story(pilot: Pilot[Any], article_id: str) -> None:
    main(pilot.app).open_article(article_id)  # type: ignore[arg-type]
    await settle(pilot)
    pilot.app.screen.query_one(ArticleView).focus()
    await pilot.pause()


# -- 1. find in the open story -----------------------------------------------------------------


async def test_find_highlights_counts_and_steps_through_matches(library: Library, tmp_path: Path) -> None:
    """`/` in the article opens the find bar; matches are marked and counted; Enter/Shift+Enter and n/N step."""
    async with tram_open(library, tmp_path) as (app, pilot):
        await pilot.press("slash", *"PORT")  # case-insensitive
        await settle(pilot)
        assert app.screen.query_one(FindBar).display
        assert isinstance(app.focused, Input) and app.focused.id == "find-input"
        lines = match_lines(app)
        total = len(lines)
        assert total >= 2
        assert count_text(app) == f"1 of {total}"
        await pilot.press("enter")
        await settle(pilot)
        assert count_text(app) == f"2 of {total}"
        await pilot.press("shift+enter", "shift+enter")
        await settle(pilot)
        assert count_text(app) == f"{total} of {total}"  # wraps round
        app.screen.query_one(ArticleView).focus()
        await pilot.press("n")
        await settle(pilot)
        assert count_text(app) == f"1 of {total}"
        await pilot.press("N")
        await settle(pilot)
        assert count_text(app) == f"{total} of {total}"
        assert main(app).unread == 10  # n was the find's, not "next unread linked story"


async def test_slash_in_the_list_stays_the_filter_and_ctrl_f_finds_from_anywhere(
    library: Library, tmp_path: Path
) -> None:
    async with tram_open(library, tmp_path) as (app, pilot):
        app.screen.query_one(HeadlineList).focus()
        await pilot.press("slash")
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).has_focus
        assert not any(bar.display for bar in app.screen.query(FindBar))  # no find bar shown (none made yet)
        await pilot.press("escape", "ctrl+f", *"cobalt")
        await settle(pilot)
        assert app.screen.query_one(FindBar).display and count_text(app).startswith("1 of ")


async def test_escape_closes_the_find_and_clears_the_highlights(library: Library, tmp_path: Path) -> None:
    async with tram_open(library, tmp_path) as (app, pilot):
        await pilot.press("ctrl+f", *"tram")
        await settle(pilot)
        assert match_lines(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.query_one(FindBar).display
        assert match_lines(app) == {}
        assert app.focused is app.screen.query_one(ArticleView)


async def test_find_text_is_literal_never_a_pattern_or_markup(library: Library, tmp_path: Path) -> None:
    async with tram_open(library, tmp_path) as (app, pilot):
        await pilot.press("slash", *"[b].*")
        await settle(pilot)
        assert count_text(app) == "no matches"
        assert match_lines(app) == {}
        await pilot.press(*["backspace"] * 5, *"tram line")  # a space is part of the words
        await settle(pilot)
        assert count_text(app).endswith(f"of {len(match_lines(app))}")


async def test_the_current_match_is_scrolled_into_view(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with started(app, (80, 24)) as pilot:
        await open_story(pilot, CAVES)
        await pilot.press("slash", *"the")
        await settle(pilot)
        await pilot.press("shift+enter")  # the last match, far down the story
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        lines = match_lines(app)
        last = max(lines)
        assert count_text(app) == f"{last + 1} of {last + 1}"
        line = lines[last]
        assert view.scroll_y > 0
        assert view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height


# -- 2. sort and section ---------------------------------------------------------------------


def rows(app: ReaderApp) -> list[str]:
    return [a.id for a in app.screen.query_one(HeadlineList).rows]


async def test_sort_cycles_and_is_remembered(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with started(app) as pilot:
        newest = rows(app)
        await pilot.press("S")
        await settle(pilot)
        assert rows(app) == newest[::-1]
        assert json.loads((tmp_path / "config.json").read_text())["sort"] == "oldest"
        await pilot.press("S")
        await settle(pilot)
        shown = [library.get(i) for i in rows(app)]
        keys = [((a.section or "").casefold(), newest.index(a.id)) for a in shown if a]
        assert keys == sorted(keys)  # by section, then newest first
        assert json.loads((tmp_path / "config.json").read_text())["sort"] == "section"
    again = make_app(library, tmp_path, Config.load(tmp_path / "config.json"))
    async with started(again) as pilot:
        assert [library.get(i).section for i in rows(again)][:2] == ["CULTURE", "CULTURE"]  # type: ignore[union-attr]


async def test_two_quick_settings_changes_are_saved_in_order(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving config.json runs in a worker thread: a first save held back must not land after the second (the
    older sort would win at the next start)."""
    held, release = threading.Event(), threading.Event()
    real_replace = os.replace

    def slow_replace(source: Any, target: Any) -> None:
        if Path(target).name == "config.json" and not held.is_set():
            held.set()  # the first save has written its temporary file and waits to move it in place
            release.wait(5)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", slow_replace)
    app = make_app(library, tmp_path)
    async with started(app) as pilot:
        await pilot.press("S")  # oldest first: its save is held
        for _ in range(200):
            if held.is_set():
                break
            await pilot.pause(0.01)
        assert held.is_set()
        await pilot.press("S")  # by section: the last change
        for _ in range(50):  # let the second save run as far as it can while the first is held
            await pilot.pause(0.01)
        release.set()
        await settle(pilot)
        assert app.config.sort == "section"
        assert json.loads((tmp_path / "config.json").read_text())["sort"] == "section"
    assert Config.load(tmp_path / "config.json").sort == "section"


async def test_section_from_the_palette(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with started(app) as pilot:
        await pilot.press("ctrl+p", *"Section: science")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
        sections = {library.get(i).section for i in rows(app)}  # type: ignore[union-attr]
        assert sections == {"SCIENCE"} and len(rows(app)) == 2
        assert "SCIENCE" in app.sub_title
        assert json.loads((tmp_path / "config.json").read_text())["section"] == "SCIENCE"
        main(app).set_section("")
        await settle(pilot)
        assert len(rows(app)) == len(library.articles)


async def test_a_remembered_section_no_longer_in_the_library_is_dropped(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path, Config(section="GONE"))
    async with started(app):
        assert len(rows(app)) == len(library.articles)


# -- 3. user key bindings ---------------------------------------------------------------------


async def test_keymap_remaps_and_reports_bad_entries(library: Library, tmp_path: Path) -> None:
    keymap: dict[str, object] = {"main.sort": "O", "app.quit": 5, "no.such": "x", "main.filter": "Ctrl F"}
    app = make_app(library, tmp_path, Config(keymap=keymap))
    async with started(app) as pilot:
        newest = rows(app)
        await pilot.press("O")
        await settle(pilot)
        assert rows(app) == newest[::-1]
        await pilot.press("S")  # no longer the sort key
        await settle(pilot)
        assert rows(app) == newest[::-1]
        assert len(app.runtime_problems) == 3
        assert any("'no.such' is not a binding id" in p for p in app.runtime_problems)
        assert any("'Ctrl F' is not a key name" in p for p in app.runtime_problems)
        await pilot.press("slash")  # the bad entry left the filter key as it was
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).has_focus
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        sort_line = next(
            line for group in app.screen.query(".help-group") for line in drawn(group).splitlines() if "Sort" in line
        )
        assert sort_line.split() == ["O", "Sort"]
    assert json.loads(json.dumps(app.config.keymap)) == keymap  # the user's file is kept as written


async def test_a_keymap_entry_taking_a_used_key_is_refused(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path, Config(keymap={"main.sort": "m"}))
    async with started(app) as pilot:
        newest = rows(app)
        await pilot.press("m")  # still "mark read", not "sort"
        await settle(pilot)
        assert rows(app) == newest and main(app).unread == len(library) - 1
        assert app.runtime_problems == ["config.json keymap: 'main.sort': 'm' is already the key of 'main.toggle_read'"]


# -- 4. header -----------------------------------------------------------------------------------


async def test_header_counts_minutes_to_read_the_unread(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    total = sum(a.read_minutes or 0 for a in library.articles)
    async with started(app) as pilot:
        assert app.sub_title.endswith(f"11 unread · ~{total} min to read")
        await open_story(pilot, TRAM)  # 3 minutes, now read
        assert app.sub_title.endswith(f"10 unread · ~{total - 3} min to read")
        await pilot.press("m")  # unread again
        await settle(pilot)
        assert app.sub_title.endswith(f"11 unread · ~{total} min to read")
        main(app).poll_store()  # counted again from scratch: the same
        await settle(pilot)
        assert app.sub_title.endswith(f"11 unread · ~{total} min to read")


# -- 5. help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_help_shows_esc_without_scrolling(library: Library, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(library, tmp_path)
    async with started(app, size) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        hint = app.screen.query_one("#help-hint", Static)
        assert "Esc closes" in str(hint.render())
        assert hint.region.height == 1 and app.screen.region.contains_region(hint.region)
        titles = [drawn(group).split("\n")[0].strip() for group in app.screen.query(".help-group")]
        assert titles[:2] == ["Everywhere", "Find in the story"] and titles[2].startswith("ctrl+p")
        assert titles[3:] == ["Headline list", "Article", "Sidebar", "Sources"]  # the panes' column
        if size == (120, 40):  # every key in sight at once, the screen's beside the panes'
            assert app.screen.query_one("#help-keys").max_scroll_y == 0


async def test_palette_has_one_help_entry(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with started(app) as pilot:
        await pilot.press("ctrl+p", *"keys")
        await settle(pilot)
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
        names = [str(o.prompt).splitlines()[0] for o in options]
        assert sum("keys" in n.casefold() for n in names) == 1, names
