"""Warm launch timeline: where the time goes from exec to the first frame holding headlines.

``reader`` runs in a real terminal (tmux 120x40) over a warm parse cache of generated pages,
as a user's install runs it (bytecode compiled, ``PYTHONDONTWRITEBYTECODE`` unset). A small
wrapper marks each step inside the process (the app's code is not changed): imports, the
library's load, Textual's start, the main screen's mount, its layout, and the first frame
handed to the terminal with the title's unread count (the headlines) in it; then the process
ends (a launch from the library's front, :mod:`reader.front`, marks that load instead of the
whole library's, which follows the first frame). Each mark has the wall time since the launch
(taken before tmux starts it) and the process's CPU time (steadier than wall time on a loaded
machine). Medians over the runs; with ``--before DIR`` (another copy of reader's source, e.g.
``git worktree add``), both trees are timed interleaved in one run.

The Textual floor is timed in the same run, interleaved too: a minimal Textual app (one
``Static`` of 38 headline-long lines, the same terminal) from exec to its first frame; what
reader spends beyond it is reader's own. ``--no-floor`` skips it.

Run: ``python -m bench.bench_launch [--runs 5] [--size 10000] [--before DIR] [--no-floor]``.
Needs tmux.
Temp folders only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import reader
from bench.bench_compare import compile_package, marked_page
from bench.bench_ui import Pane

#: The column of the minimal Textual app.
FLOOR_NAME = "Textual floor"

#: The start of both wrappers: ``mark(label)`` notes the wall time since the launch and the CPU time.
_MARKS = r"""
import json, os, sys, time
T0, OUT = float(os.environ["LAUNCH_T0"]), os.environ["LAUNCH_OUT"]
marks = []
def mark(label):
    marks.append((label, (time.time() - T0) * 1000, time.process_time() * 1000))
mark("python started")
"""

#: The end of both wrappers' set-up: the first frame holding headlines is marked, the marks written, the
#: process ended.
_FIRST_FRAME = r"""
write = WriterThread.write
def traced_write(self, text):
    if len(text) > 2000 and "unread" in text:
        mark("first frame with headlines written")
        write(self, text)
        with open(OUT, "w") as out:
            json.dump(marks, out)
        time.sleep(0.2)
        os._exit(0)
    write(self, text)
WriterThread.write = traced_write
"""

#: The wrapper run in place of the ``reader`` command: marks, then ``reader.cli.main([])``.
TRACE = (
    _MARKS
    + r"""import reader.cli
mark("reader.cli imported")
import reader.app
mark("reader.app imported (Textual)")
import functools, reader.library
from reader.app import ReaderApp
from reader.screens.main import MainScreen
from textual.screen import Screen
from textual.drivers._writer_thread import WriterThread
def around(owner, name, before, after=None):
    original = getattr(owner, name, None)
    if original is None:  # a tree without it (--before)
        return
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if before: mark(before)
        try:
            return original(*args, **kwargs)
        finally:
            if after: mark(after)
    setattr(owner, name, wrapper)
around(reader.library, "front_library", "library load start", "library's front loaded")
around(reader.library, "default_library", "library load start", "library loaded")
around(ReaderApp, "get_default_screen", "Textual started (driver, app CSS read)")
around(MainScreen, "on_mount", "main screen composed and styled", "main screen mounted")
around(Screen, "_refresh_layout", "layout start")
"""
    + _FIRST_FRAME
    + "sys.exit(reader.cli.main([]))\n"
)

#: The Textual floor: the least a Textual app does before its first frame (same marks where they apply).
FLOOR = (
    _MARKS
    + r"""from textual.app import App
from textual.widgets import Static
mark("reader.app imported (Textual)")
from textual.drivers._writer_thread import WriterThread
"""
    + _FIRST_FRAME
    + r"""LINE = "  Minister says the harbour plan will go ahead after a long review of its costs  unread"
class Floor(App[None]):
    def compose(self):
        yield Static("\n".join(f"{LINE} {n}" for n in range(38)))
