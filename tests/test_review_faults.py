"""Faults found using reader as a demanding user (review 5): each test failed before its fix."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets._footer import FooterKey
from werkzeug import Response

from reader import journal
from reader.app import ReaderApp
from reader.cli import main as cli_main
from reader.config import Config
from reader.feeds.feedfile import parse_feed
from reader.feeds.refresh import refresh
from reader.feeds.subscriptions import Feed, add_feed, editing, load_feeds
from reader.library import Library, default_library, load_library
from reader.model import Article
from reader.paths import articles_dir, seeds_dir, state_file
from reader.screens.help import HelpScreen
from reader.store import Store
from reader.widgets.article_view import ArticleView
from reader.widgets.contrast import MINIMUM, contrast
from reader.widgets.headline_list import HeadlineList
from reader.widgets.sidebar import Sidebar
from reader.widgets.sources import Sources
from tests import test_feeds_support as support
from tests.helpers.article import story_text
from tests.helpers.pilot import help_text, highlighted, main, settle
from tests.test_commands import hits
from tests.test_feeds_support import rss

_module_server = support._module_server
server = support.server

TRAM = "2026-11-25-tram-line-to-link-port-elsen-and-cobalt-bay-by-2028"
COBALT = "2026-11-22-cobalt-bay-tidal-power-plant-reaches-full-output"
HEAT = "2026-11-24-heatwave-warning-for-marrowick-s-southern-coast"


def test_marks_picked_up_while_saving_are_reported_by_the_next_refresh(tmp_path: Path) -> None:
    """A mark made elsewhere and read in while saving our own change still counts as news for the next poll."""
    path = tmp_path / "state.json"
    ours, theirs = Store(path), Store(path)
    theirs.set_read("from-elsewhere")  # `reader read` in a shell, or a second window
    ours.set_bookmark("ours")  # our save reads the file first: the mark is in memory now
    assert ours.is_read("from-elsewhere")
    assert ours.refresh()  # the app recounts and redraws only when told something changed
    assert not ours.refresh()  # told once


def seeds_copy(tmp_path: Path, but: str = "") -> Path:
    """A folder of its own holding the bundled seed pages (all but ``but``), to change under the app."""
    folder = tmp_path / "stories"
    folder.mkdir()
    for page in seeds_dir().glob("*.txt"):
        if page.name != but:
            (folder / page.name).write_bytes(page.read_bytes())
    return folder


def reloading_app(library: Library, folder: Path, tmp_path: Path) -> ReaderApp:
    """The app over ``library``, reloading ``folder`` whenever asked (no timer)."""
    return ReaderApp(
        library,
        Store(tmp_path / "state.json"),
        Config(),
        poll_interval=0,
        reloader=lambda: load_library(folders=[folder]),
        reload_interval=0,
    )


async def test_unread_count_is_right_after_marks_made_elsewhere_meet_our_own_change(
    library: Library, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    app = ReaderApp(library, Store(state), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        Store(state).set_read(TRAM)  # another reader marks a story read...
        await pilot.press("b")  # ...just before this one saves a bookmark
        await settle(pilot)
        main(app).poll_store()  # what the app does every poll_interval seconds
        await settle(pilot)
        assert f"{len(library) - 1} unread" in app.sub_title


async def test_back_over_a_story_whose_file_is_gone_goes_to_the_one_before(tmp_path: Path) -> None:
    folder = seeds_copy(tmp_path)
    library = load_library(folders=[folder])
    app = reloading_app(library, folder, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        for story in (TRAM, HEAT, COBALT):  # three stories read one after the other
            screen.open_article(story)
            await settle(pilot)
        Path(library.paths[HEAT]).unlink()
        await pilot.press("ctrl+r")  # the reload finds its file gone
        await settle(pilot)
        assert library.get(HEAT) is None
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.current == TRAM  # one Back, past the story that is gone
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.current == COBALT  # Forward comes back, past it again


async def test_back_with_only_gone_stories_behind_keeps_the_trail(tmp_path: Path) -> None:
    folder = seeds_copy(tmp_path)
    library = load_library(folders=[folder])
    app = reloading_app(library, folder, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        for story in (TRAM, HEAT):
            screen.open_article(story)
            await settle(pilot)
        Path(library.paths[TRAM]).unlink()
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("backspace")  # nothing left behind HEAT: it stays
        await settle(pilot)
        assert screen.current == HEAT
        screen.open_article(COBALT)  # a headline chosen in the list
        await settle(pilot)
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.current == HEAT  # the story read before it is still in the trail


def _market(base: str, title: str, date: str = "Fri, 20 Nov 2026 08:30:00 GMT") -> bytes:
    item = {"title": title, "link": base + "m", "guid": "m1", "date": date, "content": "<p>Stalls. " * 200 + "</p>"}
    return rss("Gazette", [item])


def _market_stories() -> list[Article]:
    return [article for article in default_library().articles if "night-market-moves" in article.id]


def test_a_headline_edited_by_the_feed_keeps_its_read_mark_and_bookmark(server: HTTPServer) -> None:
    """News sites edit headlines (and dates): the story's id, made of them, changes, but it is the same story."""
    base = server.url_for("/")
    for title, date in (
        ("Night market moves", "Fri, 20 Nov 2026 08:30:00 GMT"),
        ("Night market moves to the quay", "Fri, 20 Nov 2026 08:30:00 GMT"),
        ("Night market moves to the quay", "Sat, 21 Nov 2026 09:00:00 GMT"),
    ):
        server.expect_ordered_request("/feed.xml").respond_with_data(
            _market(base, title, date), content_type="application/rss+xml"
        )
    add_feed(base + "feed.xml")
    refresh()
    [old] = _market_stories()
    with Store(state_file()) as store:
        store.set_read(old.id)
        store.set_bookmark(old.id, title=old.title, section=old.section, published=old.published)
    for _ in range(2):  # the headline edited, then the date
        [result] = refresh()
        assert (result.new, result.updated) == (0, 1)
        [story] = _market_stories()
        assert story.id != old.id
        with Store(state_file()) as store:
            assert store.is_read(story.id)
            assert [mark.id for mark in store.bookmarks] == [story.id]  # one bookmark, on the story as it is now
            assert store.bookmarks[0].title == story.title
        old = story


