"""The palette's "open a story by title" provider: the title index, words then letters in order, a cap on
what is scored, turns for the event loop, and finding a story from the palette (Pilot)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList

from reader import commands
from reader.app import ReaderApp
from reader.commands import Titles, by_letters, by_words, titles_of
from reader.config import Config
from reader.library import Library, load_library
from reader.model import Article
from reader.paths import seeds_dir
from reader.store import Store
from tests.helpers.pilot import main, settle
from tests.test_reload import NEW_TITLE, write_new_story

TITLES = ["Tram line to link Port Elsen", "Harbour ferry returns", "Ab", "Cd", "Ferry strike ends", "TRAM depot"]


def articles(titles: list[str]) -> list[Article]:
    return [Article(id=f"a{n}", title=title) for n, title in enumerate(titles)]


@pytest.fixture(params=[2, 5_000], ids=["small-blocks", "one-block"])
def block(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run each test with titles split over several blocks, and in one."""
    monkeypatch.setattr(commands, "BLOCK", request.param)
    return int(request.param)


async def test_words_find_titles_holding_every_word_in_library_order(block: int) -> None:
    titles = Titles.build(articles(TITLES))
    assert await by_words(titles, ["ferry"], 10) == [1, 4]
    assert await by_words(titles, ["tram"], 10) == [0, 5]  # whatever the case
    assert await by_words(titles, ["ferry", "strike"], 10) == [4]
    assert await by_words(titles, ["ferry"], 1) == [1]  # the cap: the first (newest) only
    assert await by_words(titles, ["zzz"], 10) == []


async def test_letters_in_order_match_within_one_title_never_across_two(block: int) -> None:
    titles = Titles.build(articles(TITLES))
    assert await by_letters(titles, "trmln", 10, set()) == [0]
    assert await by_letters(titles, "hrbrfry", 10, set()) == [1]
    assert await by_letters(titles, "bc", 10, set()) == []  # "Ab" then "Cd": not one title
    assert await by_letters(titles, "fry", 10, {1}) == [4]  # those the words found are not given twice
    assert await by_letters(titles, "e", 2, set()) == [0, 1]
    assert await by_letters(titles, "[.*", 10, set()) == []  # the typed letters are text, not a pattern


def test_letters_in_order_never_hang_on_a_title_of_one_letter_repeated() -> None:
    """Catastrophic backtracking: the letters-in-order pattern (lazy gaps) tried every way of placing
    25 "a"s among 60 before failing on the "b", freezing the palette (and the whole app) for hours.
    Run in a child so a hang fails the test instead of stopping the suite."""
    import subprocess
    import sys

    code = (
        "import asyncio; from reader.commands import Titles, by_letters; from reader.model import Article\n"
        "titles = Titles.build([Article(id='a', title='a' * 60), Article(id='b', title='Ha ' * 40 + 'b')])\n"
        "print(asyncio.run(by_letters(titles, 'a' * 25 + 'b', 10, set())),"
        " asyncio.run(by_letters(titles, 'ha' * 20 + 'z', 10, set())))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.split() == ["[1]", "[]"], done.stderr


async def test_letters_in_order_find_what_a_letter_by_letter_scan_finds(block: int) -> None:
    """The quick pattern finds exactly the titles holding the letters in order (ß folds to ss; marks are text)."""
    names = ["Straße ends", "a-b]c^d", "\\back", "abcabc", "cab", "Ünïcode café", "x" * 70 + "y"]
    titles = Titles.build(articles(names))
    for letters in ["ss", "a-b]", "]^", "\\b", "abcc", "cba", "cab", "ünïé", "xy", "yx", "é"]:
        expected = [n for n, line in enumerate(titles.lowered) if _in_order(letters, line)]
        assert await by_letters(titles, letters, 10, set()) == expected, letters


def _in_order(letters: str, line: str) -> bool:
    rest = iter(line)
    return all(letter in rest for letter in letters)


def test_scoring_a_title_never_tries_every_way_of_placing_the_letters() -> None:
    """Exponential fuzzy scoring: Textual's matcher lists every placement of the typed letters, so
    "hahaha" took 11 s on a title "ha ha ha ..." (the palette and the app stood still) and an
    ordinary "the senate tax" 0.3 s a long title, up to 200 titles a keystroke. Scored in a child:
    a hang fails the test instead of stopping the suite."""
    import subprocess
    import sys

    code = (
        "import asyncio; from reader.commands import OpenArticle, fuzzy; from textual.fuzzy import FuzzySearch\n"
        "s = FuzzySearch(); long = 'the senate sees a tense session as the treasury secretary testifies on taxes' * 3\n"
        "for query, title in [('ha' * 12, 'ha ' * 200), ('the senate tax', long), ('a' * 30 + 'b', 'a' * 300)]:\n"
        "    print(round(fuzzy(s, query, title)[0], 1) > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.split() == ["True", "True", "False"], done.stderr


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("tram", "Tram line to link Port Elsen"),
        ("trm ln prt", "Tram line to link Port Elsen"),
        ("hrbr fry", "Harbour ferry returns"),
        ("fry", "Harbour ferry returns"),
        ("sea", "the senate sees a tense session"),
        ("zz", "Harbour ferry returns"),
        ("", "Ab"),
    ],
)
def test_the_bounded_score_is_textuals_when_it_finds_the_best_placement(query: str, title: str) -> None:
    """On short titles the few placements tried include the best: the score Textual gives, and
    the letters it would highlight score as much (0 when the letters are not in the title in order)."""
    from textual.fuzzy import FuzzySearch

    search = FuzzySearch()
    score, offsets = commands.fuzzy(search, query, title)
    expected = search.match(query, title)[0] if query else 0.0
    assert score == pytest.approx(expected)
    if score:
        assert [title.lower()[at] for at in offsets] == list(query.lower())
        assert search.score(title.lower(), offsets) * (1.5 if query.lower() in title.lower() else 1) == score
    else:
        assert offsets == []


