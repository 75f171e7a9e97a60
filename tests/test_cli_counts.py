"""What ``reader feeds ...``, ``reader refresh`` and ``reader prune`` print: counts in the right number,
a feed list that reads as a table on a terminal, and a broken feed's error in the user's words."""

from __future__ import annotations

import io

import pytest
from pytest_httpserver import HTTPServer

from reader.feeds.cli import LIST_HEADER, count
from reader.feeds.feedfile import FeedError, parse_feed
from reader.feeds.refresh import FeedResult
from reader.feeds.stories import feed_stories
from reader.feeds.subscriptions import Feed, editing, load_feeds
from reader.store import open_store
from tests import test_feeds_support as support
from tests.test_feeds_cli import news, run

_module_server = support._module_server
server = support.server


class Terminal(io.StringIO):
    """Standard output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_count_says_one_item_and_two_items() -> None:
    assert [count(n, "item") for n in (0, 1, 2)] == ["0 items", "1 item", "2 items"]
    assert count(1, "story", "stories") == "1 story" and count(3, "story", "stories") == "3 stories"


def test_one_of_everything_is_said_in_the_singular(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url_for("/")
    server.expect_request("/one.xml").respond_with_data(news(base, 1), content_type="application/rss+xml")
    code, out, _ = run(capsys, "feeds", "add", base + "one.xml", "--full-text", "never")
    assert code == 0 and ": 1 item; `reader refresh` fetches them" in out
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and out.strip() == "refreshed 1 feed: 1 new, 0 updated, 0 failed"


def test_prune_of_one_story_says_one_story(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url_for("/")
    server.expect_request("/feed.xml").respond_with_data(news(base, 2), content_type="application/rss+xml")
    with editing() as feeds:
        feeds.append(Feed(id="h", url=base + "feed.xml", slug="harbour", full_text="never", retention_count=1))
    assert run(capsys, "refresh")[0] == 0
    older = min(feed_stories("harbour").values(), key=lambda r: str(r["published"]))
    store = open_store()
    store.set_read(str(older["id"]))  # read, beyond the newest 1: it may go
    store.flush()
    code, out, _ = run(capsys, "prune", "--dry-run")
    assert code == 0 and out.splitlines()[-1] == "1 story would be deleted"
    code, out, _ = run(capsys, "prune")
    assert code == 0 and out.splitlines()[-1] == "deleted 1 story"


def subscribe_two() -> None:
    with editing() as feeds:
        feeds.append(Feed(id="a1", url="http://127.0.0.1:9/a.xml", slug="a", title="Harbour News"))
        feeds.append(
            Feed(
                id="b2",
                url="http://127.0.0.1:9/b.xml",
                slug="b",
                title="Herald",
                last_refresh="2026-11-29T05:00:00+00:00",
                last_error="not a valid feed (XML error at line 2)",
            )
        )


def test_feeds_list_on_a_terminal_is_a_table_with_its_columns_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subscribe_two()
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    code, _, _ = run(capsys, "feeds", "list")
    header, first, second = terminal.getvalue().splitlines()
    assert code == 0 and header == LIST_HEADER
    assert header.split() == ["ID", "UNREAD", "TOTAL", "LAST", "REFRESH", "UTC", "FEED"]
    # each number sits under its label, right-aligned
    for label, value in (("UNREAD", "0"), ("TOTAL", "0")):
        end = header.index(label) + len(label)
        assert first[end - 1] == value and first[end] == " "
    assert "never refreshed" in first and "Harbour News  <http://127.0.0.1:9/a.xml>" in first
    assert first.index("never refreshed") == header.index("LAST REFRESH") == second.index("2026-11-29 05:00")
    assert first.index("Harbour News") == header.index("FEED") == second.index("Herald")
    assert second.endswith("! failed: not a valid feed (XML error at line 2)")
    assert "0/0" not in first


def test_feeds_list_piped_is_one_line_a_feed_without_header(capsys: pytest.CaptureFixture[str]) -> None:
    subscribe_two()
    code, out, _ = run(capsys, "feeds", "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("a1  ") and "never refreshed" in lines[0] and "Harbour News" in lines[0]
    assert [line for line in lines if "Herald" in line] == [lines[1]]  # a grep for a feed finds its row


@pytest.mark.parametrize(
    ("body", "line"),
    [(b"not a feed at all", 1), (b'<?xml version="1.0"?>\n<doc>\n<part>\n<<<\n</part></doc>', 4)],
)
def test_a_malformed_feed_is_said_in_the_user_s_words(body: bytes, line: int) -> None:
    with pytest.raises(FeedError) as raised:
        parse_feed(body)
    assert str(raised.value) == f"not a valid feed (XML error at line {line})"


def test_a_malformed_feed_in_refresh_and_feeds_list(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    base = server.url_for("/")
    server.expect_request("/bad.xml").respond_with_data(
        b'<?xml version="1.0"?>\n<<< broken', content_type="application/rss+xml"
    )
    with editing() as feeds:
        feeds.append(Feed(id="bad", url=base + "bad.xml", slug="bad", title="Broken Herald"))
    code, out, err = run(capsys, "refresh")
    assert code == 1 and "refreshed 1 feed: 0 new, 0 updated, 1 failed" in out
    assert err == "reader: Broken Herald: not a valid feed (XML error at line 2)\n"
    assert load_feeds()[0].last_error == "not a valid feed (XML error at line 2)"
    code, out, _ = run(capsys, "feeds", "list")
    assert out.rstrip().endswith("! failed: not a valid feed (XML error at line 2)")
    assert "syntax error" not in out and "<unknown>" not in out


def test_a_refresh_line_counts_article_pages_in_the_right_number() -> None:
    one = FeedResult("f", "Herald", "http://127.0.0.1:9/f.xml", "updated", new=2, page_failures=1)
    assert one.line() == "Herald: 2 new, 0 updated; 1 article page not fetched (summary kept)"
    two = FeedResult("f", "Herald", "http://127.0.0.1:9/f.xml", "updated", new=2, page_failures=2)
    assert two.line().endswith("; 2 article pages not fetched (summary kept)")
