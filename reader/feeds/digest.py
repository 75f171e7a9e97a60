"""One fetched feed, digested whole where it lands: parsed, its stories built and written. No Textual.

The refresh's helper processes (:mod:`reader.feeds.writer`) run :func:`digest`
on the feed's raw bytes, so that the refresh's own loop only fetches. A feed
whose items want their article pages comes back parsed, unwritten: the pages
are fetched by the refresh, which then builds and writes those stories itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from reader.feeds.build import build, plan
from reader.feeds.extract import plain
from reader.feeds.feedfile import ParsedFeed, parse_feed
from reader.feeds.stories import Staged, read_index, stage_stories


@dataclass(frozen=True)
class FeedJob:
    """A fetched feed and what its stories need (sent to a helper process: plain, picklable data)."""

    folder: str  #: the feed's story folder
    feed_id: str
    feed_url: str  #: the subscribed URL (the base of the items' relative links, as stored in the index)
    name: str  #: the feed's name before this refresh
    title_override: str | None
    full_text: str
    body: bytes
    content_type: str | None
    response_url: str  #: where the body came from (after redirects)
    now: datetime
    fetched: str  #: the refresh's time, ISO


@dataclass(frozen=True)
class Digested:
    """What came of a :class:`FeedJob`."""

    title: str | None  #: the feed's own title, plain (None when it gives none)
    link: str | None  #: its site
    name: str  #: the name its stories carry
    new: int = 0
    updated: int = 0
    parsed: ParsedFeed | None = None  #: set when items want their pages: nothing was written, the refresh goes on


def digest(job: FeedJob) -> Digested:
    """Parse the feed and write its new and changed stories (unless some want their page: then only parse).

    Raises :class:`~reader.feeds.feedfile.FeedError` for bytes that are not a feed, OSError for the disk.
    """
    done, staged = stage(job)
    if staged is None:
        return done
    new, updated = staged.publish()
    return replace(done, new=new, updated=updated)


def stage(job: FeedJob) -> tuple[Digested, Staged | None]:
    """:func:`digest`, but a new feed folder is left to publish (:meth:`Staged.publish` gives its counts)."""
    parsed = parse_feed(job.body, job.content_type, job.response_url)
    title = plain(parsed.title)[:200] if parsed.title else None
    name = job.title_override or title or job.name
    folder = Path(job.folder)
    index = read_index(folder)
    todo = plan(parsed.items, index, job.feed_url, job.full_text)
    if todo.wanted:
        return Digested(title, parsed.link, name, parsed=parsed), None
    # the ids are found as each story is written
    stories = [s for s, _ in build(todo, name, parsed.items, index, {}, job.now, find_ids=False)]
    written = stage_stories(folder, job.feed_id, job.feed_url, stories, job.fetched)
    if isinstance(written, Staged):
        return Digested(title, parsed.link, name), written
    return Digested(title, parsed.link, name, *written), None