Floor().run()
"""
)


def prepare(root: Path, count: int, code: Path | None) -> dict[str, str]:
    """A data folder of ``count`` pages and a warm parse cache for one tree; its environment."""
    env = {
        "READER_DATA_DIR": str(root / "data"),
        "READER_CACHE_DIR": str(root / "cache"),
        "READER_CONFIG_DIR": str(root / "config"),
        "PYTHONDONTWRITEBYTECODE": "",  # empty is unset: as on a user's machine
        **({"PYTHONPATH": str(code)} if code else {}),
    }
    folder = root / "data" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"page-{n:06d}.txt").write_text(marked_page(n, count), encoding="utf-8")
    compile_package(code / "reader" if code else Path(reader.__file__).parent)
    fill = "from reader.library import default_library\ndefault_library()"
    subprocess.run([sys.executable, "-c", fill], env={**os.environ, **env}, cwd="/", check=True)
    return env


def launch(env: dict[str, str], out: Path, program: str = TRACE) -> list[tuple[str, float, float]] | None:
    """One warm launch in tmux (of reader, or the ``program`` given); its marks (label, wall ms,
    CPU ms), or None if no frame came."""
    out.unlink(missing_ok=True)
    if "READER_DATA_DIR" in env:
        state = Path(env["READER_DATA_DIR"]) / "state.json"
        state.unlink(missing_ok=True)  # nothing opened yet, as bench_compare launches it
    extra = {"LAUNCH_T0": repr(time.time()), "LAUNCH_OUT": str(out)}
    pane = Pane([sys.executable, "-c", program], env={**env, **extra}, size=(120, 40), cwd="/")
    try:
        deadline = time.perf_counter() + 60
        while not out.exists() and time.perf_counter() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)
        if not out.exists():
            return None
        return [(str(label), float(wall), float(cpu)) for label, wall, cpu in json.loads(out.read_text())]
    finally:
        pane.close()


def _before(run: dict[str, tuple[float, float]], earlier: list[str]) -> float:
    """The CPU time at the last of the ``earlier`` steps this run marked (0 if none)."""
    return next((run[label][1] for label in reversed(earlier) if label in run), 0.0)


def table(results: dict[str, list[list[tuple[str, float, float]]]]) -> str:
    """Each step's median wall time since the launch, and the median CPU (ms) spent since the step before
    (the last one marked: the floor marks fewer; a step marked more than once counts at its first mark)."""
    firsts = {
        name: [{label: (wall, cpu) for label, wall, cpu in reversed(run)} for run in runs]
        for name, runs in results.items()
    }
    labels: list[str] = []
    for run in (run for runs in results.values() for run in runs):  # each step after the one it follows in its run
        for n, (label, _, _) in enumerate(run):
            if label not in labels:
                labels.insert(labels.index(run[n - 1][0]) + 1 if n else 0, label)
    names = list(results)
    lines = ["| step | " + " | ".join(f"{n}: at (wall) / CPU since the step before" for n in names) + " |"]
    lines.append("|---" * (len(names) + 1) + "|")
    for index, label in enumerate(labels):
        cells = []
        for name in names:
            runs = [run for run in firsts[name] if label in run]
            if not runs:
                cells.append("—")
                continue
            at = statistics.median(run[label][0] for run in runs)
            cpu = statistics.median(run[label][1] - _before(run, labels[:index]) for run in runs)
            cells.append(f"{at:.0f} ms / {cpu:.1f} ms")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Time the launches (interleaved with ``--before``'s), print the timeline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--before", type=Path, help="another copy of reader's source, timed alongside")
    parser.add_argument("--no-floor", action="store_true", help="do not time the minimal Textual app")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux not found: nothing measured")
        return
    trees: dict[str, Path | None] = {"after": None}
    if args.before:
        trees = {"before": args.before.resolve(), **trees}
    names = [*trees, *([] if args.no_floor else [FLOOR_NAME])]
    results: dict[str, list[list[tuple[str, float, float]]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="bench-launch-") as tmp:
        root = Path(tmp)
        envs = {name: prepare(root / name, args.size, code) for name, code in trees.items()}
        envs[FLOOR_NAME] = {"PYTHONDONTWRITEBYTECODE": ""}
        for run in range(args.runs):
            for name in names if run % 2 == 0 else names[::-1]:
                program = FLOOR if name == FLOOR_NAME else TRACE
                marks = launch(envs[name], root / f"{name}.json", program)
                if marks is not None:
                    results[name].append(marks)
                    print(f"  run {run + 1}/{args.runs} {name}: first frame at {marks[-1][1]:.0f} ms", file=sys.stderr)
    if not any(results.values()):
        print("no launch reached its first frame")
        return
    load = os.getloadavg()[0]
    print(f"\nwarm launch of {args.size:,} stories, tmux 120x40, medians of {args.runs} runs (load {load:.1f})\n")
    print(table({name: runs for name, runs in results.items() if runs}))
    if results.get(FLOOR_NAME):
        frames = {name: statistics.median(run[-1][1] for run in runs) for name, runs in results.items() if runs}
        floor = frames.pop(FLOOR_NAME)
        beyond = ", ".join(f"{name} {frame:.0f} ms (+{frame - floor:.0f} ms)" for name, frame in frames.items())
        print(f"\nfirst frame: Textual floor {floor:.0f} ms; {beyond}")
    cpu = {name: statistics.median(run[-1][2] for run in runs) for name, runs in results.items() if runs}
    print("CPU time at the first frame: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in cpu.items()))


if __name__ == "__main__":
    main()
