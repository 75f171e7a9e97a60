"""Group headers in the headline list sorted by section (issue 10's leftover), through Pilot: a header per
section, skipped by the cursor, and the cursor kept on its story through filter, scope, reload and mark-all."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.geometry import Region

from reader.app import ReaderApp
from reader.config import Config
from reader.feeds.subscriptions import Feed, FeedStatus
from reader.library import Library, load_library
from reader.paths import seeds_dir
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import main, settle
from tests.test_reload import NEW_TITLE, write_new_story


def make_app(library: Library, tmp_path: Path, **kwargs: object) -> ReaderApp:
    return ReaderApp(library, Store(tmp_path / "state.json"), Config(sort="section"), poll_interval=0, **kwargs)  # type: ignore[arg-type]


def screen_lines(headlines: HeadlineList) -> list[str]:
    """The list's lines as the user sees them now."""
    return [strip.text for strip in headlines.render_lines(Region(0, 0, headlines.size.width, headlines.size.height))]


def headers(headlines: HeadlineList) -> list[str]:
    """Every header line of the whole list (scrolled through), as shown."""
    shown = []
    for line in range(headlines.virtual_size.height):
        where = headlines.at_line(line)
        if isinstance(where, int):
            shown.append(headlines._header(where, headlines.size.width).text.rstrip("─ "))
    return [text.strip() for text in shown]


def expected_headers(rows: list[str], library: Library) -> list[str]:
    counts: dict[str, int] = {}
    for article_id in rows:
        article = library.get(article_id)
        assert article is not None
        counts[article.section or "No section"] = counts.get(article.section or "No section", 0) + 1
    return [f"{name} · {count}" for name, count in counts.items()]


async def test_sorted_by_section_each_section_has_a_header_and_down_visits_every_story(
    library: Library, tmp_path: Path
) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        ids = [a.id for a in headlines.rows]
        assert headers(headlines) == expected_headers(ids, library)
        assert screen_lines(headlines)[0].startswith(" CULTURE · 2 ─")
        visited = [headlines.highlighted.id if headlines.highlighted else None]
        for _ in range(len(ids) - 1):
            await pilot.press("down")
            visited.append(headlines.highlighted.id if headlines.highlighted else None)
        assert visited == ids  # one story per press, none skipped, never a header
        await pilot.pause()
        cursor_line = headlines.cursor_line - int(headlines.scroll_y)
        assert 0 <= cursor_line < headlines.size.height  # the last story is scrolled into view
        last = library.get(ids[-1])
        assert last is not None and last.title[:15] in screen_lines(headlines)[cursor_line]
        await pilot.press("S")  # newest first again: no headers
        await settle(pilot)
        assert headers(headlines) == [] and headlines.content_lines == 2 * len(ids)


async def test_a_filter_keeps_the_headers_of_what_matches_and_the_cursor_on_its_story(
    library: Library, tmp_path: Path
) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        await pilot.press("/", *"port elsen", "enter")
        await settle(pilot)
        matched = [a.id for a in headlines.rows]
        assert 0 < len(matched) < len(library.articles)
        assert headers(headlines) == expected_headers(matched, library)
        await pilot.press("down")
        kept = headlines.highlighted
        await pilot.press("escape")  # all the stories again, the cursor still on the same one
        await settle(pilot)
        assert headlines.highlighted == kept and len(headlines.rows) == len(library.articles)
        assert headers(headlines) == expected_headers([a.id for a in headlines.rows], library)


async def test_scoping_to_a_source_groups_its_stories_only(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        headlines = screen.query_one(HeadlineList)
        some = [a.id for a in library.articles if a.section in ("SCIENCE", "WORLD")]
        feed = Feed(id="gazette", url="https://example.org/feed.xml", title="Gazette")
        screen.feed_statuses = {"gazette": FeedStatus(feed, items=len(some), unread=len(some), story_ids=tuple(some))}
        screen.scope = "gazette"
        await settle(pilot)
        assert sorted(a.id for a in headlines.rows) == sorted(some)
        assert headers(headlines) == expected_headers([a.id for a in headlines.rows], library)
        await pilot.press("down")
        kept = headlines.highlighted
        screen.scope = None
        await settle(pilot)
        assert headlines.highlighted == kept and len(headlines.rows) == len(library.articles)


async def test_a_reload_keeps_the_story_on_its_screen_line_with_headers_above(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    shutil.copytree(seeds_dir(), folder)
    load = lambda: load_library([folder])  # noqa: E731
    app = make_app(load(), tmp_path, reloader=load, reload_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        await pilot.press("end", "up")
        await settle(pilot)
        kept = headlines.highlighted
        line = headlines.cursor_line - headlines.scroll_y
        assert kept is not None and headlines.scroll_y > 0
        write_new_story(folder)  # a new story in a section above the cursor: its group grows by a row
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert NEW_TITLE in [a.title for a in headlines.rows]
        assert headlines.highlighted == kept
        assert headlines.cursor_line - headlines.scroll_y == line
        assert kept.title[:15] in screen_lines(headlines)[int(line)]


async def test_mark_all_read_keeps_the_groups_and_the_cursor_and_undo_too(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        await pilot.press("2", "down", "down")
        await settle(pilot)
        kept = headlines.highlighted
        before = headers(headlines)
        assert before == expected_headers([a.id for a in headlines.rows], library)
        await pilot.press("A")  # the rows stay (shown read) until the view is shown again
        await settle(pilot)
        assert headers(headlines) == before and headlines.highlighted == kept
        await pilot.press("1", "2")  # unread again: nothing left, no header left behind
        await settle(pilot)
        assert list(headlines.rows) == [] and headers(headlines) == []
        assert "No unread stories" in "\n".join(screen_lines(headlines))
        await pilot.press("u", "1", "2")  # unread again after undo: every story and header is back
        await settle(pilot)
        assert headers(headlines) == before
