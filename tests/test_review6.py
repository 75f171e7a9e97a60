"""Faults found by the sixth review (a demanding user's session), each pinned by a test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from reader.app import ReaderApp
from reader.cli import main
from reader.config import Config
from reader.feeds.opml import write_opml
from reader.feeds.subscriptions import Feed, add_feed, editing, feeds_file, find, load_feeds
from reader.library import Library, load_library
from reader.paths import seeds_dir
from reader.screens.help import HelpScreen
from reader.screens.problems import ProblemsScreen
from reader.search import SearchIndex
from reader.store import Store
from reader.widgets.filter_box import FilterBox
from reader.widgets.sources import Sources
from tests import test_feeds_support as support
from tests.helpers.pages import write
from tests.helpers.pilot import settle
from tests.test_feeds_support import rss

_module_server = support._module_server
server = support.server
HAND_EDITED = '{\n  "keymap": {"app.quit": "ctrl+q"},\n  "sort": "oldest",\n}\n'  # a trailing comma: not JSON


def test_a_config_that_is_not_json_is_reported_and_never_written_over(tmp_path: Path) -> None:
    """A hand-edited config.json with a slip (a trailing comma) was silently ignored, then replaced by the
    defaults at the first sort or theme change: the user's keymap and settings were gone."""
    path = tmp_path / "config.json"
    path.write_text(HAND_EDITED)
    config = Config.load(path)
    assert config.sort == "newest"  # the defaults meanwhile
    assert len(config.problems) == 1 and config.problems[0].startswith("config.json: not valid JSON (line 4")
    config.sort = "section"
    config.save(path)
    assert path.read_text() == HAND_EDITED  # left for the user to fix


def test_unknown_keys_and_wrong_values_are_reported_and_kept_on_save(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"refresh_minutes": "5", "sort": "sideways", "show_sidebr": False, "theme": "nord"}))
    config = Config.load(path)
    assert (config.refresh_minutes, config.sort, config.theme) == (30, "newest", "nord")
    assert sorted(config.problems) == [
        "config.json refresh_minutes: '5' is not a whole number (30 is used)",
        "config.json show_sidebr: not a setting (ignored)",
        "config.json sort: 'sideways' is not one of newest, oldest, section (newest is used)",
    ]
    config.theme = "gruvbox"
    config.save(path)
    saved = json.loads(path.read_text())
    assert saved["theme"] == "gruvbox" and saved["show_sidebr"] is False  # the change, and the typo kept to fix
    assert (saved["refresh_minutes"], saved["sort"]) == ("5", "sideways")  # not replaced by the defaults
    config.sort = "oldest"
    config.save(path)
    assert json.loads(path.read_text())["sort"] == "oldest"  # a setting changed in the app wins
    assert Config.load(Path(tmp_path / "none.json")).problems == []  # no file: the defaults, nothing wrong
    path.write_text("\n")
    assert Config.load(path).problems == [] and not Config.load(path).frozen  # empty: as if missing


async def test_config_problems_and_an_unknown_theme_are_listed_under_p(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"theme": "no-such-theme", "refresh_minutes": -1.5}))
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config.load(path), config_path=path, poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(".problem"))
        assert "config.json theme\nno theme 'no-such-theme' (textual-dark is used)" in shown
        assert "config.json refresh_minutes\n-1.5 is not a whole number (30 is used)" in shown


def test_parse_piped_into_head_ends_quietly_with_status_0() -> None:
    """``reader parse *.txt | head``: the other commands end with status 0 when the reader of the pipe
    goes, but parse (printed by rich) ended with status 1, an error to a script under ``pipefail``."""
    files = sorted(str(path) for path in seeds_dir().glob("*.txt")) * 20  # more than a pipe holds
    command = [sys.executable, "-m", "reader", "parse", *files]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline()
        child.stdout.close()  # as head does after its lines
        errors = child.stderr.read()
        status = child.wait(timeout=60)
    assert first.strip() and (status, errors) == (0, b"")


