"""Command palette providers: the app's commands, and opening a story by title."""

from __future__ import annotations

import asyncio
import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate
from typing import Any, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch

from reader.library import Library
from reader.model import Article
from reader.text import clean_line
from reader.views import sections

COMMANDS = (
    ("View: all stories", "view('all')", "Show every headline"),
    ("View: unread", "view('unread')", "Show only stories not read yet"),
    ("View: bookmarks", "view('bookmarks')", "Show bookmarked stories"),
    ("Filter headlines", "filter", "Search titles and text"),
    ("Toggle read", "toggle_read", "Mark the story read or unread"),
    ("Toggle bookmark", "toggle_bookmark", "Bookmark the story, or remove its bookmark"),
    ("Next unread linked story", "next_unread", "Open the first unread Related or Explore story"),
    ("Back", "back", "The previous story in the trail"),
    ("Forward", "forward", "The next story in the trail"),
    ("Toggle sidebar", "toggle_sidebar", "Show or hide Related, Explore and Linked from"),
    ("Undo", "undo", "Take back the last read, unread or bookmark change (mark all read at once)"),
    ("Mark all read", "mark_all_read", "Mark every story in the list read (u undoes)"),
    ("Sources", "sources", "Every feed with its unread count, last refresh and error"),
    ("Refresh this feed", "refresh_feed", "Fetch new stories of the story's (or highlighted) feed"),
    ("Refresh all feeds", "refresh_all", "Fetch new stories of every feed"),
    ("Open in browser", "open_url", "Open the story's web page"),
    ("Copy address", "copy_url", "Copy the story's web address"),
    ("Find in this story", "find", "Highlight words in the open story"),
    ("Reload the library", "reload", "Show stories added to or removed from the library folders"),
)
SORTS = (
    ("Sort: newest first", "newest", "Headlines by date, newest first"),
    ("Sort: oldest first", "oldest", "Headlines by date, oldest first"),
    ("Sort: by section", "section", "Headlines by section, newest first within each"),
)


def as_markup(text: str) -> str:
    """Markup that shows ``text`` exactly as it is (for the palette's help line, which is markup).

    Every ``[`` is escaped: Textual's own ``escape`` leaves ``[REVERSE]`` and ``[[x]]`` live.
    """
    return text.replace("[", "\\[")


