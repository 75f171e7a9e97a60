"""``reader feeds ...``, ``reader refresh`` and ``reader prune`` from the shell (a local server only)."""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer

from reader.cli import main
from reader.feeds import cli as feeds_cli
from reader.feeds.opml import OpmlError, read_opml
from reader.feeds.stories import feed_folder, feed_stories
from reader.feeds.subscriptions import editing, load_feeds
from reader.store import open_store
from tests import test_feeds_support as support
from tests.test_feeds_support import rss

_module_server = support._module_server
server = support.server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run a feeds command through its own parser (what reader.cli hooks in)."""
    parser = argparse.ArgumentParser(prog="reader")
    feeds_cli.add_commands(parser.add_subparsers(dest="command", required=True))
    parsed = parser.parse_args(list(args))
    code = parsed.handler(parsed)
    out, err = capsys.readouterr()
    return code, out, err


def news(base: str, n: int = 3) -> bytes:
    return rss(
        "Harbour News",
        [
            {
                "title": f"Harbour story number {i}",
                "guid": f"s{i}",
                "link": f"{base}s/{i}",
                "date": f"Fri, {10 + i} Nov 2026 08:00:00 GMT",
                "content": "<p>Long enough text. " * 100 + "</p>",
            }
            for i in range(n)
        ],
    )


def test_add_discovers_the_feed_of_a_page_and_lists_it(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url_for("/")
    server.expect_request("/").respond_with_data(
        '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/feed.rss">'
        "</head><body>Home</body></html>",
        content_type="text/html",
    )
    server.expect_request("/feed.rss").respond_with_data(news(base), content_type="application/rss+xml")

    code, out, err = run(capsys, "feeds", "add", base, "--full-text", "never", "--keep", "2")
    assert (code, err) == (0, "")
    assert "Harbour News" in out and base + "feed.rss" in out
    [feed] = load_feeds()
    assert (feed.url, feed.full_text, feed.retention_count) == (base + "feed.rss", "never", 2)

    code, out, err = run(capsys, "refresh")
    assert code == 0 and out.strip() == "refreshed 1 feed: 3 new, 0 updated, 0 failed"

    store = open_store()
    first = next(iter(feed_stories(feed.slug).values()))
    store.set_read(first["id"])
    store.flush()
    code, out, _ = run(capsys, "feeds", "list", "--json")
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["title"], row["items"], row["unread"], row["last_error"]) == ("Harbour News", 3, 2, None)
    assert row["last_refresh"]


def test_add_reports_a_page_without_feed(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url_for("/")
    server.expect_request("/plain").respond_with_data("<html><body>nothing</body></html>", content_type="text/html")
    code, _, err = run(capsys, "feeds", "add", base + "plain")
    assert code == 1 and err.count("\n") == 1 and "names no feed" in err
    assert load_feeds() == []
    code, _, err = run(capsys, "feeds", "add", "file:///etc/passwd")
    assert code == 1 and "not an http(s) URL" in err


def test_refresh_json_and_failures_exit_1(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url_for("/")
    server.expect_request("/ok.xml").respond_with_data(news(base), content_type="application/rss+xml")
    server.expect_request("/bad.xml").respond_with_data("no", status=404)
    with editing() as feeds:
        from reader.feeds.subscriptions import Feed

        feeds.append(Feed(id="ok", url=base + "ok.xml", slug="ok", full_text="never"))
        feeds.append(Feed(id="bad", url=base + "bad.xml", slug="bad"))
    code, out, err = run(capsys, "refresh", "--json")
    rows = {row["feed_id"]: row for row in map(json.loads, out.splitlines())}
    assert code == 1 and err == ""
    assert rows["ok"]["new"] == 3 and rows["bad"]["status"] == 404 and "HTTP 404" in rows["bad"]["error"]
    code, out, err = run(capsys, "refresh", "bad")
    assert code == 1 and err.startswith("reader: ") and "HTTP 404" in err and err.count("\n") == 1
    code, _, err = run(capsys, "refresh", "nosuchfeed")
    assert code == 1 and "no feed" in err


def test_opml_import_export_import_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]) -> None:
    source = tmp_path / "subs.opml"  # type: ignore[operator]
    source.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
        '<outline text="News"><outline text="World">'
        '<outline type="rss" text="Port Elsen Post" xmlUrl="https://post.example/rss"/></outline>'
        '<outline type="rss" text="Gazette" xmlUrl="https://gazette.example/feed"/></outline>'
        '<outline type="rss" text="Loose" xmlUrl="https://loose.example/atom.xml"/>'
        '<outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "feeds", "import", str(source))
    assert code == 1 and "imported 3 feeds" in out and "javascript" in err
    first = [(f.url, f.title, f.folder) for f in load_feeds()]
    assert first == [
        ("https://post.example/rss", "Port Elsen Post", "News/World"),
        ("https://gazette.example/feed", "Gazette", "News"),
        ("https://loose.example/atom.xml", "Loose", None),
    ]
    code, exported, _ = run(capsys, "feeds", "export")
    assert code == 0 and exported.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    again = [(o.url, o.title, o.folder) for o in read_opml(exported.encode())]
    assert again == first
    for feed in load_feeds():
        assert run(capsys, "feeds", "remove", feed.id)[0] == 0
    export_file = tmp_path / "out.opml"  # type: ignore[operator]
    export_file.write_text(exported, encoding="utf-8")
    assert run(capsys, "feeds", "import", str(export_file))[0] == 0
    assert [(f.url, f.title, f.folder) for f in load_feeds()] == first


def test_opml_refuses_entities_and_junk() -> None:
    with pytest.raises(OpmlError, match="entities"):
        read_opml(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>')
    with pytest.raises(OpmlError, match="not valid XML"):
        read_opml(b"<opml><body>")
    with pytest.raises(OpmlError, match="not an OPML"):
        read_opml(b"<rss/>")


def test_prune_keeps_bookmarked_and_unread_young(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url_for("/")
    server.expect_request("/feed.xml").respond_with_data(news(base, 5), content_type="application/rss+xml")
    with editing() as feeds:
        from reader.feeds.subscriptions import Feed

        feeds.append(Feed(id="h", url=base + "feed.xml", slug="harbour", full_text="never", retention_count=1))
    assert run(capsys, "refresh")[0] == 0
    index = feed_stories("harbour")
    ordered = sorted(index.values(), key=lambda r: r["published"], reverse=True)
    ids = [r["id"] for r in ordered]
    store = open_store()
    store.set_read(ids[1])  # read, young: may go (beyond the newest 1)
    store.set_read(ids[2])
    store.set_bookmark(ids[2], title="kept")  # bookmarked: stays
    # ids[3]: unread and young: stays; ids[4]: unread but old: may go
    store.flush()
    from reader.feeds.files import write_json

    data = json.loads((feed_folder("harbour") / ".feed.json").read_text())
    old = (datetime.now(UTC) - timedelta(days=40)).isoformat(timespec="seconds")
    for record in data["stories"].values():
        if record["id"] == ids[4]:
            record["fetched"] = old
    write_json(feed_folder("harbour") / ".feed.json", data)

    code, out, _ = run(capsys, "prune", "--dry-run")
    assert code == 0 and out.strip().endswith("2 stories would be deleted")
    assert len(list(feed_folder("harbour").glob("*.txt"))) == 5
    code, out, _ = run(capsys, "prune")
    assert code == 0 and "deleted 2 stories" in out
    left = {r["id"] for r in feed_stories("harbour").values()}
    assert left == {ids[0], ids[2], ids[3]}
    assert len(list(feed_folder("harbour").glob("*.txt"))) == 3


def test_reader_command_hooks_the_feed_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "list"]) == 0
    assert "no feeds yet" in capsys.readouterr().out
    assert main(["prune", "--dry-run"]) == 0


def test_set_changes_settings_and_unknown_feeds_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with editing() as feeds:
        from reader.feeds.subscriptions import Feed

        feeds.append(Feed(id="abc", url="https://x.example/rss", slug="x"))
    code, out, _ = run(capsys, "feeds", "set", "abc", "--full-text", "always", "--interval", "15", "--title", "Mine")
    assert code == 0 and "Mine: full text always, every 15 min" in out
    [feed] = load_feeds()
    assert (feed.full_text, feed.interval_minutes, feed.name) == ("always", 15, "Mine")
    code, _, err = run(capsys, "feeds", "set", "nope", "--keep", "3")
    assert code == 1 and err == "reader: no feed 'nope' (see `reader feeds list`)\n"
    code, _, err = run(capsys, "feeds", "remove", "nope")
    assert code == 1 and err.count("\n") == 1
    assert run(capsys, "feeds", "remove", "https://x.example/rss")[0] == 0
    assert load_feeds() == []


def test_set_refuses_an_interval_under_a_minute_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """``--interval 0`` used to be raised to 1 silently; now it is refused and nothing changes."""
    with editing() as feeds:
        from reader.feeds.subscriptions import Feed

        feeds.append(Feed(id="abc", url="https://x.example/rss", slug="x", interval_minutes=30))
    for value in ("0", "-5"):
        code, out, err = run(capsys, "feeds", "set", "abc", "--interval", value, "--title", "Changed")
        assert code == 1 and out == ""
        assert err == f"reader: --interval {value}: the refresh interval is at least 1 minute\n"
    code, _, err = run(capsys, "feeds", "set", "abc", "--keep", "-1")
    assert code == 1 and err == "reader: --keep -1: give 0 or more\n"
    [feed] = load_feeds()
    assert (feed.interval_minutes, feed.name) == (30, "x.example")
    code, _, err = run(capsys, "feeds", "add", "https://y.example/rss", "--interval", "0")
    assert code == 1 and "at least 1 minute" in err and err.count("\n") == 1
    assert [f.id for f in load_feeds()] == ["abc"]
    code, out, _ = run(capsys, "feeds", "set", "abc", "--interval", "1")
    assert code == 0 and "every 1 min" in out


def test_opml_import_refuses_a_fifo_and_a_folder_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]
) -> None:
    """A named pipe given as the OPML file is refused at once (it used to block forever)."""
    fifo = os.path.join(tmp_path, "feeds.opml")
    os.mkfifo(fifo)
    code, out, err = run(capsys, "feeds", "import", fifo)
    assert code == 1 and out == ""
    assert err == f"reader: {fifo}: not a regular file (a named pipe)\n"
    code, _, err = run(capsys, "feeds", "import", str(tmp_path))
    assert code == 1 and err == f"reader: {tmp_path}: is a folder, not a file\n"
    assert load_feeds() == []


def test_feeds_errors_never_echo_escape_sequences(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]
) -> None:
    """A hostile file name in a feeds error is shown without its terminal escapes."""
    name = os.path.join(tmp_path, "evil\x1b[31mred\x1b]0;pwn\x07.opml")
    code, _, err = run(capsys, "feeds", "import", name)
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert err.startswith("reader: ") and err.endswith("/evilred.opml: no such file\n")


def test_a_redirect_to_a_port_out_of_range_is_a_failed_feed_not_a_traceback(
    server: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hostile Location (port 99999) crashed `feeds add` and every `reader refresh` with a traceback."""
    base = server.url_for("/")
    from werkzeug.wrappers import Response

    class RawLocation(Response):
        def get_wsgi_headers(self, environ):  # type: ignore[no-untyped-def]
            return self.headers  # werkzeug itself chokes on the bad port: send it as it is

    server.expect_request("/moved.xml").respond_with_response(
        RawLocation("", status=302, headers={"Location": "http://127.0.0.1:99999/feed.xml"})
    )
    server.expect_request("/ok.xml").respond_with_data(news(base), content_type="application/rss+xml")
    code, out, err = run(capsys, "feeds", "add", base + "moved.xml")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "bad redirect" in err and "Port out of range" in err
    with editing() as feeds:
        from reader.feeds.subscriptions import Feed

        feeds.append(Feed(id="moved", url=base + "moved.xml", slug="moved"))
        feeds.append(Feed(id="port", url="http://127.0.0.1:99999/feed.xml", slug="port"))
        feeds.append(Feed(id="ok", url=base + "ok.xml", slug="ok", full_text="never"))
    code, out, err = run(capsys, "refresh", "--json")
    rows = {row["feed_id"]: row for row in map(json.loads, out.splitlines())}
    assert code == 1 and err == ""
    assert rows["ok"]["new"] == 3  # the good feed is refreshed all the same
    assert "bad redirect" in rows["moved"]["error"] and "Port out of range" in rows["port"]["error"]