def test_a_story_marked_unread_after_its_headline_changed_stays_unread(server: HTTPServer) -> None:
    base = server.url_for("/")
    for title in ("Night market moves", "Night market moves to the quay", "Night market moves to the quay"):
        server.expect_ordered_request("/feed.xml").respond_with_data(
            _market(base, title), content_type="application/rss+xml"
        )
    add_feed(base + "feed.xml")
    refresh()
    [old] = _market_stories()
    Store(state_file()).set_read(old.id)
    refresh()
    [story] = _market_stories()
    Store(state_file()).set_read(story.id, False)  # the user wants it unread again
    refresh()  # nothing changed in the feed
    assert not Store(state_file()).is_read(story.id)


TALLOW = "2026-11-21-tallow-river-ferry-strike-ends-after-three-day-standoff"


async def test_the_open_storys_links_follow_stories_added_to_the_library(tmp_path: Path) -> None:
    """A story its Explore names arrives (a reload, a feed refresh): the sidebar stops saying it is not there."""
    folder = seeds_copy(tmp_path, but="southern-coast-heatwave.txt")
    app = reloading_app(load_library(folders=[folder]), folder, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.open_article(TALLOW)
        await settle(pilot)
        sidebar = screen.query_one(Sidebar)
        heat = [e for e in sidebar.entries.values() if e.headline.startswith("Heatwave warning")]
        assert [e.target for e in heat] == [None]  # not in the library yet
        page = seeds_dir() / "southern-coast-heatwave.txt"
        (folder / page.name).write_bytes(page.read_bytes())
        await pilot.press("ctrl+r")
        await settle(pilot)
        targets = {e.target for e in sidebar.entries.values() if e.headline.startswith("Heatwave warning")}
        assert targets == {HEAT}  # in Explore (and now in Linked from: it links back)
        assert screen.story is not None and HEAT in {link.target for link in screen.story.links}


async def test_a_headline_edited_during_an_app_refresh_shows_once(server: HTTPServer, tmp_path: Path) -> None:
    base = server.url_for("/")
    server.expect_ordered_request("/feed.xml").respond_with_data(
        _market(base, "Night market moves"), content_type="application/rss+xml"
    )
    server.expect_ordered_request("/feed.xml").respond_with_data(
        _market(base, "Night market moves to the quay"), content_type="application/rss+xml"
    )
    add_feed(base + "feed.xml")
    await asyncio.to_thread(refresh)  # the first headline, before the app starts
    app = ReaderApp(
        load_library(folders=[articles_dir()]), Store(state_file()), Config(refresh_minutes=0), poll_interval=0
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        shown = [a.title for a in main(app).query_one(HeadlineList).rows]
        assert shown == ["Night market moves to the quay"]
        assert any("0 new" in str(n.message) for n in app._notifications)


async def test_the_open_story_follows_its_headline_edited_during_an_app_refresh(
    server: HTTPServer, tmp_path: Path
) -> None:
    """The story being read had its headline edited by the refresh: the pane and the cursor stay on it (under its
    new id, still read), where the pane kept a story the library no longer held."""
    base = server.url_for("/")
    for title in ("Night market moves", "Night market moves to the quay"):
        server.expect_ordered_request("/feed.xml").respond_with_data(
            _market(base, title), content_type="application/rss+xml"
        )
    add_feed(base + "feed.xml")
    await asyncio.to_thread(refresh)
    app = ReaderApp(
        load_library(folders=[articles_dir()]), Store(state_file()), Config(refresh_minutes=0), poll_interval=0
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main(app)
        assert screen.story is not None and screen.story.article.title == "Night market moves"
        await pilot.press("R")
        await settle(pilot)
        [story] = screen.query_one(HeadlineList).rows
        assert story.title == "Night market moves to the quay"
        assert screen.current == story.id and highlighted(app).id == story.id
        assert "Night market moves to the quay" in story_text(app)
        assert screen.changes.is_read(story.id)


async def test_a_pane_hidden_by_a_narrower_terminal_hands_the_keys_on(library: Library, tmp_path: Path) -> None:
    """The sidebar (or article) had the keys when the window got narrow: the keys go to a pane in sight."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one(Sidebar).focus()
        await pilot.pause()
        await pilot.resize_terminal(50, 20)  # one pane at a time: the sidebar folds away
        await settle(pilot)
        headlines = screen.query_one(HeadlineList)
        assert screen.focused is headlines
        before = headlines.cursor
        await pilot.press("j")
        await settle(pilot)
        assert headlines.cursor != before  # j moves down the list, as the footer says


async def test_the_article_being_read_stays_in_sight_when_the_terminal_narrows(
    library: Library, tmp_path: Path
) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter", "tab")  # open the story, then read it in its pane
        await settle(pilot)
        article = screen.query_one(ArticleView)
        assert screen.focused is article
        await pilot.resize_terminal(50, 20)
        await settle(pilot)
        assert screen.focused is article and article.region.width > 0  # still the story on screen, with the keys


def test_a_feed_sending_a_non_ascii_etag_still_refreshes(server: HTTPServer) -> None:
    """A server's validators in Latin-1 were sent back as they came: every later refresh of the feed failed
    ("UnicodeEncodeError: 'ascii' codec can't encode..."), and its new stories never came."""
    base = server.url_for("/")
    odd = {"ETag": '"café-1"', "Last-Modified": "Sábado, 28 Nov 2026 10:00:00 GMT"}
    for title in ("Night market moves", "Night market moves", "Night market moves again"):
        server.expect_ordered_request("/feed.xml").respond_with_response(
            Response(_market(base, title), content_type="application/rss+xml", headers=odd)
        )
    add_feed(base + "feed.xml")
    [first] = refresh()
    assert first.state == "updated"
    [second] = refresh()
    assert (second.state, second.error) == ("unchanged", None)
    [third] = refresh()
    assert (third.state, third.error, third.updated) == ("updated", None, 1)


@pytest.mark.parametrize(
    ("wait", "honoured"), [("99999999999999999999", True), ("99999999999", True), ("\u00b2", False)]
)
def test_a_huge_or_odd_retry_after_fails_one_feed_not_the_refresh(
    server: HTTPServer, wait: str, honoured: bool
) -> None:
    """A Retry-After too large for a date ended every refresh with a traceback (OverflowError): no feed refreshed."""
    base = server.url_for("/")
    server.expect_request("/busy.xml").respond_with_data("busy", status=503, headers={"Retry-After": wait})
    server.expect_request("/feed.xml").respond_with_data(
        _market(base, "Night market moves"), content_type="application/rss+xml"
    )
    with editing() as feeds:  # subscribed while it worked
        feeds.append(Feed(id="busy0001", url=base + "busy.xml", title="Busy", slug="busy"))
    add_feed(base + "feed.xml")
    busy, good = refresh()
    assert good.state == "updated"
    assert busy.state == "error" and busy.error is not None and busy.error.startswith("HTTP 503")
    assert len(busy.error) < 80  # one short line
    [stored] = [feed for feed in load_feeds() if feed.id == "busy0001"]
    assert (stored.next_try is not None) == honoured  # a number: it waits, as long as reader lets a server ask
    if stored.next_try is not None:
        assert datetime.fromisoformat(stored.next_try) <= datetime.now(UTC) + timedelta(days=1, minutes=1)


def test_a_huge_interval_or_retention_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`feeds set X --interval 99999999999999` (a few zeros too many) was taken, then every `refresh --due` and
    every background refresh in the app ended in an OverflowError traceback; `--keep-days` broke `prune`."""
    with editing() as feeds:
        feeds.append(Feed(id="abc", url="https://x.example/rss", slug="x", interval_minutes=30))
    for flag in ("--interval", "--keep-days"):
        assert cli_main(["feeds", "set", "abc", flag, "99999999999999"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"reader: {flag} 99999999999999: ") and err.count("\n") == 1
    [feed] = load_feeds()
    assert (feed.interval_minutes, feed.retention_days) == (30, None)  # nothing changed


def test_a_huge_interval_or_retention_already_saved_breaks_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Saved before the check (or by hand): the refresh of the feeds due and prune still run."""
    with editing() as feeds:
        feeds.append(
            Feed(
                id="abc",
                url="http://127.0.0.1:9/rss",
                slug="x",
                interval_minutes=99999999999999,
                retention_days=99999999999999,
                last_refresh=datetime.now(UTC).isoformat(),
            )
        )
    [result] = refresh(due_only=True)
    assert result.state == "waiting"
    assert cli_main(["prune", "--dry-run"]) == 0
    assert "0 stories would be deleted" in capsys.readouterr().out


def test_subscriptions_with_values_of_the_wrong_type_still_load(capsys: pytest.CaptureFixture[str]) -> None:
    """feeds.json edited by hand (or by another tool): a value of the wrong type was a traceback in every
    `refresh`, `feeds list` and background refresh; now that value is the default and the feed stays."""
    from reader.feeds.files import write_json
    from reader.feeds.subscriptions import feeds_file

    good = Feed(id="a1", url="http://127.0.0.1:9/a", slug="a").to_dict()
    odd = {
        **Feed(id="b2", url="http://127.0.0.1:9/b", slug="b").to_dict(),
        "interval_minutes": "15",
        "failures": None,
        "last_refresh": 12345,
        "title": ["x"],
        "gone": "no",
        "full_text": "sometimes",
        "retention_days": 1.5,
    }
    no_id = {"url": "http://127.0.0.1:9/c", "slug": "c"}
    write_json(feeds_file(), {"format": 1, "feeds": [good, odd, no_id]})
    feeds = load_feeds()
    assert [f.url for f in feeds] == ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/c"]
    b = feeds[1]
    assert (b.interval_minutes, b.failures, b.last_refresh, b.title, b.gone, b.full_text, b.retention_days) == (
        60,
        0,
        None,
        "",
        False,
        "auto",
        None,
    )
    assert feeds[2].id  # an id of its own
    assert cli_main(["feeds", "list"]) == 0
    assert cli_main(["refresh", "--due"]) == 1  # nothing listens on port 9: each fails, in one line
    err = capsys.readouterr().err
    assert "Traceback" not in err and all(line.startswith("reader: ") for line in err.splitlines())


async def test_a_story_whose_file_cannot_be_read_says_so_when_opened(tmp_path: Path) -> None:
    """Its file went (prune from cron) or turned unreadable after the list was shown: the story opened blank,
    a title over nothing, with no word of why."""
    folder = seeds_copy(tmp_path)
    library = load_library(folders=[folder])
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        Path(library.paths[HEAT]).write_bytes(b"\x00\x01\x02" * 1000)  # no longer a page
        main(app).open_article(HEAT)
        await settle(pilot)
        text = story_text(app)
        assert "Heatwave warning for Marrowick" in text
        assert "could not be read" in text and "p lists why" in text
        Path(library.paths[HEAT]).write_bytes((seeds_dir() / "southern-coast-heatwave.txt").read_bytes())
        main(app).redraw_open_story()  # what a reload does when the file changes again
        await settle(pilot)
        assert "could not be read" not in story_text(app) and "heatwave" in story_text(app).lower()


@pytest.mark.parametrize("pane", ["s", "4"])
async def test_slash_on_a_narrow_terminal_shows_the_filter_box_it_types_into(
    library: Library, tmp_path: Path, pane: str
) -> None:
    """Below 60 columns, / from the sidebar (or the Sources pane) filtered through a box out of sight."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        await pilot.press(pane)  # that pane takes the screen
        await settle(pilot)
        await pilot.press("slash", *"cobalt")
        await settle(pilot)
        screen = main(app)
        box = screen.query_one("#filter")
        assert screen.focused is box and box.region.width > 0  # the box, in sight, has the letters
        assert screen.query_one(HeadlineList).region.width > 0  # and the list it filters
        rows = [a.id for a in screen.query_one(HeadlineList).rows]
        assert COBALT in rows and len(rows) < len(library)  # filtered by the words typed


async def test_stories_opened_from_the_list_by_n_and_back_are_shown_on_a_narrow_terminal(
    library: Library, tmp_path: Path
) -> None:
    """Below 60 columns, n (next unread) and Backspace from the list opened a story out of sight: the story
    was marked read, the list stayed."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        screen = main(app)
        article = screen.query_one(ArticleView)
        await pilot.press("enter")  # the first story, on the screen
        await settle(pilot)
        first = screen.current
        await pilot.press("q", "n")  # back to the list, then the next unread
        await settle(pilot)
        assert screen.current != first and article.region.width > 0 and screen.focused is article
        await pilot.press("q", "backspace")  # the list again, then back to the first story
        await settle(pilot)
        assert screen.current == first and article.region.width > 0 and screen.focused is article


async def test_a_story_chosen_in_the_palette_is_shown_on_a_narrow_terminal(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        offered = await hits(pilot, "trm ln prt")
        assert offered and offered[0].startswith("Tram line to link")
        await pilot.press("enter")
        await settle(pilot)
        screen = main(app)
        assert screen.current == TRAM and screen.query_one(ArticleView).region.width > 0


def test_a_state_file_kept_elsewhere_through_a_link_stays_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """state.json as a link into a synced folder: the first compaction replaced the link with a file of its own,
    and every later mark went there while the synced copy went stale."""
    monkeypatch.setattr(journal, "COMPACT_MIN_LINES", 3)
    synced = tmp_path / "synced" / "state.json"
    synced.parent.mkdir()
    link = tmp_path / "data" / "state.json"
    link.parent.mkdir()
    link.symlink_to(synced)
    store = Store(link)
    for n in range(10):  # past a compaction or two
        store.set_read(f"story-{n}")
    store.close()
    assert link.is_symlink() and link.resolve() == synced
    assert Store(synced).read_marks.keys() == {f"story-{n}" for n in range(10)}
    assert not [p for p in link.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_config_file_linked_from_a_dotfiles_folder_stays_linked(tmp_path: Path) -> None:
    """config.json as a link into the user's dotfiles: the first settings change (a sort, a theme) replaced the
    link with a file of its own, and the dotfiles copy never saw a change again."""
    kept = tmp_path / "dotfiles" / "config.json"
    kept.parent.mkdir()
    kept.write_text('{"theme": "nord"}', encoding="utf-8")
    link = tmp_path / "config" / "config.json"
    link.parent.mkdir()
    link.symlink_to(kept)
    config = Config.load(link)
    assert config.theme == "nord"
    config.sort = "oldest"
    config.save(link)
    assert link.is_symlink() and link.resolve() == kept
    assert Config.load(kept).sort == "oldest" and Config.load(kept).theme == "nord"
    assert [p.name for p in link.parent.iterdir()] == ["config.json"]


@pytest.mark.parametrize("keys", [("4",), ("s", "4"), ("enter", "4")])
async def test_esc_from_the_sources_pane_on_a_narrow_terminal_goes_back_to_the_list(
    library: Library, tmp_path: Path, keys: tuple[str, ...]
) -> None:
    """Below 60 columns Esc goes back: from the Sources pane it gave the keys to the list out of sight (the
    feeds stayed on screen, unlit, and j moved a cursor no one could see)."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press(*keys)  # the feeds, from the list, the sidebar or the article
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        headlines = screen.query_one(HeadlineList)
        assert screen.focused is headlines and headlines.region.width > 0


async def _focus_in_sight(library: Library, tmp_path: Path, size: tuple[int, int], keys: tuple[str, ...]) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        focused = main(app).focused
        assert focused is not None and focused.region.width > 0  # the pane with the keys is on screen


async def test_esc_in_the_sidebar_on_an_80_column_terminal_brings_the_list_back(
    library: Library, tmp_path: Path
) -> None:
    """At 80 columns s puts the sidebar in the list's place; Esc from it gave the keys to the list out of sight."""
    await _focus_in_sight(library, tmp_path, (80, 24), ("s", "escape"))
    await _focus_in_sight(library, tmp_path, (80, 24), ("enter", "s", "tab", "escape"))  # from the article too
    await _focus_in_sight(library, tmp_path, (80, 24), ("s", "slash"))  # and / brings the list with its box


async def test_q_in_the_sidebar_on_an_80_column_terminal_brings_the_list_back(library: Library, tmp_path: Path) -> None:
    await _focus_in_sight(library, tmp_path, (80, 24), ("s", "q"))


async def test_s_twice_over_the_article_on_a_narrow_terminal_keeps_the_keys_in_sight(
    library: Library, tmp_path: Path
) -> None:
    await _focus_in_sight(library, tmp_path, (50, 20), ("enter", "s", "s"))


async def test_4_twice_over_the_article_on_a_narrow_terminal_keeps_the_keys_in_sight(
    library: Library, tmp_path: Path
) -> None:
    await _focus_in_sight(library, tmp_path, (50, 20), ("enter", "4", "4"))


def test_a_json_feed_with_fields_of_odd_types_is_read_not_a_traceback() -> None:
    """`tags: 5`, `authors: 5` or `items: 5` in a JSON Feed ended `feeds add` (and the whole refresh, every feed
    in it) in a TypeError traceback."""
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ["not", "text"],
        "items": [
            {"id": 1, "title": "Tagged", "tags": 5, "authors": 5, "content_text": "Words."},
            {"id": "b", "title": {"a": 1}, "author": "Ann", "content_html": ["x"], "summary": 7},
            "not an item",
        ],
    }
    parsed = parse_feed(json.dumps(doc).encode(), "application/feed+json")
    assert parsed.title == ""
    tagged, odd = parsed.items
    assert (tagged.title, tagged.categories, tagged.authors, tagged.guid) == ("Tagged", (), (), "1")
    assert odd.title == "" and "['x']" not in odd.content_html and "7" not in odd.summary_html
    for items in (5, {"a": 1}, "text"):
        assert parse_feed(json.dumps({**doc, "items": items}).encode()).items == ()


def test_an_unforeseen_error_in_one_feed_fails_that_feed_only(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "One feed's failure never stops the others": an error of a kind nobody foresaw (the OverflowError and
    TypeError above were two) ended the whole refresh in a traceback, every feed with it."""
    base = server.url_for("/")
    server.expect_request("/bad.xml").respond_with_data(_market(base, "Bad one"), content_type="application/rss+xml")
    server.expect_request("/good.xml").respond_with_data(
        _market(base, "Night market moves"), content_type="application/rss+xml"
    )
    real = parse_feed

    def flaky(body: bytes, content_type: str | None = None, url: str = "") -> object:
        if url.endswith("/bad.xml"):
            raise ZeroDivisionError("division by zero")
        return real(body, content_type, url)

    monkeypatch.setattr("reader.feeds.refresh.parse_feed", flaky)
    add_feed(base + "bad.xml")
    add_feed(base + "good.xml")
    bad, good = refresh()
    assert good.state == "updated"
    assert bad.state == "error" and bad.error == "ZeroDivisionError: division by zero"


async def test_the_sources_pane_ages_its_times_while_it_shows(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "refreshed just now" stayed on the Sources pane for as long as it was open (an hour later, too)."""
    refreshed = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    with editing() as feeds:
        feeds.append(
            Feed(id="a1", url="http://127.0.0.1:9/a", title="Gazette", slug="a", last_refresh=refreshed.isoformat())
        )
    monkeypatch.setattr(Sources, "AGE_SECONDS", 0.05)
    now = refreshed + timedelta(seconds=20)
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(refresh_minutes=0), poll_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        sources = main(app).query_one(Sources)
        sources.clock = lambda: now
        await pilot.press("4")
        await settle(pilot)
        assert "refreshed just now" in _drawn(sources)
        now = refreshed + timedelta(minutes=12)
        for _ in range(40):  # a few of its ticks, bounded
            await pilot.pause(0.05)
            if "12 min ago" in _drawn(sources):
                break
        assert "refreshed 12 min ago" in _drawn(sources)


def _drawn(widget: Widget) -> str:
    """The text a widget draws on screen."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return " ".join(" ".join(strip.text.split()) for strip in lines)


def test_a_title_or_folder_given_with_control_characters_exports_as_valid_opml(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`feeds set --title` with an escape sequence (pasted from a terminal) was kept as typed: `feeds export`
    then printed it raw to the terminal, in an OPML file no XML reader (reader's own import) accepts."""
    import xml.etree.ElementTree as ElementTree

    with editing() as feeds:
        feeds.append(Feed(id="abc", url="https://x.example/rss", slug="x"))
    assert cli_main(["feeds", "set", "abc", "--title", "Bad\x1b]0;PWN\x07Title", "--folder", "News\x1b[31m/World"]) == 0
    capsys.readouterr()
    [feed] = load_feeds()
    assert (feed.title_override, feed.folder) == ("BadTitle", "News/World")
    assert cli_main(["feeds", "export"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    ElementTree.fromstring(out.encode())  # valid XML


def test_a_headline_edited_in_one_feed_leaves_the_same_story_in_another_feed_read(server: HTTPServer) -> None:
    """Two feeds carry one story (one id); one edits its headline: its marks follow it, and the other feed's copy,
    still under the first id, keeps them too."""
    base = server.url_for("/")
    server.expect_request("/other.xml").respond_with_data(
        _market(base, "Night market moves"), content_type="application/rss+xml"
    )
    for title in ("Night market moves", "Night market moves to the quay"):
        server.expect_oneshot_request("/feed.xml").respond_with_data(
            _market(base, title), content_type="application/rss+xml"
        )
    add_feed(base + "feed.xml")
    add_feed(base + "other.xml")
    refresh()
    [story] = _market_stories()
    with Store(state_file()) as store:
        store.set_read(story.id)
        store.set_bookmark(story.id, title=story.title)
    refresh()
    ids = {article.id for article in _market_stories()}
    assert ids == {story.id, story.id.replace("moves", "moves-to-the-quay")}
    with Store(state_file()) as store:
        assert all(store.is_read(i) for i in ids)
        assert {mark.id for mark in store.bookmarks} == ids


@pytest.mark.parametrize("theme", ["textual-light", "solarized-light", "catppuccin-latte", "textual-dark", "nord"])
async def test_an_inline_link_is_readable_in_light_and_dark_themes(
    library: Library, tmp_path: Path, theme: str
) -> None:
    """The Related link's headline took the dim of its "Related:" label: 2.1:1 on the light theme, hard to read."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(theme=theme), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main(app).open_article(TRAM)  # its Related link: "Cobalt Bay tidal power plant reaches full output"
        await settle(pilot)
        view = main(app).query_one(ArticleView)
        found = []
        for strip in view.render_lines(Region(0, 0, view.size.width, view.size.height)):
            for segment in strip:
                if "Cobalt Bay tidal" in segment.text and segment.style is not None and segment.style.underline:
                    style = segment.style
                    assert style.color is not None and style.bgcolor is not None
                    fg, bg = Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
                    found.append((bool(style.dim), round(contrast(fg, bg), 2)))
        assert found and all(not dim and ratio >= MINIMUM for dim, ratio in found), found


@pytest.mark.parametrize("size", [(160, 48), (80, 24), (50, 20)])
async def test_q_in_the_sources_pane_goes_back_to_the_list(
    library: Library, tmp_path: Path, size: tuple[int, int]
) -> None:
    """q in the feeds quit the whole app, where in the sidebar and the article it goes back to the list (and
    the footer said "q Quit" there only): now it goes back to the list, as the footer and the help say."""
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert main(app).query_one(Sources).has_focus
        footer = {key.key: key.description for key in app.screen.query(FooterKey)}
        assert footer.get("q") == "List"
        await pilot.press("q")
        await settle(pilot)
        assert app.return_code is None  # still running
        screen = main(app)
        headlines = screen.query_one(HeadlineList)
        assert screen.focused is headlines and headlines.region.width > 0


async def test_the_help_says_q_in_the_sources_pane_goes_back_to_the_list(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = help_text(app)
        assert "a Mark feed read q Back to the headlines" in shown  # in the Sources group


def test_a_subscriptions_file_kept_elsewhere_through_a_link_stays_linked(tmp_path: Path) -> None:
    """feeds.json as a link into a synced folder: the first `feeds add` (or refresh, which saves each feed's
    state) replaced the link with a file of its own, and the synced copy never saw a change again."""
    synced = tmp_path / "synced" / "feeds.json"
    synced.parent.mkdir()
    link = tmp_path / "data" / "feeds.json"
    link.parent.mkdir()
    link.symlink_to(synced)
    add_feed("https://example.org/one.xml", path=link)
    add_feed("https://example.org/two.xml", path=link)
    assert link.is_symlink() and link.resolve() == synced
    assert [feed.url for feed in load_feeds(synced)] == ["https://example.org/one.xml", "https://example.org/two.xml"]
    assert not [p for p in link.parent.iterdir() if p.name.endswith(".tmp")]
