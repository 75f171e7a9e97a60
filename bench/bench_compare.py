"""reader and newsboat side by side, in one interleaved run, in real terminals (tmux 120x40).

Both get the same stories: reader as generated seed-like pages in its data folder,
newsboat as one RSS feed of the same pages served from 127.0.0.1. For each app and
run: first start with nothing cached (newsboat: ``-x reload``, the ingest of the feed; reader: and the
CPU seconds it and its children took until every story was listed, steadier on a loaded machine),
then a warm launch until the first headlines show (newsboat: and its feed opened; with
the app's CPU seconds until then, steadier than the wall time on a loaded machine),
Down/Up in the list (key → screen changed, app CPU and bytes written per key), Enter
(→ the story's text visible, app CPU), two searches (→ results shown) and the app's
peak RSS after launch and after the searches. Medians over the runs, ratios reader /
newsboat. Then reader alone at other sizes (the growth rows).

reader is launched as a user's install runs it: its modules compiled to bytecode first (pip
does that at install; a source tree run with PYTHONDONTWRITEBYTECODE set would compile every
module at every launch), ``PYTHONDONTWRITEBYTECODE`` unset. "Headlines visible" is the first
screen holding an unread headline's line (markers, then a title); newsboat's is its article list
of the feed, after Enter on the feed (the key's round trip counts against newsboat).

Run: ``python -m bench.bench_compare [--runs 5] [--size 10000] [--growth 1000,100000]
[--growth-runs 2] [--before DIR] [--cold-only]``. Needs tmux; newsboat's columns are skipped when it is not installed.
Temp folders only: the user's own reader data and newsboat files are never touched.
"""

from __future__ import annotations

import argparse
import datetime
import email.utils
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import reader
from bench.bench_ui import Pane
from bench.pages import page
from reader.parse import parse

SIZE = (120, 40)
KEYS = 20  # Down/Up presses per session
OPENS = 6  # Enter presses per session
QUERIES = ("zephyrine", "quillwort")  # each in the text (never a title) of 1 story in 1,000
MARKED = {7: QUERIES[0], 8: QUERIES[1]}  # story number % 1000 → its marker word
FILTER_BOX = "▔▔▔▔▔▔▔▔▔▔"  # the top edge of reader's filter box, shown while it is open
UNREAD = re.compile(r" · (\d+) unread")  # reader's title: how many stories it lists unread
READER_LIST = re.compile(r"^[ ▌]● [ ★] \S", re.M)  # an unread headline's first line: markers, then the title
Result = dict[str, float | None]


def marked_page(n: int, count: int) -> str:
    """:func:`bench.pages.page`, with a rare marker word in the text of one story in a thousand."""
    text = page(n, count)
    word = MARKED.get(n % 1000)
    if word:
        text = text.replace(", said official number 2.", f", said official number 2 by the {word} shoals.", 1)
    return text


def compile_package(folder: Path) -> None:
    """Compile a package's modules to bytecode (``__pycache__``), as ``pip install`` does."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True, stdout=subprocess.DEVNULL)


def children_cpu(pid: int) -> float:
    """CPU seconds of a process's children that ended and were waited for (user + system, from /proc): a first
    start's parsing children, once it listed every story (steadier than the wall time on a loaded machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def median(values: list[float | None]) -> float | None:
    """The median of the values measured (None when none were)."""
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


# -- the two apps ---------------------------------------------------------------------------


class Side:
    """One app under test: how to start it cold, launch it warm and drive its screens."""

    name = ""

    def cold(self) -> float | None:
        """Seconds of a first start with nothing cached."""
        raise NotImplementedError

    def launch(self) -> tuple[Pane, float | None]:
        """Start the app warm; the pane and the seconds until its first headlines show."""
        raise NotImplementedError

    def open_row(self, pane: Pane, row: int) -> tuple[float | None, float]:
        """With the cursor on ``row``: seconds from Enter until that story's text shows, and
        the app's CPU seconds for it (until it is idle again)."""
        raise NotImplementedError

    def search(self, pane: Pane, query: str, first: bool) -> float | None:
        """Seconds from the query (reader: typed; newsboat: its Enter) until results show."""
        raise NotImplementedError


