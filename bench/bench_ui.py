"""UI speed: launch to first headline painted (10,000 articles, warm parse cache, real
terminal through tmux), and key press to repaint / opening an article with 100,000
headlines (headless Textual, in process).

Run: ``python -m bench.bench_ui [RUNS]``. Prints medians; needs tmux for the launch figure.
``python -m bench.bench_ui --filter-keys [COUNT] [RUNS]``: the filter typed a key at a time over
COUNT headlines (default 100,000; headless, in process): per key, the screen's layout passes,
its updates written, and the UI thread's CPU until the results are painted.
"""

from __future__ import annotations

import atexit
import dataclasses
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.pages import headline, page, write_library
from reader.app import ReaderApp
from reader.library import Library, default_library
from reader.parse import parse
from reader.store import Store

TMUX = ["tmux", "-L", f"bench-{os.getpid()}"]  # a server of our own, kept up by one idle session


def _tmux_server() -> None:
    """Start this benchmark's tmux server once (stopped at exit), so it never exits between panes."""
    if not _server_started:
        subprocess.run([*TMUX, "new-session", "-d", "-s", "keepalive", "sleep", "86400"], check=True)
        atexit.register(_stop_server)
        _server_started.append(True)


_server_started: list[bool] = []


def _stop_server() -> None:
    """Stop this benchmark's tmux server and remove its socket."""
    subprocess.run([*TMUX, "kill-server"], check=False, capture_output=True)
    Path(f"/tmp/tmux-{os.getuid()}/{TMUX[2]}").unlink(missing_ok=True)


