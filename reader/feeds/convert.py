"""A feed item (plus its article page, when fetched) → a :class:`~reader.feeds.page.Page`. No Textual."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from reader.feeds.extract import Content, html_blocks, plain
from reader.feeds.feedfile import Item
from reader.feeds.page import Page

#: Feed content shorter than this (characters of text) is a summary: full_text=auto fetches the page.
SHORT_CONTENT = 1200


def digest(item: Item) -> str:
    """A hash of what the feed says about an item; a change means the story is rewritten."""
    parts = (
        item.title,
        item.link or "",
        item.published.isoformat() if item.published else "",
        item.summary_html,
        item.content_html,
        "|".join(item.authors),
    )
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:16]


def feed_content(item: Item, base: str) -> Content:
    """The item's own content (the longer of content and summary) as blocks."""
    content = html_blocks(item.content_html, base) if item.content_html else Content()
    summary = html_blocks(item.summary_html, base) if item.summary_html else Content()
    return content if content.text_length >= summary.text_length else summary


def wants_page(item: Item, content: Content, mode: str) -> bool:
    """Should the article page be fetched for this item?"""
    if mode == "never" or not item.link:
        return False
    return mode == "always" or content.text_length < SHORT_CONTENT


def normal_url(url: str) -> str:
    """A URL without fragment, ``www.`` or trailing slash, for comparing links."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    return urlunsplit(("", host, parts.path.rstrip("/"), parts.query, ""))


def _site(url: str | None) -> str:
    return urlsplit(url or "").netloc.lower().removeprefix("www.")


#: An off-site link's text is taken as a headline from this many words (shorter: "read the report").
HEADLINE_WORDS = 5


#: Sites whose links are profiles, share and follow buttons: never another site's story (a story of one of them
#: linking to itself, as a Reddit or YouTube feed's do, is judged by the link's text alone).
_SOCIAL = frozenset(
    (
        "twitter.com",
        "x.com",
        "facebook.com",
        "instagram.com",
        "linkedin.com",
        "youtube.com",
        "youtu.be",
        "t.me",
        "telegram.me",
        "tiktok.com",
        "pinterest.com",
        "reddit.com",
        "whatsapp.com",
        "wa.me",
        "threads.net",
        "bsky.app",
        "mastodon.social",
    )
)
#: First words of a call to action ("Sign up for our newsletter", "Click here to ..."), not of a headline.
_ACTIONS = frozenset(
    ("sign", "subscribe", "click", "tap", "join", "register", "download", "share", "donate", "read", "continue")
)
#: Words that mark a link's text as the site's own promotion wherever they stand (whole words: "subscribers",
#: "design update", "spread more" are a headline's).
_PROMOTION = re.compile(r"\b(?:newsletters?|subscribe|sign up|click here|follow us|log in|read more)\b")


def _promotion(url: str, text: str, own_site: str) -> bool:
    """Is a link a call to action (subscribe, share, follow) rather than a story's headline?"""
    host = _site(url)
    if host != own_site and any(host == site or host.endswith("." + site) for site in _SOCIAL):
        return True
    lowered = " ".join(text.lower().split())
    first = lowered.split(" ", 1)[0].strip("'\"‘“:")
    return first in _ACTIONS or _PROMOTION.search(lowered) is not None


def _headline_like(text: str) -> bool:
    """Does a link's text read as a story's headline: a few words, starting with a capital or a digit
    (after an opening quote: "'Stop worrying': NATO chief to allies")?"""
    start = text.lstrip("'\"‘“«")[:1]
    return len(text.split()) >= HEADLINE_WORDS and (start.isupper() or start.isdigit())


def story_date(item: Item, page: Content | None, now: datetime) -> str:
    """The story's date: the feed's, else the page's, else today; dates in the future become today."""
    if item.published is not None and item.published <= now + timedelta(days=1):
        return item.published.date().isoformat()
    if item.published is None and page is not None and page.date and page.date <= now.date().isoformat():
        return page.date
    return now.date().isoformat()


def build_page(
    item: Item,
    feed_name: str,
    body: Content,
    *,
    page: Content | None,
    note: str | None,
    explore: list[str],
    known: dict[str, str],
    now: datetime,
) -> Page:
    """Assemble the page: header from the feed (the article page fills gaps), body, Related, source, Explore."""
    title = plain(item.title) or (page.title if page and page.title else "")
    if not title:
        first = body.blocks[0][1] if body.blocks else ""
        title = " ".join(first.split()[:12]) or "Untitled story"
    authors = tuple(a for a in (plain(a) for a in item.authors) if a) or (page.authors if page else ())
    blocks: list[tuple[str, str]] = []
    if note:
        blocks.append(("paragraph", note))
    related_at: dict[int, list[str]] = {}
    site = _site(item.link) if body.anchors else ""  # URLs are parsed only for a body with links
    own = normal_url(item.link) if item.link and body.anchors else ""
    seen: set[str] = set()
    for anchor in body.anchors:
        target = normal_url(anchor.url)
        if not site or target == own:
            continue
        if _site(anchor.url) == site:
            headline = known.get(target) or (anchor.text if len(anchor.text.split()) >= 3 else "")
        else:  # another site's story (a syndicated one, say): only a link whose text reads as a headline
            headline = anchor.text if _headline_like(anchor.text) else ""
        if headline and headline != known.get(target) and _promotion(anchor.url, headline, site):
            continue  # "Sign up for our newsletter", a share button: not a story
        if headline and headline not in seen and headline != title:
            seen.add(headline)
            related_at.setdefault(anchor.block, []).append(headline)
    for index, block in enumerate(body.blocks):
        blocks.append(block)
        blocks.extend(("related", headline) for headline in related_at.get(index, ()))
    return Page(
        title=title,
        published=story_date(item, page, now),
        section=plain(item.categories[0]) if item.categories else feed_name,
        dek=page.dek if page and page.dek and page.dek != title else None,
        authors=authors,
        caption=page.caption if page else None,
        credit=page.credit if page else None,
        blocks=blocks,
        source=feed_name,
        explore=[h for h in explore if h != title][:10],
    )