def test_one_feed_spelled_another_way_is_already_subscribed(tmp_path: Path) -> None:
    """``feeds add`` (and ``feeds import``) took another spelling of a subscribed feed's address (the scheme
    or host in capitals, a #fragment, a ``/./`` or ``..`` segment, the default port) as a new feed: the same
    stories fetched twice, under two feeds in Sources."""
    path = tmp_path / "feeds.json"
    feed, created = add_feed("http://News.example.org/rss/feed.xml", path=path)
    assert created
    for spelling in (
        "HTTP://news.example.org/rss/feed.xml",
        "http://NEWS.EXAMPLE.ORG:80/rss/feed.xml",
        "http://news.example.org/rss/feed.xml#top",
        "http://news.example.org/rss/./feed.xml",
        "http://news.example.org/other/../rss/feed.xml",
    ):
        assert add_feed(spelling, path=path) == (feed, False), spelling
    for other in (
        "https://news.example.org/rss/feed.xml",  # another scheme, another port: maybe another feed
        "http://news.example.org:8080/rss/feed.xml",
        "http://news.example.org/rss/feed.xml?page=2",
        "http://news.example.org/RSS/feed.xml",  # paths are case-sensitive
    ):
        assert add_feed(other, path=path)[1], other
    assert len(load_feeds(path)) == 5
    assert find(load_feeds(path), "http://news.example.org/rss/./feed.xml#x") == feed  # set, remove, refresh


def test_a_phrase_being_typed_matches_as_it_is_typed(tmp_path: Path) -> None:
    """Filtering as you type ``"harbour sto`` showed "Nothing matches" until the phrase's last word was
    whole (a bare word being typed already matched as a prefix)."""
    lib = tmp_path / "lib"
    write(lib, "ferry.txt", "Ferry crews end their strike", "The harbour storm kept every boat in port.")
    write(lib, "tram.txt", "Council approves the tram line", "Storms never stop the harbour trams.")
    library = load_library([lib])
    index = SearchIndex(tmp_path / "search.sqlite")
    index.update(library.articles, paths=library.paths)
    ferry = [library.by_id[i].title for i in index.search('"harbour storm"')]
    assert ferry == ["Ferry crews end their strike"]
    for typed in ('"harbour sto', '"harbour storm', '"harbour storm"'):
        assert [library.by_id[i].title for i in index.search(typed, prefix=True)] == ferry, typed
    assert index.search('"harbour st', prefix=True) == []  # two letters: not yet (as for a bare word)
    assert index.search('"harbour sto"', prefix=True) == []  # a closed phrase is whole words
    assert index.search('"harbour sto') == []  # only while typing


@pytest.mark.parametrize(
    ("words", "usage"),
    [
        (["list", "--bogus"], "usage: reader list [-h] [--unread | --bookmarked] [--json]"),
        (["refresh", "--jsn"], "usage: reader refresh [-h]"),
        (["feeds", "list", "--all"], "usage: reader feeds list [-h] [--json]"),
        (["bookmarks", "extra"], "usage: reader bookmarks [-h] [--format {md,json}]"),
    ],
)
def test_an_unknown_option_of_a_subcommand_shows_that_subcommands_usage(
    capsys: pytest.CaptureFixture[str], words: list[str], usage: str
) -> None:
    """``reader list --bogus`` printed the top-level usage (``reader [-h] COMMAND ...``) under
    ``reader: error``: not a word of which options ``list`` does take."""
    with pytest.raises(SystemExit) as exit_:
        main(words)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith(usage)
    name = " ".join(words[:2] if words[0] == "feeds" else words[:1])
    assert err.splitlines()[-1] == f"reader {name}: error: unrecognized arguments: {words[-1]}"


