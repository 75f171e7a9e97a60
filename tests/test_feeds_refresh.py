"""Refreshing feeds from a local server: stories written as page files, full text, conditional GET, dedupe."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.feeds import stories
from reader.feeds.refresh import refresh
from reader.feeds.subscriptions import Feed, add_feed, editing, load_feeds
from reader.library import default_library, read_article
from reader.paths import articles_dir
from tests import test_feeds_support as support
from tests.test_feeds_support import page, rss

_module_server = support._module_server
server = support.server


def gazette(base: str) -> bytes:
    return rss(
        "Marrowick Gazette",
        [
            {
                "title": "Harbour ferry returns after winter refit",
                "link": base + "news/ferry",
                "guid": "ferry-1",
                "date": "Fri, 20 Nov 2026 08:30:00 GMT",
                "description": "The ferry is back.",
                "author": "Ines Varga",
            },
            {
                "title": "Councillors approve the Elsen tram depot plan",
                "link": base + "news/tram-line-to-link-port-elsen",
                "guid": "tram-1",
                "date": "Thu, 19 Nov 2026 10:00:00 GMT",
                "content": "<p>The council approved the tram line on Wednesday after a long debate.</p>" * 25,
            },
        ],
    )


def stored(slug: str) -> list[Path]:
    return sorted((articles_dir() / slug).glob("*.txt"))


def test_first_refresh_writes_pages_that_parse_back_with_full_text(server: HTTPServer) -> None:
    base = server.url_for("/")
    server.expect_request("/feed.xml").respond_with_data(gazette(base), content_type="application/rss+xml")
    server.expect_request("/news/ferry").respond_with_data(page("article-harbour.html", base), content_type="text/html")
    feed, _ = add_feed(base + "feed.xml")

    [result] = refresh()

    assert (result.state, result.new, result.error) == ("updated", 2, None)
    files = stored(feed.slug)
    assert len(files) == 2
    ferry = read_article(next(f for f in files if "ferry" in f.name))
    assert ferry.title == "Harbour ferry returns after winter refit"
    assert ferry.dek == "The Tallow ferry is back on the water with a new engine and a heated deck."
    assert ferry.authors == ("Ines Varga",)
    assert ferry.published == "2026-11-20"
    assert ferry.image is not None and ferry.image.caption == "The Tallow ferry leaves the quay on its first crossing."
    assert ferry.image.credit == "Harbour Board"
    assert ferry.source == "Marrowick Gazette"
    assert ferry.explore == ("Councillors approve the Elsen tram depot plan",)
    # the in-article link points at a story of the feed: its headline is that story's title
    assert ferry.related == ("Councillors approve the Elsen tram depot plan",)
    kinds = {block.kind for block in ferry.body}
    assert {"paragraph", "heading", "list_item", "quote", "related"} <= kinds
    text = " ".join(block.text for block in ferry.body)
    assert "forty-year-old engine" in text
    assert "Click here to win" not in text and "track" not in text and "All rights reserved" not in text
    # the library sees the stories and resolves the Related link to the other story
    library = default_library()
    story = library.get(ferry.id)
    assert story is not None
    [related] = [link for link in library.links(library.full(story)) if link.kind == "related"]
    tram = read_article(next(f for f in files if "tram" in f.name))
    assert related.target == tram.id
    assert stories.story_url(ferry.id) == base + "news/ferry"
    info = stories.story_info(tram.id)
    assert info is not None and info.feed_id == feed.id and info.fetched
    assert load_feeds()[0].title == "Marrowick Gazette"


def test_each_indexed_story_id_is_the_id_the_library_reads_from_its_file(server: HTTPServer) -> None:
    """The index (what `o`, `y`, Sources and prune use) names each story by the id its page file parses to."""
    base = server.url_for("/")
    server.expect_request("/feed.xml").respond_with_data(gazette(base), content_type="application/rss+xml")
    server.expect_request("/news/ferry").respond_with_data(page("article-harbour.html", base), content_type="text/html")
    feed, _ = add_feed(base + "feed.xml")
    refresh()
    index = stories.feed_stories(feed.slug)
    assert len(index) == 2
    folder = articles_dir() / feed.slug
    assert {str(r["id"]): read_article(folder / str(r["file"])).id for r in index.values()} == {
        read_article(f).id: read_article(f).id for f in stored(feed.slug)
    }
    assert {info.path.name for info in stories.all_stories().values()} == {f.name for f in stored(feed.slug)}


def test_second_refresh_is_conditional_and_adds_no_duplicates(server: HTTPServer) -> None:
    base = server.url_for("/")
    seen: list[dict[str, str | None]] = []

    def handler(request: Request) -> Response:
        seen.append({"etag": request.headers.get("If-None-Match"), "since": request.headers.get("If-Modified-Since")})
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(
            gazette(base),
            content_type="application/rss+xml",
            headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 09:00:00 GMT"},
        )

    server.expect_request("/feed.xml").respond_with_handler(handler)
    server.expect_request("/news/ferry").respond_with_data(page("article-harbour.html", base), content_type="text/html")
    feed, _ = add_feed(base + "feed.xml")
    refresh()
    before = {f.name: f.read_bytes() for f in stored(feed.slug)}

    [second] = refresh()

    assert seen[0] == {"etag": None, "since": None}
    assert seen[1] == {"etag": '"v1"', "since": "Fri, 20 Nov 2026 09:00:00 GMT"}
    assert (second.state, second.status, second.new) == ("unchanged", 304, 0)
    assert {f.name: f.read_bytes() for f in stored(feed.slug)} == before


def test_changed_item_is_updated_in_place_and_dropped_item_stays(server: HTTPServer) -> None:
    base = server.url_for("/")
    first = rss(
        "Gazette",
        [
            {
                "title": "Night market moves",
                "link": base + "m",
                "guid": "m1",
                "content": "<p>Old text. " * 200 + "</p>",
            },
            {"title": "Library barge opens", "link": base + "l", "guid": "l1", "content": "<p>Barge. " * 200 + "</p>"},
        ],
    )
    second = rss(
        "Gazette",
        [
            {
                "title": "Night market moves",
                "link": base + "m",
                "guid": "m1",
                "content": "<p>New text. " * 200 + "</p>",
            },
            {
                "title": "Night market moves",
                "link": base + "m",
                "guid": "m1",
                "content": "<p>Dup text. " * 200 + "</p>",
            },
        ],
    )
    server.expect_ordered_request("/feed.xml").respond_with_data(first, content_type="application/rss+xml")
    server.expect_ordered_request("/feed.xml").respond_with_data(second, content_type="application/rss+xml")
    feed, _ = add_feed(base + "feed.xml")
    refresh()
    [result] = refresh()

    assert (result.new, result.updated) == (0, 1)
    files = stored(feed.slug)
    assert len(files) == 2
    market = read_article(next(f for f in files if "night-market" in f.name))
    assert market.body[0].text.startswith("New text.")
    assert any("library-barge" in f.name for f in files)


def test_permanent_redirect_updates_the_stored_url(server: HTTPServer) -> None:
    base = server.url_for("/")
    server.expect_request("/old.xml").respond_with_data("", status=301, headers={"Location": base + "new.xml"})
    server.expect_request("/new.xml").respond_with_data(
        rss("Moved", [{"title": "A story that moved house", "guid": "x", "content": "<p>Text.</p>"}])
    )
    add_feed(base + "old.xml")
    [result] = refresh()
    assert result.moved_to == base + "new.xml"
    assert load_feeds()[0].url == base + "new.xml"


def test_temporary_redirect_keeps_the_url(server: HTTPServer) -> None:
    base = server.url_for("/")
    server.expect_request("/feed.xml").respond_with_data("", status=302, headers={"Location": "/today.xml"})
    server.expect_request("/today.xml").respond_with_data(rss("T", [{"title": "Story", "guid": "1"}]))
    add_feed(base + "feed.xml")
    [result] = refresh()
    assert result.state == "updated" and result.moved_to is None
    assert load_feeds()[0].url == base + "feed.xml"


def test_full_text_never_keeps_summary_without_fetching(server: HTTPServer) -> None:
    base = server.url_for("/")
    server.expect_request("/feed.xml").respond_with_data(gazette(base))
    feed, _ = add_feed(base + "feed.xml")
    with editing() as feeds:
        feeds[0].full_text = "never"
    refresh()
    assert all(request.path == "/feed.xml" for request, _ in server.log)
    ferry = read_article(next(f for f in stored(feed.slug) if "ferry" in f.name))
    assert [block.text for block in ferry.body] == ["The ferry is back."]


def test_page_that_fails_keeps_summary_with_a_visible_note(server: HTTPServer) -> None:
    base = server.url_for("/")
    server.expect_request("/feed.xml").respond_with_data(gazette(base))
    server.expect_request("/news/ferry").respond_with_data("gone", status=404)
    feed, _ = add_feed(base + "feed.xml")
    [result] = refresh()
    assert result.page_failures == 1
    ferry = read_article(next(f for f in stored(feed.slug) if "ferry" in f.name))
    assert "could not be fetched (HTTP 404" in ferry.body[0].text
    assert ferry.body[1].text == "The ferry is back."


def test_atom_and_json_feeds(server: HTTPServer) -> None:
    base = server.url_for("/")
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Post</title>'
        "<entry><id>urn:a1</id><title>Lighthouse keeper retires after forty years</title>"
        '<link href="https://atom.example/keeper"/><updated>2026-11-20T10:00:00Z</updated>'
        '<author><name>Ada Quill</name></author><content type="html">&lt;p&gt;The keeper said goodbye.&lt;/p&gt;'
        "</content></entry></feed>"
    )
    json_feed = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Json Times", "items": [{"id": "j1", '
        '"title": "Canal boats race at dawn", "content_text": "Twelve boats took part.", '
        '"date_published": "2026-11-19T06:00:00Z", "authors": [{"name": "Rafe Oduya"}]}]}'
    )
    server.expect_request("/atom").respond_with_data(atom, content_type="application/atom+xml")
    server.expect_request("/json").respond_with_data(json_feed, content_type="application/feed+json")
    atom_feed, _ = add_feed(base + "atom")
    json_sub, _ = add_feed(base + "json")
    with editing() as feeds:
        for feed in feeds:
            feed.full_text = "never"
    results = refresh()
    assert [r.new for r in results] == [1, 1]
    [keeper] = [read_article(p) for p in stored(atom_feed.slug)]
    assert (keeper.title, keeper.authors, keeper.published) == (
        "Lighthouse keeper retires after forty years",
        ("Ada Quill",),
        "2026-11-20",
    )
    assert keeper.source == "Atom Post"
    [boats] = [read_article(p) for p in stored(json_sub.slug)]
    assert (boats.title, boats.authors, boats.body[0].text) == (
        "Canal boats race at dawn",
        ("Rafe Oduya",),
        "Twelve boats took part.",
    )


def _tram_stops(server: HTTPServer, count: int) -> tuple[str, Feed]:
    """A feed of ``count`` short items, each with an article page of six paragraphs; (base URL, the feed)."""
    base = server.url_for("/")
    items = [
        {
            "title": f"Tram stop number {i} opens",
            "link": f"{base}stop/{i}",
            "guid": f"stop-{i}",
            "description": "Short.",
        }
        for i in range(count)
    ]
    server.expect_request("/feed.xml").respond_with_data(rss("Stops", items), content_type="application/rss+xml")
    for i in range(count):
        body = "".join(
            f"<p>Stop {i} paragraph {k}: the council opened the new tram stop beside the quay today.</p>"
            for k in range(6)
        )
        html = (
            f"<html><head><title>Stop {i}</title></head><body><article><h1>Stop {i}</h1>{body}</article></body></html>"
        )
        server.expect_request(f"/stop/{i}").respond_with_data(html, content_type="text/html")
    feed, _ = add_feed(base + "feed.xml")
    return base, feed


def _workers_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Start the page workers from 40 pages, on any machine; note at each refresh's end whether they ran."""
    from reader.feeds import pages

    monkeypatch.setattr(pages, "POOL_FROM", 40)  # the real threshold is hundreds of pages: keep the test quick
    monkeypatch.setattr(pages, "_cores", lambda: 2)  # workers, even on one core
    used_workers: list[bool] = []
    close = pages.Pages.close

    def closing(self: pages.Pages) -> None:
        used_workers.append(self.pool is not None)
        close(self)

    monkeypatch.setattr(pages.Pages, "close", closing)
    return used_workers


