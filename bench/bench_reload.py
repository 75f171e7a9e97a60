"""The periodic library check: a warm reload and the comparison, at 1,000 and 10,000 articles.

Run: ``python -m bench.bench_reload [RUNS]``. Prints medians (the check runs in a worker every 10 s).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.pages import write_library
from reader.library import ParseCache, load_library
from reader.reload import compare


def main() -> None:
    """Print the median seconds of one check (reload with a warm cache, then compare) with nothing changed."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for count in (1_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            folder, cache_file = Path(tmp) / "lib", Path(tmp) / "cache.json"
            write_library(folder, count)
            library = load_library([folder], cache=ParseCache(cache_file))
            reloads, compares = [], []
            for _ in range(runs):
                start = time.perf_counter()
                fresh = load_library([folder], cache=ParseCache(cache_file))
                reloads.append(time.perf_counter() - start)
                start = time.perf_counter()
                changes = compare(library.by_id, library.paths, fresh)
                compares.append(time.perf_counter() - start)
                assert not changes
            print(
                f"{count:>6} articles: reload {statistics.median(reloads) * 1000:.0f} ms, "
                f"compare {statistics.median(compares) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