async def test_the_search_gives_the_event_loop_a_turn_after_each_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "BLOCK", 10)
    titles = Titles.build(articles([f"Story {n}" for n in range(100)]))
    turns = 0
    done = False

    async def ticker() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    before = turns
    assert await by_words(titles, ["zzz"], 10) == [] and await by_letters(titles, "zzz", 10, set()) == []
    done = True
    await task
    assert turns - before >= 20  # ten blocks each: the loop ran between them


async def test_the_index_is_built_once_per_list_of_stories() -> None:
    stories = articles(TITLES)
    first = await titles_of(stories)
    assert await titles_of(stories) is first
    again = await titles_of(list(stories))  # a reload or refresh gives a new list
    assert again is not first and again.lowered == first.lowered


async def hits(pilot: Any, query: str) -> list[str]:
    """Open the palette, type ``query``; the story titles it offers (waiting, bounded, for them)."""
    await pilot.press("ctrl+p", *query)
    command_list = pilot.app.screen.query_one(CommandList)
    for _ in range(200):
        await pilot.pause(0.02)
        if command_list.option_count:
            break
    await settle(pilot)
    prompts = [str(command_list.get_option_at_index(n).prompt) for n in range(command_list.option_count)]
    return [prompt.split("\n")[0] for prompt in prompts]  # the title, without the help line under it


async def test_the_palette_finds_a_story_by_letters_in_order_and_opens_it(library: Library, tmp_path: Path) -> None:
    app = ReaderApp(library, Store(tmp_path / "state.json"), Config(), poll_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        offered = await hits(pilot, "trm ln prt")
        assert offered and offered[0] == "Tram line to link Port Elsen and Cobalt Bay by 2028"
        await pilot.press("enter")
        await settle(pilot)
        story = main(app).story
        assert story is not None and story.article.title.startswith("Tram line to link")


async def test_the_palette_finds_a_story_added_by_a_reload(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    shutil.copytree(seeds_dir(), folder)
    app = ReaderApp(
        load_library([folder]),
        Store(tmp_path / "state.json"),
        Config(),
        poll_interval=0,
        reloader=lambda: load_library([folder]),
        reload_interval=0,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert NEW_TITLE not in await hits(pilot, "timetable")
        await pilot.press("escape")
        write_new_story(folder)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert NEW_TITLE in await hits(pilot, "timetable")
