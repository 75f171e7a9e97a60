"""Library load, cold (no parse cache), warm (cache filled, every file checked) and warm trusted
(the cache's list as the last run left it, as a launch shows it), at 1,000 and 10,000 articles.

Run: ``python -m bench.bench_library [RUNS]``. Prints medians; also link resolution and the
cheap check of the files a launch runs after its first paint.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.pages import write_library
from reader.library import ParseCache, load_library


def timed_load(folder: Path, cache_file: Path, trust: bool = False) -> float:
    """Seconds one library load takes."""
    start = time.perf_counter()
    load_library([folder], cache=ParseCache(cache_file), trust=trust)
    return time.perf_counter() - start


def main() -> None:
    """Print cold/warm load and backlink build medians."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for count in (1_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            folder, cache_file = Path(tmp) / "lib", Path(tmp) / "cache.json"
            write_library(folder, count)
            cold, warm, trusted, checks, links = [], [], [], [], []
            for _ in range(runs):
                cache_file.unlink(missing_ok=True)
                cold.append(timed_load(folder, cache_file))
                warm.append(timed_load(folder, cache_file))
                trusted.append(timed_load(folder, cache_file, trust=True))
                library = load_library([folder], cache=ParseCache(cache_file))
                start = time.perf_counter()
                assert library.disk is not None and library.disk.unchanged()
                checks.append(time.perf_counter() - start)
                start = time.perf_counter()
                library.prepare_links()
                links.append(time.perf_counter() - start)
            print(
                f"{count:>6} articles: cold {statistics.median(cold):.3f} s, "
                f"warm {statistics.median(warm):.3f} s, warm trusted {statistics.median(trusted):.3f} s, "
                f"files checked {statistics.median(checks):.3f} s, resolve all links + backlinks "
                f"{statistics.median(links):.3f} s (median of {runs})"
            )


if __name__ == "__main__":
    main()