def test_add_and_opml_import_refuse_addresses_that_cannot_be_fetched(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]
) -> None:
    """Control characters, spaces or a bad port in an address: one line, nothing subscribed."""
    code, _, err = run(capsys, "feeds", "add", "http://127.0.0.1:8/\x1b[31mfeed")
    assert code == 1 and err.count("\n") == 1 and "control characters" in err and "\x1b" not in err
    opml = os.path.join(tmp_path, "feeds.opml")
    with open(opml, "w", encoding="utf-8") as file:
        file.write(
            '<?xml version="1.0"?><opml version="2.0"><head/><body>'
            '<outline type="rss" text="Port" xmlUrl="http://127.0.0.1:99999/feed.xml"/>'
            '<outline type="rss" text="Space" xmlUrl="http://exa mple.org/feed.xml"/>'
            '<outline type="rss" text="Good" xmlUrl="http://127.0.0.1:8/good.xml"/>'
            "</body></opml>"
        )
    code, out, err = run(capsys, "feeds", "import", opml)
    assert code == 1 and out.startswith("imported 1 feed ")
    assert "Port out of range" in err and "spaces or control characters" in err
    assert [feed.url for feed in load_feeds()] == ["http://127.0.0.1:8/good.xml"]


def test_feed_titles_from_an_opml_file_are_printed_without_controls(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]
) -> None:
    """An OPML title with a C1 CSI or a bidi override is shown cleaned by `feeds set` and `feeds remove`."""
    opml = os.path.join(tmp_path, "feeds.opml")
    with open(opml, "w", encoding="utf-8") as file:
        file.write(
            '<?xml version="1.0"?><opml version="2.0"><head/><body>'
            '<outline type="rss" text="Evil&#x9b;31m &#x202e;title" xmlUrl="http://127.0.0.1:8/feed.xml"/>'
            "</body></opml>"
        )
    assert run(capsys, "feeds", "import", opml)[0] == 0
    feed_id = load_feeds()[0].id
    for args in (("feeds", "set", feed_id, "--interval", "60"), ("feeds", "remove", feed_id)):
        code, out, _ = run(capsys, *args)
        assert code == 0 and "Evil title" in out
        assert "\x9b" not in out and "\u202e" not in out
    assert run(capsys, "feeds", "import", opml)[0] == 0
    code, out, _ = run(capsys, "feeds", "set", load_feeds()[0].id, "--title", "Mine\x1b[2J\x1b]0;x\x07")
    assert code == 0 and out.startswith("Mine: full text") and "\x1b" not in out and "\x07" not in out


