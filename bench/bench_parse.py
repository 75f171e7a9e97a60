"""Parser throughput: N generated seed-sized pages, parsed on one core; then one
3 MB page of short wrapped lines (which must parse in linear time).

Run: ``python -m bench.bench_parse [N] [RUNS]``. Prints the median of RUNS.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.pages import page, wrapped_page
from reader.parse import parse


def main() -> None:
    """Parse N pages RUNS times and print the median throughput."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    pages = [page(n, count).encode("utf-8") for n in range(count)]
    size = sum(map(len, pages))
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        for data in pages:
            parse(data)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(f"pages: {count}, {size / count:.0f} bytes each, {size / 1e6:.1f} MB")
    print(f"runs: {runs}, median {median:.3f} s (min {min(timings):.3f}, max {max(timings):.3f})")
    print(f"throughput: {count / median:,.0f} pages/s, {size / median / 1e6:.1f} MB/s")
    wrapped = wrapped_page(3_000_000).encode("utf-8")
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        parse(wrapped)
        timings.append(time.perf_counter() - start)
    lines = wrapped.count(b"\n") + 1
    print(
        f"wrapped page: {len(wrapped) / 1e6:.1f} MB, {lines:,} lines, median {statistics.median(timings):.3f} s"
        f" (min {min(timings):.3f}, max {max(timings):.3f})"
    )


if __name__ == "__main__":
    main()