class Reader(Side):
    """reader over generated pages in a temp data folder (``code``: another copy of reader's
    source, say the last commit's, run over the same pages with a cache of its own)."""

    name = "reader"

    def __init__(self, root: Path, count: int, code: Path | None = None, data: Path | None = None) -> None:
        self.root = root
        self.count = count
        self.data = data or root / "data"
        self.env = {
            "READER_DATA_DIR": str(self.data),
            "READER_CACHE_DIR": str(root / "cache"),
            "READER_CONFIG_DIR": str(root / "config"),
            "PYTHONDONTWRITEBYTECODE": "",  # empty is unset: as on a user's machine
            **({"PYTHONPATH": str(code)} if code else {}),
        }
        compile_package(code / "reader" if code else Path(reader.__file__).parent)
        if code is not None:
            self.name = "before"
        if data is None:
            folder = self.data / "articles"
            folder.mkdir(parents=True, exist_ok=True)
            for n in range(count):
                (folder / f"page-{n:06d}.txt").write_text(marked_page(n, count), encoding="utf-8")
        self.command = [str(Path(sys.executable).with_name("reader"))]
        self.snippets: list[list[str]] = []
        self.all_read: float | None = None  # the last first start: seconds until every story was listed
        self.all_cpu: float | None = None  # ... and the CPU seconds it took, reader's and its children's

    def _all_read(self, screen: str) -> bool:
        """Does the screen list every story (its title counts them all unread, no more "N of M read")?"""
        unread = UNREAD.search(screen)
        return unread is not None and int(unread.group(1)) >= self.count and "stories read" not in screen

    def _start(self) -> tuple[Pane, float | None]:
        (self.data / "state.json").unlink(missing_ok=True)  # nothing opened or read yet
        pane = Pane(self.command, env=self.env, size=SIZE, cwd=str(self.root))  # this side's reader, not the folder's
        return pane, pane.wait(lambda s: READER_LIST.search(s) is not None, 120, since=pane.started)

    def cold(self) -> float | None:
        """As a user's first start: nothing cached, but reader's bytecode compiled (see ``__init__``)."""
        shutil.rmtree(self.root / "cache", ignore_errors=True)
        (self.data / "state.json").unlink(missing_ok=True)
        pane = Pane(self.command, env=self.env, size=SIZE, cwd=str(self.root))  # its children import this side's reader
        seconds = pane.wait(lambda s: READER_LIST.search(s) is not None, 120, since=pane.started)
        self.all_read = None if seconds is None else pane.wait(self._all_read, 600, since=pane.started)
        self.all_cpu = None if self.all_read is None else pane.cpu() + children_cpu(pane.pid)
        pane.idle(quiet=1.5, limit=600)  # let it finish writing its caches
        pane.close()
        if not self.snippets:
            self.snippets = self._first_rows()
        return seconds

    def _first_rows(self) -> list[list[str]]:
        """The opening words of the first few text blocks of the first two listed stories (what Enter
        must show: :meth:`open_row` waits for one not on screen before Enter)."""
        code = (
            "import json\nfrom reader.library import default_library\nlib = default_library()\n"
            "openings = [[' '.join(b.text.split()[:3]) for b in lib.full(a).body[:4]] for a in lib.articles[:2]]\n"
            "print(json.dumps(openings))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **self.env},
            cwd="/",  # this side's copy of reader, not the one in the working folder
            capture_output=True,
            text=True,
            check=True,
        )
        return [[snippet for snippet in openings if snippet] for openings in json.loads(out.stdout)]

    def launch(self) -> tuple[Pane, float | None]:
        return self._start()

    def open_row(self, pane: Pane, row: int) -> tuple[float | None, float]:
        screen = pane.text()  # a snippet already on screen (in a title, the story before) would time nothing
        snippet = next((s for s in self.snippets[row] if s not in screen), None)
        if snippet is None:
            return None, 0.0
        cpu, start = pane.cpu(), time.perf_counter()
        pane.keys("Enter")
        seconds = pane.wait(lambda s: snippet in s, 30, since=start)
        pane.idle(quiet=0.3, limit=10)
        return seconds, pane.cpu() - cpu

    def search(self, pane: Pane, query: str, first: bool) -> float | None:
        if not first:
            pane.keys("Escape")  # clear the filter
            pane.wait(lambda s: "“" not in s, 30)
        if FILTER_BOX not in pane.text():  # "/" opens the filter box (typed into it when open, it is text)
            pane.keys("/")
            pane.wait(lambda s: FILTER_BOX in s, 30)
        time.sleep(0.3)
        done = re.compile(f"“{query}”: ([1-9][0-9,]*) ")
        start = time.perf_counter()
        pane.keys(query, literal=True)

        def results(screen: str) -> bool:  # the count narrowed (every story is listed until results come)
            found = done.search(screen)
            return found is not None and int(found.group(1).replace(",", "")) < self.count

        return pane.wait(results, 120, since=start)


