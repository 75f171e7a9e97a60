"""Feed refresh benchmark: 200 feeds × 50 items and their article pages on a local server (127.0.0.1 only).

Prints wall time and peak RSS of a cold refresh (everything new: feed parse,
page fetch, extraction, page files written) and a warm one (every feed 304),
median of RUNS; then newsboat's ``-x reload`` on the same server when newsboat
is installed (temp HOME and config, same concurrency; newsboat fetches feeds only),
in each run beside reader's (after it, then before it: neither always inherits the other's
file-system state; each client starts after a ``sync``), so that the two are compared within
a run. newsboat's wall time is its whole process's; reader's is printed both ways: the refresh
itself, and its whole process (interpreter start and imports included), the fair comparison.

The server runs in its own process (asyncio, every response rendered before the
clock starts, 127.0.0.1 only, gone when stdin closes or after an hour); its CPU
time is printed beside each run, as is the CPU time (user + sys) of the
client's whole process tree (reader and its helper processes: the story writer
and the extraction workers; or newsboat). reader runs with bytecode writing
allowed, as an installed reader has its bytecode compiled.

Run: ``python -m bench.bench_feeds [RUNS] [FEEDS] [ITEMS] [cold,warm,bare,newsboat]``.

The article pages are small (2.9 KB: the article and little else); ``BENCH_PAGE_KB=150`` wraps each in the
clutter of a real news page (scripts, styles, menus, link lists, forms) to about that size: real article pages
weigh 100-400 KB, and extraction time grows with them.

With ``BENCH_BASELINE=DIR`` (another checkout of reader, e.g. from ``git worktree add``
or ``git archive``), every run also times that tree beside this one (first every other run), on the same
server, and the medians are printed side by side with their ratio: the machine is shared
and noisy, so only same-run comparisons say whether a change helped. The file-system
floor is measured before and after every run, since it swings with the rest of the machine's
load; the CPU time of the story writer (a helper process, or in older trees a thread) is printed beside it.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

CONCURRENCY = 32
#: Why nothing is deleted before the end: ext4 without a journal (this machine's disk) will not reuse an inode
#: freed less than about 30 s ago, and checks each such inode when it creates a file, so thousands of files
#: created right after thousands were deleted cost several times the CPU. A refresh does not follow a mass
#: deletion; a benchmark that removes its last run's files before the next would time that instead.
KEEP_NOTE = "every run's files are kept until the end (a fresh deletion slows file creation on ext4 without journal)"
MAX_SERVE_SECONDS = 3600
_TEXT = "harbour ferry council tram market library barge island coast storm lighthouse quay engine timetable"
WORDS = [*_TEXT.split(), "volunteers", "canal", "depot", "weather", "season", "crossing", "passengers", "spring"]


def _sentence(seed: int, length: int = 18) -> str:
    words = [WORDS[(seed * 7 + k * 13) % len(WORDS)] for k in range(length)]
    return " ".join(words).capitalize() + "."


def feed_xml(host: str, feed: int, items: int) -> bytes:
    parts = []
    for j in range(items):
        parts.append(
            f"<item><title>Feed {feed} story {j}: {_sentence(feed * 100 + j, 6)[:-1]}</title>"
            f"<link>http://{host}/page/{feed}/{j}</link><guid>f{feed}-s{j}</guid>"
            f"<pubDate>Fri, {1 + j % 28:02d} Nov 2026 08:00:00 GMT</pubDate>"
            f"<description>{_sentence(feed + j)}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {feed}</title>'
        f"<link>http://{host}/</link>{''.join(parts)}</channel></rss>"
    ).encode()


def page_html(host: str, feed: int, item: int) -> bytes:
    """An article page: 2.9 KB, or about ``BENCH_PAGE_KB`` KB with the clutter of a real news site around it."""
    return b"".join(page_parts(host, feed, item))


def page_parts(host: str, feed: int, item: int) -> list[bytes]:
    """The page in pieces; the clutter pieces are shared by a feed's pages (the server keeps 10,000 pages)."""
    paragraphs = "".join(f"<p>{_sentence(feed * 1000 + item * 10 + k, 40)}</p>" for k in range(8))
    size = int(os.environ.get("BENCH_PAGE_KB") or 0) * 1024
    head, top, side = _clutter(host, feed, size) if size else (b"", b"", b"")
    return [
        (
            f"<!doctype html><html><head><meta charset='utf-8'><title>Feed {feed} story {item}</title>"
            f"<meta name='author' content='Ada Quill'><meta property='article:published_time' content='2026-11-20'>"
            f"<script>var t=1;</script>"
        ).encode(),
        head,
        b"</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>",
        top,
        (
            f"<article><h1>Feed {feed} story {item}</h1>{paragraphs}"
            f"<p>See also <a href='http://{host}/page/{feed}/{(item + 1) % 50}'>the next story in this feed</a>.</p>"
            f"</article>"
        ).encode(),
        side,
        b"<footer>\xc2\xa9 Bench</footer></body></html>",
    ]


