"""Helpers for the feed tests (no tests here): fixture feeds built in code, the fixture pages, a local server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


def page(name: str, base: str) -> bytes:
    """A fixture article page, its site links pointed at the local server."""
    return (FIXTURES / name).read_text(encoding="utf-8").replace("https://gazette.example", base.rstrip("/")).encode()


def rss(title: str, items: list[dict[str, str]], *, encoding: str = "utf-8", declare: bool = True) -> bytes:
    """An RSS 2.0 document; item keys: title, link, guid, date, description, author, category, content."""
    parts = []
    for item in items:
        fields = []
        for key, tag in (
            ("title", "title"),
            ("link", "link"),
            ("guid", "guid"),
            ("date", "pubDate"),
            ("author", "author"),
            ("category", "category"),
        ):
            if key in item:
                fields.append(f"<{tag}>{escape(item[key])}</{tag}>")
        if "description" in item:
            fields.append(f"<description>{escape(item['description'])}</description>")
        if "content" in item:
            fields.append(f"<content:encoded>{escape(item['content'])}</content:encoded>")
        parts.append("<item>" + "".join(fields) + "</item>")
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if declare else '<?xml version="1.0"?>'
    text = (
        f'{decl}\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>https://site.example/</link>{''.join(parts)}</channel></rss>"
    )
    return text.encode(encoding)


@pytest.fixture(scope="module")
def _module_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def server(_module_server: HTTPServer) -> Iterator[HTTPServer]:
    """A threaded HTTP server on 127.0.0.1 (a free port), cleared after each test."""
    yield _module_server
    _module_server.clear()


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
