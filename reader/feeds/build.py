"""A feed's items → the stories to write: which are new or changed, which want their page, their page text. No Textual.

Pure (no network, no disk): the refresh's loop runs it, and so does the helper
process that digests a whole feed (:mod:`reader.feeds.digest`), with the same result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reader.feeds import convert
from reader.feeds.extract import Content, plain
from reader.feeds.feedfile import Item
from reader.feeds.page import render
from reader.feeds.stories import NewStory
from reader.parse import ParseError
from reader.parse import article_id as text_id

#: A page's article, or None and why not (as :mod:`reader.feeds.pages` gives it).
Fetched = tuple[Content | None, str | None]


@dataclass
class Plan:
    """What a refresh does with one feed's items."""

    todo: dict[str, Item]  #: new and changed items by key, in feed order (a duplicate key: the first)
    digests: dict[str, str]  #: their content hashes
    bodies: dict[str, Content]  #: their feed content as blocks
    wanted: list[tuple[str, str]]  #: (key, link) of the items whose article page is to be fetched


def plan(items: Sequence[Item], index: Mapping[str, Mapping[str, Any]], feed_url: str, full_text: str) -> Plan:
    """The items that are new or changed against the feed's ``index``, and those that want their page."""
    todo: dict[str, Item] = {}
    digests: dict[str, str] = {}
    for item in items:
        if item.key in todo:
            continue  # a duplicate guid in the same feed: the first one counts
        record = index.get(item.key)
        digest = convert.digest(item)
        if record is None or record.get("digest") != digest:
            todo[item.key] = item
            digests[item.key] = digest
    bodies = {key: convert.feed_content(item, item.link or feed_url) for key, item in todo.items()}
    wanted = [
        (key, item.link) for key, item in todo.items() if item.link and convert.wants_page(item, bodies[key], full_text)
    ]
    return Plan(todo, digests, bodies, wanted)


def build(
    todo: Plan,
    name: str,
    items: Sequence[Item],
    index: Mapping[str, Mapping[str, Any]],
    pages: Mapping[str, Fetched],
    now: datetime,
    *,
    find_ids: bool = True,
) -> list[tuple[NewStory, bool]]:
    """The planned items as stories, each with whether its page was wanted but not had."""
    titles = [title for title in (plain(item.title) for item in items) if title]
    known: dict[str, str] = {}  #: headlines by link, for links in the stories' text (none: not worth building)
    if any(b.anchors for b in todo.bodies.values()) or any(p is not None and p.anchors for p, _ in pages.values()):
        known = {convert.normal_url(str(r["url"])): str(r.get("title", "")) for r in index.values() if r.get("url")}
        for item in items:
            title = plain(item.title)
            if item.link and title:
                known[convert.normal_url(item.link)] = title
    stories = []
    for key, item in todo.todo.items():
        fetched = pages.get(key, (None, None))
        stories.append(story(name, item, todo.bodies[key], fetched, todo.digests[key], titles, known, now, find_ids))
    return stories


def story(
    name: str,
    item: Item,
    body: Content,
    fetched: Fetched,
    digest: str,
    titles: list[str],
    known: dict[str, str],
    now: datetime,
    find_id: bool = True,
) -> tuple[NewStory, bool]:
    """One item as a story (with its article page, or why not); the bool says the page was wanted but not had.

    Without ``find_id`` the story's id is left to its writer (:func:`reader.feeds.stories.write_stories`).
    """
    page, note = fetched
    if page is not None and page.text_length > body.text_length:
        body = page
    if note is not None:
        note = f"Note: the full article could not be fetched ({note}); this is the feed's summary."
        if not body.blocks:
            note = note.replace("this is the feed's summary", "the feed gave no summary")
    built = convert.build_page(item, name, body, page=page, note=note, explore=titles, known=known, now=now)
    text = render(built)
    article_id = ""  # found by the writer, which also skips a text that cannot be parsed
    if find_id:
        # the id the library will give the file (its header gives it)
        with contextlib.suppress(ParseError):
            article_id = text_id(text)
    new_story = NewStory(
        key=item.key,
        digest=digest,
        url=item.link,
        title=built.title,
        published=built.published,
        text=text,
        full_text=page is not None,
        article_id=article_id,
    )
    return new_story, note is not None
