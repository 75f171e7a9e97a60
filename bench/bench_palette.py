"""The command palette's "open a story by title" provider: keystroke → hits at 10,000 and 100,000
headlines, in a running (headless) app. For each keystroke of a few typed queries: the time until the
provider has given all its hits, and the longest stretch the event loop was blocked meanwhile (what the
user feels as lag while typing).

Run: ``python -m bench.bench_palette [RUNS]``. Prints medians over runs. To compare with an older tree,
run this file with ``PYTHONPATH=OLD_TREE`` (the provider is imported from ``reader``).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time

from bench.bench_ui import big_library
from reader.app import ReaderApp
from reader.commands import OpenArticle
from reader.config import Config
from reader.store import Store

#: Typed a key at a time: words in every tenth title, two words, a fuzzy abbreviation, a number.
QUERIES = ("harbour ferry", "hrbr fry", "council 4711", "zzz")


async def one_query(provider: OpenArticle, query: str) -> tuple[float, float, int]:
    """Seconds until every hit for ``query`` is given, the longest event-loop stall (s), and the hits."""
    stall = 0.0
    done = False

    async def ticker() -> None:
        nonlocal stall
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0)
            now = time.perf_counter()
            stall = max(stall, now - last)
            last = now

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    start = time.perf_counter()
    hits = [hit async for hit in provider.search(query)]
    elapsed = time.perf_counter() - start
    done = True
    await tick
    return elapsed, stall, len(hits)


async def measure(count: int) -> dict[str, list[tuple[float, float, int]]]:
    """Every keystroke of every query over ``count`` headlines: query → (seconds, stall, hits) per key."""
    app = ReaderApp(big_library(count), Store(None), Config(refresh_minutes=0), poll_interval=0)
    found: dict[str, list[tuple[float, float, int]]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        provider = OpenArticle(app.screen)
        for query in QUERIES:
            found[query] = [await one_query(provider, query[:n]) for n in range(1, len(query) + 1)]
    return found


def private_folders(root: str) -> None:
    """Point reader's data, cache and config folders into ``root``: the user's own are never touched."""
    for name in ("DATA", "CACHE", "CONFIG"):
        os.environ[f"READER_{name}_DIR"] = os.path.join(root, name.lower())
    os.environ["READER_STATE_FILE"] = os.path.join(root, "state.json")


def main() -> None:
    """Print per-query figures over runs: each keystroke's time to hits, and the worst loop stall."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    private_folders(tempfile.mkdtemp(prefix="bench-palette-"))
    for count in (10_000, 100_000):
        results = [asyncio.run(measure(count)) for _ in range(runs)]
        for query in QUERIES:
            times = [key[0] for run in results for key in run[query]]
            stalls = [key[1] for run in results for key in run[query]]
            hits = results[0][query][-1][2]
            p90 = sorted(stalls)[int(len(stalls) * 0.9)]
            print(
                f"{count:>7,} headlines, typing {query!r:16}: per key median {statistics.median(times) * 1000:6.1f} ms,"
                f" max {max(times) * 1000:6.1f} ms; loop stall p90 {p90 * 1000:6.1f} ms,"
                f" max {max(stalls) * 1000:6.1f} ms;"
                f" {hits} hits at the end ({runs} runs)"
            )


if __name__ == "__main__":
    main()
