"""Untrusted HTML → plain article blocks: the whole page through trafilatura, feed content by hand. No Textual.

Nothing executable or invisible survives: script, style, iframe, forms and
images are dropped, ``javascript:`` and other non-web links are ignored, and
all text is plain (escape sequences removed, markup never interpreted).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from reader.text import clean, clean_line

_DROP = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "noscript",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "svg",
        "math",
        "img",
        "picture",
        "video",
        "audio",
        "source",
        "canvas",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "nav",
        "footer",
    }
)
_BLOCKS = {
    "p": "paragraph",
    "div": "paragraph",
    "section": "paragraph",
    "article": "paragraph",
    "main": "paragraph",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "li": "list_item",
    "blockquote": "quote",
    "pre": "paragraph",
    "td": "paragraph",
    "dd": "paragraph",
    "dt": "paragraph",
    "figcaption": "paragraph",
    "table": "paragraph",
    "ul": "paragraph",
    "ol": "paragraph",
    "dl": "paragraph",
    "tr": "paragraph",
    "figure": "paragraph",
    "header": "paragraph",
    "aside": "paragraph",
}


#: ASCII control characters but tab, newline and carriage return (which a split treats as spaces anyway).
_ASCII_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def plain(text: str) -> str:
    """Untrusted text as one clean line: escapes and control characters removed, spaces collapsed."""
    if text.isascii():
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_CONTROLS)) == len(raw):  # nothing for clean() to remove or normalise
            return " ".join(text.split())
    try:
        text = clean(text)
    except ValueError:  # "mostly control characters" is a file test: a short title with two is still a title
        text = clean_line(text)
    return " ".join(text.split())  # what ``\s+`` → one space and strip() give (both use str.isspace), faster


@dataclass(frozen=True, slots=True)
class Anchor:
    """A web link found in the body: its absolute URL, its text, and the block it sits in."""

    url: str
    text: str
    block: int


@dataclass
class Content:
    """Article content as plain blocks ``(kind, text)`` plus the links in them."""

    blocks: list[tuple[str, str]] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    title: str | None = None
    dek: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None  #: ISO date when the page gave one
    caption: str | None = None
    credit: str | None = None

    @property
    def text_length(self) -> int:
        """Characters of body text."""
        return sum(len(text) for _, text in self.blocks)


def _web_link(base: str, href: str | None) -> str | None:
    if not href:
        return None
    url = urljoin(base, href.strip())
    return url if url.startswith(("http://", "https://")) else None


class _Collector:
    """Walks an element tree, turning block elements into blocks and inline text into their text."""

    def __init__(
        self, base: str, kinds: dict[str, str], drop: frozenset[str], resolve: Callable[[str], str] | None = None
    ) -> None:
        self.base = base
        self.kinds = kinds
        self.drop = drop
        self.resolve = resolve  #: what a ``ref``'s target goes through first
        self.content = Content()
        self.parts: list[str] = []
        self.kind = "paragraph"
        self.pending: list[tuple[str, str]] = []

    def flush(self) -> None:
        if not self.parts:  # nothing since the last block: no block, and its links had no text to sit in
            self.pending = []
            return
        text = plain("".join(self.parts))
        self.parts = []
        index = len(self.content.blocks)
        if text:
            for url, anchor in self.pending:
                self.content.anchors.append(Anchor(url, anchor, index))
            self.content.blocks.append((self.kind, text))
        self.pending = []

    def walk(self, element: lxml.etree._Element, kind: str = "paragraph") -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in self.drop or not tag:
            if element.tail:
                self.parts.append(element.tail)
            return
        block = self.kinds.get(tag)
        if tag == "br":
            self.parts.append(" ")
        if block is not None:
            self.flush()
            if block != "paragraph" or kind == "paragraph":
                kind = block
            self.kind = kind
        if element.text:
            self.parts.append(element.text)
        if tag in ("a", "ref"):
            href = element.get("href") or element.get("target")
            if href and tag == "ref" and self.resolve is not None:
                href = self.resolve(href)
            url = _web_link(self.base, href)
            if url is not None:
                self.pending.append((url, plain(element.text_content() if tag == "a" else "".join(element.itertext()))))
        for child in element:
            self.walk(child, kind)
            if block is not None:
                self.kind = kind
        if block is not None:
            self.flush()
        if element.tail:
            self.parts.append(element.tail)


def html_blocks(html: str, base_url: str) -> Content:
    """Blocks of an HTML fragment (a feed's summary or content)."""
    if not html.strip():
        return Content()
    if "<" not in html:
        return Content(blocks=[("paragraph", text) for text in (plain(p) for p in html.split("\n\n")) if text])
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        text = plain(html)
        return Content(blocks=[("paragraph", text)] if text else [])
    collector = _Collector(base_url, _BLOCKS, _DROP)
    collector.walk(root)
    collector.flush()
    return collector.content


_TRAF_BLOCKS = {
    "p": "paragraph",
    "head": "heading",
    "item": "list_item",
    "quote": "quote",
    "list": "paragraph",
    "main": "paragraph",
    "cell": "paragraph",
    "row": "paragraph",
    "table": "paragraph",
}
_TRAF_DROP = frozenset({"graphic", "comments", "code"})


#: trafilatura's settings: precision over recall, no fallback extractors, no comments, no deduplication,
#: no metadata pass (the cheap one below reads what a story needs from the page's meta tags), and the
#: body as a tree only ("xml": the "python" format also renders a plain text we do not use).
_SETTINGS: dict[str, Any] = {
    "output_format": "xml",
    "formatting": False,
    "links": True,
    "images": False,
    "comments": False,
    "tables": True,
    "precision": True,
    "dedup": False,
    "fast": True,
    "with_metadata": False,
}
_options: Any = None


def _extractor(url: str) -> Any:
    """trafilatura's options for one page: built once per process (reading its config costs), copied per page.

    No ``url``: with one, trafilatura resolves every link of the page (menus, footers, lists of other stories:
    over half its time on a real page) though only the body's are kept; the body's are resolved afterwards,
    the same way (:func:`_link_resolver`). ``source`` names the page in trafilatura's log messages.
    """
    global _options
    from trafilatura.settings import Extractor

    if _options is None:
        _options = Extractor(**_SETTINGS)
    options = copy.copy(_options)
    options.url = None
    options.source = url
    return options


def _link_resolver(url: str) -> Callable[[str], str] | None:
    """What trafilatura does to a link's target when given the page's URL: resolved against the site's root."""
    from trafilatura.utils import safe_base_url, safe_relative_url

    base = safe_base_url(url)
    if not base:
        return None
    return lambda target: safe_relative_url(base, target) or target


def extract_page(html: bytes, url: str) -> Content | None:
    """The article on a web page, or None when no article text is found."""
    import trafilatura
    from trafilatura.utils import load_html

    if not html.strip():
        return None
    try:
        tree = load_html(html)
        if tree is None:
            return None
        meta = _meta(tree)
        caption, credit = _lead_caption(tree)
        document = trafilatura.bare_extraction(tree, options=_extractor(url))
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return None
    body = getattr(document, "body", None)
    if body is None:
        return None
    collector = _Collector(url, _TRAF_BLOCKS, _TRAF_DROP, _link_resolver(url))
    collector.walk(body)
    collector.flush()
    content = collector.content
    content.title = meta.get("title") or None
    content.dek = meta.get("dek") or None
    author = meta.get("author", "")
    content.authors = tuple(a.strip() for a in re.split(r";|,|\band\b|&", author) if a.strip()) if author else ()
    date = meta.get("date", "")
    content.date = date[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", date) else None
    content.caption, content.credit = caption, credit
    # trafilatura repeats the title and the dek at the top of the body: drop them there.
    while content.blocks and content.blocks[0][1] in (content.title, content.dek):
        content.blocks.pop(0)
        content.anchors = [Anchor(a.url, a.text, a.block - 1) for a in content.anchors if a.block > 0]
    return content if content.blocks else None


_META_KEYS = {
    "og:title": "title",
    "twitter:title": "title",
    "og:description": "dek",
    "twitter:description": "dek",
    "description": "dek",
    "author": "author",
    "article:author": "author",
    "byl": "author",
    "parsely-author": "author",
    "article:published_time": "date",
    "og:published_time": "date",
    "date": "date",
    "dc.date": "date",
    "dc.date.issued": "date",
    "pubdate": "date",
    "publish-date": "date",
    "parsely-pub-date": "date",
}
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·»-]\s+")


def _meta(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Title, dek, author and date from the page's meta tags, ``<title>``, ``<h1>`` and ``<time>``."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower().strip()
        field_name = _META_KEYS.get(key)
        value = plain(element.get("content") or "")
        if field_name and value and field_name not in found:
            if field_name == "author" and value.startswith(("http://", "https://")):
                continue
            found[field_name] = value
    if "title" not in found:
        heading = next(tree.iter("h1"), None)
        title_element = next(tree.iter("title"), None)
        heading_text = plain(heading.text_content()) if heading is not None else ""
        title_text = plain(title_element.text_content()) if title_element is not None else ""
        parts = _TITLE_SEPARATORS.split(title_text) if title_text else []
        if heading_text and (not title_text or heading_text in parts or heading_text == title_text):
            found["title"] = heading_text
        elif parts:
            found["title"] = max(parts, key=len)
        elif heading_text:
            found["title"] = heading_text
    if "date" not in found:
        for element in tree.iter("time"):
            value = (element.get("datetime") or "").strip()
            if value:
                found["date"] = value
                break
    return found


def _lead_caption(tree: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """The first figure caption, split into caption and credit (``Photo: X``)."""
    for element in tree.iter("figcaption"):
        text = plain(element.text_content())
        if not text:
            continue
        credit = re.search(r"\s*(?:Photo|Image|Picture|Credit)\s*:\s*(.+)$", text, re.I)
        if credit:
            return (text[: credit.start()].strip() or None), plain(credit.group(1)) or None
        return text, None
    return None, None
