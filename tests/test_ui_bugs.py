"""Bugs a new user saw on screen (issue 10), each through Pilot."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.geometry import Region

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library, load_library
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.breadcrumb import Breadcrumb, fit_trail, shorten
from reader.widgets.headline_list import HeadlineList
from tests.helpers.article import line_of
from tests.helpers.pilot import main, settle

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"
COBALT = "2026-11-22-cobalt-bay-tidal-power-plant-reaches-full-output"
HEAT = "2026-11-24-heatwave-warning-for-marrowick-s-southern-coast"


def crumb(app: ReaderApp) -> str:
    widget = app.screen.query_one(Breadcrumb)
    return widget.render_lines(Region(0, 0, widget.outer_size.width, 1))[0].text.strip()


async def test_clearing_the_filter_clears_the_header(library: Library, tmp_path: Path) -> None:
    """Issue 10 bug 3: Esc after a filter leaves no `"word": N` in the header."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"chess")
        await settle(pilot)
        assert "“chess”: 1" in app.sub_title
        await pilot.press("escape")
        await settle(pilot)
        assert (
            "chess" not in app.sub_title
            and app.sub_title
            == f"All stories · {len(library)} unread · ~{sum(a.read_minutes or 0 for a in library.articles)} min to read"
        )


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    """Issue 10 bug 6: never mid-word when a word break is near; always an ellipsis when cut."""
    assert shorten("Tram line to link Port Elsen and Cobalt Bay by 2028", 30) == "Tram line to link Port Elsen…"
    assert shorten("short", 30) == "short"
    assert shorten("Supercalifragilistic", 8) == "Superca…"
    dropped, shown = fit_trail(["First story here", "Second one", "Third", "Fourth", "The current story title"], 60)
    assert dropped and shown[-1] == "The current story title"
    assert sum(cell_len(t) for t in shown) + 3 * (len(shown) - 1) + 3 <= 60


async def test_breadcrumb_fits_its_width_and_is_redrawn_on_resize(library: Library, tmp_path: Path) -> None:
    """Issue 10 bug 6: at 80 columns the trail is cut at a word with an ellipsis; a resize redraws it."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for article_id in (TRAM, COBALT, HEAT):  # the trail to HEAT: Tram › Cobalt ›
            main(app).open_article(article_id)
            await settle(pilot)
        narrow = crumb(app)
        assert narrow.endswith("… ›") and narrow.count("›") == 2
        title = library.get(COBALT)
        assert title is not None
        last = narrow.split("› ")[-1].removesuffix(" ›").rstrip("…")
        assert title.title.startswith(last) and title.title[len(last)] == " "  # cut where a word ends
        await pilot.resize_terminal(200, 40)
        await settle(pilot)
        wide = crumb(app)
        assert wide.endswith(f"{title.title} ›") and wide != narrow


async def test_the_breadcrumb_leads_to_the_story_without_repeating_its_title(library: Library, tmp_path: Path) -> None:
    """Issue 10 papercut: the open story's title is its heading, not also the end of the breadcrumb; with no
    story before it, the breadcrumb names the list it was opened from."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        assert crumb(app) == ""  # no story open
        main(app).open_article(TRAM)
        await settle(pilot)
        assert crumb(app) == "All stories ›"
        main(app).open_article(COBALT)  # as following a Related link does
        await settle(pilot)
        assert crumb(app) == "Tram line to link Port Elsen and Cobalt Bay by 2028 ›"
        assert "tidal power" not in crumb(app)  # the open story (Cobalt Bay tidal power plant…)
        await pilot.press("3")  # the list changes: the trail stays what it was
        await settle(pilot)
        assert crumb(app) == "Tram line to link Port Elsen and Cobalt Bay by 2028 ›"
        await pilot.press("backspace")
        await settle(pilot)
        assert main(app).current == TRAM and crumb(app) == "Bookmarks ›"


async def test_next_link_scrolls_the_link_into_view(library: Library, tmp_path: Path) -> None:
    """Issue 10 bug 5: l selects a link below the fold and scrolls to it, so Enter follows what is seen."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 14)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        view.focus()
        assert view.scroll_y == 0
        await pilot.press("l")
        await settle(pilot)
        row = line_of(app, "Related: Cobalt Bay")
        assert row >= view.scrollable_content_region.height, "the link starts below the fold"
        assert view.scroll_y <= row < view.scroll_y + view.scrollable_content_region.height


async def test_bookmarks_view_follows_unbookmark_in_a_shell(library: Library, tmp_path: Path) -> None:
    """Issue 10 bug 8: `reader unbookmark` elsewhere removes the row from the open Bookmarks view."""
    state = tmp_path / "state.json"
    Store(state).set_bookmark(HEAT, title="Heatwave")
    app = ReaderApp(library, Store(state), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert [a.id for a in app.screen.query_one(HeadlineList).rows] == [HEAT]
        Store(state).set_bookmark(HEAT, False)
        main(app).poll_store()
        await settle(pilot)
        assert list(app.screen.query_one(HeadlineList).rows) == []


async def test_a_gone_bookmark_shows_its_title_in_the_breadcrumb(tmp_path: Path) -> None:
    """Issue 10 bug 8: a bookmark whose file is gone shows its remembered title, not its id."""
    page = tmp_path / "gone.txt"
    page.write_text("WORLD\n1 MIN READ\nA story that will vanish\nIts dek.\n\nBody.", encoding="utf-8")
    article = load_library([page]).articles[0]
    state = tmp_path / "state.json"
    Store(state).set_bookmark(article.id, title=article.title, section=article.section)
    page.unlink()
    (tmp_path / "other.txt").write_text("WORLD\n1 MIN READ\nAnother story\nIts dek.\n\nBody.", encoding="utf-8")
    app = ReaderApp(load_library([tmp_path]), Store(state), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("3", "enter", "1")  # the gone bookmark, then another story: the gone one is in the trail
        await settle(pilot)
        app.screen.query_one(HeadlineList).focus()
        await pilot.press("home", "enter")
        await settle(pilot)
        story = main(app).story
        assert story is not None and story.article.title == "Another story"
        assert "A story that will vanish" in crumb(app) and article.id not in crumb(app)