@functools.cache
def _clutter(host: str, feed: int, size: int) -> tuple[bytes, bytes, bytes]:
    """What surrounds an article on a news site, about ``size`` bytes: (in head, before it, after it).

    Measured on front-page news articles: most of a page's bytes are scripts and JSON state, then styles,
    then menus, link lists, share buttons, a newsletter form and a cookie banner.
    """
    links = "".join(
        f"<li><a href='http://{host}/page/{(feed + k) % 200}/{k % 50}'>{_sentence(feed + k, 7)[:-1]}</a></li>"
        for k in range(24)
    )
    menu = "".join(f"<li><a href='/section/{k}'>{WORDS[k % len(WORDS)].capitalize()}</a></li>" for k in range(40))
    top = (
        f"<header><div class='cookie-banner'><p>We use cookies to improve your experience.</p>"
        f"<button>Accept all</button><button>Manage</button></div><ul class='menu'>{menu}</ul></header>"
        f"<div class='share'><a href='https://social.example/share?f={feed}'>Share</a>"
        f"<a href='mailto:?subject=story'>Email</a></div>"
    )
    side = (
        f"<aside><h2>Most read</h2><ol>{links}</ol></aside>"
        f"<section class='newsletter'><h3>Get the morning briefing</h3><form><input type='email'>"
        f"<button>Sign up</button></form></section><div class='footer-links'><ul>{menu}{links}</ul></div>"
    )
    rest = max(0, size - 2900 - len(top) - len(side))
    state = ",".join(f'"k{k}":{{"id":{feed * 100 + k},"slot":"ad-{k}","w":300,"h":250}}' for k in range(rest // 120))
    style = "".join(f".c{k}{{margin:{k % 9}px;color:#{k % 999:03d}}}" for k in range(rest // 5 // 32))
    code = f"window.__STATE__={{{state}}};" + "function f(a){return a*2}" * (rest * 36 // 100 // 24)
    return f"<style>{style}</style><script>{code}</script>".encode(), top.encode(), side.encode()


def _response(status: str, body: bytes, kind: str | None, etag: str | None) -> list[bytes]:
    return _response_parts(status, [body], kind, etag)


def _response_parts(status: str, body: list[bytes], kind: str | None, etag: str | None) -> list[bytes]:
    """A response as pieces to write one after the other (pieces of a body may be shared by many responses)."""
    size = sum(map(len, body))
    head = [f"HTTP/1.1 {status}", f"Content-Length: {size}", "Last-Modified: Fri, 20 Nov 2026 08:00:00 GMT"]
    if kind:
        head.append(f"Content-Type: {kind}")
    if etag:
        head.append(f"ETag: {etag}")
    return [("\r\n".join(head) + "\r\n\r\n").encode(), *(part for part in body if part)]


class _Responses:
    """Every response rendered once, before the clock starts: the server only looks them up."""

    def __init__(self, host: str, feeds: int, items: int) -> None:
        self.feeds = {
            f"/feed/{i}.xml": _response("200 OK", feed_xml(host, i, items), "application/rss+xml", f'"feed-{i}"')
            for i in range(feeds)
        }
        self.etags = {f"/feed/{i}.xml": f'"feed-{i}"'.encode() for i in range(feeds)}
        self.not_modified = {
            path: _response("304 Not Modified", b"", None, etag.decode()) for path, etag in self.etags.items()
        }
        self.pages = {
            f"/page/{i}/{j}": _response_parts("200 OK", page_parts(host, i, j), "text/html; charset=utf-8", None)
            for i in range(feeds)
            for j in range(items)
        }
        self.missing = _response("404 Not Found", b"not found", "text/plain", None)

    def answer(self, request: bytes) -> list[bytes]:
        """The response to one request head."""
        lines = request.split(b"\r\n")
        parts = lines[0].split(b" ")
        path = parts[1].decode("latin-1") if len(parts) > 1 else ""
        if path in self.feeds:
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"if-none-match" and value.strip() == self.etags[path]:
                    return self.not_modified[path]
            return self.feeds[path]
        return self.pages.get(path, self.missing)


class _Connection(asyncio.Protocol):
    """HTTP/1.1 keep-alive, GET only, pre-rendered answers."""

    def __init__(self, responses: _Responses) -> None:
        self.responses = responses
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            request, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            if self.transport is not None:
                self.transport.writelines(self.responses.answer(request))


async def _serve(port_file: str, feeds: int, items: int) -> None:
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    responses = _Responses(f"127.0.0.1:{port}", feeds, items)
    server = await loop.create_server(lambda: _Connection(responses), sock=sock, backlog=1024)
    Path(port_file).write_text(str(port))
    stop = loop.create_future()

    def finish() -> None:
        if not stop.done():
            stop.set_result(None)

    loop.add_reader(sys.stdin.fileno(), finish)
    loop.call_later(MAX_SERVE_SECONDS, finish)
    await stop
    server.close()


def serve(port_file: str, feeds: int, items: int) -> None:
    """Run the server (127.0.0.1 only) until stdin closes or MAX_SERVE_SECONDS pass."""
    asyncio.run(_serve(port_file, feeds, items))


_REFRESH = f"""
CONCURRENCY = {CONCURRENCY}
import resource, sys, time
import reader.feeds.refresh as refreshing
from reader.feeds.http import Limits
from reader.feeds.refresh import refresh
writes = [0.0, 0.0, 0]  # system, user seconds of a thread writing story files, stories written
save = getattr(refreshing, "save_stories", None)  # older trees write in a thread here; newer ones in a helper process
def timed_save(*args, **kwargs):
    before = resource.getrusage(resource.RUSAGE_THREAD)
    try:
        return save(*args, **kwargs)
    finally:
        after = resource.getrusage(resource.RUSAGE_THREAD)
        writes[0] += after.ru_stime - before.ru_stime
        writes[1] += after.ru_utime - before.ru_utime
        writes[2] += len(args[3])
if save is not None:
    refreshing.save_stories = timed_save
started = time.perf_counter()
results = refresh(limits=Limits(connections=CONCURRENCY, per_host=CONCURRENCY))
wall = time.perf_counter() - started
states = {{}}
for r in results:
    states[r.state] = states.get(r.state, 0) + 1
new = sum(r.new for r in results)
states["page failures"] = sum(r.page_failures for r in results)
own = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
rss, workers = own.ru_maxrss / 1024, children.ru_maxrss / 1024
cpu = f"CPU: reader {{own.ru_utime + own.ru_stime:.1f}} s (sys {{own.ru_stime:.1f}}), "
cpu += f"helper processes {{children.ru_utime + children.ru_stime:.1f}} s (sys {{children.ru_stime:.1f}})"
if save is not None:
    cpu += f"; writing thread, {{writes[2]}} stories: sys {{writes[0]:.1f}} s, user {{writes[1]:.1f}} s"
print(f"{{wall:.3f}} {{rss:.0f}} {{new}} {{states}}, largest helper process {{workers:.0f}} MB; {{cpu}}")
"""


def _ticks(pid: int) -> float:
    """CPU seconds (user + sys) a live process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Figures(NamedTuple):
    """One timed run: wall seconds, peak RSS (MB), CPU seconds of the client's process tree and of the server.

    ``whole`` is the wall time of the whole process (start, imports and exit included): newsboat's ``wall``.
    """

    wall: float
    rss: float
    cpu: float
    server_cpu: float
    whole: float


def timed(
    command: list[str], env: dict[str, str], server_pid: int, cwd: str | None = None
) -> tuple[float, float, float, str]:
    """Run ``command``; return its wall time, CPU time of its whole process tree, server CPU and output."""
    server_before = _ticks(server_pid)
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=cwd)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        print(f"  {command[0]} exited with status {status}")
    return wall, usage.ru_utime + usage.ru_stime, _ticks(server_pid) - server_before, out


def file_floor(folder: Path, count: int) -> tuple[float, float]:
    """Wall and CPU seconds this machine takes right now to create ``count`` 3 KB files (write + rename each).

    Every story is a file, so this says how costly file creation is right now (it swings with the
    machine's other work). It is no floor for reader since reader marks its articles folder ``chattr +T``
    (its feed folders get block groups of their own, away from files other programs just deleted),
    which these folders are not. The files stay until the end of the benchmark (see :data:`KEEP_NOTE`).
    """
    folder.mkdir()
    data = b"x" * 3000
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        sub = folder / str(n // 50)
        if n % 50 == 0:
            sub.mkdir()
        tmp = sub / f".{n}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, sub / f"{n}.txt")
    return time.perf_counter() - started, time.process_time() - cpu


def run_reader(env: dict[str, str], server_pid: int, tree: str | None = None) -> tuple[Figures, str]:
    """One refresh in a fresh interpreter (import time included in the CPU figure, not in the wall figure).

    ``tree`` is the checkout whose ``reader`` package runs (``python -c`` imports from its working folder).
    """
    os.sync()  # every client starts with no dirty pages of the one before it to write back
    whole, cpu, server_cpu, out = timed([sys.executable, "-c", _REFRESH], env, server_pid, tree)
    wall, rss, rest = out.split(" ", 2)
    return Figures(float(wall), float(rss), cpu, server_cpu, whole), rest.strip()


def subscribe(env: dict[str, str], port: int, feeds: int, full_text: str = "auto", tree: str | None = None) -> None:
    code = (
        "import sys\nfrom reader.feeds.subscriptions import editing, Feed\n"
        f"with editing() as feeds:\n    for i in range({feeds}):\n"
        f"        url = f'http://127.0.0.1:{port}/feed/{{i}}.xml'\n"
        f"        feeds.append(Feed(id=f'b{{i}}', url=url, slug=f'bench-{{i}}', full_text={full_text!r}))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tree)


def run_newsboat(port: int, feeds: int, root: Path, server_pid: int) -> Figures:
    home = root / "nb-home"
    home.mkdir(exist_ok=True)
    urls = home / "urls"
    urls.write_text("".join(f"http://127.0.0.1:{port}/feed/{i}.xml\n" for i in range(feeds)))
    config = home / "config"
    config.write_text(f"reload-threads {CONCURRENCY}\nshow-read-feeds yes\n")
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "XDG_CONFIG_HOME": str(home / "x"),
        "XDG_DATA_HOME": str(home / "d"),
        "XDG_CACHE_HOME": str(home / "c"),
    }
    command = ["newsboat", "-x", "reload", "-u", str(urls), "-C", str(config), "-c", str(home / "cache.db")]
    os.sync()
    server_before = _ticks(server_pid)
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        print(f"  newsboat exited with status {status}")
    cpu = usage.ru_utime + usage.ru_stime
    return Figures(wall, usage.ru_maxrss / 1024, cpu, _ticks(server_pid) - server_before, wall)


def show(label: str, f: Figures, info: str = "") -> None:
    print(
        f"  {label:<44} {f.wall:6.2f} s wall ({f.whole:5.2f} s whole process)  {f.cpu:6.2f} s CPU  "
        f"peak RSS {f.rss:4.0f} MB  (server CPU {f.server_cpu:5.2f} s)  {info}",
        flush=True,
    )


def ratios(label: str, mine: list[Figures] | None, other: list[Figures] | None) -> None:
    """Print the ratios of two sets of runs' medians (wall, whole process, CPU), when both were measured."""
    if not mine or not other:
        return
    wall, whole, cpu = (
        statistics.median(getattr(v, field) for v in mine) / statistics.median(getattr(v, field) for v in other)
        for field in ("wall", "whole", "cpu")
    )
    print(f"{label}: wall x{wall:.2f}, whole process x{whole:.2f}, CPU x{cpu:.2f}")


def median(name: str, values: list[Figures]) -> None:
    print(
        f"{name:<48} median {statistics.median(v.wall for v in values):6.2f} s wall "
        f"({statistics.median(v.whole for v in values):5.2f} s whole process), "
        f"{statistics.median(v.cpu for v in values):6.2f} s CPU, "
        f"peak RSS {statistics.median(v.rss for v in values):4.0f} MB, "
        f"server CPU {statistics.median(v.server_cpu for v in values):5.2f} s"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    feeds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    items = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    only = sys.argv[4].split(",") if len(sys.argv) > 4 else ["cold", "warm", "bare", "newsboat"]
    root = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    port_file = root / "port"
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_feeds", "--serve", str(port_file), str(feeds), str(items)],
        stdin=subprocess.PIPE,
    )
    try:
        for _ in range(600):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.05)
        port = int(port_file.read_text())
        print(
            f"{feeds} feeds x {items} items, {feeds * items} article pages, server on 127.0.0.1:{port}; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        print(KEEP_NOTE)
        baseline = os.environ.get("BENCH_BASELINE") or None
        trees: list[tuple[str, str | None]] = [("reader", None)] + ([("baseline", baseline)] if baseline else [])
        if baseline:
            print(f"baseline: {baseline} (timed beside this tree in every run, first every other run)")
        figures_of: dict[str, list[Figures]] = {}
        floors: list[float] = []
        newsboat = "newsboat" in only and shutil.which("newsboat") is not None  # timed in each run, beside reader
        for run in range(runs):
            wall, cpu = file_floor(root / f"floor{run}", feeds * items)
            floors.append(wall)
            print(f"run {run + 1}: file system floor, {feeds * items} story files: {wall:.2f} s wall, {cpu:.2f} s CPU")

            def time_tree(label: str, tree: str | None, run: int = run) -> None:
                home = root / f"run{run}-{label}"
                env = dict(
                    os.environ,
                    READER_DATA_DIR=str(home / "data"),
                    READER_CACHE_DIR=str(home / "cache"),
                    READER_CONFIG_DIR=str(home / "config"),
                )
                env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed reader has its bytecode compiled
                if "cold" in only or "warm" in only:
                    subscribe(env, port, feeds, tree=tree)
                    figures, info = run_reader(env, server.pid, tree)
                    figures_of.setdefault(f"{label} cold", []).append(figures)
                    show(f"run {run + 1}: {label} cold", figures, info)
                    if "warm" in only:
                        figures, info = run_reader(env, server.pid, tree)
                        figures_of.setdefault(f"{label} warm", []).append(figures)
                        show(f"run {run + 1}: {label} warm", figures, info)
                if "bare" in only:
                    home = root / f"run{run}-{label}-bare"
                    env.update(
                        READER_DATA_DIR=str(home / "data"),
                        READER_CACHE_DIR=str(home / "cache"),
                        READER_CONFIG_DIR=str(home / "config"),
                    )
                    subscribe(env, port, feeds, "never", tree=tree)
                    figures, info = run_reader(env, server.pid, tree)
                    figures_of.setdefault(f"{label} cold feeds-only", []).append(figures)
                    show(f"run {run + 1}: {label} cold, feeds only (full_text never)", figures, info)

            def time_newsboat(run: int = run) -> None:
                nb_root = root / f"nb{run}"
                nb_root.mkdir()
                figures_of.setdefault("newsboat cold", []).append(run_newsboat(port, feeds, nb_root, server.pid))
                show(f"run {run + 1}: newsboat -x reload cold", figures_of["newsboat cold"][-1])
                figures_of.setdefault("newsboat warm", []).append(run_newsboat(port, feeds, nb_root, server.pid))
                show(f"run {run + 1}: newsboat -x reload warm", figures_of["newsboat warm"][-1])

            if newsboat and run % 2 == 1:  # newsboat first every other run: neither always follows the other
                time_newsboat()
            for label, tree in trees if run % 2 == 0 else trees[::-1]:  # who runs first alternates
                time_tree(label, tree)
            if newsboat and run % 2 == 0:
                time_newsboat()
            if newsboat and "bare" in only:
                for label, _ in trees:
                    ours, theirs = figures_of[f"{label} cold feeds-only"][-1], figures_of["newsboat cold"][-1]
                    print(
                        f"run {run + 1}: {label} cold feeds-only / newsboat cold: wall x{ours.wall / theirs.wall:.2f}, "
                        f"whole process x{ours.whole / theirs.whole:.2f}"
                    )
            wall, cpu = file_floor(root / f"floor{run}-after", feeds * items)
            print(f"run {run + 1}: file system floor again after it: {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"file system floor median {statistics.median(floors):.2f} s wall")
        for name, values in figures_of.items():
            median(name, values)
        if baseline:
            for kind in ("cold", "warm", "cold feeds-only"):
                ratios(
                    f"reader / baseline, {kind}", figures_of.get(f"reader {kind}"), figures_of.get(f"baseline {kind}")
                )
        for label, _ in trees:
            ratios(
                f"{label} cold feeds-only / newsboat cold",
                figures_of.get(f"{label} cold feeds-only"),
                figures_of.get("newsboat cold"),
            )
        if "newsboat" in only and not newsboat:
            print("newsboat not installed: skipped")
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
