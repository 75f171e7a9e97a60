"""Empty states say what to do: the key that brings the headlines back, a feed command kept whole."""

from __future__ import annotations

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.widgets.filter_box import FilterBox
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sources import Sources
from tests.helpers.pilot import main, settle, started


def shown(headlines: HeadlineList, lines: int = 4) -> list[str]:
    """The first ``lines`` lines the headline list draws, stripped."""
    return [headlines.render_line(y).text.strip() for y in range(lines)]


async def test_a_filter_matching_nothing_says_which_key_clears_it(library: Library) -> None:
    """It said "Nothing matches “zqxw”" and nothing more: the way back was not on screen at 80 x 24."""
    app = ReaderApp(library, Store(None), Config(), poll_interval=0)
    async with started(app, (80, 24)) as pilot:
        await pilot.press("slash", "z", "q", "x", "w")
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        assert shown(headlines)[1:3] == ["Nothing matches “zqxw”", "esc clears the filter"]
        await pilot.press("escape")  # what the hint says: the filter is cleared, the headlines are back
        await settle(pilot)
        assert len(headlines.rows) == len(library.articles)
        assert "esc clears the filter" not in shown(headlines)


async def test_an_empty_unread_view_names_the_key_of_every_story_the_users_own(library: Library) -> None:
    store = Store(None)
    for article in library.articles:
        store.set_read(article.id)
    app = ReaderApp(library, store, Config(keymap={"main.view_all": "0"}), poll_interval=0)
    async with started(app, (120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        headlines = main(app).query_one(HeadlineList)
        assert shown(headlines)[1:3] == ["No unread stories", "0 shows every story"]
        await pilot.press("0")
        await settle(pilot)
        assert len(headlines.rows) == len(library.articles)


async def test_the_sources_hint_keeps_the_feed_command_on_one_line(library: Library) -> None:
    """At 120 x 40 it wrapped as "No feeds yet: `reader feeds" / "add URL` subscribes": the command cut in two."""
    app = ReaderApp(library, Store(None), Config(), poll_interval=0)
    async with started(app, (120, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        sources = main(app).query_one(Sources)
        lines = [sources.render_line(y).text.strip() for y in range(2)]
        assert lines[0] == "No feeds yet:"
        assert lines[1].startswith("`reader feeds add URL`")


async def test_the_empty_filter_box_shows_its_whole_placeholder_at_80x24(library: Library) -> None:
    """It showed "Filter: words in title or": the end of the sentence (what is filtered) cut off."""
    app = ReaderApp(library, Store(None), Config(), poll_interval=0)
    async with started(app, (80, 24)) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        box = main(app).query_one(FilterBox)
        region = box.region
        screen = app.screen._compositor.render_strips()  # what the terminal shows, the box's rows
        drawn = " ".join(screen[y].crop(region.x, region.right).text for y in range(region.y, region.bottom))
        assert box.placeholder and box.placeholder in drawn
