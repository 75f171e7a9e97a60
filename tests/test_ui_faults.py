"""Faults the interface must survive (issue 7): stuck workers, a damaged state file, fast keys, big files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.model import Article
from reader.screens.problems import ProblemsScreen
from reader.store import Store, StoreError
from reader.widgets.headline_list import HeadlineList
from tests.helpers.article import screen_lines, story_text
from tests.helpers.pilot import exit_messages, main, settle

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"
HEAT = "2026-11-24-heatwave-warning-for-marrowick-s-southern-coast"


def gate_store(store: Store, method: str) -> threading.Event:
    """Make ``store.<method>`` wait until the returned event is set (a slow disk, a busy lock)."""
    gate = threading.Event()
    real = getattr(store, method)

    def slow(*args: Any, **kwargs: Any) -> Any:
        gate.wait(30)
        return real(*args, **kwargs)

    setattr(store, method, slow)
    return gate


def unread_in_store(library: Library, state: Path) -> int:
    saved = Store(state)
    return sum(1 for article in library.articles if not saved.is_read(article.id))


@pytest.mark.parametrize("presses", [2, 3, 6])
async def test_every_m_press_is_one_change_and_the_count_matches_the_store(
    library: Library, tmp_path: Path, presses: int
) -> None:
    """Issue 7 item 11 (class: rapid toggles are lost): keys arrive faster than saves finish."""
    state = tmp_path / "state.json"
    store = Store(state)
    gate = gate_store(store, "set_read")
    app = ReaderApp(library, store, Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press(*["m"] * presses)  # every save is still waiting when the next key comes
        gate.set()
        await settle(pilot)
        assert store.is_read(TRAM) == (presses % 2 == 1)
        assert f"· {unread_in_store(library, state)} unread" in app.sub_title


async def test_every_b_press_is_one_change(library: Library, tmp_path: Path) -> None:
    """Issue 7 item 11: ``b b b`` sent together bookmarks, unbookmarks, bookmarks."""
    state = tmp_path / "state.json"
    store = Store(state)
    gate = gate_store(store, "set_bookmark")
    app = ReaderApp(library, store, Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("down", "b", "b", "b")
        gate.set()
        await settle(pilot)
        assert Store(state).is_bookmarked(HEAT)


async def test_quit_with_a_save_stuck_exits_and_names_the_change(library: Library, tmp_path: Path) -> None:
    """Issue 7 item 4 (class: quitting always exits): a save blocked on the state file."""
    store = Store(tmp_path / "state.json")
    gate = gate_store(store, "set_read")
    app = ReaderApp(library, store, Config(), poll_interval=0, save_wait=0.2)
    messages = exit_messages(app)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("m", "q")
            await pilot.pause()
            assert not app.is_running
    finally:
        gate.set()
    assert app.return_code == 1
    message = " ".join(messages)
    assert "Tram line to link Port Elsen" in message and "marked read" in message


def test_the_process_exits_when_a_worker_is_stuck_for_good(tmp_path: Path) -> None:
    """Issue 7 item 4: a loader blocked forever (a FIFO, a stopped lock holder) does not keep reader alive."""
    script = textwrap.dedent(
        """
        import threading
        from reader.app import ReaderApp

        def load():
            threading.Event().wait()  # never returns

        async def press_q(pilot):
            await pilot.pause(0.2)
            await pilot.press("q")

        app = ReaderApp(loader=load)
        app.run(headless=True, size=(80, 24), auto_pilot=press_q)
        print("exited", app.return_code)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "exited" in done.stdout