async def test_the_footer_of_a_text_box_offers_no_key_that_is_typed_there(library: Library, tmp_path: Path) -> None:
    """In the filter box and in the find bar the footer said "/ Filter", but "/" typed a slash there
    (Textual hides the keys a box takes as text, but does not know "slash" is one)."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "slash" in footer_keys(app)  # in the list: "/" filters
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.focused, FilterBox) and "slash" not in footer_keys(app)
        await pilot.press("a", "slash", "b")
        assert app.focused.value == "a/b"  # typed, as the footer now implies
        await pilot.press("escape", "escape", "enter", "tab", "ctrl+f")
        await settle(pilot)
        assert isinstance(app.focused, Input) and app.focused.id == "find-input"
        assert "slash" not in footer_keys(app)
        await pilot.press("slash")
        assert app.focused.value == "/"


def footer_keys(app: ReaderApp) -> set[str]:
    """The keys the footer shows."""
    return {key.key for key in app.screen.query(FooterKey)}


def test_feed_names_survive_an_opml_export_and_import(
    server: HTTPServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Moving to another machine with ``feeds export`` / ``feeds import``: the names the user gave feeds
    (``--title``) came back, then the first refresh replaced each with the feed's own title."""
    url = server.url_for("/news.xml")
    server.expect_request("/news.xml").respond_with_data(
        rss("Harbour News", [{"title": "A story", "guid": "s1", "link": url + "#1", "content": "<p>Text.</p>"}]),
        content_type="application/rss+xml",
    )
    with editing() as feeds:
        feeds.append(Feed(id="mine", url=url, title="Harbour News", title_override="Port paper", slug="harbour"))
    assert main(["feeds", "export", "-o", str(tmp_path / "subs.opml")]) == 0
    assert main(["feeds", "remove", "mine"]) == 0
    assert main(["feeds", "import", str(tmp_path / "subs.opml")]) == 0
    assert main(["refresh"]) == 0
    assert [feed.name for feed in load_feeds()] == ["Port paper"]
    capsys.readouterr()