def test_a_short_title_with_a_few_controls_keeps_its_words() -> None:
    """plain() dropped a whole title when two of its sixteen characters were controls (the binary-file test)."""
    from reader.feeds.extract import plain

    assert plain("Evil\x9b31m \u202etitle") == "Evil title"
    assert plain("a\x9bb") == "ab"


def test_opml_export_into_a_folder_or_a_pipe_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]
) -> None:
    """`feeds export -o FOLDER` ended in a traceback; a FIFO was silently replaced by a file."""
    fifo = os.path.join(tmp_path, "out.opml")
    os.mkfifo(fifo)
    for target in (str(tmp_path), fifo):
        code, out, err = run(capsys, "feeds", "export", "-o", target)
        assert (
            code == 1 and out == "" and err == f"reader: {target}: not a regular file: the OPML is written to a file\n"
        )
    assert os.path.exists(fifo) and not os.path.isfile(fifo)
    blocked = os.path.join(tmp_path, "file")
    open(blocked, "w").close()
    code, _, err = run(capsys, "feeds", "export", "-o", os.path.join(blocked, "x.opml"))
    assert code == 1 and err.startswith("reader: ") and err.count("\n") == 1
    code, _, _ = run(capsys, "feeds", "export", "-o", os.path.join(tmp_path, "feeds.opml"))
    with open(os.path.join(tmp_path, "feeds.opml"), "rb") as file:
        assert code == 0 and read_opml(file.read()) == []


