"""The problems screen: each problem as what it is about over what went wrong, spaced, and "Esc closes" in view."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.screens.problems import ProblemsScreen, entry, where_and_why
from reader.store import Store
from tests.helpers.pilot import settle

LONG = "/srv/news/marrowick-gazette/2026-11-28-a-very-long-story-file-name-that-goes-on-past-the-edge.txt"


def test_a_problem_is_split_into_what_and_why_and_nothing_is_dropped() -> None:
    assert where_and_why("feed Elsen Herald: HTTP 404 Not Found", "/home/ada") == (
        "feed Elsen Herald",
        "HTTP 404 Not Found",
    )
    assert where_and_why("/home/ada/News/x.txt: not text: binary", "/home/ada") == ("~/News/x.txt", "not text: binary")
    assert where_and_why("/home/adam/x.txt: gone", "/home/ada") == ("/home/adam/x.txt", "gone")  # not ada's home
    assert where_and_why("search index unavailable", "/home/ada") == ("search index unavailable", "")
    assert where_and_why("x\x1b[2J: [bold]why[/]", "/") == ("x", "[bold]why[/]")  # escapes removed, markup kept as text


async def test_many_problems_scroll_and_esc_closes_stays_in_view(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.runtime_problems.extend(
            [f"{LONG}{n}: not an article page (a single 5,000-character line)" for n in range(15)]
        )
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        hint = app.screen.query_one("#problems-hint", Static)
        assert (
            hint.region.y > 0
            and hint.region.bottom <= 24
            and "Esc closes" in hint.render_lines(Region(0, 0, 40, 1))[0].text
        )
        first = app.screen.query(".problem").first(Static)
        bullet = app.screen.query(".problem-bullet").first(Static)
        assert bullet.region.y == first.region.y and bullet.region.right <= first.region.x  # wrapped lines hang
        lines = [s.text.rstrip() for s in first.render_lines(Region(0, 0, first.size.width, first.size.height))]
        assert lines[0].startswith("/srv/news/") and len(lines) >= 3  # the long path folds, the reason under it
        assert lines[-1] == "not an article page (a single 5,000-character line)"
        assert "".join(lines[:-1]) == f"{LONG}0"  # the whole path, nothing cut
        second = app.screen.query(".problem")[1]
        assert second.region.y >= first.region.bottom + 1  # a blank line between problems


async def test_a_file_name_holding_a_colon_stays_whole_over_its_reason(tmp_path: Path) -> None:
    """Problems screen: a file's name with ": " in it is not split there (review finding)."""
    from reader.library import load_library

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "notes: draft.txt").write_bytes(b"")
    library = load_library([folder])
    assert [p.reason for p in library.problems]
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        shown = entry(app.screen.problems[0]).plain  # what the first problem's text holds (it may wrap)
        assert shown == f"{folder / 'notes: draft.txt'}\n{library.problems[0].reason}"
