"""Issue 9 first start: files parsed in child processes, with progress shown while loading."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Static

import reader.children
import reader.heads
import reader.library
from reader.app import ReaderApp
from reader.heads import parse_heads
from reader.library import ParseCache, load_library
from reader.screens.loading import LoadingScreen
from reader.store import Store
from tests.helpers.pilot import settle
from tests.test_perf_search import page


def folder_of(tmp_path: Path, count: int, *, empty: bool = True) -> Path:
    """``count`` linked harbour stories, one binary file and (``empty``) one empty file."""
    folder = tmp_path / "lib"
    folder.mkdir()
    for n in range(count):
        text = page(f"Story number {n} about the harbour", f"Body of story {n}.", 1 + n % 28)
        text += f"\nExplore\nStory number {(n + 1) % count} about the harbour\n"
        (folder / f"s{n:03d}.txt").write_text(text, encoding="utf-8")
    (folder / "zz-binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    if empty:
        (folder / "zz-empty.txt").write_bytes(b"")
    return folder


def test_children_parse_like_this_process(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 30)
    files = sorted(str(p) for p in folder.iterdir())
    inline = list(parse_heads(files, 1_000_000, 0))
    done: list[tuple[int, int]] = []
    pooled = list(parse_heads(files, 1_000_000, 2, lambda d, t: done.append((d, t)), every=10))
    assert pooled == inline
    assert [type(r).__name__ for r in pooled[-2:]] == ["str", "str"]  # the reasons, not articles
    assert all(r.explore for r in pooled[:-2] if not isinstance(r, str))
    assert done == [(10, 32), (20, 32), (30, 32)]


def test_children_that_cannot_start_leave_the_work_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of(tmp_path, 5)
    files = sorted(str(p) for p in folder.iterdir())

    def broken(self: object, module: str, *args: str) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(reader.children.Child, "__init__", broken)
    assert list(parse_heads(files, 1_000_000, 2)) == list(parse_heads(files, 1_000_000, 0))


def test_a_first_start_in_processes_loads_the_same_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_of(tmp_path, 40)
    alone = load_library([folder], cache=ParseCache(tmp_path / "a.json"))
    monkeypatch.setattr(reader.library, "MIN_FOR_PROCESSES", 10)
    seen: list[tuple[int, int]] = []
    pooled = load_library([folder], cache=ParseCache(tmp_path / "b.json"), progress=lambda d, t: seen.append((d, t)))
    assert [(a.id, a.title) for a in pooled.articles] == [(a.id, a.title) for a in alone.articles]
    assert [str(p) for p in pooled.problems] == [str(p) for p in alone.problems] and len(pooled.problems) == 2
    assert pooled.paths == alone.paths
    first = pooled.articles[-1]
    assert [a.title for a in pooled.backlinks(first.id)] == [a.title for a in alone.backlinks(first.id)] != []
    warm = load_library([folder], cache=ParseCache(tmp_path / "b.json"))
    assert [a.id for a in warm.articles] == [a.id for a in alone.articles]


async def test_the_loading_screen_says_how_far_a_first_start_got(tmp_path: Path) -> None:
    release = threading.Event()
    app: ReaderApp

    def load() -> tuple[reader.library.Library, Store]:
        app.show_progress(250, 1000)
        release.wait(10)
        return reader.library.Library([]), Store(tmp_path / "state.json")

    app = ReaderApp(loader=load)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if isinstance(app.screen, LoadingScreen) and "250" in str(
                app.screen.query_one("#loading", Static).render()
            ):
                break
        assert isinstance(app.screen, LoadingScreen)
        assert "250 of 1,000 stories read" in str(app.screen.query_one("#loading", Static).render())
        release.set()
        await settle(pilot)
        assert not isinstance(app.screen, LoadingScreen)
