"""Keys typed in one burst: what handing them on one at a time costs (headless Textual, in process).

The app waits, before each key of a burst, until the one before has had its effect
(:mod:`reader.screens.key_order`); Textual alone hands them all on at once. COUNT ``j`` posted
together over 2,000 headlines, timed until the cursor has moved COUNT rows, per key: the app
as it is, and the same app with Textual's own dispatch, in the same run, alternately.

Run: ``python -m bench.bench_key_burst [COUNT] [RUNS]`` (200 keys, 5 runs). Prints medians.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.app import App

from bench.bench_ui import big_library
from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.widgets.headline_list import HeadlineList


class AtOnce(ReaderApp):
    """The app with Textual's own key dispatch: every key handed to the focused pane at once."""

    CSS_PATH = str(Path(__file__).resolve().parent.parent / "reader" / "reader.tcss")

    async def on_event(self, event: events.Event) -> None:
        await App.on_event(self, event)


async def per_key(kind: type[ReaderApp], library: Library, count: int) -> float:
    """Milliseconds a key, ``count`` keys posted together."""
    with tempfile.TemporaryDirectory() as tmp:
        app = kind(library, Store(Path(tmp) / "state.json"), Config(refresh_minutes=0))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            headlines = app.screen.query_one(HeadlineList)
            start = time.perf_counter()
            for _ in range(count):
                app.post_message(events.Key("j", "j"))
            while headlines.cursor < count:  # bounded by the keys: each moves the cursor one row
                await asyncio.sleep(0.001)
            return (time.perf_counter() - start) / count * 1000


async def run(count: int, runs: int) -> None:
    library = big_library(2000)
    figures: dict[str, list[float]] = {"in order": [], "at once": []}
    for _ in range(runs):
        figures["in order"].append(await per_key(ReaderApp, library, count))
        figures["at once"].append(await per_key(AtOnce, library, count))
    for name, values in figures.items():
        print(f"{name:<9} {statistics.median(values):.2f} ms a key ({count} keys together, median of {runs} runs)")
    ratio = statistics.median(figures["in order"]) / statistics.median(figures["at once"])
    print(f"in order / at once: {ratio:.1f}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    asyncio.run(run(count, runs))


if __name__ == "__main__":
    main()
