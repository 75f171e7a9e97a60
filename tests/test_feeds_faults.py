"""Every bad input of issue 11 leaves the other feeds refreshing and the library intact, one line per feed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from reader.feeds.http import Limits
from reader.feeds.refresh import FeedResult, refresh
from reader.feeds.subscriptions import add_feed, load_feeds
from reader.library import read_article
from reader.paths import articles_dir
from tests import test_feeds_support as support
from tests.test_feeds_support import closed_port, rss

_module_server = support._module_server
server = support.server

GOOD = rss("Good news", [{"title": "Ferry back on the water", "guid": "g1", "content": "<p>The ferry is back.</p>"}])
LIMITS = Limits(connect=2, read=1, total=4)


def by_url(results: list[FeedResult]) -> dict[str, FeedResult]:
    return {r.url: r for r in results}


def stories_of(slug: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((articles_dir() / slug).glob("*.txt"))}


def test_each_fault_is_one_line_and_others_refresh(server: HTTPServer) -> None:
    base = server.url_for("/")
    port = server.port

    def slow(_request: object) -> Response:
        time.sleep(2.5)
        return Response(GOOD, content_type="application/rss+xml")

    def huge(_request: object) -> Response:
        def chunks() -> Iterator[bytes]:
            block = b"<!-- " + b"x" * (1 << 20) + b" -->"
            yield b'<?xml version="1.0"?><rss version="2.0"><channel>'
            for _ in range(100):
                yield block

        return Response(chunks(), content_type="application/rss+xml")

    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;">'
            % ((n,) + (str(n - 1).encode() if n > 1 else b"",) * 10)
            for n in range(1, 10)
        )
        + b']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
    )
    server.expect_request("/good.xml").respond_with_data(GOOD, content_type="application/rss+xml")
    server.expect_request("/slow.xml").respond_with_handler(slow)
    server.expect_request("/404.xml").respond_with_data("no", status=404)
    server.expect_request("/410.xml").respond_with_data("bye", status=410)
    server.expect_request("/500.xml").respond_with_data("oops", status=500)
    server.expect_request("/429.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    server.expect_request("/loop-a").respond_with_data("", status=302, headers={"Location": base + "loop-b"})
    server.expect_request("/loop-b").respond_with_data("", status=301, headers={"Location": base + "loop-a"})
    server.expect_request("/page.html").respond_with_data(
        "<!doctype html><html><body><p>Welcome to our site</p></body></html>", content_type="text/html"
    )
    server.expect_request("/empty.xml").respond_with_data("", content_type="application/rss+xml")
    server.expect_request("/huge.xml").respond_with_handler(huge)
    server.expect_request("/broken.xml").respond_with_data("<<<>>> &&& not xml at all", content_type="text/xml")
    server.expect_request("/bomb.xml").respond_with_data(bomb, content_type="application/xml")
    expected = {
        base + "good.xml": None,
        f"http://feed.invalid:{port}/rss.xml": "cannot resolve host feed.invalid",
        f"http://127.0.0.1:{closed_port()}/rss.xml": "connection refused",
        f"https://127.0.0.1:{port}/good.xml": "TLS error",
        base + "slow.xml": "timed out",
        base + "404.xml": "HTTP 404",
        base + "410.xml": "HTTP 410",
        base + "500.xml": "HTTP 500",
        base + "429.xml": "retry after 120 s",
        base + "loop-a": "redirect loop",
        base + "page.html": "an HTML page, not a feed",
        base + "empty.xml": "empty response",
        base + "huge.xml": "larger than 20 MB",
        base + "broken.xml": "feed",
        base + "bomb.xml": "entity",
    }
    for url in expected:
        add_feed(url)

    results = by_url(refresh(limits=LIMITS))

    assert set(results) == set(expected)
    for url, fragment in expected.items():
        result = results[url]
        if fragment is None:
            assert (result.state, result.new) == ("updated", 1)
        else:
            assert result.state in ("error", "gone"), (url, result)
            assert fragment in (result.error or ""), (url, result.error)
            assert "\n" not in result.line() and "Traceback" not in result.line()
    feeds = {feed.url: feed for feed in load_feeds()}
    assert feeds[base + "410.xml"].gone
    assert feeds[base + "429.xml"].next_try is not None
    assert (
        feeds[base + "500.xml"].failures == 1 and feeds[base + "500.xml"].last_error == "HTTP 500 INTERNAL SERVER ERROR"
    )

    # a second refresh: the 429 feed waits for its Retry-After, the gone feed is left alone
    server.clear()
    second = by_url(refresh([base + "429.xml", base + "410.xml"], limits=LIMITS))
    assert second[base + "429.xml"].state == "waiting"
    assert "waiting until" in (second[base + "429.xml"].error or "")


def test_a_failing_feed_keeps_its_stories(server: HTTPServer) -> None:
    base = server.url_for("/")
    server.expect_ordered_request("/feed.xml").respond_with_data(GOOD, content_type="application/rss+xml")
    server.expect_ordered_request("/feed.xml").respond_with_data("oops", status=500)
    server.expect_ordered_request("/feed.xml").respond_with_data(b"<rss><channel><item><title>Half", status=200)
    feed, _ = add_feed(base + "feed.xml")
    refresh()
    before = stories_of(feed.slug)
    assert len(before) == 1
    [failed] = refresh()
    [odd] = refresh()
    assert failed.state == "error"
    assert odd.state in ("error", "updated", "unchanged")
    assert set(before.items()) <= set(stories_of(feed.slug).items())


def test_charsets_declared_or_not(server: HTTPServer) -> None:
    base = server.url_for("/")
    cases = {
        "cp1251-declared.xml": ("windows-1251", True, "Новости дня: паром снова в пути"),
        "cp1251-bare.xml": ("windows-1251", False, "Новости дня: паром снова в пути"),
        "koi8-declared.xml": ("koi8-r", True, "Городской рынок переезжает в депо"),
        "koi8-bare.xml": ("koi8-r", False, "Городской рынок переезжает в депо"),
        "latin1-declared.xml": ("iso-8859-1", True, "Fête du café à Noël"),
        "latin1-bare.xml": ("iso-8859-1", False, "Fête du café à Noël"),
    }
    for name, (encoding, declare, title) in cases.items():
        body = rss(
            f"Feed {name}",
            [{"title": title, "guid": name, "content": "<p>Texte.</p>"}],
            encoding=encoding,
            declare=declare,
        )
        server.expect_request("/" + name).respond_with_data(body, content_type="application/rss+xml")
        add_feed(base + name)
    results = refresh()
    assert all(r.state == "updated" for r in results), [r.line() for r in results]
    for feed in load_feeds():
        name = feed.url.rsplit("/", 1)[1]
        [path] = (articles_dir() / feed.slug).glob("*.txt")
        assert read_article(path).title == cases[name][2], name


def test_odd_items_become_readable_stories(server: HTTPServer) -> None:
    base = server.url_for("/")
    items = [
        {"description": "A story whose feed forgot its title and its link entirely."},
        {"title": "Only a title, no link or guid"},
        {"title": "Twice the same guid", "guid": "same", "content": "<p>First.</p>"},
        {"title": "Twice the same guid, again", "guid": "same", "content": "<p>Second.</p>"},
        {"title": "From the future", "guid": "f", "date": "Sat, 01 Jan 2300 00:00:00 GMT"},
        {"title": "Nonsense date", "guid": "n", "date": "the day after tomorrow"},
        {"title": "\x1b[31mRed alert\x1b[0m [bold]markup[/bold] \x1b]8;;http://evil.example\x07link", "guid": "e"},
    ]
    server.expect_request("/odd.xml").respond_with_data(rss("Odd", items), content_type="application/rss+xml")
    feed, _ = add_feed(base + "odd.xml")
    [result] = refresh()
    assert (result.state, result.new) == ("updated", 6)
    articles = [read_article(p) for p in sorted((articles_dir() / feed.slug).glob("*.txt"))]
    titles = {a.title for a in articles}
    assert "A story whose feed forgot its title and its link entirely." in titles
    assert "Only a title, no link or guid" in titles
    assert "Twice the same guid" in titles and "Twice the same guid, again" not in titles
    today = time.strftime("%Y-%m-%d", time.gmtime())
    dates = {a.title: a.published for a in articles}
    assert dates["From the future"] == today
    assert dates["Nonsense date"] == today
    [hostile] = [t for t in titles if "Red alert" in t]
    assert hostile == "Red alert [bold]markup[/bold] link"
    assert all("\x1b" not in p.read_text() for p in (articles_dir() / feed.slug).glob("*.txt"))


def test_failing_feed_backs_off_when_only_due_feeds_refresh(server: HTTPServer) -> None:
    base = server.url_for("/")
    server.expect_request("/500.xml").respond_with_data("oops", status=500)
    add_feed(base + "500.xml")
    [first] = refresh(due_only=True)
    [second] = refresh(due_only=True)
    assert first.state == "error"
    assert second.state == "waiting"
    assert [r.path for r, _ in server.log if r.path == "/500.xml"] == ["/500.xml"]


def test_compressed_feed_and_user_agent(server: HTTPServer) -> None:
    import gzip

    base = server.url_for("/")
    server.expect_request("/gz.xml", headers={"Accept-Encoding": "gzip, deflate, br"}).respond_with_data(
        gzip.compress(GOOD), content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    add_feed(base + "gz.xml")
    [result] = refresh()
    assert (result.state, result.new) == ("updated", 1)
    request = next(r for r, _ in server.log if r.path == "/gz.xml")
    assert request.headers["User-Agent"].startswith("reader/0.1.0")


def test_gzip_bomb_is_stopped_by_the_size_cap(server: HTTPServer) -> None:
    import gzip

    base = server.url_for("/")
    bomb = gzip.compress(b"<rss>" + b" " * (40 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    server.expect_request("/bomb.gz").respond_with_data(
        bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    add_feed(base + "bomb.gz")
    [result] = refresh()
    assert result.state == "error" and "larger than 20 MB" in (result.error or "")


def test_retry_after_as_an_http_date() -> None:
    from reader.feeds.http import retry_after_seconds

    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412400.0) == 80.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_a_forked_process_writes_through_its_own_temp_name(tmp_path: Path) -> None:
    """Two processes writing the same story never share a temp file (the pid in its name is the writer's own)."""
    import os

    from reader.feeds import files

    seen = tmp_path / "seen"
    real_replace = os.replace
    child = os.fork()
    if child == 0:  # the child: record the temp name its write used, then leave without pytest's cleanup
        code = 1
        try:

            def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
                seen.write_text(str(src))
                real_replace(src, dst)

            os.replace = spy  # type: ignore[assignment]
            files.atomic_write(tmp_path / "story.txt", b"whole", durable=False)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert f".story.txt.{child}." in seen.read_text()
    assert (tmp_path / "story.txt").read_bytes() == b"whole"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
