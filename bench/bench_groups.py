"""The headline list sorted by section (group headers on screen) at 100,000 headlines: key → repaint
latency and bytes written per key, in a real terminal (tmux), for this tree and optionally another
(``--before PATH``: a copy of an older tree), interleaved run by run so both see the same load.

Run: ``python -m bench.bench_groups [RUNS] [--count N] [--before PATH]``. Prints medians and same-run ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_ui import Pane

#: What the app runs in the pane: the synthetic library, its stories spread over twelve sections.
APP = """
import dataclasses, sys
from bench.bench_ui import big_library
from reader.app import ReaderApp
from reader.config import Config
from reader.library import Library
from reader.store import Store
sections = ["WORLD", "BUSINESS", "CULTURE", "SCIENCE", "SPORT", "WEATHER", "TRAVEL", "HEALTH", "POLITICS",
            "TECHNOLOGY", "OPINION", "LOCAL"]
library = big_library(int(sys.argv[1]))
articles = [dataclasses.replace(a, section=sections[n % 12]) for n, a in enumerate(library.articles)]
ReaderApp(Library(articles), Store(None), Config(sort=sys.argv[2])).run()
"""


def measure(tree: Path, count: int, sort: str, presses: int) -> tuple[list[float], float, list[float]]:
    """Down/up latencies (s), bytes written per Down/up, and page-down latencies, in a 120x40 tmux pane."""
    with tempfile.TemporaryDirectory() as home:  # the app's folders: never the user's own
        env = {"PYTHONPATH": str(tree), "READER_STATE_FILE": f"{home}/state.json"}
        env.update({f"READER_{name}_DIR": f"{home}/{name.lower()}" for name in ("DATA", "CACHE", "CONFIG")})
        return _measure(Pane([sys.executable, "-c", APP, str(count), sort], env=env, cwd=str(tree)), presses)


def _measure(pane: Pane, presses: int) -> tuple[list[float], float, list[float]]:
    """The figures of :func:`measure` in a started pane (closed at the end)."""
    try:
        if pane.wait(lambda screen: " min" in screen, 120) is None:
            raise RuntimeError("the app did not start")
        pane.idle()
        pane.keys("G")  # the far end of the list
        pane.idle(0.5)
        moves: list[float] = []
        with tempfile.TemporaryDirectory() as tmp:
            pane.record(Path(tmp) / "out")
            time.sleep(0.2)
            for n in range(presses):
                before = pane.text(colours=True)
                pane.keys("j" if n % 2 else "k")
                moves.append(pane.wait(lambda screen, b=before: screen != b, 5, colours=True) or 5.0)
            pane.idle(0.3)
            written = pane.written() / presses
        pages: list[float] = []
        for _ in range(min(presses, 20)):
            before = pane.text(colours=True)
            pane.keys("PageUp")
            pages.append(pane.wait(lambda screen, b=before: screen != b, 5, colours=True) or 5.0)
        return moves, written, pages
    finally:
        pane.close()


def main() -> None:
    """Print the figures: medians over runs, and the ratio of this tree to the one before."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs", type=int, nargs="?", default=3)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--before", type=Path, help="a copy of an older tree to compare with")
    args = parser.parse_args()
    trees = {"now": Path(__file__).resolve().parent.parent}
    if args.before:
        trees = {"before": args.before.resolve(), **trees}
    figures: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for _ in range(args.runs):
        for sort in ("newest", "section"):
            for name, tree in trees.items():
                moves, written, pages = measure(tree, args.count, sort, args.presses)
                figures.setdefault((name, sort), []).append(
                    (statistics.median(moves), written, statistics.median(pages))
                )
    for (name, sort), runs in figures.items():
        move = statistics.median(r[0] for r in runs) * 1000
        written = statistics.median(r[1] for r in runs)
        page = statistics.median(r[2] for r in runs) * 1000
        print(
            f"{name:>6} {sort:>7} {args.count:,} headlines: Down/Up → repaint {move:.1f} ms, "
            f"{written:.0f} bytes per key; PgUp {page:.1f} ms  (medians of {len(runs)} runs)"
        )
    if args.before:
        for sort in ("newest", "section"):
            before, now = figures[("before", sort)], figures[("now", sort)]
            ratios = [n[0] / b[0] for b, n in zip(before, now, strict=True)]
            print(f"now / before, {sort}: Down/Up latency ×{statistics.median(ratios):.2f} (same-run ratios)")


if __name__ == "__main__":
    main()
