"""Store toggle latency (read mark on/off, durable) at 1k/10k/100k records,
next to stock TinyDB with JSONStorage doing the same change, in the same run;
and the time to open (load and validate) a state file of that size.

Run: ``python -m bench.bench_store [TOGGLES]``. Prints medians and the ratio.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson
from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage

from reader.journal import stamp
from reader.store import Store, doc_id


def seed_file(path: Path, records: int) -> None:
    """A state file with ``records`` read marks, written as one snapshot."""
    reads = {str(doc_id(f"article-{n}")): {"id": f"article-{n}", "at": stamp()} for n in range(records)}
    path.write_bytes(orjson.dumps({"reads": reads}) + b"\n")


def ours(folder: Path, records: int, toggles: int) -> list[float]:
    """Latency of Store.set_read toggles over a store of ``records`` marks."""
    path = folder / "ours.json"
    seed_file(path, records)
    store = Store(path)
    times = []
    for n in range(toggles):
        start = time.perf_counter()
        store.set_read("article-7", n % 2 == 1)
        times.append(time.perf_counter() - start)
    return times


def opening(folder: Path, records: int, runs: int = 3) -> list[float]:
    """Time to open a store of ``records`` marks (read, validate, build the view)."""
    path = folder / "open.json"
    seed_file(path, records)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        Store(path).close()
        times.append(time.perf_counter() - start)
    return times


def stock(folder: Path, records: int, toggles: int) -> list[float]:
    """The same toggles with stock TinyDB + JSONStorage (rewrites the file each change)."""
    path = folder / "stock.json"
    reads = {str(n + 1): {"id": f"article-{n}", "at": stamp()} for n in range(records)}
    path.write_bytes(orjson.dumps({"reads": reads}))
    table = TinyDB(path, storage=JSONStorage).table("reads")
    item = Query()
    times = []
    for n in range(toggles):
        start = time.perf_counter()
        if n % 2 == 0:
            table.remove(item.id == "article-7")
        else:
            table.insert({"id": "article-7", "at": stamp()})
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Print median toggle latency for both, per size."""
    toggles = int(sys.argv[1]) if len(sys.argv) > 1 else 41
    for records in (1_000, 10_000, 100_000):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            mine = statistics.median(ours(folder, records, toggles)) * 1000
            theirs = statistics.median(stock(folder, records, max(5, toggles // (records // 1000)))) * 1000
            opened = statistics.median(opening(folder, records)) * 1000
            print(
                f"{records:>7} records: reader store {mine:7.3f} ms (fsync'd), "
                f"stock TinyDB JSONStorage {theirs:8.2f} ms (no fsync), ratio {theirs / mine:6.0f}x; "
                f"open {opened:6.1f} ms"
            )


if __name__ == "__main__":
    main()
