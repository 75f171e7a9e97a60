"""Undo (u) and mark all read (A): keys pressed, then what the user sees and what the state file holds."""

from __future__ import annotations

from pathlib import Path

from reader.app import ReaderApp
from reader.changes import Change, PendingChanges
from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.undo import Step, UndoStack, reverse_of
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import exit_messages, highlighted, main, settle, started


def make_app(library: Library, state: Path) -> ReaderApp:
    return ReaderApp(library, Store(state), Config(refresh_minutes=0), poll_interval=0)


def toasts(app: ReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def test_store_marks_many_in_one_write_and_keeps_them(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = Store(state)
    ids = [f"story-{n}" for n in range(2000)]
    store.set_read("story-5")
    assert store.set_read_many(ids) == 1999
    assert len(Store(state).read_marks) == 2000  # on disk: another process sees every mark
    assert store.set_read_many(ids[:10], False) == 10
    assert not Store(state).is_read("story-3") and Store(state).is_read("story-10")


def test_pending_read_many_shows_at_once_and_clears_once_saved(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.json")
    changes = PendingChanges(store)
    changes.push(Change("read_many", on=True, ids=("a", "b")))
    assert changes.is_read("a") and changes.is_read("b") and not store.is_read("a")
    change = changes.take()
    assert change is not None
    change.apply(store)
    assert changes.take() is None
    assert store.is_read("a") and store.is_read("b") and changes.pending == []


def test_reverse_only_takes_back_what_changed() -> None:
    read = {"a"}
    reverse = reverse_of(Change("read_many", on=True, ids=("a", "b", "c")), read.__contains__, lambda _i: False)
    assert reverse is not None and reverse.ids == ("b", "c") and not reverse.on
    assert reverse_of(Change("read", "a", True), read.__contains__, lambda _i: False) is None
    stack = UndoStack(limit=2)
    for n in range(3):
        stack.record(Step(str(n), Change("read", str(n), False)))
    assert [stack.pop(), stack.pop(), stack.pop()] == [
        Step("2", Change("read", "2", False)),
        Step("1", Change("read", "1", False)),
        None,
    ]


async def test_u_takes_back_marks_one_at_a_time_newest_first(library: Library, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    app = make_app(library, state)
    async with started(app, (160, 48)) as pilot:
        screen = main(app)
        first = highlighted(app)
        before = screen.unread
        await pilot.press("m", "b")
        await settle(pilot)
        assert app.store is not None and app.store.is_read(first.id) and app.store.is_bookmarked(first.id)
        assert screen.unread == before - 1
        await pilot.press("u")
        await settle(pilot)
        assert not app.store.is_bookmarked(first.id) and app.store.is_read(first.id)
        assert toasts(app)[-1] == f"Undone: “{first.title}” is no longer bookmarked"
        await pilot.press("u")
        await settle(pilot)
        assert not app.store.is_read(first.id)
        assert toasts(app)[-1] == f"Undone: “{first.title}” is unread again"
        assert screen.unread == before
        assert "All stories" in app.sub_title and f"{before} unread" in app.sub_title
        await pilot.press("u")
        assert toasts(app)[-1] == "Nothing to undo"
    assert not Store(state).is_read(first.id)


async def test_undo_after_opening_a_story_marks_it_unread_again(library: Library, tmp_path: Path) -> None:
    app = make_app(library, tmp_path / "state.json")
    async with started(app, (160, 48)) as pilot:
        screen = main(app)
        article = highlighted(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.changes.is_read(article.id)
        await pilot.press("u")
        await settle(pilot)
        assert app.store is not None and not app.store.is_read(article.id)


async def test_mark_all_read_is_one_step_to_undo(library: Library, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    app = make_app(library, state)
    async with started(app, (160, 48)) as pilot:
        screen = main(app)
        await pilot.press("2")  # the unread view
        await settle(pilot)
        unread = [a.id for a in screen.query_one(HeadlineList).rows]
        await pilot.press("m")  # one already read before the mass change
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert screen.unread == 0 and "0 unread" in app.sub_title
        assert all(Store(state).is_read(i) for i in unread)
        assert f"Marked {len(unread) - 1} stories read" in toasts(app)[-1]
        await pilot.press("u")
        await settle(pilot)
        assert toasts(app)[-1] == f"Undone: {len(unread) - 1} stories are unread again"
        on_disk = Store(state)
        assert on_disk.is_read(unread[0])  # marked before, by hand: stays read
        assert not any(on_disk.is_read(i) for i in unread[1:])
        assert screen.unread == len(unread) - 1


async def test_mark_all_read_covers_only_the_filtered_headlines(library: Library, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    app = make_app(library, state)
    async with started(app, (160, 48)) as pilot:
        screen = main(app)
        everything = [a.id for a in screen.query_one(HeadlineList).rows]
        await pilot.press("slash", *"tram", "enter")
        await settle(pilot)
        shown = [a.id for a in screen.query_one(HeadlineList).rows]
        assert 0 < len(shown) < len(everything)
        await pilot.press("A")
        await settle(pilot)
        on_disk = Store(state)
        assert {i for i in everything if on_disk.is_read(i)} == set(shown)


async def test_quit_while_mark_all_read_is_stuck_names_it(library: Library, tmp_path: Path) -> None:

    from tests.test_ui_faults import gate_store

    store = Store(tmp_path / "state.json")
    gate = gate_store(store, "set_read_many")
    app = ReaderApp(library, store, Config(refresh_minutes=0), poll_interval=0, save_wait=0.2)
    messages = exit_messages(app)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("A", "q")
            await pilot.pause()
            assert not app.is_running
    finally:
        gate.set()
    assert app.return_code == 1
    assert f"{len(library)} stories marked read" in " ".join(messages)