def highlight(matcher: Matcher, candidate: str) -> Content:
    """``candidate`` as plain text with the matched letters styled; never read as markup.

    Textual's ``Matcher.highlight`` parses its argument as markup, so a story title
    such as ``[@click=app.quit]`` would become a live action in the palette.
    """
    content = Content(candidate)
    score, offsets = fuzzy(matcher.fuzzy_search, matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


#: Places of the first typed letter a title is scored from (each: two placements of the rest).
FUZZY_STARTS = 24


def fuzzy(search: FuzzySearch, query: str, candidate: str) -> tuple[float, list[int]]:
    """Textual's fuzzy score of ``candidate`` for ``query``, and the letters matched, over a few placements
    of the letters only (see :func:`_place`), from each of the first :data:`FUZZY_STARTS` places of the
    first letter. Textual's own ``match`` scores every placement: exponential in the query's length."""
    query, text = query.lower(), candidate.lower()
    if not query:
        return 0.0, []
    at = text.find(query)
    if at >= 0:
        offsets = list(range(at, at + len(query)))
        return search.score(text, offsets) * (2.0 if text == query else 1.5), offsets
    best: tuple[float, list[int]] = (0.0, [])
    words = {m.start() for m in _WORDS.finditer(text)}  # where words start
    start = text.find(query[0])
    for _ in range(FUZZY_STARTS):
        if start < 0:
            break
        for prefer in ("", "words", "runs"):
            placed = _place(query, text, start, prefer, words)
            if placed is not None and (score := search.score(text, placed)) > best[0]:
                best = (score, placed)
        start = text.find(query[0], start + 1)
    return best


def _place(query: str, text: str, start: int, prefer: str, words: Collection[int]) -> list[int] | None:
    """Where each letter of ``query`` goes in ``text``, the first at ``start`` (None: they do not fit);
    a letter not right after the last goes to its nearest place, or (``prefer``) the nearest that
    starts a word (one of ``words``) or that the next letter follows."""
    offsets = [start]
    at = start
    for n, letter in enumerate(query[1:], 1):
        if text.startswith(letter, at + 1):
            at += 1
        else:
            found = text.find(letter, at + 1)
            if found < 0:
                return None
            after = query[n + 1 : n + 2]
            better = found
            while better >= 0 and not (
                (prefer == "words" and better in words)
                or (prefer == "runs" and after and text.startswith(after, better + 1))
            ):
                better = text.find(letter, better + 1)
            at = found if better < 0 else better
        offsets.append(at)
    return offsets


_WORDS = re.compile(r"\w+")


@runtime_checkable
class ReadingScreen(Protocol):
    """What the providers need of the screen the palette was opened over (the main screen)."""

    library: Library

    def read(self, article_id: str) -> None:
        """Open a story and show it (its pane takes the screen when one pane shows at a time)."""

    def run_action(self, action: str) -> Any:
        """Run one of the screen's actions."""

    def set_sort(self, sort: str) -> None:
        """Sort the headlines."""

    def set_section(self, section: str) -> None:
        """Show one section's stories ("" for all)."""


def _reading_screen(provider: Provider) -> ReadingScreen | None:
    screen = provider.screen
    return screen if isinstance(screen, ReadingScreen) else None


class ReaderCommands(Provider):
    """reader's own commands: views, marks, navigation, help and problems."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        screen = _reading_screen(self)
        found: list[tuple[str, Callable[[], object], str]] = []
        if screen is not None:
            for name, action, help_text in COMMANDS:
                found.append((name, partial(screen.run_action, action), help_text))
            for name, sort, help_text in SORTS:
                found.append((name, partial(screen.set_sort, sort), help_text))
            found.append(("Section: all", partial(screen.set_section, ""), "Show stories of every section"))
            for section, count in sections(screen.library):
                shown = clean_line(section)
                about = f"Show only the {count} {shown} stor{'y' if count == 1 else 'ies'}"
                found.append((f"Section: {shown}", partial(screen.set_section, section), about))
        found.append(("Show keys", partial(self.app.run_action, "help"), "Every key, by pane"))
        found.append(("Show problems", partial(self.app.run_action, "problems"), "Files skipped, saves that failed"))
        return found

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=as_markup(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = fuzzy(matcher.fuzzy_search, query, name)[0]
            if score > 0:
                yield Hit(score, highlight(matcher, name), callback, text=name, help=as_markup(help_text))


#: Stories per block of the title index: the search gives the event loop a turn after each block.
BLOCK = 5_000


@dataclass(frozen=True)
class Titles:
    """The stories' titles as the palette searches them, built once per list of stories.

    ``lowered``: each title cleaned and case-folded, for the word (substring) test;
    ``blocks``: the same, ``BLOCK`` titles a block joined by line breaks, with where each line
    starts, for one regular-expression scan a block (the letters-in-order test).
    """

    articles: Sequence[Article]
    lowered: list[str]
    blocks: list[tuple[str, list[int]]]

    @classmethod
    def build(cls, articles: Sequence[Article]) -> Titles:
        """Index ``articles`` (run in a thread: 100,000 titles take a moment)."""
        lowered = [clean_line(article.title).casefold() for article in articles]
        blocks = []
        for first in range(0, len(lowered), BLOCK):
            lines = lowered[first : first + BLOCK]
            starts = [0, *accumulate(len(line) + 1 for line in lines[:-1])]
            blocks.append(("\n".join(lines), starts))
        return cls(articles, lowered, blocks)


_titles: list[tuple[Sequence[Article], asyncio.Future[Titles]]] = []  # the one index kept, and what it is of


def titles_of(articles: Sequence[Article]) -> asyncio.Future[Titles]:
    """The title index of ``articles``, built in a thread once per list (a new list after a reload or refresh)."""
    if not _titles or _titles[0][0] is not articles or _titles[0][1].get_loop() is not asyncio.get_running_loop():
        _titles[:] = [(articles, asyncio.ensure_future(asyncio.to_thread(Titles.build, articles)))]
    return _titles[0][1]


async def by_words(titles: Titles, words: list[str], cap: int) -> list[int]:
    """The first ``cap`` stories (in library order) whose title holds every word, yielding after each block."""
    found: list[int] = []
    lowered = titles.lowered
    for first in range(0, len(lowered), BLOCK):
        block: Sequence[int] = range(first, min(first + BLOCK, len(lowered)))
        for word in words:  # each word over the titles that hold the words before it
            block = [n for n in block if word in lowered[n]]
        found += block
        if len(found) >= cap:
            return found[:cap]
        await asyncio.sleep(0)
    return found


def in_order(letters: str) -> re.Pattern[str]:
    """Lines (titles) holding ``letters`` in order, each line tried once from its start: every letter
    found by skipping what is not it, possessively (linear time, never backtracking)."""
    return re.compile("(?m)^" + "".join(f"[^{re.escape(c)}\n]*+{re.escape(c)}" for c in letters))


async def by_letters(titles: Titles, letters: str, cap: int, skip: Collection[int]) -> list[int]:
    """The first ``cap`` stories (not in ``skip``) whose title has ``letters`` in order, yielding after each block."""
    pattern = in_order(letters)
    found: list[int] = []
    for number, (text, starts) in enumerate(titles.blocks):
        at = 0
        while (match := pattern.search(text, at)) is not None:
            line = bisect_right(starts, match.start()) - 1
            if number * BLOCK + line not in skip:
                found.append(number * BLOCK + line)
                if len(found) >= cap:
                    return found
            at = starts[line + 1] if line + 1 < len(starts) else len(text)  # on at the next title
        await asyncio.sleep(0)
    return found


class OpenArticle(Provider):
    """Open a story by (fuzzy) title.

    Each keystroke is cheap at 100,000 stories: titles are indexed once (in a thread), stories holding
    every typed word are found first, stories with the typed letters in order only when those are
    few; at most ``CANDIDATES`` are scored and ``LIMIT`` shown, and the event loop gets a turn after
    every block of titles, so typing never waits for the search.
    """

    LIMIT = 40
    CANDIDATES = 200

    async def startup(self) -> None:
        screen = _reading_screen(self)
        if screen is not None:
            titles_of(screen.library.articles)  # the palette is open: index the titles while the user types

    async def search(self, query: str) -> Hits:
        screen = _reading_screen(self)
        if screen is None or not query.strip():
            return
        titles = await asyncio.shield(titles_of(screen.library.articles))
        folded = query.casefold()
        candidates = await by_words(titles, folded.split(), self.CANDIDATES)
        if len(candidates) < self.LIMIT:
            letters = "".join(folded.split())
            candidates += await by_letters(titles, letters, self.CANDIDATES - len(candidates), set(candidates))
        matcher = self.matcher(query)
        scored = []
        for count, n in enumerate(candidates, 1):
            article = titles.articles[n]
            score = fuzzy(matcher.fuzzy_search, query, title := clean_line(article.title))[0]
            if score > 0:
                scored.append((score, title, article))
            if count % 10 == 0:  # a rare title costs the fuzzy matcher ~20 ms: a turn for the loop often
                await asyncio.sleep(0)
        scored.sort(key=lambda hit: hit[0], reverse=True)
        for score, title, article in scored[: self.LIMIT]:
            about = " · ".join(clean_line(p) for p in (article.section, article.published) if p)
            yield Hit(
                score,
                highlight(matcher, title),
                partial(screen.read, article.id),
                text=title,
                help=as_markup(about) if about else None,
            )
