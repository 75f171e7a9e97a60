"""Feed bytes (RSS, Atom, JSON Feed) → items: plain RSS 2.0 through :mod:`.rss` (lxml), the rest through feedparser.

The bytes are decoded here first (declared charset if it works, else a guess
among UTF-8, windows-1252, windows-1251 and KOI8-R) and handed to feedparser
as UTF-8; documents declaring XML entities are refused (entity bombs).
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from reader.feeds.rss import parse_rss

_DECL_ENCODING = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9._:-]+)([\"'])", re.S)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_ENTITY = re.compile(rb"<!\s*ENTITY", re.I)
_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html)", re.I)


class FeedError(Exception):
    """Bytes that are not a usable feed; ``str()`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class Item:
    """One feed entry, as the feed gives it (HTML fields are untrusted)."""

    guid: str | None
    link: str | None
    title: str
    published: datetime | None
    summary_html: str
    content_html: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]

    @property
    def key(self) -> str:
        """What identifies the item across refreshes: guid, else link, else title and date."""
        if self.guid:
            return "guid:" + self.guid
        if self.link:
            return "link:" + self.link
        date = self.published.isoformat() if self.published else ""
        return f"title:{self.title}|{date}"


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title, site link and items, in feed order."""

    title: str
    link: str | None
    items: tuple[Item, ...]


def to_utf8(body: bytes, content_type: str | None) -> bytes:
    """The feed's bytes re-encoded as UTF-8, with the XML declaration saying so."""
    text = _decode(body, content_type)
    data = text.encode("utf-8")
    return _DECL_ENCODING.sub(rb"\1utf-8\3", data, count=1)


def _decode(body: bytes, content_type: str | None) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", "replace")
    declared: list[str] = []
    if content_type and (found := _CHARSET.search(content_type)):
        declared.append(found.group(1))
    if decl := _DECL_ENCODING.match(body[:200]):
        declared.append(decl.group(2).decode("ascii"))
    for name in declared:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode(guess_8bit(body), "replace")


def guess_8bit(body: bytes) -> str:
    """Guess a single-byte encoding: Cyrillic text (windows-1251 or KOI8-R) or Western (windows-1252)."""
    high = [b for b in body if b >= 0x80]
    # Cyrillic words are runs of high bytes; Western accents stand alone between ASCII letters.
    paired = sum(1 for i in range(1, len(body)) if body[i] >= 0x80 and body[i - 1] >= 0x80)
    if not high or paired < 0.5 * len(high):
        return "cp1252"
    # Lower-case Cyrillic letters dominate running text: 0xE0-0xFF in windows-1251, 0xC0-0xDF in KOI8-R.
    upper_half = sum(1 for b in high if b >= 0xE0)
    middle = sum(1 for b in high if 0xC0 <= b < 0xE0)
    return "cp1251" if upper_half >= middle else "koi8_r"


def parse_feed(body: bytes, content_type: str | None = None, url: str = "") -> ParsedFeed:
    """Parse a feed document. Raises :class:`FeedError` for anything that is not a usable feed."""
    if not body.strip():
        raise FeedError("empty response, not a feed")
    if _ENTITY.search(body[:65536]):
        raise FeedError("feed declares XML entities (refused: possible entity bomb)")
    data = to_utf8(body, content_type)
    if data.lstrip()[:1] == b"{":
        return _json_feed(data)
    if _HTML.match(data[:1024]):
        raise FeedError("an HTML page, not a feed")
    fast = parse_rss(data, url)
    if fast is not None:
        title, link, fields = fast
        return ParsedFeed(title, link, tuple(Item(**item) for item in fields))
    parsed: Any = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-type": _utf8_type(content_type), "content-location": url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        error = parsed.get("bozo_exception")
        if error is not None and parsed.get("bozo"):
            raise FeedError(xml_problem(error, declared=data.startswith(b"<?xml")))
        raise FeedError("not a feed (no RSS, Atom or JSON Feed found)")
    info = parsed.get("feed") or {}
    items = tuple(_item(entry) for entry in entries)
    return ParsedFeed(str(info.get("title") or ""), _str(info.get("link")), items)


def xml_problem(error: BaseException, declared: bool = True) -> str:
    """The XML parser's complaint in the user's words: "not a valid feed (XML error at line 2)".

    Without an XML declaration (``declared`` False) feedparser puts one on a line of its own before the
    document: the parser's line numbers are then one past the document's.
    """
    line = getattr(error, "getLineNumber", None)
    number = line() if callable(line) else None
    if isinstance(number, int) and not declared:
        number -= 1
    if isinstance(number, int) and number > 0:
        return f"not a valid feed (XML error at line {number})"
    return "not a valid feed (its XML cannot be read)"


def _json_feed(data: bytes) -> ParsedFeed:
    """A JSON Feed (1.0 or 1.1) document; feedparser 6.0 does not read them."""
    import html

    import orjson

    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise FeedError(f"not a valid JSON feed (JSON error at line {error.lineno})") from None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise FeedError("JSON, but not a JSON Feed")
    items = []
    for entry in _list(doc.get("items")):  # a field of another type than the spec's is taken as absent
        if not isinstance(entry, dict):
            continue
        people = _list(entry.get("authors")) or ([entry["author"]] if isinstance(entry.get("author"), dict) else [])
        text = _text(entry.get("content_text"))
        content = _text(entry.get("content_html")) or (f"<p>{html.escape(text)}</p>" if text else "")
        link = _text(entry.get("url"))
        moment = _iso_date(entry.get("date_published") or entry.get("date_modified"))
        guid = entry.get("id")
        items.append(
            Item(
                guid=_str(guid) if isinstance(guid, (str, int)) and not isinstance(guid, bool) else None,
                link=link if link.startswith(("http://", "https://")) else None,
                title=_text(entry.get("title")),
                published=moment,
                summary_html=html.escape(_text(entry.get("summary"))),
                content_html=content,
                authors=tuple(p["name"] for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)),
                categories=tuple(t for t in _list(entry.get("tags")) if isinstance(t, str)),
            )
        )
    return ParsedFeed(_text(doc.get("title")), _str(_text(doc.get("home_page_url"))), tuple(items))


def _text(value: Any) -> str:
    """A JSON Feed field meant to be text: itself, else "" (a number, a list or an object is no text)."""
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    """A JSON Feed field meant to be a list: itself, else empty."""
    return value if isinstance(value, list) else []


def _iso_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _utf8_type(content_type: str | None) -> str:
    base = (content_type or "application/xml").split(";")[0].strip() or "application/xml"
    return f"{base}; charset=utf-8"


def _str(value: Any) -> str | None:
    return str(value) if value else None


def _item(entry: Any) -> Item:
    content = ""
    for part in entry.get("content") or ():
        value = part.get("value") or ""
        if len(value) > len(content):
            content = value
    authors = tuple(str(a.get("name")) for a in entry.get("authors") or () if isinstance(a, dict) and a.get("name"))
    if not authors and entry.get("author"):
        authors = (str(entry["author"]),)
    categories = tuple(str(t.get("term")) for t in entry.get("tags") or () if isinstance(t, dict) and t.get("term"))
    link = _str(entry.get("link"))
    if link and not link.startswith(("http://", "https://")):
        link = None
    return Item(
        guid=_str(entry.get("id")),
        link=link,
        title=str(entry.get("title") or ""),
        published=_date(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")),
        summary_html=str(entry.get("summary") or ""),
        content_html=content,
        authors=authors,
        categories=categories,
    )


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def discover(html: bytes, base_url: str) -> list[str]:
    """Feed URLs named by ``<link rel="alternate" type="...rss/atom/feed+json">`` in an HTML page."""
    from urllib.parse import urljoin

    import lxml.html

    try:
        root = lxml.html.fromstring(html[:2_000_000])
    except (ValueError, lxml.etree.ParserError):
        return []
    found = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower()
        href = link.get("href")
        if (
            "alternate" in rel
            and href
            and kind
            in (
                "application/rss+xml",
                "application/atom+xml",
                "application/feed+json",
                "application/json",
            )
        ):
            found.append(urljoin(base_url, href))
    return found
