"""Library load, cold (no parse cache) and warm (cache filled), at 1,000 and 10,000 articles.

Run: ``python -m bench.bench_library [RUNS]``. Prints medians; also link resolution.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.pages import write_library
from reader.library import ParseCache, load_library


def timed_load(folder: Path, cache_file: Path) -> float:
    """Seconds one library load takes."""
    start = time.perf_counter()
    load_library([folder], cache=ParseCache(cache_file))
    return time.perf_counter() - start


def main() -> None:
    """Print cold/warm load and backlink build medians."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for count in (1_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            folder, cache_file = Path(tmp) / "lib", Path(tmp) / "cache.json"
            write_library(folder, count)
            cold, warm, links = [], [], []
            for _ in range(runs):
                cache_file.unlink(missing_ok=True)
                cold.append(timed_load(folder, cache_file))
                warm.append(timed_load(folder, cache_file))
                library = load_library([folder], cache=ParseCache(cache_file))
                start = time.perf_counter()
                library.prepare_links()
                links.append(time.perf_counter() - start)
            print(
                f"{count:>6} articles: cold {statistics.median(cold):.3f} s, "
                f"warm {statistics.median(warm):.3f} s, resolve all links + backlinks "
                f"{statistics.median(links):.3f} s (median of {runs})"
            )


if __name__ == "__main__":
    main()