class Pane:
    """A program running in a detached tmux session: keys in, screen text out, its pid's figures.

    The command is run directly (no shell), so the pane's pid is the program's own.
    """

    def __init__(
        self,
        command: list[str],
        *,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (120, 40),
        cwd: str | None = None,
    ) -> None:
        _tmux_server()
        self.name = f"bench-{os.getpid()}-{next(_sessions)}"
        prefix = ["env", *(f"{k}={v}" for k, v in (env or {}).items())] if env else []
        self.started = time.perf_counter()
        subprocess.run(
            [
                *TMUX,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(size[0]),
                "-y",
                str(size[1]),
                *(["-c", cwd] if cwd else []),
                *prefix,
                *command,
            ],
            check=True,
        )
        out = subprocess.run(
            [*TMUX, "display-message", "-p", "-t", self.name, "#{pane_pid}"], capture_output=True, text=True, check=True
        )
        self.pid = int(out.stdout.strip())
        self.recording: Path | None = None

    def text(self, colours: bool = False) -> str:
        """The screen now (with colour escapes when ``colours``: the cursor is a colour change)."""
        return subprocess.run(
            [*TMUX, "capture-pane", "-p", *(["-e"] if colours else []), "-t", self.name], capture_output=True, text=True
        ).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        """Type ``keys`` (tmux key names, or plain text with ``literal``)."""
        subprocess.run([*TMUX, "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)

    def wait(
        self, found: Callable[[str], bool], limit: float, colours: bool = False, since: float | None = None
    ) -> float | None:
        """Seconds from ``since`` (default: now) until ``found(screen)`` holds, polling as fast as
        tmux answers; None after ``limit``."""
        start = time.perf_counter() if since is None else since
        while time.perf_counter() - start < limit:
            if found(self.text(colours)):
                return time.perf_counter() - start
            time.sleep(0.002)
        return None

    def cpu(self) -> float:
        """CPU seconds the program has used (user + system, from /proc; 10 ms steps)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss(self) -> float:
        """The program's peak resident memory so far, MiB (VmHWM)."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def idle(self, quiet: float = 1.0, limit: float = 60.0) -> None:
        """Wait until the program has used no CPU for ``quiet`` seconds (at most ``limit``)."""
        start = time.perf_counter()
        last, since = self.cpu(), time.perf_counter()
        while time.perf_counter() - start < limit:
            time.sleep(0.1)
            now = self.cpu()
            if now - last > 0.015:
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return

    def record(self, path: Path) -> None:
        """Append everything the program writes to the terminal to ``path`` from now on."""
        self.recording = path
        subprocess.run([*TMUX, "pipe-pane", "-t", self.name, "-o", f"cat >> {path}"], check=True)

    def written(self) -> int:
        """Bytes written to the terminal since :meth:`record`."""
        return self.recording.stat().st_size if self.recording and self.recording.exists() else 0

    def close(self) -> None:
        """End the session (and the program)."""
        subprocess.run([*TMUX, "kill-session", "-t", self.name], check=False, capture_output=True)


_sessions = itertools.count()


def launch_to_first_headline(count: int, runs: int) -> list[float]:
    """Seconds from starting ``reader`` in tmux until a headline of the library shows."""
    if shutil.which("tmux") is None:
        return []
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "READER_DATA_DIR": f"{tmp}/data", "READER_CACHE_DIR": f"{tmp}/cache"}
        env["READER_CONFIG_DIR"] = f"{tmp}/config"
        write_library(Path(tmp) / "data" / "articles", count)
        os.environ.update({k: v for k, v in env.items() if k.startswith("READER_")})
        default_library()  # fills the parse cache: the launch below is warm
        newest = parse(page(count - 1, count)).title[:20]  # generated pages are dated by number
        reader = str(Path(sys.executable).with_name("reader"))
        for run in range(runs):
            session = f"bench-{os.getpid()}-{run}"
            start = time.perf_counter()
            subprocess.run(
                ["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "48", reader],
                env=env,
                check=True,
            )
            found = None
            while time.perf_counter() - start < 20:
                screen = subprocess.run(
                    ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
                ).stdout
                if newest in screen or "Heatwave" in screen:
                    found = time.perf_counter() - start
                    break
                time.sleep(0.01)
            subprocess.run(["tmux", "kill-session", "-t", session], check=False)
            if found is not None:
                times.append(found)
    return times


def big_library(count: int) -> Library:
    """``count`` distinct articles sharing one parsed body (no files needed)."""
    base = parse(page(0, 1000))
    articles = []
    for n in range(count):
        title = headline(__import__("random").Random(n), n)
        day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
        articles.append(dataclasses.replace(base, id=f"{day}-{n}", title=title, published=day))
    return Library(articles)


def run_big(count: int) -> None:
    """The app over ``count`` synthetic headlines, in this terminal (what tmux runs)."""
    ReaderApp(big_library(count), Store(None)).run()


def _screen(session: str) -> str:
    """The pane's text with its colours (the cursor is a colour change)."""
    return subprocess.run(["tmux", "capture-pane", "-p", "-e", "-t", session], capture_output=True, text=True).stdout


def _until_changed(session: str, before: str, limit: float = 5.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if _screen(session) != before:
            return time.perf_counter() - start
    return limit


def key_latency(count: int, presses: int) -> tuple[list[float], list[float], float]:
    """In a real terminal (tmux): seconds from a key until the screen shows its effect.

    Returns moves (down/up in the list), opens (Enter), and the cost of one screen
    capture (the measuring floor, included in every figure).
    """
    session = f"bench-keys-{os.getpid()}-{count}"
    time.sleep(0.5)  # let a tmux server that just lost its last session exit first
    command = [sys.executable, "-m", "bench.bench_ui", "--run-big", str(count)]
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "48", *command], check=True)
    try:
        start = time.perf_counter()
        while "Explore" not in _screen(session) and "·" not in _screen(session):
            if time.perf_counter() - start > 60:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        time.sleep(1.0)
        floor_start = time.perf_counter()
        for _ in range(20):
            _screen(session)
        floor = (time.perf_counter() - floor_start) / 20
        subprocess.run(["tmux", "send-keys", "-t", session, "G"], check=True)  # the far end of the list
        time.sleep(0.5)
        moves, opens = [], []
        for n in range(presses):
            before = _screen(session)
            subprocess.run(["tmux", "send-keys", "-t", session, "j" if n % 2 else "k"], check=True)
            moves.append(_until_changed(session, before))
        for _ in range(min(presses, 20)):
            subprocess.run(["tmux", "send-keys", "-t", session, "k"], check=True)
            time.sleep(0.1)
            before = _screen(session)
            subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
            opens.append(_until_changed(session, before))
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    return moves, opens, floor


FILTER_KEYS = "council"


def filter_keys(count: int, runs: int) -> dict[str, list[float]]:
    """Per filter key over ``count`` headlines: layout passes, screen updates, UI-thread CPU (ms), titles only."""
    import asyncio

    from textual.app import App
    from textual.screen import Screen

    figures: dict[str, list[float]] = {"layouts": [], "updates": [], "ui_ms": []}
    passes = [0, 0]
    layout, display = Screen._refresh_layout, App._display

    def counted_layout(screen: Screen[object], *args: object, **kwargs: object) -> None:
        passes[0] += 1
        layout(screen, *args, **kwargs)  # type: ignore[arg-type]

    def counted_display(app: App[object], *args: object, **kwargs: object) -> None:
        passes[1] += 1
        display(app, *args, **kwargs)  # type: ignore[arg-type]

    async def typed(library: Library) -> None:
        app = ReaderApp(library, Store(None))
        async with app.run_test(size=(160, 48)) as pilot:
            for key in ("", "slash", *FILTER_KEYS):
                if key:
                    passes[:] = [0, 0]
                    start = time.thread_time()
                    await pilot.press(key)
                for _ in range(4):  # the worker's results, then their repaint
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                if key not in ("", "slash"):
                    figures["ui_ms"].append((time.thread_time() - start) * 1000)
                    figures["layouts"].append(passes[0])
                    figures["updates"].append(passes[1])

    library = big_library(count)
    Screen._refresh_layout = counted_layout  # type: ignore[method-assign,assignment]
    App._display = counted_display  # type: ignore[method-assign,assignment]
    try:
        for _ in range(runs):
            asyncio.run(typed(library))
    finally:
        Screen._refresh_layout = layout  # type: ignore[method-assign]
        App._display = display  # type: ignore[method-assign]
    return figures


def main() -> None:
    """Print the figures, medians of several runs."""
    if sys.argv[1:2] == ["--run-big"]:
        run_big(int(sys.argv[2]))
        return
    if sys.argv[1:2] == ["--filter-keys"]:
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
        runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
        keys = filter_keys(count, runs)
        print(
            f"{count:,} headlines, filter {FILTER_KEYS!r} typed a key at a time ({runs} runs, medians a key): "
            f"{statistics.median(keys['layouts']):.0f} layouts (total {sum(keys['layouts']):.0f}), "
            f"{statistics.median(keys['updates']):.0f} screen updates, "
            f"UI thread CPU {statistics.median(keys['ui_ms']):.0f} ms (max {max(keys['ui_ms']):.0f})"
        )
        return
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    launch = launch_to_first_headline(10_000, runs)
    if launch:
        print(
            f"launch → first headline, 10,000 articles, warm cache: median {statistics.median(launch):.3f} s "
            f"(min {min(launch):.3f}, max {max(launch):.3f}, {len(launch)} runs)"
        )
    if shutil.which("tmux") is None:
        print("tmux not found: key latency not measured")
        return
    for count in (1_000, 100_000):
        moves, opens, floor = key_latency(count, 100)
        print(
            f"{count:>7} headlines: key → repaint median {statistics.median(moves) * 1000:.1f} ms "
            f"(p90 {sorted(moves)[int(len(moves) * 0.9)] * 1000:.1f}); open article median "
            f"{statistics.median(opens) * 1000:.1f} ms; one screen capture costs {floor * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