def test_feeds_add_keeps_the_address_given_when_a_redirect_is_temporary(
    server: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """``feeds add`` subscribed to where a temporary redirect (302, 307) pointed that day (a mirror, a
    signed address that expires), where ``refresh`` rightly follows only permanent moves (301, 308)."""
    feed = rss("Harbour News", [{"title": "A story", "guid": "s1", "link": "http://x.example/1", "content": "x"}])
    server.expect_request("/today/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    for path, status in (("/temporary.xml", 302), ("/also-temporary.xml", 307), ("/moved.xml", 301)):
        server.expect_request(path).respond_with_data("", status=status, headers={"Location": "/today/feed.xml"})
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{server.url_for("/temporary.xml")}">'
    server.expect_request("/site.html").respond_with_data(page, content_type="text/html")
    for path in ("/temporary.xml", "/also-temporary.xml", "/site.html", "/moved.xml"):
        assert main(["feeds", "add", server.url_for(path)]) == 0
    urls = [feed.url for feed in load_feeds()]
    temporary, also = server.url_for("/temporary.xml"), server.url_for("/also-temporary.xml")
    assert urls == [temporary, also, server.url_for("/today/feed.xml")]  # the page's feed: temporary.xml again
    assert "already subscribed" in capsys.readouterr().out


def test_opml_export_names_only_web_pages_as_a_feed_s_site() -> None:
    """A feed's own ``<link>`` (an Atom feed's ``urn:`` id, a hostile ``javascript:``) went into the exported
    OPML as its ``htmlUrl``, a link the next reader shows and opens."""
    feeds = [
        Feed(id="a", url="https://a.example/feed", title="A", site="javascript:alert(1)"),
        Feed(id="b", url="https://b.example/feed", title="B", site="urn:uuid:60a76c80"),
        Feed(id="c", url="https://c.example/feed", title="C", site="https://c.example/"),
    ]
    exported = write_opml(feeds).decode()
    assert "javascript" not in exported and "urn:uuid" not in exported
    assert 'htmlUrl="https://c.example/"' in exported


async def test_unreadable_subscriptions_are_not_shown_as_no_feeds(library: Library, tmp_path: Path) -> None:
    """A hand-edited feeds.json with a slip: the Sources pane said "No feeds yet: `reader feeds add URL`
    subscribes" to someone with a dozen feeds."""
    feeds_file().parent.mkdir(parents=True, exist_ok=True)
    feeds_file().write_text('{"format": 1, "feeds": [')
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        sources = app.screen.query_one(Sources)
        shown = " ".join(sources.render_line(y).text.strip() for y in range(3))
        assert "No feeds yet" not in shown and "feeds.json cannot be read: p says why" in shown
    assert feeds_file().read_text() == '{"format": 1, "feeds": ['  # left for the user to fix


def test_a_title_two_feeds_share_names_neither(capsys: pytest.CaptureFixture[str]) -> None:
    """Two feeds with one title (a site's feed added twice, from two addresses): ``feeds remove TITLE``
    unsubscribed whichever came first, maybe not the one meant; now it asks for the id."""
    with editing() as feeds:
        feeds.append(Feed(id="one", url="https://a.example/rss", title="Harbour News", slug="harbour-news"))
        feeds.append(Feed(id="two", url="https://b.example/rss", title="Harbour News", slug="harbour-news-2"))
    for command in (["feeds", "remove", "Harbour News"], ["feeds", "set", "Harbour News", "--folder", "x"]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err == "reader: 2 feeds are called 'Harbour News': give the id (one, two)\n"
    assert [(feed.id, feed.folder) for feed in load_feeds()] == [("one", None), ("two", None)]
    assert main(["feeds", "remove", "two"]) == 0
    assert main(["feeds", "set", "Harbour News", "--folder", "x"]) == 0  # one left: its title names it
    assert [(feed.id, feed.folder) for feed in load_feeds()] == [("one", "x")]
    capsys.readouterr()


@pytest.mark.parametrize("opens", ["question_mark", "p"])
async def test_capital_q_quits_from_the_help_and_problems_screens(library: Library, tmp_path: Path, opens: str) -> None:
    """The README: "quit (q in the list, or Q anywhere)"; Q did nothing over the help or the problems."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(opens)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen | ProblemsScreen)
        await pilot.press("Q")
        await pilot.pause(0.2)
        assert not app.is_running


def test_a_story_whose_guid_changed_is_counted_once(server: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    """A feed that changed its items' guids (a move to https, a new CMS) kept each story once in the list
    (same title and date: the same story), but ``feeds list`` and the Sources pane counted it twice:
    "4/11" beside a feed of 8 stories."""
    url = server.url_for("/news.xml")

    def serve(guid: str) -> None:
        server.clear()
        items = [
            {
                "title": f"Story {n}",
                "guid": f"{guid}{n}",
                "link": f"{url}#{n}",
                "date": f"0{n + 1} Nov 2026 08:00:00 GMT",
            }
            | {"content": "<p>Words enough to keep. </p>" * 40}
            for n in range(3)
        ]
        server.expect_request("/news.xml").respond_with_data(rss("Harbour News", items), content_type="text/xml")

    with editing() as feeds:
        feeds.append(Feed(id="h", url=url, title="Harbour News", slug="harbour", full_text="never"))
    serve("http://harbour.example/")
    assert main(["refresh"]) == 0
    serve("https://harbour.example/")  # every guid new
    assert main(["refresh"]) == 0
    assert main(["read", "2026-11-01-story-0"]) == 0
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    listed = [row for row in map(json.loads, capsys.readouterr().out.splitlines()) if row["section"] == "HARBOUR NEWS"]
    assert main(["feeds", "list", "--json"]) == 0
    (row,) = map(json.loads, capsys.readouterr().out.splitlines())
    assert (row["items"], row["unread"]) == (len(listed), 2) == (3, 2)
