"""The user's subscriptions and each feed's refresh state, in ``<data>/feeds.json``. No Textual.

Every change is made under a file lock on freshly read data and written
atomically, so the app and ``reader refresh`` from cron can run at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.feeds.files import locked, read_json, write_json
from reader.parse import slugify

FULL_TEXT = ("auto", "always", "never")
MAX_INTERVAL_MINUTES = 525_600  #: the longest refresh interval: a year (longer overflows the dates it makes)
MAX_KEEP_DAYS = 36_500  #: the longest retention: a hundred years
FORMAT = 1


class SubscriptionError(Exception):
    """A subscription change that cannot be made; the message is for the user."""


@dataclass
class Feed:
    """One subscription: where it is, how to treat it, and how its last refresh went."""

    id: str
    url: str
    title: str = ""  #: the feed's own title
    title_override: str | None = None  #: the user's title for it
    folder: str | None = None  #: OPML folder path, ``/``-separated
    full_text: str = "auto"  #: auto | always | never
    interval_minutes: int = 60  #: how often a background refresh fetches it
    retention_days: int | None = None  #: keep stories this long (None: the default)
    retention_count: int | None = None  #: keep at most this many stories (None: no limit)
    slug: str = ""  #: its folder under ``articles/``
    etag: str | None = None
    last_modified: str | None = None
    last_refresh: str | None = None  #: ISO time of the last attempt
    last_success: str | None = None
    last_error: str | None = None
    last_status: int | None = None
    gone: bool = False  #: the site answered 410
    failures: int = 0  #: failed refreshes in a row
    next_try: str | None = None  #: ISO time before which it is not fetched (Retry-After, backoff)
    site: str | None = None  #: the site's home page, from the feed

    @property
    def name(self) -> str:
        """The title to show: the user's, else the feed's, else the host."""
        return self.title_override or self.title or urlsplit(self.url).netloc or self.url

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feed:
        """Rebuild from :meth:`to_dict`; unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        kept = {k: v for k, v in data.items() if k in names and (k not in _KINDS or _fits(v, _KINDS[k]))}
        kept.setdefault("url", "")
        kept.setdefault("id", feed_id(kept["url"]))
        feed = cls(**kept)
        if feed.full_text not in FULL_TEXT:
            feed.full_text = "auto"
        if not isinstance(feed.slug, str) or any(c in feed.slug for c in "/\\\0") or feed.slug.startswith("."):
            feed.slug = slugify(str(feed.slug)) or "feed"  # a folder under articles/, never outside it
        return feed


#: Each field's type as feeds.json holds it, "str", "int" or "bool" ("?": may be null); a value of another
#: type is read as the field's default.
_KINDS = {
    **dict.fromkeys(("id", "url", "title", "full_text", "slug"), "str"),
    **dict.fromkeys(("interval_minutes", "failures"), "int"),
    **dict.fromkeys(("retention_days", "retention_count", "last_status"), "int?"),
    "gone": "bool",
    **dict.fromkeys(
        (
            "title_override",
            "folder",
            "etag",
            "last_modified",
            "last_refresh",
            "last_success",
            "last_error",
            "next_try",
            "site",
        ),
        "str?",
    ),
}


def _fits(value: object, kind: str) -> bool:
    """Is ``value`` of the kind a field holds (a bool is no int here)?"""
    if value is None:
        return kind.endswith("?")
    wanted = {"str": str, "int": int, "bool": bool}[kind.rstrip("?")]
    return isinstance(value, wanted) and (wanted is bool or not isinstance(value, bool))


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed with its story counts, for ``feeds list`` and the Sources view."""

    feed: Feed
    items: int
    unread: int
    story_ids: tuple[str, ...] = field(default=(), repr=False)


def feeds_file() -> Path:
    """Where the subscriptions live."""
    from reader.paths import data_dir

    return data_dir() / "feeds.json"


def feed_id(url: str) -> str:
    """A short stable id for a feed URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]


