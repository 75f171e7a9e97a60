"""Issue 10's papercuts through Pilot: keys a newsboat user expects, toasts, the footer, one pane when narrow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, load_library
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from reader.widgets.sources import Sources
from tests.helpers.article import screen_lines
from tests.helpers.pilot import main, settle

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"
NO_LINKS = "WORLD\n1 MIN READ\nA story with no links at all\nIts dek.\n\nOne paragraph and nothing to follow.\n"


async def open_tram(pilot: Pilot[Any]) -> ArticleView:
    await settle(pilot)
    main(pilot.app).open_article(TRAM)  # type: ignore[arg-type]
    await settle(pilot)
    view = pilot.app.screen.query_one(ArticleView)
    view.focus()
    await pilot.pause()
    return view


async def test_q_in_the_article_or_sidebar_goes_back_to_the_list(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_tram(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and app.screen.query_one(HeadlineList).has_focus
        app.screen.query_one(Sidebar).focus()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and app.screen.query_one(HeadlineList).has_focus


async def test_capital_q_quits_from_the_article(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_tram(pilot)
        await pilot.press("Q")
        await pilot.pause(0.2)
        assert not app.is_running


async def test_g_and_capital_g_in_the_article(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(100, 16)) as pilot:
        view = await open_tram(pilot)
        assert view.max_scroll_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_y == 0


async def test_enter_with_no_link_chosen_chooses_the_first(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_tram(pilot)
        assert view.selected is None
        await pilot.press("enter")
        await settle(pilot)
        assert view.selected == 0 and main(app).current == TRAM  # chosen, shown, not yet followed
        first = view.related[0].target
        await pilot.press("enter")
        await settle(pilot)
        assert first is not None and main(app).current == first


async def test_n_moves_down_the_list_when_the_links_are_all_read(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_tram(pilot)
        screen = main(app)
        targets = {link.target for link in (view.story.links if view.story else ()) if link.target}
        state = Store(tmp_path / "state.json")
        for target in targets:
            state.set_read(target)
        screen.poll_store()
        await settle(pilot)
        rows = screen.query_one(HeadlineList).rows
        here = next(n for n, a in enumerate(rows) if a.id == TRAM)
        expected = next(a.id for a in [*rows[here + 1 :], *rows[:here]] if a.id not in targets)
        await pilot.press("n")
        await settle(pilot)
        assert screen.current == expected


async def test_repeated_toasts_replace_each_other(tmp_path: Path) -> None:
    page = tmp_path / "plain.txt"
    page.write_text(NO_LINKS, encoding="utf-8")
    app = ReaderApp(load_library([page]), Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one(ArticleView).focus()
        for _ in range(5):
            await pilot.press("l")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["This story has no inline links"]


@pytest.mark.parametrize("pane", [HeadlineList, ArticleView, Sidebar, Sources])
async def test_the_footer_shows_help_whole_at_80_columns(library: Library, tmp_path: Path, pane: type[Any]) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tram(pilot)
        if pane is Sidebar:  # folded away at 80 columns: s shows and focuses it
            await pilot.press("s")
            await settle(pilot)
        elif pane is Sources:  # 4 shows the feeds in the sidebar's place and focuses them
            await pilot.press("4")
            await settle(pilot)
        else:
            app.screen.query_one(pane).focus()
        await pilot.pause()
        assert app.screen.query_one(pane).has_focus
        help_key = next(key for key in app.screen.query(FooterKey) if key.key == "question_mark")
        assert help_key.region.width > 0 and help_key.region.right <= 80
        others = [key for key in app.screen.query(FooterKey) if key is not help_key]
        assert not any(key.region.overlaps(help_key.region) for key in others)  # nothing drawn over it
        assert "Help" in help_key.render_line(0).text


async def test_one_pane_at_a_time_below_sixty_columns(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(50, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        headlines, view = screen.query_one(HeadlineList), screen.query_one(ArticleView)
        assert headlines.region.width >= 45 and view.region.width == 0  # the list alone, full width
        await pilot.press("enter")
        await settle(pilot)
        assert view.has_focus and view.region.width >= 45 and headlines.region.width == 0
        await pilot.press("s")
        await settle(pilot)
        sidebar = screen.query_one(Sidebar)
        assert sidebar.has_focus and sidebar.region.width >= 45 and view.region.width == 0
        await pilot.press("escape")
        await settle(pilot)
        assert view.has_focus and view.region.width >= 45
        await pilot.press("escape")
        await settle(pilot)
        assert headlines.has_focus and headlines.region.width >= 45 and view.region.width == 0


async def test_the_list_widens_when_the_sidebar_is_put_away(library: Library, tmp_path: Path) -> None:
    """Whole titles: with the sidebar hidden the list takes the room, and a long title fits its two lines."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_tram(pilot)
        headlines = app.screen.query_one(HeadlineList)
        before = headlines.region.width
        await pilot.press("s")
        await settle(pilot)
        assert not app.screen.query_one(Sidebar).display and headlines.region.width > before
        lines = [headlines.render_line(y) for y in range(2 * len(headlines.rows))]
        text = " ".join(" ".join(strip.text.split()) for strip in lines)
        for article in headlines.rows:
            assert article.title in text


async def test_the_article_keeps_a_comfortable_measure_centred(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(240, 50)) as pilot:
        view = await open_tram(pilot)
        content = view.scrollable_content_region
        rule = next(line for line in screen_lines(app) if "────" in line)  # the rule under the byline spans the text
        start, end = rule.index("─"), rule.rindex("─") + 1
        assert end - start == 80 < content.width
        left = view.region.x + start - content.x
        right = content.right - (view.region.x + end)
        assert abs(left - right) <= 1


async def test_the_focused_pane_is_marked_and_only_it(library: Library, tmp_path: Path) -> None:
    """An accent edge on the focused pane, a quiet one on the others."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_tram(pilot)
        screen = main(app)
        left, sidebar = screen.query_one("#left"), screen.query_one(Sidebar)
        accent = app.theme_variables["accent"].lower()

        def marked() -> list[str]:
            edges = {
                "list": left.styles.border_top[1].hex.lower(),
                "article": view.styles.border_left[1].hex.lower() if view.styles.border_left[0] != "blank" else "",
                "sidebar": sidebar.styles.border_top[1].hex.lower(),
            }
            return [pane for pane, colour in edges.items() if colour.startswith(accent)]

        assert marked() == ["article"]
        sidebar.focus()
        await pilot.pause()
        assert marked() == ["sidebar"]
        screen.query_one(HeadlineList).focus()
        await pilot.pause()
        assert marked() == ["list"]
