"""A full-text story keeps its inline link to a story of another site (the Tram line story, in the library):
the link becomes a Related line that the article pane styles as a link and follows, like a page file's."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from pytest_httpserver import HTTPServer

from reader.app import ReaderApp
from reader.config import Config
from reader.feeds.convert import build_page
from reader.feeds.extract import html_blocks
from reader.feeds.feedfile import Item
from reader.feeds.refresh import refresh
from reader.feeds.subscriptions import add_feed
from reader.library import load_library, read_article
from reader.paths import articles_dir, seeds_dir
from reader.store import Store
from tests import test_feeds_support as support
from tests.helpers.article import article_view, story_text
from tests.helpers.pilot import main, settle
from tests.test_feeds_refresh import gazette
from tests.test_feeds_support import FIXTURES

_module_server = support._module_server
server = support.server

TRAM = "Tram line to link Port Elsen and Cobalt Bay by 2028"


def fetch_ferry(server: HTTPServer, extra: str = "") -> Path:
    """Refresh the Gazette, whose ferry page links to the tram story on gazette.example (not this server)."""
    base = server.url_for("/")
    html = (FIXTURES / "article-harbour.html").read_text(encoding="utf-8").replace("</article>", extra + "</article>")
    server.expect_request("/feed.xml").respond_with_data(gazette(base), content_type="application/rss+xml")
    server.expect_request("/news/ferry").respond_with_data(html.encode(), content_type="text/html")
    feed, _ = add_feed(base + "feed.xml")
    [result] = refresh()
    assert result.error is None
    [ferry] = (articles_dir() / feed.slug).glob("*ferry*.txt")
    return ferry


def test_an_off_site_link_that_reads_as_a_headline_stays_a_link(server: HTTPServer) -> None:
    short = '<p>Figures from <a href="https://stats.example/report">the ministry report</a> agree.</p>'
    ferry = read_article(fetch_ferry(server, short))
    assert ferry.related == (TRAM,)  # the short "the ministry report" is not taken for a headline
    text = " ".join(block.text for block in ferry.body)
    assert f"{TRAM} remains the island's other big transport project" in text  # the sentence stays whole
    library = load_library(folders=[seeds_dir(), articles_dir()])
    story = library.get(ferry.id)
    assert story is not None
    [link] = [link for link in library.links(library.full(story)) if link.kind == "related"]
    tram = next(a for a in library.articles if a.title == TRAM)
    assert link.target == tram.id  # resolved to the story in the library


async def test_the_article_pane_follows_the_link_to_the_story_in_the_library(
    server: HTTPServer, tmp_path: Path
) -> None:
    ferry = read_article(await asyncio.to_thread(fetch_ferry, server))
    library = load_library(folders=[seeds_dir(), articles_dir()])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main(app).open_article(ferry.id)
        await settle(pilot)
        text = story_text(app)
        assert f"Related: {TRAM}" in text and "not in library" not in text
        article_view(app).focus()
        await pilot.press("l", "enter")
        await settle(pilot)
        current = main(app).current
        shown = library.get(current) if current is not None else None
        assert shown is not None and shown.title == TRAM


PROMOTIONS = (
    '<p>Never miss a story: <a href="https://gazette.substack.com/subscribe">Sign up for our free daily'
    " newsletter</a>.</p>"
    '<p><a href="https://twitter.com/harbourgazette">The Harbour Gazette on Twitter and Mastodon</a>'
    " posts every sailing.</p>"
    '<p>The timetable: <a href="https://timetables.example/ferry">Click here to see every sailing this'
    " summer</a>.</p>"
    '<p><a href="https://www.facebook.com/sharer/sharer.php?u=ferry">Share This Story With Your Friends</a></p>'
    '<p><a href="https://islands.example/ferry-guide">Read the full guide to island ferries</a></p>'
)


def test_calls_to_action_and_share_links_are_not_related_stories(server: HTTPServer) -> None:
    ferry = read_article(fetch_ferry(server, PROMOTIONS))
    assert ferry.related == (TRAM,)  # no "Related: Sign up for our free daily newsletter" and the like
    text = " ".join(block.text for block in ferry.body)
    assert "Sign up for our free daily newsletter" in text  # the sentence itself stays in the story


def test_a_headline_opening_with_a_quote_is_a_related_link() -> None:
    quoted = "'Stop worrying about Trump': NATO chief to allies"
    html = f'<p>Earlier: <a href="https://world.example/nato-allies">{quoted}</a>.</p>'
    item = Item("g", "https://harbour.example/news/ferry", "Ferry", None, "", html, (), ())
    body = html_blocks(html, item.link or "")
    page = build_page(item, "Gazette", body, page=None, note=None, explore=[], known={}, now=datetime.now(UTC))
    assert [text for kind, text in page.blocks if kind == "related"] == [quoted]


def test_a_social_site_s_own_story_links_stay_related() -> None:
    """A Reddit feed's story linking to another Reddit post keeps it (a share button is another site's link)."""
    headline = "Port Elsen votes to keep the night market open"
    html = f'<p>See also <a href="https://www.reddit.com/r/portelsen/comments/2/night_market/">{headline}</a>.</p>'
    item = Item("g", "https://www.reddit.com/r/portelsen/comments/1/ferry/", "Ferry", None, "", html, (), ())
    body = html_blocks(html, item.link or "")
    page = build_page(item, "r/portelsen", body, page=None, note=None, explore=[], known={}, now=datetime.now(UTC))
    assert [text for kind, text in page.blocks if kind == "related"] == [headline]


def test_headlines_holding_promotion_words_inside_others_stay_related() -> None:
    headlines = [
        "Streaming service loses a million subscribers in Europe",
        "Ferry operator unveils design update for the island boats",
        "Wildfires spread more quickly than forecast on the coast",
        "Court backlog in Port Elsen reaches a record high",
    ]
    html = "".join(f'<p>Also: <a href="https://other.example/{n}">{h}</a>.</p>' for n, h in enumerate(headlines))
    item = Item("g", "https://harbour.example/news/ferry", "Ferry", None, "", html, (), ())
    body = html_blocks(html, item.link or "")
    page = build_page(item, "Gazette", body, page=None, note=None, explore=[], known={}, now=datetime.now(UTC))
    assert [text for kind, text in page.blocks if kind == "related"] == headlines
