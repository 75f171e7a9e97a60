"""A first start shows the stories as they are parsed, in batches, with how far it got (issue 9)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import reader.library
from reader.app import ReaderApp
from reader.library import Library, ParseCache, load_library
from reader.model import Article
from reader.store import Store
from reader.widgets.headline_list import HeadlineList
from tests.helpers.pilot import main, settle
from tests.test_app import article_text

PAGE = "WORLD\n{title}\nA dek line.\nMay {day}, 2025\n\nThe text of story {n}.\n"


def folder_of(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    for n in range(count):
        text = PAGE.format(title=f"Story number {n} of the day", day=1 + n % 28, n=n)
        (folder / f"s{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def test_batches_hand_on_every_story_as_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_of(tmp_path, 30)
    cache_file = tmp_path / "cache.json"
    load_library([folder / "s000.txt", folder / "s001.txt"], cache=ParseCache(cache_file))  # two cached already
    monkeypatch.setattr(reader.library, "BATCH_SECONDS", 0.0)
    batches: list[tuple[list[Article], dict[str, str]]] = []
    library = load_library([folder], cache=ParseCache(cache_file), batches=lambda a, p: batches.append((a, p)))
    assert len(batches) > 1
    given = [article for articles, _ in batches for article in articles]
    assert {a.id for a in given} <= {a.id for a in library.articles}
    assert [a.title for a in given[:2]] == ["Story number 0 of the day", "Story number 1 of the day"]  # cached first
    assert all(a.partial and a.body == () for a in given)
    paths = {k: v for _, p in batches for k, v in p.items()}
    assert all(library.paths[ident] == path for ident, path in paths.items())
    quiet: list[list[Article]] = []
    load_library([folder], cache=ParseCache(cache_file), batches=lambda a, p: quiet.append(a))  # nothing parsed
    assert quiet == []


async def test_a_first_start_shows_the_first_stories_and_how_far_it_got_then_the_rest(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 6)
    whole = load_library([folder])
    first = [a for a in whole.articles if a.title.split()[2] in {"3", "4", "5"}]
    release = threading.Event()
    app: ReaderApp
    store = Store(tmp_path / "state.json")

    def load() -> tuple[Library, Store]:
        app.show_batch(first, {a.id: whole.paths[a.id] for a in first}, store)
        app.show_progress(3, 6)
        release.wait(10)
        return whole, store

    app = ReaderApp(loader=load, poll_interval=0, reloader=lambda: load_library([folder]), reload_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if "3 of 6 stories read" in app.sub_title:
                break
        screen = main(app)
        headlines = screen.query_one(HeadlineList)
        assert [a.title for a in headlines.rows] == [a.title for a in first]
        assert "3 of 6 stories read" in app.sub_title
        assert screen.library.loading
        await pilot.press("down", "enter")  # reading while the rest loads
        await pilot.pause(0.2)
        reading = first[1]
        assert "The text of story" in article_text(app)
        release.set()
        await settle(pilot)
        assert [a.title for a in headlines.rows] == [a.title for a in whole.articles]
        assert "stories read" not in app.sub_title and not screen.library.loading
        assert headlines.highlighted is not None and headlines.highlighted.id == reading.id  # the cursor stays
        assert app.library is screen.library and len(screen.library) == 6