def test_many_pages_go_through_the_extraction_workers_and_all_get_their_full_text(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.feeds import pages

    used_workers = _workers_used(monkeypatch)
    count = pages.POOL_FROM + pages.BATCH + 3  # workers start, and a partial batch is sent too
    base, feed = _tram_stops(server, count)

    [result] = refresh()

    assert (result.state, result.new, result.page_failures) == ("updated", count, 0)
    assert used_workers == [True]
    index = stories.feed_stories(feed.slug)
    assert all(record["full_text"] for record in index.values())
    [record] = [r for r in index.values() if r["url"] == f"{base}stop/7"]
    seventh = read_article(articles_dir() / feed.slug / record["file"])
    assert any("Stop 7 paragraph 5" in block.text for block in seventh.body)


HOSTILE = ("html", "lxml", "pickle", "socket", "threading", "signal", "multiprocessing", "struct", "selectors")


def test_modules_in_the_working_folder_never_run_in_the_page_workers(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A refresh run in a downloaded project's folder: its html.py, pickle.py... are not imported by the workers.

    Python puts the working folder first on a ``python -c`` child's path: multiprocessing's spawn children and its
    resource tracker imported their first modules from there.
    """
    from reader.feeds import pages

    folder = tmp_path / "project"
    folder.mkdir()
    marks = tmp_path / "marks"
    marks.mkdir()
    for name in HOSTILE:
        (folder / f"{name}.py").write_text(f"open({str(marks / name)!r}, 'w').close()\n")
    monkeypatch.chdir(folder)
    used_workers = _workers_used(monkeypatch)
    count = pages.POOL_FROM + 3
    _, feed = _tram_stops(server, count)

    [result] = refresh()

    assert sorted(p.name for p in marks.iterdir()) == []
    assert (result.state, result.new, result.page_failures) == ("updated", count, 0)
    assert used_workers == [True]
    assert all(record["full_text"] for record in stories.feed_stories(feed.slug).values())


def test_pages_of_workers_that_die_are_read_by_the_refresh_itself(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.feeds import page_workers, pages

    used_workers = _workers_used(monkeypatch)
    monkeypatch.setattr(page_workers, "_START", "import sys; sys.stdin.buffer.read(9); sys.exit(3)")  # dies at once
    count = pages.POOL_FROM + 3
    _, feed = _tram_stops(server, count)

    [result] = refresh()

    assert (result.state, result.new, result.page_failures) == ("updated", count, 0)
    assert used_workers == [True]
    assert all(record["full_text"] for record in stories.feed_stories(feed.slug).values())
