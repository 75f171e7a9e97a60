"""Parser throughput and where a first start (nothing cached) spends its time.

1. N generated seed-sized pages parsed in memory on one core: ``parse()`` and the list's
   ``parse(body=False)``; then one 3 MB page of short wrapped lines (linear time).
2. With ``--files``: the same pages as N files, and each stage of a first start timed on
   its own, per file: reading, decoding and cleaning, parsing, the row's trip through the
   pipe (orjson both ways, and the Article built in the parent), the parse cache written.
3. With ``--files``: ``parse_head_chunks`` with 0, 1 and 2 child processes and several chunk
   sizes (wall time, this process's CPU and the children's), then ``load_library`` cold.

Run: ``python -m bench.bench_parse [N] [RUNS] [--files] [--ref=main]``. Medians of RUNS;
CPU times beside wall times, since the machine is shared and noisy. ``--ref=REF`` also
times REF's parser (from git, see :mod:`bench.diff_parse`) in turns with this one.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from bench.diff_parse import old_parser
from bench.pages import page, wrapped_page, write_library
from reader.cache import ParseCache
from reader.files import read_regular
from reader.heads import CHUNK, _article, head_row, parse_head_chunks
from reader.library import load_library
from reader.parse import parse
from reader.text import clean, decode

LIMIT = 5_000_000


def children_cpu() -> float:
    """CPU seconds used by the child processes that ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(work: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Medians of wall time, this process's CPU time and its children's CPU time over ``runs``."""
    walls, cpus, kids = [], [], []
    for _ in range(runs):
        wall, cpu, kid = time.perf_counter(), time.process_time(), children_cpu()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        kids.append(children_cpu() - kid)
    return statistics.median(walls), statistics.median(cpus), statistics.median(kids)


def in_memory(count: int, runs: int, ref: str | None) -> None:
    """Section 1: parse() and parse(body=False) over pages in memory (and REF's parse(), in
    turns with this one: same-run ratios); the wrapped page."""
    pages = [page(n, count).encode("utf-8") for n in range(count)]
    size = sum(map(len, pages))
    print(f"pages: {count}, {size / count:.0f} bytes each, {size / 1e6:.1f} MB")
    parsers: list[tuple[str, Callable[..., Any], dict[str, bool]]] = [
        ("parse()", parse, {}),
        ("parse(body=False)", parse, {"body": False}),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        if ref is not None:
            parsers.append((f"{ref}'s parse()", old_parser(ref, Path(tmp)), {}))
        timings: dict[str, list[tuple[float, float, float]]] = {label: [] for label, *_ in parsers}
        for _ in range(runs):  # in turns, so a busy moment of the machine hits each alike
            for label, function, options in parsers:
                timings[label].append(measure(lambda f=function, o=options: [f(d, **o) for d in pages], 1))  # type: ignore[misc]
    cpus = {label: statistics.median(t[1] for t in found) for label, found in timings.items()}
    for label, found in timings.items():
        wall, cpu = statistics.median(t[0] for t in found), cpus[label]
        print(
            f"{label:>18}: median {wall:.3f} s wall, {cpu:.3f} s CPU; "
            f"{count / wall:,.0f} pages/s ({count / cpu:,.0f} per CPU second), {size / wall / 1e6:.1f} MB/s"
        )
    if ref is not None:
        old = cpus[f"{ref}'s parse()"]
        print(
            f"CPU time against {ref}: parse() {cpus['parse()'] / old:.2f}x, parse(body=False) "
            f"{cpus['parse(body=False)'] / old:.2f}x"
        )
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


def stages(paths: list[str], runs: int, cache_file: Path) -> None:
    """Section 2: each stage of a first start on its own, in µs per file (CPU, median)."""
    count = len(paths)
    datas = [read_regular(path, LIMIT) for path in paths]
    rows = [head_row(path, LIMIT) for path in paths]
    frame = orjson.dumps(rows)
    articles = [_article(row) for row in rows if not isinstance(row, str)]
    steps: list[tuple[str, Callable[[], object]]] = [
        ("read (stat, open, read)", lambda: [read_regular(path, LIMIT) for path in paths]),
        ("decode + clean", lambda: [clean(decode(data)) for data in datas]),
        ("parse()", lambda: [parse(data) for data in datas]),
        ("parse(body=False)", lambda: [parse(data, body=False) for data in datas]),
        ("row → orjson (child)", lambda: orjson.dumps(rows)),
        ("orjson → Article (parent)", lambda: [_article(row) for row in orjson.loads(frame)]),
    ]

    def write_cache() -> None:
        cache_file.unlink(missing_ok=True)
        cache = ParseCache(cache_file)
        for path, article in zip(paths, articles, strict=True):
            cache.put(path, 1, 1, article)
        cache.save()

    steps.append(("parse cache put + save", write_cache))
    print(f"first-start stages, {count:,} files, µs per file (CPU; median of {runs}):")
    for label, work in steps:
        _, cpu, _ = measure(work, runs)
        print(f"  {label:<28} {cpu / count * 1e6:7.1f}")
    print(f"  pipe payload: {len(frame) / count:.0f} bytes per file")


def pooled(paths: list[str], folder: Path, runs: int, cache_file: Path) -> None:
    """Section 3: child processes and chunk sizes; then a cold load_library."""
    count = len(paths)
    print(f"parse_head_chunks over {count:,} files (median of {runs}; CPU: this process / children):")
    base: float | None = None
    for processes, chunk in ((0, CHUNK), (1, CHUNK), (2, 16), (2, CHUNK), (2, 256)):
        wall, cpu, kids = measure(lambda p=processes, c=chunk: [*parse_head_chunks(paths, LIMIT, p, c)], runs)  # type: ignore[misc]
        base = base or wall
        print(
            f"  {processes} children, chunk {chunk:>3}: {wall:6.2f} s wall ({base / wall:.2f}x of none), "
            f"CPU {cpu:5.2f} s / {kids:5.2f} s, {count / wall:,.0f} files/s, parent {cpu / count * 1e6:.1f} µs a file"
        )

    def cold() -> None:
        cache_file.unlink(missing_ok=True)
        load_library([folder], cache=ParseCache(cache_file))

    wall, cpu, kids = measure(cold, runs)
    print(f"load_library, nothing cached: {wall:.2f} s wall, CPU {cpu:.2f} s / {kids:.2f} s (children)")


def main() -> None:
    """Parse N pages RUNS times and print the figures."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 10_000
    runs = int(args[1]) if len(args) > 1 else 5
    ref = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--ref=")), None)
    in_memory(count, runs, ref)
    if "--files" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            folder, cache_file = Path(tmp) / "lib", Path(tmp) / "cache.json"
            paths = [str(path) for path in write_library(folder, count)]
            stages(paths, runs, cache_file)
            pooled(paths, folder, runs, cache_file)


if __name__ == "__main__":
    main()
