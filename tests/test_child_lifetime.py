"""Child processes end with the process that started them, even when it is SIGKILLed: the backlinks
child of a large library, the page workers of a big refresh, the parsing children of a first start.

Each test starts a parent process, waits for its children, kills the parent and polls (bounded)
until the children are gone. Read from /proc: Linux only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cache import backlinks_path
from tests.helpers.pages import write

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

#: Seconds for a parent to start its children, and for children to go once it is killed.
START_WITHIN = 60.0
GONE_WITHIN = 10.0


def _stat(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent pid; None when it is gone."""
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = data[data.rindex(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1])


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for a reaper)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in "ZX"


def _children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] == pid and stat[0] not in "ZX":
                found.append(int(entry))
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture
def leftovers() -> Iterator[list[int]]:
    """Pids a test saw; any still running at the end are killed."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if _alive(pid):
            with_signal(pid, signal.SIGCONT)
            with_signal(pid, signal.SIGKILL)


def with_signal(pid: int, sig: signal.Signals) -> None:
    """Send a signal to a process that may be gone."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _start(code: str, output: Path, *args: str) -> subprocess.Popen[bytes]:
    """``python -c code args...``, its output to a file (children keep no pipe of the test open)."""
    with output.open("wb") as sink:
        return subprocess.Popen([sys.executable, "-c", code, *args], stdout=sink, stderr=subprocess.STDOUT)


def _wait_for_output(parent: subprocess.Popen[bytes], output: Path) -> str:
    """The parent's first line of output, once written."""
    deadline = time.monotonic() + START_WITHIN
    while b"\n" not in output.read_bytes():
        assert parent.poll() is None and time.monotonic() < deadline, output.read_text(errors="replace")
        time.sleep(0.02)
    return output.read_text(errors="replace")


def _wait_for_children(
    parent: subprocess.Popen[bytes], output: Path, mark: str, count: int, seen: list[int]
) -> list[int]:
    """The parent's children whose command line holds ``mark``, once there are ``count`` of them."""
    deadline = time.monotonic() + START_WITHIN
    while True:
        found = [pid for pid in _children(parent.pid) if mark in _command(pid)]
        seen.extend(pid for pid in found if pid not in seen)
        if len(found) >= count:
            return found
        if parent.poll() is not None:
            pytest.fail(f"the parent ended first: {output.read_text(errors='replace')}")
        assert time.monotonic() < deadline, f"no {mark} child started"
        time.sleep(0.02)


def _kill(parent: subprocess.Popen[bytes]) -> None:
    parent.kill()
    parent.wait(timeout=30)


def _wait_gone(pids: list[int]) -> list[int]:
    """Poll until every one of ``pids`` is gone (or the wait runs out); those still running."""
    deadline = time.monotonic() + GONE_WITHIN
    while any(map(_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [pid for pid in pids if _alive(pid)]


BUILDER = """
import sys
from pathlib import Path
import reader.library
from reader.cache import ParseCache
from reader.library import load_library

reader.library.MIN_FOR_CHILD = 0  # this library counts as large: its backlinks are found by a child
library = load_library([Path(sys.argv[1])], cache=ParseCache(Path(sys.argv[2])))
library.backlinks("")
print("found here after all")
"""


def test_the_backlinks_child_stops_when_the_app_is_killed(tmp_path: Path, leftovers: list[int]) -> None:
    """Killed mid-work (held stopped while the parent is killed), the child stops instead of
    finishing its work (it used to run on for up to 600 s), and keeps nothing half-written."""
    folder = tmp_path / "library"
    for n in range(30):
        write(folder, f"{n:02d}.txt", f"Harbour story number {n}", f"Its text.\nRelatedHarbour story number {n + 1}")
    for attempt in range(3):
        cache = tmp_path / f"cache-{attempt}" / "parse-cache.json"
        output = tmp_path / f"output-{attempt}.txt"
        parent = _start(BUILDER, output, str(folder), str(cache))
        try:
            (child,) = _wait_for_children(parent, output, "-m reader.backlinks", 1, leftovers)
            with_signal(child, signal.SIGSTOP)
        finally:
            _kill(parent)
        done = backlinks_path(cache)
        writing = cache.parent.exists() and any(p.name.startswith(f".{done.name}.") for p in cache.parent.iterdir())
        if not done.exists() and not writing:
            break  # stopped before its work was done (else, on a loaded machine, it was quicker: again)
        # done, or stopped while writing its file: a write once begun is finished, so this attempt tells nothing
        with_signal(child, signal.SIGKILL)
    else:
        pytest.skip("the child always finished before it could be stopped")
    with_signal(child, signal.SIGCONT)
    assert _wait_gone([child]) == []
    assert not backlinks_path(cache).exists()
    kept = backlinks_path(cache).name
    assert [p.name for p in cache.parent.iterdir() if p.name.startswith(f".{kept}.")] == []  # no temp file


REFRESH = """
import asyncio, sys
import reader.feeds.pages as pages
from reader.feeds.http import Fetcher

pages._cores = lambda: 2  # worker processes, even on one core

async def main() -> None:
    reader = pages.Pages(Fetcher())
    reader.expect(pages.POOL_FROM)  # a big refresh: pages are read by worker processes
    results = await asyncio.gather(*(reader(sys.argv[1] + str(n)) for n in range(2 * pages.BATCH)))
    print(results[0], flush=True)
    await asyncio.sleep(300)

asyncio.run(main())
"""


def test_page_workers_stop_when_a_refresh_is_killed(tmp_path: Path, leftovers: list[int]) -> None:
    """Idle page workers of a killed refresh used to stay forever."""
    with socket.socket() as closed:  # a port nothing listens on: each page fails at once, locally
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    output = tmp_path / "output.txt"
    parent = _start(REFRESH, output, f"http://127.0.0.1:{port}/story-")
    try:
        shown = _wait_for_output(parent, output)  # the pages were read (by the workers): they are up, idle
        assert "127.0.0.1" in shown, shown
        _wait_for_children(parent, output, "reader.feeds.page_workers", 2, leftovers)
        workers = _children(parent.pid)  # the page workers
        leftovers.extend(workers)
    finally:
        _kill(parent)
    assert _wait_gone(workers) == []


FIRST_START = """
import sys, time
from pathlib import Path
from reader.heads import parse_head_chunks

files = sorted(str(p) for p in Path(sys.argv[1]).iterdir())
for chunk in parse_head_chunks(files, 1_000_000, 2, chunk=4):
    print(len(chunk), flush=True)
    time.sleep(300)
"""


def test_first_start_parsing_children_stop_when_the_app_is_killed(tmp_path: Path, leftovers: list[int]) -> None:
    """The children that parse a first start's files end with the app (their stdin closes)."""
    folder = tmp_path / "library"
    for n in range(40):
        write(folder, f"{n:02d}.txt", f"Harbour story number {n}", "Its text.")
    output = tmp_path / "output.txt"
    parent = _start(FIRST_START, output, str(folder))
    try:
        children = _wait_for_children(parent, output, "-m reader.heads", 2, leftovers)
        for child in children:
            with_signal(child, signal.SIGSTOP)
    finally:
        _kill(parent)
    for child in children:
        with_signal(child, signal.SIGCONT)
    assert _wait_gone(children) == []
