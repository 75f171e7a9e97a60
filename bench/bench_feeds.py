"""Feed refresh benchmark: 200 feeds × 50 items and their article pages on a local server (127.0.0.1 only).

Prints wall time and peak RSS of a cold refresh (everything new: feed parse,
page fetch, extraction, page files written) and a warm one (every feed 304),
median of RUNS; then newsboat's ``-x reload`` on the same server when newsboat
is installed (temp HOME and config, same concurrency; newsboat fetches feeds only).

Run: ``python -m bench.bench_feeds [RUNS] [FEEDS] [ITEMS]``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONCURRENCY = 32
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
    paragraphs = "".join(f"<p>{_sentence(feed * 1000 + item * 10 + k, 40)}</p>" for k in range(8))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Feed {feed} story {item}</title>"
        f"<meta name='author' content='Ada Quill'><meta property='article:published_time' content='2026-11-20'>"
        f"<script>var t=1;</script></head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Feed {feed} story {item}</h1>{paragraphs}"
        f"<p>See also <a href='http://{host}/page/{feed}/{(item + 1) % 50}'>the next story in this feed</a>.</p>"
        f"</article><footer>© Bench</footer></body></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    items = 50

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        host = self.headers.get("Host", "127.0.0.1")
        parts = self.path.strip("/").split("/")
        if parts[0] == "feed" and len(parts) == 2:
            feed = int(parts[1].removesuffix(".xml"))
            etag = f'"feed-{feed}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(feed_xml(host, feed, self.items), "application/rss+xml", etag)
        elif parts[0] == "page" and len(parts) == 3:
            self._send(page_html(host, int(parts[1]), int(parts[2])), "text/html; charset=utf-8", None)
        else:
            self._send(b"not found", "text/plain", None, 404)

    def _send(self, body: bytes, kind: str, etag: str | None, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", "Fri, 20 Nov 2026 08:00:00 GMT")
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


def serve(port_file: str, items: int) -> None:
    """Run the server until stdin closes (the parent ends it that way)."""
    _Handler.items = items
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.handle_error = lambda *args: None  # type: ignore[method-assign]  # clients closing keep-alives
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Path(port_file).write_text(str(server.server_address[1]))
    sys.stdin.read()
    server.shutdown()


_REFRESH = f"""
CONCURRENCY = {CONCURRENCY}
import resource, sys, time
from reader.feeds.http import Limits
from reader.feeds.refresh import refresh
started = time.perf_counter()
results = refresh(limits=Limits(connections=CONCURRENCY, per_host=CONCURRENCY))
wall = time.perf_counter() - started
states = {{}}
for r in results:
    states[r.state] = states.get(r.state, 0) + 1
new = sum(r.new for r in results)
states["page failures"] = sum(r.page_failures for r in results)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{{wall:.3f}} {{rss:.0f}} {{new}} {{states}}, largest extraction worker {{workers:.0f}} MB")
"""


def run_reader(env: dict[str, str]) -> tuple[float, float, str]:
    out = subprocess.run([sys.executable, "-c", _REFRESH], env=env, capture_output=True, text=True, check=True).stdout
    wall, rss, rest = out.split(" ", 2)
    return float(wall), float(rss), rest.strip()


def subscribe(env: dict[str, str], port: int, feeds: int, full_text: str = "auto") -> None:
    code = (
        "import sys\nfrom reader.feeds.subscriptions import editing, Feed\n"
        f"with editing() as feeds:\n    for i in range({feeds}):\n"
        f"        url = f'http://127.0.0.1:{port}/feed/{{i}}.xml'\n"
        f"        feeds.append(Feed(id=f'b{{i}}', url=url, slug=f'bench-{{i}}', full_text={full_text!r}))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def run_newsboat(port: int, feeds: int, root: Path) -> tuple[float, float]:
    home = root / "nb-home"
    home.mkdir(exist_ok=True)
    urls = home / "urls"
    urls.write_text("".join(f"http://127.0.0.1:{port}/feed/{i}.xml\n" for i in range(feeds)))
    config = home / "config"
    config.write_text(f"reload-threads {CONCURRENCY}\nshow-read-feeds yes\n")
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", ""), "XDG_CONFIG_HOME": str(home / "x"),
           "XDG_DATA_HOME": str(home / "d"), "XDG_CACHE_HOME": str(home / "c")}
    command = ["newsboat", "-x", "reload", "-u", str(urls), "-C", str(config), "-c", str(home / "cache.db")]
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        print(f"  newsboat exited with status {status}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    feeds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    items = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    root = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    port_file = root / "port"
    server = subprocess.Popen([sys.executable, "-m", "bench.bench_feeds", "--serve", str(port_file), str(items)],
                              stdin=subprocess.PIPE)
    try:
        for _ in range(100):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.05)
        port = int(port_file.read_text())
        print(f"{feeds} feeds x {items} items, {feeds * items} article pages, server on 127.0.0.1:{port}")
        cold: list[tuple[float, float]] = []
        warm: list[tuple[float, float]] = []
        bare: list[tuple[float, float]] = []
        for run in range(runs):
            home = root / f"run{run}"
            env = dict(os.environ, READER_DATA_DIR=str(home / "data"), READER_CACHE_DIR=str(home / "cache"),
                       READER_CONFIG_DIR=str(home / "config"))
            subscribe(env, port, feeds)
            wall, rss, info = run_reader(env)
            cold.append((wall, rss))
            print(f"  run {run + 1}: cold {wall:6.2f} s  peak RSS {rss:5.0f} MB  {info}")
            wall, rss, info = run_reader(env)
            warm.append((wall, rss))
            print(f"  run {run + 1}: warm {wall:6.2f} s  peak RSS {rss:5.0f} MB  {info}")
            shutil.rmtree(home, ignore_errors=True)
            subscribe(env, port, feeds, "never")
            wall, rss, info = run_reader(env)
            bare.append((wall, rss))
            print(f"  run {run + 1}: cold, feeds only (full_text never) {wall:6.2f} s  peak RSS {rss:5.0f} MB  {info}")
            shutil.rmtree(home, ignore_errors=True)
        for name, values in (("cold", cold), ("warm", warm), ("cold feeds-only", bare)):
            print(f"reader {name} refresh: median {statistics.median(v[0] for v in values):.2f} s, "
                  f"peak RSS {statistics.median(v[1] for v in values):.0f} MB")
        if shutil.which("newsboat"):
            nb_cold, nb_warm = [], []
            for run in range(runs):
                nb_root = root / f"nb{run}"
                nb_root.mkdir()
                nb_cold.append(run_newsboat(port, feeds, nb_root))
                nb_warm.append(run_newsboat(port, feeds, nb_root))
                shutil.rmtree(nb_root, ignore_errors=True)
            for name, values in (("cold", nb_cold), ("warm", nb_warm)):
                print(f"newsboat -x reload {name} (feeds only, {CONCURRENCY} threads): median "
                      f"{statistics.median(v[0] for v in values):.2f} s, peak RSS "
                      f"{statistics.median(v[1] for v in values):.0f} MB")
        else:
            print("newsboat not installed: skipped")
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