class Newsboat(Side):
    """newsboat over one RSS feed of the same pages, from a local HTTP server."""

    name = "newsboat"

    def __init__(self, root: Path, count: int, url: str) -> None:
        self.root = root
        (root / "home").mkdir(parents=True, exist_ok=True)
        (root / "urls").write_text(url + "\n")
        (root / "config").write_text("auto-reload no\n")
        self.env = {"HOME": str(root / "home")}
        self.args = ["-u", str(root / "urls"), "-c", str(root / "cache.db"), "-C", str(root / "config")]
        self.titles: list[str] = []

    def cold(self) -> float | None:
        for name in ("cache.db", "cache.db.lock"):
            (self.root / name).unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run(
            ["newsboat", *self.args, "-x", "reload"],
            env={**os.environ, **self.env},
            check=True,
            capture_output=True,
            timeout=600,
        )
        return time.perf_counter() - start

    def launch(self) -> tuple[Pane, float | None]:
        (self.root / "cache.db.lock").unlink(missing_ok=True)
        pane = Pane(["newsboat", *self.args], env=self.env, size=SIZE)
        if pane.wait(lambda s: "Your feeds" in s and "Bench feed" in s, 60) is None:
            return pane, None
        pane.keys("Enter")
        seconds = pane.wait(lambda s: "Articles in feed" in s and len(s.splitlines()) > 3, 60, since=pane.started)
        lines = pane.text().splitlines()
        self.titles = [m.group(1) for m in map(_NEWSBOAT_ROW.match, lines[1:3]) if m]
        return pane, seconds

    def open_row(self, pane: Pane, row: int) -> tuple[float | None, float]:
        title = f"Title: {self.titles[row]}" if row < len(self.titles) else "Link: "
        cpu, start = pane.cpu(), time.perf_counter()
        pane.keys("Enter")
        seconds = pane.wait(lambda s: title in s, 30, since=start)
        pane.idle(quiet=0.3, limit=10)
        used = pane.cpu() - cpu
        pane.keys("q")  # back to the list (not timed)
        pane.wait(lambda s: "Articles in feed" in s, 30)
        return seconds, used

    def search(self, pane: Pane, query: str, first: bool) -> float | None:
        if not first:
            pane.keys("q")  # leave the results
            pane.wait(lambda s: "Articles in feed" in s, 30)
        pane.keys("/")
        time.sleep(0.3)
        pane.keys(query, literal=True)
        time.sleep(0.3)
        start = time.perf_counter()
        pane.keys("Enter")
        return pane.wait(lambda s: "Search results" in s, 120, since=start)


_NEWSBOAT_ROW = re.compile(r"\s*\d+\s+\S*\s+\w{3} \d{2}\s+\S+\s+(\S.*?)\s*$")


# -- one session ------------------------------------------------------------------------------


