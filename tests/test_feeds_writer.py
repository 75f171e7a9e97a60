"""Writing a refresh's stories: the helper process of a big refresh, new feed folders whole or absent after a kill."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.feeds import stories, writer
from reader.feeds.refresh import UNCOUNTED, refresh
from reader.feeds.subscriptions import Feed, add_feed, editing, load_feeds
from reader.library import load_library, read_article
from reader.parse import parse
from reader.paths import articles_dir
from tests import test_feeds_support as support
from tests.test_feeds_refresh import gazette
from tests.test_feeds_support import page, rss

_module_server = support._module_server
server = support.server


def serve_feed(server: HTTPServer, path: str, title: str, count: int, *, words: str = "Text.") -> None:
    items = [
        {"title": f"{title} story number {i} of the day", "guid": f"{path}-{i}", "content": f"<p>{words}</p>"}
        for i in range(count)
    ]
    server.expect_request(path).respond_with_data(rss(title, items), content_type="application/rss+xml")


def texts(feed: Feed) -> dict[str, str]:
    """The feed's story files: name → text."""
    return {p.name: p.read_text(encoding="utf-8") for p in (articles_dir() / feed.slug).glob("*.txt")}


def serve_both(server: HTTPServer, harbour: int, tram: int, *, words: str = "Text.") -> None:
    """Serve the Harbour feed (``/a.xml``, its stories saying ``words``) and the Tram feed (``/b.xml``)."""
    serve_feed(server, "/a.xml", "Harbour", harbour, words=words)
    serve_feed(server, "/b.xml", "Tram", tram)


def harbour_and_tram(server: HTTPServer, harbour: int, tram: int) -> tuple[Feed, Feed]:
    """The Harbour and Tram feeds, served with ``harbour`` and ``tram`` stories, and subscribed."""
    serve_both(server, harbour, tram)
    base = server.url_for("/")
    return add_feed(base + "a.xml")[0], add_feed(base + "b.xml")[0]


def assert_indexed(feed: Feed, count: int) -> None:
    """The feed has ``count`` story files, each indexed under the id its file parses to."""
    index = stories.feed_stories(feed.slug)
    folder = articles_dir() / feed.slug
    assert len(index) == count == len(texts(feed))
    assert {r["id"] for r in index.values()} == {read_article(folder / r["file"]).id for r in index.values()}


