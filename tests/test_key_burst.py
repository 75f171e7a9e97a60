"""Keys typed in one burst (a fast typist, a paste, tmux send-keys) after a key that moves the focus
go where the focus went: "/harb" filters by "harb"."""

from __future__ import annotations

from pathlib import Path

from textual import events

from reader.app import ReaderApp
from reader.config import Config
from reader.library import load_library
from reader.paths import seeds_dir
from reader.store import Store
from reader.widgets.filter_box import FilterBox
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import main, settle, started


def burst(app: ReaderApp, text: str) -> None:
    """Post every key of ``text`` to the app at once, as the terminal driver does for one read."""
    for character in text:
        app.post_message(events.Key("slash" if character == "/" else character, character))


async def test_letters_typed_right_after_slash_reach_the_filter(tmp_path: Path) -> None:
    library = load_library(folders=[seeds_dir()])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(refresh_minutes=0))
    async with started(app, (80, 24)) as pilot:
        burst(app, "/harb")
        await settle(pilot)

        box = main(app).query_one(FilterBox)
        assert box.has_focus and box.value == "harb"
        assert "“harb”" in main(app).subtitle
        shown = main(app).query_one(HeadlineList).rows
        assert 0 < len(shown) < len(library.articles)  # the list is filtered


async def test_keys_after_the_focus_moves_do_not_act_on_the_list(tmp_path: Path) -> None:
    """'m' typed in the burst goes into the filter as a letter: it marks no story read."""
    library, store = load_library(folders=[seeds_dir()]), Store(tmp_path / "state.json")
    app = ReaderApp(library, store, Config(refresh_minutes=0))
    async with started(app, (80, 24)) as pilot:
        before = sum(store.is_read(a.id) for a in library.articles)
        burst(app, "/mm")
        await settle(pilot)

        assert main(app).query_one(FilterBox).value == "mm"
        assert sum(store.is_read(a.id) for a in library.articles) == before