def load_feeds(path: Path | None = None) -> list[Feed]:
    """The subscriptions, in the order they were added. Raises SubscriptionError if the file is damaged."""
    path = path or feeds_file()
    try:
        data = read_json(path)
    except (OSError, ValueError) as error:
        raise SubscriptionError(f"{path}: cannot read the subscriptions ({error})") from None
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list):
        raise SubscriptionError(f"{path}: not a subscriptions file")
    return [Feed.from_dict(item) for item in data["feeds"] if isinstance(item, dict) and "url" in item]


@contextlib.contextmanager
def editing(path: Path | None = None) -> Iterator[list[Feed]]:
    """Lock, read fresh, let the caller change the list, save atomically."""
    path = path or feeds_file()
    with locked(path.with_name(path.name + ".lock")):
        feeds = load_feeds(path)
        yield feeds
        if path.is_symlink():  # kept in a synced or dotfiles folder: written there, and the link stays a link
            path = Path(os.path.realpath(path))
        write_json(path, {"format": FORMAT, "feeds": [feed.to_dict() for feed in feeds]})


def find(feeds: list[Feed], key: str) -> Feed | None:
    """A feed by id, URL (however spelled: see :func:`same_address`), slug or exact title.

    Raises :class:`SubscriptionError` when the title is that of more than one feed.
    """
    for feed in feeds:
        if key in (feed.id, feed.url, feed.slug):
            return feed
    named = [feed for feed in feeds if key == feed.name]
    if len(named) > 1:
        ids = ", ".join(feed.id for feed in named)
        raise SubscriptionError(f"{len(named)} feeds are called {key!r}: give the id ({ids})")
    if named:
        return named[0]
    if "://" in key:
        from reader.feeds.urls import same_address

        address = same_address(key)
        return next((feed for feed in feeds if same_address(feed.url) == address), None)
    return None


def unique_slug(feeds: list[Feed], text: str) -> str:
    """A folder name for a new feed, not used by another one."""
    base = slugify(text)[:40].strip("-") or "feed"
    taken = {feed.slug for feed in feeds}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def add_feed(
    url: str,
    *,
    title: str | None = None,
    folder: str | None = None,
    feed_title: str = "",
    path: Path | None = None,
) -> tuple[Feed, bool]:
    """Subscribe to ``url``; return the feed and whether it is new (an existing one is kept)."""
    check_url(url)
    with editing(path) as feeds:
        existing = find(feeds, url)
        if existing is not None:
            return existing, False
        feed = Feed(id=feed_id(url), url=url, title=feed_title, title_override=title or None, folder=folder)
        feed.slug = unique_slug(feeds, title or feed_title or urlsplit(url).netloc)
        feeds.append(feed)
        return feed, True


def remove_feed(key: str, path: Path | None = None) -> Feed:
    """Unsubscribe (by id, URL or title); its stories stay in the library."""
    with editing(path) as feeds:
        feed = find(feeds, key)
        if feed is None:
            raise SubscriptionError(f"no feed {key!r}")
        feeds.remove(feed)
        return feed


def check_url(url: str) -> None:
    """Only absolute http(s) URLs can be subscribed to."""
    from reader.feeds.urls import url_problem

    problem = url_problem(url)
    if problem is not None:
        raise SubscriptionError(problem)


def feed_statuses(read_ids: set[str] | dict[str, Any], path: Path | None = None) -> list[FeedStatus]:
    """Every feed with its number of stories and unread stories (``read_ids``: the store's read marks)."""
    from reader.feeds.stories import feed_stories

    result = []
    for feed in load_feeds(path):
        # each story once: an item whose guid changed (same title and date) is the same story, under one id
        ids = tuple(dict.fromkeys(record.get("id", "") for record in feed_stories(feed.slug).values()))
        unread = sum(1 for i in ids if i not in read_ids)
        result.append(FeedStatus(feed, len(ids), unread, ids))
    return result