def used_helper(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for each refresh, whether its feeds went through a helper process."""
    used: list[bool] = []
    close = writer.Writer.close

    async def closing(self: writer.Writer) -> None:
        used.append(self.answered > 0)
        await close(self)

    monkeypatch.setattr(writer.Writer, "close", closing)
    return used


def test_a_big_refresh_writes_through_the_helper_and_updates_in_place(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PROCESS_FROM", 10)  # the real threshold is hundreds of stories: keep the test quick
    used = used_helper(monkeypatch)
    feed_a, feed_b = harbour_and_tram(server, 12, 12)

    results = refresh()

    assert [(r.state, r.new) for r in results] == [("updated", 12), ("updated", 12)]
    assert_indexed(feed_a, 12)
    assert_indexed(feed_b, 12)
    server.clear()
    serve_both(server, 12, 12, words="The ferry is back after its winter refit.")
    before = texts(feed_b)

    again = refresh()

    assert [(r.state, r.new, r.updated) for r in again] == [("updated", 0, 12), ("unchanged", 0, 0)]
    assert all("The ferry is back" in text for text in texts(feed_a).values()) and len(texts(feed_a)) == 12
    assert texts(feed_b) == before
    assert used == [True, True]


def test_a_first_refresh_of_many_new_feeds_starts_the_helper_with_it(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two never-fetched feeds count as 2 x NEW_FEED_ITEMS likely stories: enough to start the helper up front,
    # though they bring only 3 stories each (fewer than PROCESS_FROM: the helper would never start on the way)
    monkeypatch.setattr(writer, "PROCESS_FROM", 2 * writer.NEW_FEED_ITEMS)
    used = used_helper(monkeypatch)
    feed_a, feed_b = harbour_and_tram(server, 3, 3)

    results = refresh()

    assert [(r.state, r.new) for r in results] == [("updated", 3), ("updated", 3)]
    assert_indexed(feed_a, 3)
    assert_indexed(feed_b, 3)
    before = texts(feed_a)

    again = refresh()  # the same feeds, fetched before and with nothing new: no helper process

    assert [(r.state, r.new) for r in again] == [("unchanged", 0), ("unchanged", 0)]
    assert texts(feed_a) == before
    assert used == [True, False]


def test_when_the_helper_dies_the_stories_are_written_here(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "PROCESS_FROM", 1)
    monkeypatch.setattr(writer, "_START", "import sys; sys.stdin.buffer.read(9); sys.exit(3)")  # dies on the first
    feed_a, feed_b = harbour_and_tram(server, 5, 7)

    results = refresh()

    assert [(r.state, r.new) for r in results] == [("updated", 5), ("updated", 7)]
    assert (len(texts(feed_a)), len(texts(feed_b))) == (5, 7)


@pytest.mark.parametrize("process_from", [1, 10_000])
def test_a_disk_error_is_one_line_for_its_feed_only(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch, process_from: int
) -> None:
    monkeypatch.setattr(writer, "PROCESS_FROM", process_from)
    feed_a, feed_b = harbour_and_tram(server, 3, 3)
    articles_dir().mkdir(parents=True, exist_ok=True)
    (articles_dir() / feed_a.slug).write_text("a file where the feed's folder goes")

    first, second = refresh()

    assert first.state == "error" and first.error is not None
    assert first.error.startswith(("FileExistsError", "NotADirectoryError")) and "\n" not in first.error
    assert (second.state, second.new, len(texts(feed_b))) == ("updated", 3, 3)


DYING = """
import os, signal
import reader.feeds.stories as stories
write_new, written = stories.write_new, [0]
def dying(path, data, *, durable=False):
    written[0] += 1
    if written[0] == 4:
        os.kill(os.getpid(), signal.SIGKILL)  # in the middle of filling the new folder
    write_new(path, data, durable=durable)
stories.write_new = dying
"""
#: A refresh whose writer (this process, or the helper and then this process) is killed at its fourth story.
KILLED = """
import sys
import threading
import time
exec(sys.argv[2])
import reader.feeds.writer as writer
writer.PROCESS_FROM = int(sys.argv[1])
start = "import sys; sys.path.insert(0, sys.argv[1]); exec(%r); from reader.feeds.writer import serve; serve()"
writer._START = start % sys.argv[2]
from reader.feeds.refresh import UNCOUNTED, refresh
refresh()
"""


@pytest.mark.parametrize("process_from", [1, 10_000])
def test_a_new_feed_folder_is_whole_or_absent_after_a_kill(server: HTTPServer, process_from: int) -> None:
    """Killed while writing a feed's first stories: no story, whole or half, shows; the next refresh writes each once."""
    base = server.url_for("/")
    serve_feed(server, "/a.xml", "Harbour", 9)
    feed, _ = add_feed(base + "a.xml")
    killer = subprocess.run([sys.executable, "-c", KILLED, str(process_from), DYING], timeout=60, check=False)
    assert killer.returncode != 0  # the refresh (or its helper, which takes the refresh down with it) was killed
    assert not (articles_dir() / feed.slug).exists()
    assert [name for name in os.listdir(articles_dir()) if name.startswith(".")]  # the hidden, half-filled folder
    assert not [a for a in load_library(folders=[articles_dir()]).articles if "Harbour" in a.title]

    [result] = refresh()

    assert (result.state, result.new) == ("updated", 9)
    files = sorted((articles_dir() / feed.slug).glob("*.txt"))
    assert len({parse(f.read_bytes()).id for f in files}) == len(files) == 9
    assert os.listdir(articles_dir()) == [feed.slug]  # the killed refresh's leftovers are gone


def test_two_big_refreshes_at_once_lose_nothing_and_duplicate_nothing(server: HTTPServer) -> None:
    feeds = list(harbour_and_tram(server, 30, 30))
    code = "import reader.feeds.writer as w; w.PROCESS_FROM = 1\nfrom reader.feeds.refresh import refresh; refresh()"
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    for feed in feeds:
        files = sorted((articles_dir() / feed.slug).glob("*.txt"))
        assert len({parse(f.read_bytes()).id for f in files}) == len(files) == 30
        assert len(stories.feed_stories(feed.slug)) == 30
    assert sorted(os.listdir(articles_dir())) == sorted(f.slug for f in feeds)


def test_write_stories_into_a_folder_that_another_writer_filled_first(tmp_path: Path) -> None:
    """The new folder's rename loses to a folder that appeared meanwhile: the stories are merged, not doubled."""
    folder = tmp_path / "feed"
    story = stories.NewStory("guid:1", "d1", None, "Ferry returns", "2026-11-20", "Ferry returns\n\nText.\n", False)
    other = stories.NewStory("guid:2", "d2", None, "Tram opens", "2026-11-20", "Tram opens\n\nText.\n", False)
    assert stories.write_stories(folder, "f", "u", [story], "now") == (1, 0)
    real = os.path.lexists
    # as if the folder appeared between the check and the rename: the stage is filled, then merged
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os.path, "lexists", lambda path: False if Path(path) == folder else real(path))
        assert stories.write_stories(folder, "f", "u", [story, other], "now") == (1, 0)
    assert sorted(p.name for p in folder.glob("*.txt")) == ["2026-11-20-ferry-returns.txt", "2026-11-20-tram-opens.txt"]
    assert sorted(os.listdir(tmp_path)) == ["feed"]


