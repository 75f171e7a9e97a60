"""Feeds: subscriptions, fetching, feed parsing, article extraction, items written as page files. No Textual.

Each outside library sits behind one small module: :mod:`.http` (httpx, the only
network access; :mod:`.backend` trims httpcore's per-request cost), :mod:`.feedfile`
(feedparser, with :mod:`.rss` reading plain RSS 2.0 through lxml), :mod:`.extract`
(trafilatura), :mod:`.opml` (defusedxml). :mod:`.refresh` ties them together for the
CLI and the app; :mod:`.pages` fetches and extracts article pages, in worker
processes when there are many.

The names below load their module on first use, so ``import reader.feeds`` is cheap.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

# httpx imports its command-line tool (click, rich's console, pygments: a fifth of a refresh's imports) with
# itself when those are installed, and reader never runs it: a None entry makes that import fail, which httpx
# expects (it then defines a stand-in). Only while httpx is not imported yet.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

_EXPORTS = {
    "FeedResult": "reader.feeds.refresh",
    "refresh": "reader.feeds.refresh",
    "refresh_async": "reader.feeds.refresh",
    "StoryInfo": "reader.feeds.stories",
    "all_stories": "reader.feeds.stories",
    "feed_stories": "reader.feeds.stories",
    "story_info": "reader.feeds.stories",
    "story_url": "reader.feeds.stories",
    "Feed": "reader.feeds.subscriptions",
    "FeedStatus": "reader.feeds.subscriptions",
    "add_feed": "reader.feeds.subscriptions",
    "feed_statuses": "reader.feeds.subscriptions",
    "load_feeds": "reader.feeds.subscriptions",
    "remove_feed": "reader.feeds.subscriptions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reader.feeds' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
