"""Finding the feed behind a URL: the URL itself, or the feed a page names (``<link rel=alternate>``). No Textual."""

from __future__ import annotations

import asyncio

from reader.feeds.feedfile import FeedError, ParsedFeed, discover, parse_feed
from reader.feeds.http import Fetcher, FetchError, Limits


async def find_feed_async(url: str, limits: Limits | None = None) -> tuple[str, ParsedFeed]:
    """The feed URL and its content. Raises FetchError or FeedError with a one-line reason.

    The URL is the one given (or named by the page) unless every redirect to the feed was permanent:
    a temporary one (302, 307) may point elsewhere tomorrow, as ``refresh`` assumes too.
    """
    async with Fetcher(limits) as fetcher:
        response = await fetcher.get(url)
        try:
            return response.moved_to or url, parse_feed(response.body, response.content_type, response.url)
        except FeedError as error:
            candidates = discover(response.body, response.url)
            if not candidates:
                raise FeedError(f"{error}; the page names no feed either") from None
        last: Exception | None = None
        for candidate in candidates[:5]:
            try:
                reply = await fetcher.get(candidate)
                return reply.moved_to or candidate, parse_feed(reply.body, reply.content_type, reply.url)
            except (FeedError, FetchError) as problem:  # the next candidate may work
                last = problem
        raise FeedError(f"the page names feeds but none could be read ({last})")


def find_feed(url: str, limits: Limits | None = None) -> tuple[str, ParsedFeed]:
    """Blocking :func:`find_feed_async`."""
    return asyncio.run(find_feed_async(url, limits))
