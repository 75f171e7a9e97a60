"""Refreshing feeds: fetch, parse, fetch and extract short items' pages, write stories. No Textual.

:func:`refresh` is what the CLI and the app's worker call; it reports each
finished feed through ``progress`` and returns one :class:`FeedResult` per feed.
One feed's failure never stops the others and never touches its stories.
In a big refresh the loop only fetches: helper processes parse, build and
write each feed (:mod:`reader.feeds.writer`, :mod:`reader.feeds.digest`).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reader.feeds.build import build, plan
from reader.feeds.digest import Digested, FeedJob
from reader.feeds.extract import plain
from reader.feeds.feedfile import FeedError, Item, parse_feed
from reader.feeds.http import Fetcher, FetchError, Limits
from reader.feeds.pages import Pages
from reader.feeds.renames import carry_marks
from reader.feeds.stories import feed_folder, feed_stories
from reader.feeds.subscriptions import MAX_INTERVAL_MINUTES, Feed, editing, find, load_feeds
from reader.feeds.writer import Writer, counts_after_loss

MAX_BACKOFF = timedelta(hours=6)
#: What a feed's line says when a helper process died after writing its stories, before counting them.
UNCOUNTED = "stories written, how many new not known (a helper process stopped before saying)"


@dataclass
class FeedResult:
    """How one feed's refresh went."""

    feed_id: str
    name: str
    url: str
    state: str  #: "updated", "unchanged" (nothing new or 304), "error", "gone", "waiting" (skipped for now)
    new: int = 0
    updated: int = 0
    #: False when a helper process died after writing the stories, before saying how many were new
    counted: bool = True
    status: int | None = None  #: HTTP status of the feed request
    error: str | None = None
    moved_to: str | None = None  #: a permanent redirect's target, now the stored URL
    page_failures: int = 0  #: items whose article page could not be fetched or extracted
    seconds: float = 0.0

    def line(self) -> str:
        """One line for the user."""
        if self.state in ("error", "gone", "waiting"):
            return f"{self.name}: {self.error}"
        text = f"{self.name}: no change"
        if self.state == "updated":
            text = f"{self.name}: {self.new} new, {self.updated} updated"
            if not self.counted:
                text = f"{self.name}: {UNCOUNTED}"
        if self.moved_to:
            text += f" (moved to {self.moved_to})"
        if self.page_failures:
            text += f"; {self.page_failures} article page{'s' * (self.page_failures != 1)} not fetched (summary kept)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return asdict(self)


Progress = Callable[[FeedResult, int, int], None]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def waiting_until(feed: Feed, now: datetime, *, due_only: bool) -> datetime | None:
    """When a feed may be fetched again, if not now (Retry-After always; backoff and interval when ``due_only``)."""
    retry = _parse_iso(feed.next_try)
    if retry is not None and retry > now:
        return retry
    if not due_only:
        return None
    last = _parse_iso(feed.last_refresh)
    if last is None:
        return None
    wait = timedelta(minutes=min(max(1, feed.interval_minutes), MAX_INTERVAL_MINUTES))
    if feed.failures:
        wait = min(MAX_BACKOFF, timedelta(minutes=2 ** min(feed.failures, 10)))
    return last + wait if last + wait > now else None


