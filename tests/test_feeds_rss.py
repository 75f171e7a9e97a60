"""The fast RSS 2.0 reader gives what feedparser gives, and hands anything unusual to feedparser."""

from __future__ import annotations

import pytest
from feedparser.urls import make_safe_absolute_uri
from hypothesis import given
from hypothesis import strategies as st

from bench.bench_feeds import feed_xml
from reader.feeds import feedfile
from reader.feeds import rss as rss_module
from reader.feeds.convert import feed_content
from reader.feeds.feedfile import ParsedFeed, parse_feed, to_utf8
from reader.feeds.rss import parse_rss
from tests.test_feeds_support import rss

URL = "https://site.example/news/feed.xml"

ITEMS = [
    {
        "title": "Harbour ferry returns",
        "link": "https://site.example/news/ferry",
        "guid": "ferry-1",
        "date": "Fri, 20 Nov 2026 08:30:00 GMT",
        "description": "<p>The ferry is <b>back</b>.</p>",
        "author": "Ines Varga",
        "category": "Transport",
    },
    {
        "title": "Relative guid becomes the link",
        "guid": "stories/7",
        "date": "Thu, 19 Nov 2026 10:00:00 +0200",
        "content": "<p>Long text <a href='/news/other'>other story</a>.</p><script>alert(1)</script>",
    },
    {"title": "Relative link", "link": "/news/relative", "description": "Plain summary with no markup."},
    {"description": "An item without a title or link."},
    {"title": "Same guid twice", "guid": "https://site.example/a", "link": "https://site.example/a"},
    {"title": "Same guid twice", "guid": "https://site.example/a", "link": "https://site.example/b"},
    *(
        {"title": f"Link {n}", "link": link, "guid": f"edge-{n}"}
        for n, link in enumerate(
            [
                "https://site.example/a;",
                "https://site.example/a;b/c",
                "https://site.example/search?q=1#top",
                "HTTPS://Site.example/Upper",
                "https:///site.example/extra-slash",
                "https://site.example/a/../b/./c",
                "https://site.example:8080/port/~user/%7Eme/(x)",
                "https://site.example",
                "http://other.example/plain-http",
                "//site.example/scheme-relative",
                " https://site.example/spaced ",
            ]
        )
    ),
]


def slow(data: bytes, monkeypatch: pytest.MonkeyPatch) -> ParsedFeed:
    with monkeypatch.context() as patch:
        patch.setattr(feedfile, "parse_rss", lambda data, url: None)
        return parse_feed(data, "application/rss+xml", URL)


@pytest.mark.parametrize("document", [rss("Gazette", ITEMS), feed_xml("127.0.0.1:8080", 3, 20)], ids=["mixed", "bench"])
def test_fast_reader_matches_feedparser(document: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_rss(to_utf8(document, None), URL) is not None  # the fast path is taken
    fast, reference = parse_feed(document, "application/rss+xml", URL), slow(document, monkeypatch)
    assert (fast.title, fast.link) == (reference.title, reference.link)
    assert len(fast.items) == len(reference.items)
    for mine, theirs in zip(fast.items, reference.items, strict=True):
        assert (mine.key, mine.guid, mine.link, mine.title, mine.published, mine.authors, mine.categories) == (
            theirs.key,
            theirs.guid,
            theirs.link,
            theirs.title,
            theirs.published,
            theirs.authors,
            theirs.categories,
        )
        base = mine.link or URL
        assert feed_content(mine, base).blocks == feed_content(theirs, base).blocks  # same text once cleaned


@given(st.from_regex(r"\Ahttps?://[a-zA-Z0-9.-]{0,6}(:[0-9]{0,6})?(/[a-zA-Z0-9._~!$&'()*+,;=:@%/?#\\ -]{0,12})?\Z"))
def test_links_are_joined_as_feedparser_joins_them(link: str) -> None:
    for base in (URL, "http://127.0.0.1:8080/feed.xml", "https://other.example/a?b#c"):
        assert rss_module._link(base, link) == make_safe_absolute_uri(base, link)


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title></feed>',
        b'<?xml version="1.0"?><rss version="2.0" xml:base="https://other.example/"><channel><title>T</title>'
        b"<item><title>A</title><link>x</link></item></channel></rss>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Fish &amp;amp; chips</title>'
        b"</item></channel></rss>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title>'
        b"<pubDate>20 November 2026</pubDate></item></channel></rss>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title>'
        b"<author>ines@site.example (Ines Varga)</author></item></channel></rss>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>A</item></channel>',
    ],
    ids=["atom", "xml-base", "html-title", "odd-date", "author-address", "malformed"],
)
def test_unusual_documents_go_to_feedparser(document: bytes) -> None:
    assert parse_rss(document, URL) is None
