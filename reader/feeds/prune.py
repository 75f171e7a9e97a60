"""Retention: which feed stories to delete. Bookmarked stories and unread young ones are never deleted. No Textual."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from reader.feeds.stories import delete_stories, feed_stories
from reader.feeds.subscriptions import MAX_KEEP_DAYS, Feed

DEFAULT_DAYS = 90  #: stories older than this go, unless a feed says otherwise
YOUNG_DAYS = 14  #: an unread story fetched within this many days is kept whatever the retention says


@dataclass(frozen=True, slots=True)
class Doomed:
    """A story that retention would delete."""

    feed: Feed
    key: str
    article_id: str
    title: str
    file: str


def _age_date(record: dict[str, object]) -> datetime:
    for name in ("fetched", "published"):
        text = record.get(name)
        if isinstance(text, str) and text:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def plan(
    feeds: list[Feed], read: Container[str], bookmarked: Container[str], now: datetime | None = None
) -> list[Doomed]:
    """The stories past their feed's retention (fetched N days ago, or beyond the newest N) that may go."""
    now = now or datetime.now(UTC)
    doomed: list[Doomed] = []
    for feed in feeds:
        index = feed_stories(feed.slug)
        days = min(feed.retention_days, MAX_KEEP_DAYS) if feed.retention_days is not None else DEFAULT_DAYS
        ordered = sorted(index.items(), key=lambda kv: (str(kv[1].get("published", "")), str(kv[1].get("fetched", ""))))
        ordered.reverse()
        for rank, (key, record) in enumerate(ordered):
            article_id = str(record.get("id", ""))
            fetched = _age_date(record)
            old = (now - fetched) > timedelta(days=days)
            over = feed.retention_count is not None and rank >= feed.retention_count
            if not (old or over):
                continue
            if article_id in bookmarked:
                continue
            if article_id not in read and now - fetched <= timedelta(days=YOUNG_DAYS):
                continue
            doomed.append(Doomed(feed, key, article_id, str(record.get("title", "")), str(record.get("file", ""))))
    return doomed


def execute(doomed: list[Doomed]) -> int:
    """Delete the planned stories; return how many went."""
    by_feed: dict[str, list[str]] = {}
    for item in doomed:
        by_feed.setdefault(item.feed.slug, []).append(item.key)
    return sum(delete_stories(slug, keys) for slug, keys in by_feed.items())