class _Run:
    """One refresh of several feeds sharing a fetcher."""

    def __init__(self, fetcher: Fetcher, now: datetime, pages: Pages, writer: Writer) -> None:
        self.fetcher = fetcher
        self.now = now
        self.pages = pages
        #: digests (in its helper processes) or writes each feed: a feed's folder is written by one writer only
        self.writer = writer

    async def feed(self, feed: Feed) -> tuple[FeedResult, dict[str, Any]]:
        """Refresh one feed; return its result and the changes to its stored state."""
        started = time.perf_counter()
        result = FeedResult(feed.id, feed.name, feed.url, "unchanged")
        changes: dict[str, Any] = {"last_refresh": _iso(self.now)}
        try:
            response = await self.fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            result.status = response.status
            if response.moved_to:
                result.moved_to = changes["url"] = response.moved_to
            changes.update(etag=response.etag or feed.etag, last_modified=response.last_modified or feed.last_modified)
            if response.status != 304:
                job = FeedJob(
                    folder=str(feed_folder(feed.slug)),
                    feed_id=feed.id,
                    feed_url=feed.url,
                    name=feed.name,
                    title_override=feed.title_override,
                    full_text=feed.full_text,
                    body=response.body,
                    content_type=response.content_type,
                    response_url=response.url,
                    now=self.now,
                    fetched=_iso(self.now),
                )
                existed = os.path.lexists(job.folder)  # to count the stories of a helper that dies unanswered
                # in a helper process when they run: this loop then only fetches
                done = await self.writer.digest(job)
                if done is None:
                    parsed = await asyncio.to_thread(parse_feed, job.body, job.content_type, job.response_url)
                    title = plain(parsed.title)[:200] if parsed.title else None
                    done = Digested(title, parsed.link, feed.title_override or title or feed.name, parsed=parsed)
                if done.title is not None:
                    changes["title"] = done.title
                if done.link:
                    changes["site"] = done.link
                result.name = done.name
                result.new, result.updated = done.new, done.updated
                if done.parsed is not None:
                    counts = await self.items(feed, done.name, done.parsed.items)
                    result.new, result.updated, result.page_failures = counts
                if job.folder in self.writer.lost:
                    found = counts_after_loss(Path(job.folder), existed, (result.new, result.updated))
                    result.counted = found is not None
                    result.new, result.updated = found or (0, 0)
                if result.new or result.updated or not result.counted:
                    result.state = "updated"
            changes.update(
                failures=0,
                next_try=None,
                last_error=None,
                last_status=response.status,
                gone=False,
                last_success=_iso(self.now),
            )
        except (FetchError, FeedError) as error:
            status = getattr(error, "status", None)
            result.state, result.error, result.status = "error", str(error), status
            failures = feed.failures + 1
            retry = getattr(error, "retry_after", None)
            next_try = _iso(self.now + timedelta(seconds=retry)) if retry is not None else None
            changes.update(failures=failures, last_error=str(error), last_status=status, next_try=next_try)
            if status == 410:
                result.state = "gone"
                changes["gone"] = True
            elif status in (404, 410) or isinstance(error, FeedError):
                # the stored validators belong to a feed that is no longer there
                changes.update(etag=None, last_modified=None)
        except Exception as error:  # disk full, an unexpected reply, any fault of this feed's: one line, this feed
            reason = str(error).splitlines()[0] if str(error) else ""
            result.state, result.error = "error", f"{type(error).__name__}: {reason}"
            changes.update(failures=feed.failures + 1, last_error=result.error)
        result.seconds = round(time.perf_counter() - started, 3)
        return result, changes

    async def items(self, feed: Feed, name: str, items: Sequence[Item]) -> tuple[int, int, int]:
        """Turn new and changed items into stories, with their pages; return (new, updated, page failures)."""
        index = feed_stories(feed.slug)
        todo = plan(items, index, feed.url, feed.full_text)
        self.pages.expect(len(todo.wanted))
        # only the pages wait on the network; the stories are built right here, without a task each
        fetched_pages = await asyncio.gather(*(self.pages(link) for _, link in todo.wanted))
        pages = dict(zip((key for key, _ in todo.wanted), fetched_pages, strict=True))
        # the loop is the refresh's bottleneck while a helper process keeps up: the helper finds the ids then
        stories = build(todo, name, items, index, pages, self.now, find_ids=not self.writer.keeps_up())
        written = [s for s, _ in stories]
        folder = feed_folder(feed.slug)
        new, updated = await self.writer.save(folder, feed.id, feed.url, written, _iso(self.now), index.keys())
        return new, updated, sum(1 for _, failed in stories if failed)


async def refresh_async(
    feeds: Sequence[Feed],
    *,
    progress: Progress | None = None,
    due_only: bool = False,
    named: Sequence[str] = (),
    limits: Limits | None = None,
    now: datetime | None = None,
) -> tuple[list[FeedResult], dict[str, dict[str, Any]]]:
    """Refresh ``feeds`` concurrently; return the results and the state changes by feed id (not saved)."""
    now = now or datetime.now(UTC)
    results: list[FeedResult] = []
    changes: dict[str, dict[str, Any]] = {}
    total = len(feeds)
    writer = Writer()
    fresh = [f for f in feeds if not f.last_success and not f.gone and waiting_until(f, now, due_only=due_only) is None]
    writer.expect(len(fresh))
    async with Fetcher(limits) as fetcher:
        pages = Pages(fetcher)
        run = _Run(fetcher, now, pages, writer)

        async def one(feed: Feed) -> None:
            wait = waiting_until(feed, now, due_only=due_only)
            if feed.gone and feed.id not in named:
                result = FeedResult(feed.id, feed.name, feed.url, "gone", error="gone (HTTP 410); name it to try again")
            elif wait is not None:
                result = FeedResult(feed.id, feed.name, feed.url, "waiting", error=f"waiting until {_iso(wait)}")
            else:
                result, change = await run.feed(feed)
                changes[feed.id] = change
            results.append(result)
            if progress is not None:
                progress(result, len(results), total)

        try:
            await asyncio.gather(*(one(feed) for feed in feeds))
        finally:
            pages.close()
            await writer.close()
    order = {feed.id: n for n, feed in enumerate(feeds)}
    results.sort(key=lambda r: order.get(r.feed_id, 0))
    return results, changes


def apply_changes(changes: dict[str, dict[str, Any]]) -> None:
    """Save refresh state into the subscriptions, on fresh data (a feed removed meanwhile stays removed)."""
    if not changes:
        return
    with editing() as current:
        for feed in current:
            for key, value in changes.get(feed.id, {}).items():
                setattr(feed, key, value)


def select(keys: Sequence[str]) -> list[Feed]:
    """The subscribed feeds named by id, URL or title (all when ``keys`` is empty). Raises LookupError."""
    feeds = load_feeds()
    if not keys:
        return feeds
    chosen = []
    for key in keys:
        feed = find(feeds, key)
        if feed is None:
            raise LookupError(f"no feed {key!r} (see `reader feeds list`)")
        chosen.append(feed)
    return chosen


def refresh(
    keys: Sequence[str] = (),
    *,
    progress: Progress | None = None,
    due_only: bool = False,
    limits: Limits | None = None,
) -> list[FeedResult]:
    """Refresh the subscribed feeds (or those named) and save their state. Safe to call from a worker thread."""
    feeds = select(keys)
    named = [feed.id for feed in feeds] if keys else []
    results, changes = asyncio.run(
        refresh_async(feeds, progress=progress, due_only=due_only, named=named, limits=limits)
    )
    apply_changes(changes)
    edited = {result.feed_id for result in results if result.updated}
    carry_marks(feed.slug for feed in feeds if feed.id in edited)  # a story with an edited headline keeps its marks
    return results
