"""Feed stories as page files: what is written reads back to the same Article; HTML is made safe."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from reader.feeds.extract import extract_page, html_blocks, plain
from reader.feeds.page import Page, render
from reader.feeds.subscriptions import add_feed
from reader.model import Block, Image
from reader.parse import ParseError, article_id, parse
from reader.paths import articles_dir
from tests import test_feeds_support as support
from tests.test_feeds_support import FIXTURES, rss

_module_server = support._module_server
server = support.server


def test_full_page_round_trips_through_the_parser() -> None:
    page = Page(
        title="Floating library opens in Port Elsen",
        published="2026-11-18",
        section="Culture",
        dek="A converted barge now lends books along the canal.",
        authors=("Pavel Lind", "Mira Stol"),
        caption="The barge at its mooring",
        credit="Port Elsen Post",
        blocks=[
            ("paragraph", "A barge that once carried coal reopened on Saturday as a lending library."),
            ("heading", "Built by volunteers"),
            ("list_item", "Four thousand books."),
            ("quote", "People come for the books and stay for the view."),
            ("related", "Night market moves to the old tram depot"),
            ("paragraph", "The council will decide next year whether to fund a second barge."),
        ],
        source="Port Elsen Post",
        explore=["Night market moves to the old tram depot", "Tallow ferry returns"],
    )
    article = parse(render(page))
    assert article.id == "2026-11-18-floating-library-opens-in-port-elsen"
    assert (article.section, article.title, article.dek) == ("CULTURE", page.title, page.dek)
    assert article.authors == ("Pavel Lind", "Mira Stol")
    assert article.published == "2026-11-18"
    assert article.image == Image(page.title, "The barge at its mooring", "Port Elsen Post")
    assert article.body == tuple(Block(kind, text) for kind, text in page.blocks)
    assert article.related == ("Night market moves to the old tram depot",)
    assert article.source == "Port Elsen Post"
    assert article.explore == ("Night market moves to the old tram depot", "Tallow ferry returns")
    assert article.read_minutes == 1


@pytest.mark.parametrize(
    "title",
    ["BREAKING: HARBOUR CLOSED", "By the sea", "November 3, 2026", "[bold red]Markup[/] stays text", "42"],
)
def test_titles_that_look_like_other_header_parts_stay_titles(title: str) -> None:
    page = Page(title=title, published="2026-11-20", blocks=[("paragraph", "Some body text for the story.")])
    article = parse(render(page))
    assert article.title == title
    assert [b.text for b in article.body] == ["Some body text for the story."]


def test_feed_html_is_made_safe() -> None:
    content = html_blocks(
        '<p>Hello <script>alert(1)</script><b>world</b>.<img src="https://t.example/px.gif" width="1"></p>'
        "<style>p{}</style><iframe src='https://ads.example'></iframe>"
        '<p><a href="javascript:steal()">Win a prize now</a> and <a href="/next">the next story here</a></p>'
        "<ul><li>One</li><li>Two</li></ul><blockquote>Quoted words.</blockquote><h2>A heading</h2>",
        "https://site.example/a/b",
    )
    assert content.blocks == [
        ("paragraph", "Hello world."),
        ("paragraph", "Win a prize now and the next story here"),
        ("list_item", "One"),
        ("list_item", "Two"),
        ("quote", "Quoted words."),
        ("heading", "A heading"),
    ]
    assert [(a.url, a.text, a.block) for a in content.anchors] == [
        ("https://site.example/next", "the next story here", 1)
    ]


def test_extraction_keeps_the_article_and_drops_the_rest() -> None:
    html = (FIXTURES / "article-market.html").read_bytes()
    content = extract_page(html, "https://gazette.example/market")
    assert content is not None
    assert content.title == "Night market moves to the old tram depot"
    texts = [text for _, text in content.blocks]
    assert any("tram depot on Canal Street" in t for t in texts)
    assert ("list_item", "Hours: six in the evening until midnight.") in content.blocks
    assert not any("Comment by user123" in t or "Sections:" in t for t in texts)
    assert extract_page(b"", "https://x.example/") is None


def test_two_refreshes_at_once_lose_nothing_and_duplicate_nothing(server: HTTPServer) -> None:
    base = server.url_for("/")
    items = [{"title": f"Story number {i} of the day", "guid": f"g{i}", "content": "<p>Text.</p>"} for i in range(40)]
    server.expect_request("/feed.xml").respond_with_data(rss("Busy", items), content_type="application/rss+xml")
    feed, _ = add_feed(base + "feed.xml")
    code = "from reader.feeds.refresh import refresh; refresh()"
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    files = sorted((articles_dir() / feed.slug).glob("*.txt"))
    assert len(files) == 40
    assert len({parse(f.read_bytes()).id for f in files}) == 40


def test_feeds_package_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import reader.feeds.cli, reader.feeds.refresh, reader.feeds.opml, reader.feeds.prune, reader.feeds.discover\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_refresh_does_not_import_the_httpx_command_line_tool() -> None:
    """``reader refresh`` starts without httpx's own CLI (click, rich's console): a fifth of its imports."""
    code = (
        "import sys\n"
        "import reader.feeds.refresh\n"
        "import httpx\n"
        "print(sorted(m for m in ('httpx._main', 'click', 'rich.console') if sys.modules.get(m)), callable(httpx.main))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[] True"


_TEXT = st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=80)


#: Line shapes the parser gives a meaning to: a paragraph that starts with one must still read back as text.
_SHAPES = [
    "- ", "• ", "* ", "1. ", "12) ", "> ", ">", "Related", "Related: ", "READ MORE: ", "SOURCE:", "Source: ",
    "By ", "BY", "© ", "Copyright ", "All rights reserved", "Sneak a peek", "Explore", "EXPLORE", "More Videos",
    "RECOMMENDED", "Advertisement", "3 MIN READ", "02:48", "November 3, 2026", "3 hours ago", "yesterday",
    "Jane Doe", "Photo: AP / Reuters", " / AP", "\\", "\\- ", "Contact us", "WORLD",
]  # fmt: skip
_PARAGRAPH = st.one_of(
    _TEXT,
    st.sampled_from(_SHAPES),
    st.tuples(st.sampled_from(_SHAPES), _TEXT).map("".join),
    st.tuples(_TEXT, st.sampled_from(_SHAPES)).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.one_of(st.none(), _TEXT), st.lists(_PARAGRAPH, min_size=1, max_size=4), st.booleans())
def test_any_title_dek_and_paragraphs_round_trip(
    title: str, dek: str | None, paragraphs: list[str], with_byline: bool
) -> None:
    """Article → page text → parse → the same Article: every paragraph comes back as that paragraph,
    whatever it starts with (a list marker, "> ", "Related", "SOURCE:", a date, a byline, a footer...)."""
    title = plain(title)
    texts = [plain(p) for p in paragraphs if plain(p)]
    dek = plain(dek) + "." if dek and plain(dek) else None
    assume(title and texts and dek != title)
    authors = ("Mira Stol",) if with_byline else ()
    page = Page(title=title, published="2026-11-20", dek=dek, authors=authors, blocks=[("paragraph", t) for t in texts])
    article = parse(render(page))
    assert article_id(render(page)) == article.id  # the id a refresh indexes the story under
    assert (article.title, article.dek, article.published) == (title, dek, "2026-11-20")
    assert article.body == tuple(Block("paragraph", t) for t in texts)
    assert (article.authors, article.image, article.source, article.related, article.explore) == (
        authors,
        None,
        None,
        (),
        (),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PARAGRAPH, st.just(""), st.just(" date 2025-07-07 Ferry")), max_size=8))
def test_the_id_from_the_header_alone_is_the_id_of_the_whole_parse(lines: list[str]) -> None:
    """A refresh indexes each story under ``article_id(text)``: the library must find it there, whatever the text."""
    text = "\n".join(lines)
    try:
        expected = parse(text).id
    except ParseError:
        with pytest.raises(ParseError):
            article_id(text)
        return
    assert article_id(text) == expected
