"""Full-text search: index build time, query times (first and later), peak RSS and index size,
over generated seed-like libraries; then the filter's title matcher (reader.title_match): its
build, each query's headline matches and the index hits placed among the rows.

Run: ``python -m bench.bench_search [COUNT ...]`` (default 10000). Each size is built in a
fresh process so its peak RSS is its own; queries run on a fresh connection (the first
query pays for an empty page cache) and then again. ``--one COUNT FOLDER`` reuses a
folder holding ``lib/`` (pages), ``parse-cache.json`` and ``search.sqlite``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pages import write_library
from reader.library import ParseCache, load_library
from reader.model import Article
from reader.search import SearchIndex
from reader.title_match import TitleMatcher

QUERIES = [
    ("common word", "council", False),
    ("two words", "harbour storm", False),
    ("phrase", '"said official number 3"', False),
    ("typed prefix", "hospital cou", True),
    ("explicit prefix", "co*", False),
    ("rare (title number)", "4321", False),
    ("no match", "zeppelin", False),
    ("hostile", 'AND ( "', False),
]


def rss_mib() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(count: int, folder: Path) -> None:
    """Build (or update) the index over ``folder`` and time the queries; print one block."""
    library = load_library([folder / "lib"], cache=ParseCache(folder / "parse-cache.json"))
    before = rss_mib()
    index = SearchIndex(folder / "search.sqlite")
    start = time.perf_counter()
    done = index.update(library.articles, paths=library.paths, processes=1)
    build = time.perf_counter() - start
    start = time.perf_counter()
    again = index.update(library.articles, paths=library.paths)
    noop = time.perf_counter() - start
    size = sum(p.stat().st_size for p in folder.glob("search.sqlite*")) / 2**20
    print(
        f"{count:>7} articles: index {done.added} added in {build:.2f} s, up-to-date check {noop:.2f} s "
        f"({again.kept} kept); index {size:.0f} MiB on disk"
    )
    index.close()
    for label, query, prefix in QUERIES:
        fresh = SearchIndex(folder / "search.sqlite")
        times, hits = [], 0
        for _ in range(5):
            start = time.perf_counter()
            hits = len(fresh.search(query, 200, prefix=prefix))
            times.append(time.perf_counter() - start)
        fresh.close()
        print(
            f"  {label:<20} {query!r:<28} first {times[0] * 1000:6.1f} ms, later median "
            f"{statistics.median(times[1:]) * 1000:6.1f} ms ({hits} hits)"
        )
    print(f"  peak RSS: {before:.0f} MiB after loading the library, {rss_mib():.0f} MiB after build and queries")
    matcher_times(library.articles, folder / "search.sqlite")


def matcher_times(rows: list[Article], path: Path) -> None:
    """The filter's work beside the index query: headline matches, and the hits placed among the rows."""
    start = time.perf_counter()
    matcher = TitleMatcher(rows)
    build = time.perf_counter() - start
    index = SearchIndex(path)
    hits = set(index.search("council", 1000))
    start = time.perf_counter()
    matcher.positions(hits)
    first = time.perf_counter() - start
    print(f"  title matcher: built in {build * 1000:.0f} ms; {len(hits)} hits placed in {first * 1000:.1f} ms (first)")
    for label, query, _prefix in QUERIES:
        words = query.casefold().split()
        times = []
        for _ in range(5):
            start = time.perf_counter()
            found = matcher.matching(words)
            matcher.positions(hits)
            times.append(time.perf_counter() - start)
        print(
            f"  {label:<20} {query!r:<28} titles + hits placed: median {statistics.median(times) * 1000:6.1f} ms "
            f"({len(found)} titles)"
        )
    index.close()


def main() -> None:
    """One fresh process per size (so peak RSS is per size)."""
    if sys.argv[1:2] == ["--one"]:
        run(int(sys.argv[2]), Path(sys.argv[3]))
        return
    for count in [int(a) for a in sys.argv[1:]] or [10_000]:
        with tempfile.TemporaryDirectory() as tmp:
            write_library(Path(tmp) / "lib", count)
            subprocess.run(
                [sys.executable, "-m", "bench.bench_search", "--one", str(count), tmp],
                check=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )


if __name__ == "__main__":
    main()