def test_a_fifo_in_place_of_feeds_json_is_one_line_not_a_hang(
    capsys: pytest.CaptureFixture[str], tmp_path: os.PathLike[str]
) -> None:
    """`feeds list`, `refresh` and `feeds add` blocked forever reading a FIFO named feeds.json."""
    from reader.feeds.subscriptions import feeds_file

    path = feeds_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    for args in (("feeds", "list"), ("refresh",)):
        code, _, err = run(capsys, *args)
        assert code == 1 and err.count("\n") == 1 and "not a regular file (a named pipe)" in err


def test_a_hand_edited_slug_cannot_leave_the_articles_folder() -> None:
    """A slug such as ../../x in feeds.json made refresh write stories outside the library."""
    from reader.feeds.stories import articles_root, feed_folder
    from reader.feeds.subscriptions import Feed

    feed = Feed.from_dict({"id": "x", "url": "http://127.0.0.1:8/f.xml", "slug": "../../../outside/news"})
    assert "/" not in feed.slug and not feed.slug.startswith(".")
    assert feed_folder(feed.slug).resolve().parent == articles_root().resolve()
    assert (
        Feed.from_dict({"id": "y", "url": "http://127.0.0.1:8/g.xml", "slug": "harbour-news-2"}).slug
        == "harbour-news-2"
    )
