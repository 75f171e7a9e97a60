"""Where memory goes at a warm launch and two searches, in process, at 100,000 stories.

The steps the app takes (a trusted load of the parse cache, the check of the files, the
search index's update check, the link resolver and its word index, a story's backlinks, the
filter's title matcher and two searches typed a letter at a time) with the resident and peak memory
(``/proc/self/status`` VmRSS and VmHWM) after each. With ``--trace`` (slower, and more
memory: its figures are not the plain run's), tracemalloc's biggest new allocations by
file and line after each step.

Run: ``python -m bench.bench_memory [COUNT] [--trace] [--keep FOLDER]``. The first run over a
folder writes the pages and builds the caches (minutes at 100k: ``--keep`` keeps them for the
next run); each measured run is a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.bench_compare import QUERIES, marked_page

STEPS_SHOWN = 8  # allocation lines shown a step with --trace


def status() -> str:
    """Resident and peak memory of this process now, MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) // 1024
    return f"RSS {found['VmRSS']:>4} MiB, peak {found['VmHWM']:>4} MiB"


class Steps:
    """Prints the memory after each step (and, tracing, what the step allocated)."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.last: tracemalloc.Snapshot | None = None
        self.started = time.perf_counter()

    def mark(self, label: str) -> None:
        """One step done."""
        took = time.perf_counter() - self.started
        print(f"{label:<34} {status()}  ({took:.2f} s)", flush=True)
        if self.trace:
            snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
            now, peak = tracemalloc.get_traced_memory()
            print(f"    traced {now / 2**20:.1f} MiB, step peak {peak / 2**20:.1f} MiB")
            if self.last is not None:
                for stat in snapshot.compare_to(self.last, "lineno")[:STEPS_SHOWN]:
                    if stat.size_diff > 256 * 1024:
                        print(f"    {stat}")
            self.last = snapshot
            tracemalloc.reset_peak()
        self.started = time.perf_counter()


def measure(trace: bool) -> None:
    """The app's steps over the library its environment names (READER_* folders)."""
    if trace:
        tracemalloc.start()
    steps = Steps(trace)
    import textual.app  # noqa: F401  (the app has it loaded before the library)

    from reader.library import default_library
    from reader.search import SearchIndex, default_path
    from reader.title_match import TitleMatcher

    steps.mark("imports")
    library = default_library(trust=True)
    steps.mark(f"trusted load ({len(library):,} stories)")
    assert library.disk is not None
    unchanged = library.disk.unchanged()
    steps.mark(f"files checked ({'unchanged' if unchanged else 'changed'})")
    index = SearchIndex(default_path())
    index.update(library.articles, paths=library.paths, processes=1)
    steps.mark("search index up to date")
    library.prepare_resolver()  # the titles' words and their index, built after the first paint as the app does
    steps.mark("link resolver")
    library.backlinks(library.articles[0].id)
    steps.mark("backlinks of a story")
    rows = list(library.articles)
    matcher = TitleMatcher(rows)
    steps.mark("title matcher")
    for query in QUERIES:
        for end in range(1, len(query) + 1):  # typed a letter at a time
            typed = query[:end]
            titles = matcher.matching(typed.casefold().split())
            hits = set(index.search(typed, 1000, prefix=True))
            shown = [rows[n] for n in sorted(set(titles).union(matcher.positions(hits)))]
        steps.mark(f"search {query!r} ({len(shown)} shown)")
    index.close()


def prepare(folder: Path, count: int) -> dict[str, str]:
    """Pages and caches in ``folder`` (made once); the environment that points reader at them."""
    env = {
        **os.environ,
        "READER_DATA_DIR": str(folder / "data"),
        "READER_CACHE_DIR": str(folder / "cache"),
        "READER_CONFIG_DIR": str(folder / "config"),
    }
    articles = folder / "data" / "articles"
    if not articles.is_dir():
        articles.mkdir(parents=True)
        for n in range(count):
            (articles / f"page-{n:06d}.txt").write_text(marked_page(n, count), encoding="utf-8")
    if not (folder / "cache" / "search.sqlite").exists():
        start = time.perf_counter()
        code = (
            "from reader.library import default_library\nfrom reader.search import SearchIndex, default_path\n"
            "lib = default_library()\nSearchIndex(default_path()).update(lib.articles, paths=lib.paths, processes=2)\n"
            "lib.prepare_links()\n"
        )
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        print(f"(caches built in {time.perf_counter() - start:.0f} s)")
    return env


def main() -> None:
    """Prepare the folder, then measure in a fresh process."""
    args = sys.argv[1:]
    if args[:1] == ["--measure"]:
        measure("--trace" in args)
        return
    trace = "--trace" in args
    keep = Path(args[args.index("--keep") + 1]) if "--keep" in args else None
    numbers = [a for a in args if a.isdigit() and (keep is None or a != str(keep))]
    count = int(numbers[0]) if numbers else 100_000
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = keep or Path(tmp)
        env = prepare(folder, count)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's install runs: with bytecode
        command = [sys.executable, "-m", "bench.bench_memory", "--measure", *(["--trace"] if trace else [])]
        subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
