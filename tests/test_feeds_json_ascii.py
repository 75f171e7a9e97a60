"""``reader feeds list --json`` and ``reader refresh --json`` on an ASCII terminal: lossless JSON, never "?"."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from pytest_httpserver import HTTPServer

from reader.feeds.subscriptions import Feed, editing
from tests import test_feeds_support as support
from tests.test_feeds_support import rss

_module_server = support._module_server
server = support.server

TITLE = "Café “Zoë” — Nachrichten aus Köln 🎉"


def reader(*args: str) -> subprocess.CompletedProcess[bytes]:
    """``reader ARGS`` with ASCII as stdout's encoding (``PYTHONIOENCODING=ascii``), in the tests' folders."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, timeout=60, stdin=subprocess.DEVNULL, env=env
    )


def records(result: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    """The JSON Lines printed, checked to be pure ASCII (every other character escaped)."""
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.stdout.isascii() and b"?" not in result.stdout
    return [json.loads(line) for line in result.stdout.decode("ascii").splitlines()]


def test_feeds_list_and_refresh_json_keep_a_non_ascii_title_on_an_ascii_terminal(server: HTTPServer) -> None:
    """Both printed "Caf? ?Zo?? ..." (orjson's UTF-8 through an ASCII stdout): the title was lost to scripts."""
    base = server.url_for("/")
    item = {"title": "Ein Bericht über Köln", "guid": "k1", "link": f"{base}s/1", "content": "<p>Text. </p>" * 50}
    server.expect_request("/feed.xml").respond_with_data(rss(TITLE, [item]), content_type="application/rss+xml")
    with editing() as feeds:
        feeds.append(Feed(id="koeln", url=base + "feed.xml", slug="koeln", title=TITLE, full_text="never"))

    refreshed = reader("refresh", "--json")
    assert refreshed.returncode == 0, refreshed.stderr
    assert [(row["feed_id"], row["name"], row["new"]) for row in records(refreshed)] == [("koeln", TITLE, 1)]

    listed = reader("feeds", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(row["id"], row["title"], row["items"]) for row in records(listed)] == [("koeln", TITLE, 1)]