def test_the_helper_works_from_a_worker_thread_as_the_app_runs_a_refresh(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PROCESS_FROM", 1)
    used = used_helper(monkeypatch)
    serve_feed(server, "/a.xml", "Harbour", 6)
    feed, _ = add_feed(server.url_for("/a.xml"))
    results: list[list[object]] = []
    worker = threading.Thread(target=lambda: results.append([(r.state, r.new) for r in refresh()]))
    worker.start()
    worker.join(timeout=60)
    assert results == [[("updated", 6)]]
    assert used == [True] and len(texts(feed)) == 6


def test_the_helper_never_imports_a_module_from_the_working_folder(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Refreshing from a folder that holds a ``pickle.py`` (a downloaded project, say): its code never runs."""
    monkeypatch.setattr(writer, "PROCESS_FROM", 1)
    used = used_helper(monkeypatch)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pickle.py").write_text("import pathlib\npathlib.Path(__file__).with_name('ran').touch()\n")
    monkeypatch.chdir(project)
    serve_feed(server, "/a.xml", "Harbour", 3)
    feed, _ = add_feed(server.url_for("/a.xml"))

    [result] = refresh()

    assert (result.state, result.new) == ("updated", 3) and len(texts(feed)) == 3
    assert not (project / "ran").exists()
    assert used == [True]  # written by the helper, which imported Python's own pickle


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="tells a zombie by /proc")
def test_the_folder_left_by_a_killed_helper_not_yet_reaped_is_removed(server: HTTPServer) -> None:
    """A refresh killed before it reaped its dead helper leaves a zombie (for seconds, in some containers): the
    zombie's half-filled folder is a killed refresh's leftover all the same (this test failed 1 run in 20)."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])  # ends, and stays a zombie until it is waited for
    try:
        deadline = time.monotonic() + 30
        while Path(f"/proc/{ended.pid}/stat").read_bytes().rpartition(b")")[2].split()[0] != b"Z":
            assert time.monotonic() < deadline, "the child never ended"
            time.sleep(0.01)
        serve_feed(server, "/a.xml", "Harbour", 3)
        feed, _ = add_feed(server.url_for("/a.xml"))
        leftover = articles_dir() / f".{feed.slug}.{ended.pid}.1234{stories.STAGE}"
        leftover.mkdir(parents=True)
        (leftover / "2026-11-20-half-written.txt").write_text("Half", encoding="utf-8")

        [result] = refresh()

        assert (result.state, result.new) == ("updated", 3)
        assert os.listdir(articles_dir()) == [feed.slug]
    finally:
        ended.wait()


def test_helpers_digest_whole_feeds_and_hand_back_those_whose_pages_are_wanted(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the helpers: a feed-only feed is parsed and written there; a feed with short items comes back
    parsed, and its stories get their article pages as without helpers; each feed's title is saved."""
    monkeypatch.setattr(writer, "PROCESS_FROM", 1)
    used = used_helper(monkeypatch)
    base = server.url_for("/")
    server.expect_request("/gazette.xml").respond_with_data(gazette(base), content_type="application/rss+xml")
    server.expect_request("/news/ferry").respond_with_data(page("article-harbour.html", base), content_type="text/html")
    serve_feed(server, "/a.xml", "Harbour", 4, words="The quay reopens on Monday.")
    gazette_feed, _ = add_feed(base + "gazette.xml")
    harbour, _ = add_feed(base + "a.xml")
    with editing() as feeds:
        feeds[1].full_text = "never"

    results = refresh()

    assert [(r.state, r.new, r.page_failures, r.name) for r in results] == [
        ("updated", 2, 0, "Marrowick Gazette"),
        ("updated", 4, 0, "Harbour"),
    ]
    assert used == [True]
    ferry = read_article(next(p for p in (articles_dir() / gazette_feed.slug).glob("*.txt") if "ferry" in p.name))
    assert "forty-year-old engine" in " ".join(block.text for block in ferry.body)  # the page's text, fetched here
    assert ferry.explore == ("Councillors approve the Elsen tram depot plan",)
    assert all("The quay reopens on Monday." in text for text in texts(harbour).values()) and len(texts(harbour)) == 4
    index = stories.feed_stories(harbour.slug)
    assert {r["id"] for r in index.values()} == {parse(texts(harbour)[r["file"]]).id for r in index.values()}
    assert [(f.title, f.site) for f in load_feeds()] == [
        ("Marrowick Gazette", "https://site.example/"),
        ("Harbour", "https://site.example/"),
    ]


def test_a_feed_a_helper_cannot_parse_is_one_line_for_that_feed_only(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PROCESS_FROM", 1)
    base = server.url_for("/")
    server.expect_request("/a.xml").respond_with_data(
        "<!doctype html><html><p>Home</p></html>", content_type="text/html"
    )
    serve_feed(server, "/b.xml", "Tram", 3)
    add_feed(base + "a.xml")
    feed_b, _ = add_feed(base + "b.xml")

    first, second = refresh()

    assert (first.state, first.error) == ("error", "an HTML page, not a feed")
    assert (second.state, second.new, len(texts(feed_b))) == ("updated", 3, 3)
    assert load_feeds()[0].failures == 1 and load_feeds()[1].failures == 0


def _topdir(folder: Path) -> bool | None:
    """Whether ``folder`` has ext4's top-of-hierarchy flag (``chattr +T``); None where flags are not kept."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        (flags,) = struct.unpack("i", fcntl.ioctl(fd, 0x80086601, bytes(4)))
    except OSError:
        return None
    finally:
        os.close(fd)
    return bool(flags & 0x00020000)


def test_the_articles_folder_gives_each_new_feed_folder_a_place_of_its_own(server: HTTPServer, tmp_path: Path) -> None:
    """On ext4, new feed folders are spread like folders at a disk's root (away from freshly deleted files)."""
    if _topdir(tmp_path) is None:
        pytest.skip("this file system keeps no folder flags")
    serve_feed(server, "/a.xml", "Harbour", 3)
    feed, _ = add_feed(server.url_for("/a.xml"))

    [result] = refresh()

    assert (result.state, result.new, len(texts(feed))) == ("updated", 3, 3)
    assert _topdir(articles_dir()) is True
    assert _topdir(articles_dir() / feed.slug) is False  # only the folder that holds the feed folders


def test_stories_written_by_a_merge_killed_before_its_index_are_not_written_twice(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh killed after writing a feed's new story files but before its index leaves files no index
    lists: the next refresh takes them as its own instead of adding the same stories again as '-2' files."""
    serve_feed(server, "/a.xml", "Harbour", 2)
    feed, _ = add_feed(server.url_for("/a.xml"))
    assert [r.new for r in refresh()] == [2]
    server.clear()
    serve_feed(server, "/a.xml", "Harbour", 4)

    def killed(path: Path, data: object) -> None:
        raise KeyboardInterrupt  # the process ends here: the story files are written, the index is not

    with monkeypatch.context() as patched:
        patched.setattr(stories, "write_json", killed)
        with pytest.raises(KeyboardInterrupt):
            refresh()
    assert len(texts(feed)) == 4 and len(stories.feed_stories(feed.slug)) == 2  # two files no index lists

    [result] = refresh()

    assert (result.state, result.new) == ("updated", 2)
    assert sorted(texts(feed)) == sorted(r["file"] for r in stories.feed_stories(feed.slug).values())
    assert not [name for name in texts(feed) if name.endswith("-2.txt")]
    assert_indexed(feed, 4)


def test_a_story_left_by_a_killed_merge_and_changed_since_is_taken_back_with_its_new_text(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_feed(server, "/a.xml", "Harbour", 1)
    feed, _ = add_feed(server.url_for("/a.xml"))
    refresh()
    server.clear()
    serve_feed(server, "/a.xml", "Harbour", 2)

    def killed(path: Path, data: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(stories, "write_json", killed)
        with pytest.raises(KeyboardInterrupt):
            refresh()
    server.clear()
    serve_feed(server, "/a.xml", "Harbour", 2, words="The quay reopens on Monday.")

    [result] = refresh()

    assert (result.new, result.updated) == (1, 1)
    assert len(texts(feed)) == 2 and all("The quay reopens on Monday." in t for t in texts(feed).values())
    assert_indexed(feed, 2)


#: Helper processes that die as soon as they have written a feed's stories (its index on disk, or its new
#: folder published), before they answer: the refresh never hears what they wrote.
DIES_AFTER_WRITING = """
import os
import reader.feeds.stories as stories
write_json, publish = stories.write_json, stories.Staged.publish
def committed(path, data):
    write_json(path, data)
    os._exit(9)
def published(self):
    counts = publish(self)
    os._exit(9)
stories.write_json = committed
stories.Staged.publish = published
"""


def never_full_text() -> None:
    """The feeds' items carry their text: no article pages to fetch (helpers digest the feeds whole)."""
    with editing() as feeds:
        for feed in feeds:
            feed.full_text = "never"


def helpers_die_after_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    start = "import sys; sys.path.insert(0, sys.argv[1]); exec(%r); from reader.feeds.writer import serve; serve()"
    monkeypatch.setattr(writer, "_START", start % DIES_AFTER_WRITING)
    monkeypatch.setattr(writer, "PROCESS_FROM", 1)


def test_stories_a_helper_wrote_before_dying_unanswered_are_counted_once(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New feeds, digested by helpers that die once their folder is published: the stories are new, once."""
    helpers_die_after_writing(monkeypatch)
    feed_a, feed_b = harbour_and_tram(server, 5, 7)
    never_full_text()

    results = refresh()

    assert [(r.state, r.new, r.updated, r.counted) for r in results] == [
        ("updated", 5, 0, True),
        ("updated", 7, 0, True),
    ]
    assert [r.line() for r in results] == ["Harbour: 5 new, 0 updated", "Tram: 7 new, 0 updated"]
    assert_indexed(feed_a, 5)
    assert_indexed(feed_b, 7)


def test_new_stories_a_helper_merged_before_dying_are_counted_from_the_disk(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed fetched before; this refresh reads its index, then hands its stories to a helper that dies once
    it has written them: 3 new, the 5 known ones untouched."""
    feed_a, _feed_b = harbour_and_tram(server, 5, 0)
    never_full_text()
    refresh()
    server.clear()
    serve_both(server, 8, 0)  # 3 more stories
    helpers_die_after_writing(monkeypatch)

    results = refresh([feed_a.id])

    assert [(r.state, r.new, r.updated, r.counted) for r in results] == [("updated", 3, 0, True)]
    assert_indexed(feed_a, 8)


def test_stories_a_dying_helper_digested_into_a_known_feed_are_new_or_updated(
    server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A helper digests a known feed whole (its index never read here) and dies unanswered: how many of its
    stories are new only the dead helper knew, and its line says so; the new feed's stories are new."""
    feed_a, feed_b = harbour_and_tram(server, 5, 0)
    never_full_text()
    refresh([feed_a.id])
    server.clear()
    serve_both(server, 8, 4)
    monkeypatch.setattr(writer, "cores", lambda: 2)  # a helper each: each dies after its own feed
    monkeypatch.setattr(writer, "NEW_FEED_ITEMS", 1)  # the Tram feed, never fetched, starts the helpers up front
    helpers_die_after_writing(monkeypatch)

    first, second = refresh([feed_a.id, feed_b.id])

    assert (first.state, first.counted) == ("updated", False)
    assert first.line() == f"Harbour: {UNCOUNTED}"
    assert (second.state, second.new, second.updated, second.counted) == ("updated", 4, 0, True)
    assert_indexed(feed_a, 8)
    assert_indexed(feed_b, 4)
