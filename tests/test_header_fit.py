"""At 80 columns the header keeps what the list shows (the feed or filter and the counts) whole:
the reading time and the app's name go first, whole, instead of the end being cut with "…"."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_httpserver import HTTPServer
from rich.cells import cell_len
from textual.geometry import Region

from reader.app import ReaderApp
from reader.config import Config
from reader.feeds.refresh import refresh
from reader.library import load_library
from reader.paths import seeds_dir
from reader.store import Store
from reader.title_fit import Part, fit_title, shorten
from reader.widgets.title_header import SteadyTitle, TitleHeader
from tests import test_feeds_support as support
from tests.helpers.pilot import settle
from tests.test_app_feeds import make_app, two_feeds

_module_server = support._module_server
server = support.server


def header_line(app: ReaderApp) -> str:
    title = app.screen.query_one(TitleHeader).query_one(SteadyTitle)
    return title.render_lines(Region(0, 0, title.outer_size.width, 1))[0].text.strip()


def test_parts_go_least_useful_first_and_whole() -> None:
    parts = [Part("All stories"), Part("“tram”: 3"), Part("20 unread"), Part("~31 min to read", drop=1)]
    assert fit_title("reader", parts, 200) == ("reader", "All stories · “tram”: 3 · 20 unread · ~31 min to read")
    assert fit_title("reader", parts, 50) == ("reader", "All stories · “tram”: 3 · 20 unread")
    assert fit_title("reader", parts, 36) == ("", "All stories · “tram”: 3 · 20 unread")
    # what never goes stays whole even when it is too wide (the header then cuts the end)
    assert fit_title("reader", parts, 10) == ("", "All stories · “tram”: 3 · 20 unread")
    assert fit_title("reader", [Part("x", drop=1)], 10) == ("reader", "x")
    # then the parts that stay take their short forms, first to last, until the line fits
    long = [Part("All stories", short="All"), Part("Marrowick Gazette: 2 unread", short="Marrowick…: 2 unread")]
    assert fit_title("reader", long, 36) == ("", "All · Marrowick Gazette: 2 unread")
    assert fit_title("reader", long, 26) == ("", "All · Marrowick…: 2 unread")


def test_a_long_name_is_cut_at_a_word() -> None:
    assert shorten("Marrowick Gazette", 20) == "Marrowick Gazette"
    assert shorten("The Marrowick Gazette: World News", 20) == "The Marrowick…"
    assert shorten("Supercalifragilisticexpialidocious", 10) == "Supercali…"


async def test_at_80_columns_a_filter_and_its_counts_are_whole(tmp_path: Path) -> None:
    library = load_library(folders=[seeds_dir()])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"lighthouse")
        await settle(pilot)
        shown = header_line(app)
        assert "…" not in shown
        assert shown == f"reader — All stories · “lighthouse”: 2 · {len(library)} unread"
        assert "min to read" in app.sub_title  # the least useful part went, whole
        await pilot.press("escape")
        await settle(pilot)
        assert "min to read" in app.sub_title and "lighthouse" not in header_line(app)


async def test_at_80_columns_a_feed_s_name_and_counts_are_whole(server: HTTPServer, tmp_path: Path) -> None:
    two_feeds(server)
    await asyncio.to_thread(refresh)
    app = make_app(tmp_path / "state.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4", "enter")  # the Gazette
        await settle(pilot)
        await pilot.press("tab", "slash", *"harbour")
        await settle(pilot)
        shown = header_line(app)
        assert "…" not in shown
        # the reading time and the app's name went, and "All stories" said shorter
        assert shown == "All · Marrowick Gazette: 2 unread · “harbour”: 2 · 3 in all"
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert header_line(app).startswith("reader — ")  # room again: the app's name is back


def test_a_long_name_in_wide_characters_is_cut_to_its_cells() -> None:
    name = "日本経済新聞ニュース速報"  # 12 characters, 24 cells, no space to cut at
    short = shorten(name, 20)
    assert short.startswith("日本経済新聞") and short.endswith("…")
    assert cell_len(short) <= 20  # it was the whole name and an ellipsis: 25 cells, longer than the name
    assert cell_len(shorten("Ｗｉｄｅ " + name, 9)) <= 9
