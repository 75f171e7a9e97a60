"""Feeds: subscriptions, fetching, feed parsing, article extraction, items written as page files. No Textual.

Each outside library sits behind one small module: :mod:`.http` (httpx, the only
network access), :mod:`.feedfile` (feedparser), :mod:`.extract` (trafilatura),
:mod:`.opml` (defusedxml). :mod:`.refresh` ties them together for the CLI and the app.
"""

from __future__ import annotations

from reader.feeds.refresh import FeedResult, refresh, refresh_async
from reader.feeds.stories import StoryInfo, feed_stories, story_info, story_url
from reader.feeds.subscriptions import Feed, FeedStatus, add_feed, feed_statuses, load_feeds, remove_feed

__all__ = [
    "Feed",
    "FeedResult",
    "FeedStatus",
    "StoryInfo",
    "add_feed",
    "feed_statuses",
    "feed_stories",
    "load_feeds",
    "refresh",
    "refresh_async",
    "remove_feed",
    "story_info",
    "story_url",
]