async def test_a_failing_store_poll_is_a_problem_not_a_crash(library: Library, tmp_path: Path) -> None:
    """Issue 7 item 8 (class: the poll never ends the app): refresh() raises."""
    store = Store(tmp_path / "state.json")

    def broken() -> bool:
        raise RuntimeError("disk on fire")

    store.refresh = broken  # type: ignore[method-assign]
    app = ReaderApp(library, store, Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for _ in range(2):  # the same failure twice is listed once
            main(app).poll_store()
            await settle(pilot)
        assert app.is_running
        assert app.runtime_problems == ["could not check the state file for changes: disk on fire"]
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert any("disk on fire" in p for p in app.screen.problems)


async def test_state_file_replaced_by_junk_while_running(library: Library, tmp_path: Path) -> None:
    """Issue 7 item 8: the state file becomes junk under the running app; it keeps running and says so."""
    state = tmp_path / "state.json"
    app = ReaderApp(library, Store(state), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        state.write_bytes(b"\x00junk{{{" * 50)
        main(app).poll_store()
        await settle(pilot)
        assert app.is_running
        assert app.store is not None and app.store.is_read(TRAM)  # the in-memory state is kept


async def test_notices_the_store_adds_while_running_are_shown(library: Library, tmp_path: Path) -> None:
    """Issue 7 item 8: a damaged file found by the poll is moved aside by the store, which says so; the app shows it."""
    store = Store(tmp_path / "state.json")

    def refresh_finding_damage() -> bool:
        store.notices.append("state file was unreadable; moved it to state.json.corrupt-1 [b]x[/b]")
        return True

    store.refresh = refresh_finding_damage  # type: ignore[method-assign]
    app = ReaderApp(library, store, Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        main(app).poll_store()
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert shown.count("state file was unreadable; moved it to state.json.corrupt-1 [b]x[/b]") == 1


async def test_opening_a_slow_file_shows_loading_and_keeps_the_ui_responsive(library: Library, tmp_path: Path) -> None:
    """Issue 7 item 6 (class: the UI never freezes on a big file): the article is read in a worker."""
    gate = threading.Event()
    real_full = library.full

    def slow_full(article: Article) -> Article:
        if article.id == HEAT:
            gate.wait(30)
        return real_full(article)

    library.full = slow_full  # type: ignore[method-assign]
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("down", "enter")
            for _ in range(100):  # at most ~5 s for "Loading…" to replace the welcome text
                await pilot.pause(0.05)
                if "Loading" in story_text(app):
                    break
            assert "Loading “Heatwave warning" in story_text(app)
            await pilot.press("2")  # the interface still answers keys meanwhile
            await pilot.pause()
            assert "Unread" in app.sub_title
            gate.set()
            await settle(pilot)
            assert "Loading" not in story_text(app)
            assert main(app).current == HEAT
            assert any("Heatwave" in line for line in screen_lines(app))
    finally:
        gate.set()


async def test_unread_count_follows_other_processes(library: Library, tmp_path: Path) -> None:
    """Issue 7 item 11: the header's count is what the store holds, also after marks made elsewhere."""
    state = tmp_path / "state.json"
    app = ReaderApp(library, Store(state), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m", "down", "m")
        await settle(pilot)
        other = Store(state)
        other.set_read(TRAM, False)
        other.set_read("2026-11-22-cobalt-bay-tidal-power-plant-reaches-full-output")
        main(app).poll_store()
        await settle(pilot)
        assert f"· {unread_in_store(library, state)} unread" in app.sub_title
        assert len(app.screen.query_one(HeadlineList).rows) == len(library)


async def test_a_failed_save_is_listed_and_the_count_shows_what_the_store_holds(
    library: Library, tmp_path: Path
) -> None:
    """Issue 7 items 8 and 11: a change the store refused is reported, and the header does not pretend."""
    state = tmp_path / "state.json"
    store = Store(state)

    def refuse(article_id: str, read: bool = True) -> bool:
        raise StoreError("state file is locked by another reader (PID 4242)")

    store.set_read = refuse  # type: ignore[method-assign]
    app = ReaderApp(library, store, Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert app.runtime_problems == ["state file is locked by another reader (PID 4242)"]
        assert not store.is_read(TRAM)
        assert f"· {len(library)} unread" in app.sub_title