def session(side: Side, scratch: Path) -> Result:
    """A warm launch, then keys, opens and searches; every figure of one run."""
    result: Result = {}
    pane, result["launch"] = side.launch()
    try:
        if result["launch"] is None:
            return result
        result["launch_cpu"] = pane.cpu()  # robust where the wall time is not: a loaded machine
        pane.idle(quiet=1.0, limit=120)
        result["rss_launch"] = pane.peak_rss()
        record = scratch / f"{side.name}-{pane.name}.out"
        pane.record(record)
        time.sleep(0.3)
        moves: list[float | None] = []
        cpu, written = pane.cpu(), pane.written()
        for n in range(KEYS):
            before = pane.text(colours=True)
            start = time.perf_counter()
            pane.keys("Down" if n % 2 == 0 else "Up")
            moves.append(pane.wait(before.__ne__, 5, colours=True, since=start))
            time.sleep(0.05)
        time.sleep(0.3)
        result["down"] = median(moves)
        result["down_cpu"] = (pane.cpu() - cpu) / KEYS
        result["down_bytes"] = (pane.written() - written) / KEYS
        opens: list[float | None] = []
        cpu_open = 0.0
        for n in range(OPENS):
            row = n % 2
            if n:
                pane.keys("Down" if row else "Up")
                time.sleep(0.2)
            seconds, used = side.open_row(pane, row)
            opens.append(seconds)
            cpu_open += used
        result["open"] = median(opens)
        result["open_cpu"] = cpu_open / OPENS
        result["search1"] = side.search(pane, QUERIES[0], True)
        result["search2"] = side.search(pane, QUERIES[1], False)
        pane.idle(quiet=0.5, limit=120)
        result["rss_search"] = pane.peak_rss()
        return result
    finally:
        pane.close()
        for path in scratch.glob(f"{side.name}-*.out"):
            path.unlink()


def measure(
    sides: list[Side], runs: int, scratch: Path, label: str, cold_only: bool = False
) -> dict[str, dict[str, float | None]]:
    """``runs`` interleaved rounds (the order alternates); medians per app and measure (``cold_only``:
    the first start only)."""
    figures: dict[str, dict[str, list[float | None]]] = {side.name: {} for side in sides}
    for run in range(runs):
        order = sides if run % 2 == 0 else sides[::-1]
        for side in order:
            row = {"cold": side.cold()}
            if isinstance(side, Reader):
                row["cold_all"] = side.all_read
                row["cold_cpu"] = side.all_cpu
            row.update({} if cold_only else session(side, scratch))
            for key, value in row.items():
                figures[side.name].setdefault(key, []).append(value)
            print(
                f"  {label} run {run + 1}/{runs} {side.name}: "
                + ", ".join(f"{k} {_fmt(k, v)}" for k, v in row.items()),
                file=sys.stderr,
                flush=True,
            )
    return {name: {key: median(values) for key, values in measures.items()} for name, measures in figures.items()}


# -- the feed ---------------------------------------------------------------------------------


def feed(count: int) -> bytes:
    """An RSS feed of the ``count`` generated pages (title, date and the story's text)."""
    items = []
    for n in range(count):
        article = parse(marked_page(n, count))
        day = datetime.datetime.fromisoformat(article.published or "2024-01-01").replace(tzinfo=datetime.UTC)
        body = "".join(f"<p>{escape(block.text)}</p>" for block in article.body)
        items.append(
            f"<item><title>{escape(article.title)}</title><link>http://127.0.0.1/story/{n}</link>"
            f"<guid>story-{n}</guid><pubDate>{email.utils.format_datetime(day + datetime.timedelta(seconds=n))}"
            f"</pubDate><description>{escape(body)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed</title>'
        "<link>http://127.0.0.1/</link><description>generated</description>" + "".join(items) + "</channel></rss>"
    ).encode()


def serve(data: bytes) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``data`` at /feed.xml on 127.0.0.1 (a free port) from a thread; the server and the URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/feed.xml"


# -- the tables -------------------------------------------------------------------------------


def _fmt(key: str, value: float | None) -> str:
    if value is None:
        return "—"
    if key.startswith("rss"):
        return f"{value:.0f} MiB"
    if key == "down_bytes":
        return f"{value / 1024:.1f} KB"
    if key.startswith("cold") or value >= 1.0:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("launch → headlines, warm / app CPU (newsboat: and its feed opened)", ("launch", "launch_cpu")),
    (
        "first start, nothing cached: first headlines / all listed / CPU until then, with children (newsboat: ingest)",
        ("cold", "cold_all", "cold_cpu"),
    ),
    ("Down: key → screen changed / app CPU per key / bytes written", ("down", "down_cpu", "down_bytes")),
    ("open a story: Enter → text visible / app CPU", ("open", "open_cpu")),
    ("search, first / second query → results", ("search1", "search2")),
    ("peak RSS after launch / after two searches", ("rss_launch", "rss_search")),
]


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}×" if a is not None and b else "—"


