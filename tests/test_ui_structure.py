"""The interface's wiring: injected dependencies, messages up to the app, nothing lost on the way."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from reader.app import ReaderApp
from reader.config import Config
from reader.library import load_library
from reader.paths import seeds_dir
from reader.screens.loading import LoadingScreen
from reader.store import Store
from tests.helpers.pilot import exit_messages, settle


async def test_hiding_the_sidebar_is_remembered_for_the_next_run(tmp_path: Path) -> None:
    """A settings change goes up to the app as a message, and the app saves it."""
    library = load_library(folders=[seeds_dir()])
    config_path = tmp_path / "config.json"
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config.load(config_path), config_path=config_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
    assert Config.load(config_path).show_sidebar is False


async def test_a_loader_that_fails_ends_the_app_with_a_clear_message_and_status_1() -> None:
    """A library that cannot be loaded at all: one line for the user, exit status 1, no traceback."""

    def load() -> tuple[Any, Any]:
        raise OSError("permission denied: /data/articles")

    app = ReaderApp(loader=load)
    messages = exit_messages(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 1
    assert messages == ["reader: cannot load the library: permission denied: /data/articles"]


async def test_q_quits_while_the_library_is_still_loading(tmp_path: Path) -> None:
    """Quitting never waits for the loader."""
    release = threading.Event()

    def load() -> tuple[Any, Any]:
        release.wait(30)
        return load_library(folders=[seeds_dir()]), Store(tmp_path / "state.json")

    app = ReaderApp(loader=load)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LoadingScreen)
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
    finally:
        release.set()
    assert app.return_code == 0


async def test_ctrl_c_quits_like_q(tmp_path: Path) -> None:
    """Issue 7 item 4: Ctrl+C is a way out too."""
    app = ReaderApp(load_library(folders=[seeds_dir()]), Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
