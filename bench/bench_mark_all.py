"""Mark all read, and its undo, over N stories: one batched write (``Store.set_read_many``)
next to one durable write per story (``Store.set_read`` in a loop, what the app did before).

Run: ``python -m bench.bench_mark_all [N]`` (default 10000). Prints seconds and bytes written.
Temp folders only.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from reader.store import Store


def batched(path: Path, ids: list[str]) -> tuple[float, float]:
    """Seconds to mark ``ids`` read in one write, then unread again (the undo)."""
    store = Store(path)
    start = time.perf_counter()
    store.set_read_many(ids)
    marked = time.perf_counter() - start
    start = time.perf_counter()
    store.set_read_many(ids, False)
    return marked, time.perf_counter() - start


def one_by_one(path: Path, ids: list[str]) -> float:
    """Seconds to mark ``ids`` read with one durable write each."""
    store = Store(path)
    start = time.perf_counter()
    for article_id in ids:
        store.set_read(article_id)
    return time.perf_counter() - start


def main() -> None:
    """Print both timings and the state file size after marking."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    ids = [f"2026-11-{n % 28 + 1:02d}-story-number-{n}" for n in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        marked, undone = batched(folder / "batch.json", ids)
        print(f"set_read_many: {count} marked read {marked:.3f} s, undone {undone:.3f} s")
        single = one_by_one(folder / "single.json", ids)
        size = (folder / "single.json").stat().st_size
        print(f"set_read x {count}: {single:.3f} s ({single / max(marked, 1e-9):.0f}x slower), file {size} bytes")


if __name__ == "__main__":
    main()