def comparison_table(count: int, figures: dict[str, dict[str, float | None]]) -> str:
    """The side-by-side table (markdown), ratio = reader / newsboat."""
    nb, rd = figures.get("newsboat", {}), figures["reader"]
    lines = [f"| measure ({count:,}) | newsboat | reader | ratio |", "|---|---|---|---|"]
    for title, keys in ROWS:
        lines.append(
            f"| {title} | {' / '.join(_fmt(k, nb.get(k)) for k in keys)} | "
            f"{' / '.join(_fmt(k, rd.get(k)) for k in keys)} | "
            f"{' / '.join(_ratio(rd.get(k), nb.get(k)) for k in keys)} |"
        )
    return "\n".join(lines)


def before_after_table(count: int, figures: dict[str, dict[str, float | None]]) -> str:
    """reader before and after (markdown), ratio = after / before, from the same interleaved run."""
    bf, rd = figures["before"], figures["reader"]
    lines = [f"| measure ({count:,}) | before | after | ratio |", "|---|---|---|---|"]
    for title, keys in ROWS:
        lines.append(
            f"| {title.split(' (')[0]} | {' / '.join(_fmt(k, bf.get(k)) for k in keys)} | "
            f"{' / '.join(_fmt(k, rd.get(k)) for k in keys)} | "
            f"{' / '.join(_ratio(rd.get(k), bf.get(k)) for k in keys)} |"
        )
    return "\n".join(lines)


def growth_table(rows: dict[str, dict[str, float | None]]) -> str:
    """reader alone at each size (markdown)."""
    lines = [
        "| stories | " + " | ".join(title.split(" (")[0] for title, _ in ROWS) + " |",
        "|---" * (len(ROWS) + 1) + "|",
    ]
    for label, figures in rows.items():
        cells = [" / ".join(_fmt(k, figures.get(k)) for k in keys) for _, keys in ROWS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the comparison, then the growth rows; print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--growth", default="1000,100000", help="other sizes for reader alone ('' for none)")
    parser.add_argument("--growth-runs", type=int, default=2)
    parser.add_argument(
        "--before", type=Path, help="another copy of reader's source (git archive of a commit): measured alongside"
    )
    parser.add_argument("--cold-only", action="store_true", help="measure the first start only (quick)")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux not found: nothing measured")
        return
    has_newsboat = shutil.which("newsboat") is not None
    if not has_newsboat:
        print("newsboat not found (apt-get install newsboat): its columns are skipped")
    started = time.perf_counter()
    growth: dict[str, dict[str, float | None]] = {}
    before = args.before.resolve() if args.before else None
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        root = Path(tmp)
        sides: list[Side] = [Reader(root / "reader", args.size)]
        if before is not None:
            sides.append(Reader(root / "before", args.size, before, root / "reader" / "data"))
        server = None
        try:
            if has_newsboat:
                server, url = serve(feed(args.size))
                sides.insert(0, Newsboat(root / "newsboat", args.size, url))
            figures = measure(sides, args.runs, root, f"{args.size:,}", args.cold_only)
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()
        growth[f"{args.size:,}"] = figures["reader"]
        if before is not None:
            growth[f"{args.size:,} before"] = figures["before"]
        shutil.rmtree(root / "reader", ignore_errors=True)
        for count in [int(c) for c in args.growth.split(",") if c.strip()]:
            folder = root / f"reader-{count}"
            grown: list[Side] = [Reader(folder, count)]
            if before is not None:
                grown.append(Reader(root / f"before-{count}", count, before, folder / "data"))
            measured = measure(grown, args.growth_runs, root, f"{count:,}", args.cold_only)
            growth[f"{count:,}"] = measured["reader"]
            if before is not None:
                growth[f"{count:,} before"] = measured["before"]
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\nreader and newsboat side by side: tmux {SIZE[0]}x{SIZE[1]}, {args.runs} interleaved runs, medians; "
        f"{KEYS} Down/Up and {OPENS} Enter presses a run; searches for {QUERIES[0]!r} then {QUERIES[1]!r}\n"
    )
    print(comparison_table(args.size, figures))
    if before is not None:
        print(f"\nreader before ({before}) and after, same run:\n")
        print(before_after_table(args.size, figures))
    print(f"\nreader as the library grows ({args.growth_runs} runs each beyond {args.size:,}, medians):\n")
    print(growth_table(growth))
    print(f"\n(measured in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
