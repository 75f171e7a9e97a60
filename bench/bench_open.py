"""Opening a story, in process (headless Textual, 120x40): Enter in the headline list → the story's text painted.

Prints medians over the opens: the UI thread's CPU from Enter until the frame that shows the text (what the
event loop spends; it hardly moves with the machine's load), the wall time (it does), and the whole process's
CPU until the app is idle again (the sidebar, the footer...). Synthetic libraries, nothing on disk.

Run: ``python -m bench.bench_open [OPENS] [SIZES]``, e.g. ``python -m bench.bench_open 15 10000,100000``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

from bench.bench_ui import big_library
from reader.app import ReaderApp
from reader.config import Config
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.headline_list import HeadlineList

painted: list[tuple[float, float]] = []  # (wall, UI-thread CPU) of every frame written
shown: dict[str, float] = {}  # when the pane took each story's text (wall)


def _watch_frames() -> None:
    """Note the time of every frame the app writes, and of every story the pane takes to draw."""
    display, show = ReaderApp._display, ArticleView._show

    def noted(self: ReaderApp, screen: Any, renderable: Any) -> None:
        painted.append((time.perf_counter(), time.thread_time()))
        display(self, screen, renderable)

    def taken(self: ArticleView, story: Any) -> None:
        show(self, story)
        if story is not None and not story.loading:
            shown.setdefault(story.article.id, time.perf_counter())

    ReaderApp._display = noted  # type: ignore[method-assign]
    ArticleView._show = taken  # type: ignore[method-assign]


async def opens(count: int, presses: int) -> tuple[list[float], list[float], list[float]]:
    """Open ``presses`` stories one after another; per open: UI CPU and wall ms to the text, CPU ms until idle."""
    library = big_library(count)
    app = ReaderApp(library, Store(None), Config(), poll_interval=0)
    ui, wall, idle = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(4):
            await app.workers.wait_for_complete()
            await pilot.pause()
        headlines = app.screen.query_one(HeadlineList)
        for _ in range(presses):
            await pilot.press("down")
            await pilot.pause(0.2)
            article = headlines.highlighted
            assert article is not None
            shown.pop(article.id, None)
            start, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            taken = shown.get(article.id)
            frame = next((f for f in painted if taken is not None and f[0] >= taken), None)
            if frame is not None:
                wall.append((frame[0] - start) * 1000)
                ui.append((frame[1] - cpu) * 1000)
            idle.append((time.process_time() - process) * 1000)
    return ui, wall, idle


def main() -> None:
    presses = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    sizes = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "10000,100000").split(",")]
    _watch_frames()
    for count in sizes:
        ui, wall, idle = asyncio.run(opens(count, presses))
        print(
            f"{count:>7,} stories, {presses} opens: Enter → text painted: UI-thread CPU "
            f"{statistics.median(ui):.1f} ms, wall {statistics.median(wall):.1f} ms; "
            f"process CPU until idle {statistics.median(idle):.1f} ms (medians)"
        )


if __name__ == "__main__":
    main()
