"""Text dump of a news page → :class:`~reader.model.Article`. Pure: no I/O, no Textual.

The page is read top-down in two steps over its stripped lines:
:func:`_read_header` finds the section, reading time, title, dek, image, byline
and date near the top (each part optional, recognised by its shape in
:mod:`reader.shapes`, never assumed by position alone), then :func:`_read_body`
classifies the remaining lines into blocks, Related links, the source and the
Explore list, dropping noise and footers.

A body line that starts with :data:`ESCAPE` (a backslash, which page dumps never
start a line with) is a paragraph of the rest of the line, whatever its shape: the
escape of the pages :mod:`reader.feeds.page` writes (see :func:`reads_as_paragraph`).
"""

from __future__ import annotations

import hashlib
import re
from itertools import islice
from typing import NamedTuple

from reader.dates import DATE_HEADS, crawler_date, is_date_line, is_relative, parse_date
from reader.model import Article, Block, Image
from reader.parser_version import PARSER_VERSION
from reader.shapes import (
    EXPLORE,
    FOOTER_EXACT,
    FOOTER_START,
    LIST_ITEM,
    LIST_MARKERS,
    NOISE,
    QUOTES,
    READ_TIME,
    SENTENCE_END,
    byline_authors,
    is_caption,
    is_footer,
    is_glued_nav,
    is_heading,
    is_name,
    is_section,
    is_skipped,
    related_headline,
    source_agency,
    split_caption,
)
from reader.text import ParseError, clean, decode

__all__ = ["ESCAPE", "PARSER_VERSION", "ParseError", "parse", "reads_as_paragraph", "slugify"]

#: A body line starting with this is a literal paragraph (the rest of the line).
ESCAPE = "\\"

_CRAWLER = re.compile(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*")
_SLUG_JUNK = re.compile(r"[\W_]+")
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]*[A-Z0-9]")
_BARE_BY = frozenset({"By", "BY", "by", "By:", "BY:"})
_TABS = re.compile(r"(?<! ) *\t[\t ]*")  # (?<! ): tried once per run of spaces
_MAX_SLUG = 80
#: How many non-empty lines the header may span, past the title.
_HEADER_WINDOW = 10
#: Where a reading-time line may stand, and how many banner lines may precede a section.
_READ_TIME_WITHIN = 12
_BANNERS_WITHIN = 6


class Header(NamedTuple):
    """What the top of a page says about the article, and where its body starts."""

    title: str
    section: str | None
    read_minutes: int | None
    dek: str | None
    image: Image | None
    authors: tuple[str, ...]
    published: str | None
    #: Index (into the page's lines) of the first body line.
    body_start: int


class Body(NamedTuple):
    """The article text after the header, and the links around it."""

    blocks: tuple[Block, ...]
    related: tuple[str, ...]
    source: str | None
    explore: tuple[str, ...]


class _Top(NamedTuple):
    """The first non-empty lines of a page (``text``) and their indices in the page (``at``),
    with what :func:`_kind` found of each line asked about (lines are asked about again)."""

    text: list[str]
    at: list[int]
    kinds: dict[str, str | None]
    #: The authors of each byline :func:`_kind` found.
    bylines: dict[str, tuple[str, ...]]


def parse(data: bytes | str, *, name: str = "", body: bool = True) -> Article:
    """Parse a page dump (bytes in any supported encoding, or text) into an Article.

    Raises :class:`ParseError` with a readable reason for empty or binary input.
    ``name`` (a file name) is accepted for callers' convenience: the id comes from the
    text alone (date and title slug, or a hash of the text when the title has no slug).
    With ``body=False`` the body's blocks are not built (quicker: what a list needs); the
    article is partial and equals the whole one but for its empty body.
    """
    text = _one_line_fields(clean(decode(bytes(data)) if isinstance(data, (bytes, bytearray, memoryview)) else data))
    lines = [line.strip() for line in text.split("\n")]
    stamp = _take_crawler_prefix(lines)
    if not any(lines):
        raise ParseError("empty file: no text to read")
    header = _read_header(lines)
    rest = _read_body(lines, header.body_start) if body else _read_links(lines, header.body_start)
    published = header.published or stamp
    return Article(
        id=_article_id(header.title, published, text),
        title=header.title,
        section=header.section,
        read_minutes=header.read_minutes,
        dek=header.dek,
        image=header.image,
        authors=header.authors,
        published=published,
        body=rest.blocks,
        related=rest.related,
        source=rest.source,
        explore=rest.explore,
        partial=not body,
    )


def reads_as_paragraph(line: str, title: str) -> bool:
    """Does this one-line text, written as a paragraph of a page titled ``title``, read back
    as that paragraph? (Where not, a writer puts :data:`ESCAPE` before it.) It must not
    look like a list item, quote, heading, Related, source, Explore, noise or footer line,
    nor like a header part (date, byline, caption, name, the title) right under the header."""
    if not line or line != line.strip() or line[0] == ESCAPE or is_heading(line):
        return False
    if _read_body([line], 0) != Body((Block("paragraph", line),), (), None, ()):
        return False  # (alone, a heading would read as a paragraph: a page never ends on one)
    return _kind(_Top([], [], {}, {}), line, title) is None and not is_name(line)


def slugify(text: str) -> str:
    """A readable, URL-safe id fragment: lower case words joined by dashes."""
    for size in (4 * _MAX_SLUG, 64 * _MAX_SLUG, len(text)):
        # A long text's slug is cut anyway: slug a head of it that gives enough.
        # Characters near the head's end may slug differently, but only past the cut.
        slug = _SLUG_JUNK.sub("-", text[:size].lower()).strip("-")
        if size >= len(text) or len(slug) > _MAX_SLUG + 8:
            break
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    return slug


def _one_line_fields(text: str) -> str:
    """Tabs (with the spaces around them) become one space, and Unicode line and
    paragraph separators line breaks, so no single-line field holds either."""
    if "\t" in text:
        text = _TABS.sub(" ", text)
    if "\u2028" in text:
        text = text.replace("\u2028", "\n")
    if "\u2029" in text:
        text = text.replace("\u2029", "\n")
    return text


def article_id(text: str) -> str:
    """The id :func:`parse` gives ``text``, read from its header alone (quicker). Raises :class:`ParseError` as it."""
    text = _one_line_fields(clean(text))
    lines = [line.strip() for line in text.split("\n")]
    stamp = _take_crawler_prefix(lines)
    if not any(lines):
        raise ParseError("empty file: no text to read")
    header = _read_header(lines)
    return _article_id(header.title, header.published or stamp, text)


def _article_id(title: str, published: str | None, text: str) -> str:
    """A stable, readable id: date plus title slug (a content hash when no slug)."""
    slug = slugify(title)
    if not slug:
        slug = "article-" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:10]
    return f"{published}-{slug}" if published else slug


def _take_crawler_prefix(lines: list[str]) -> str | None:
    """Remove a crawler's `` date 2025-07-07`` prefix from the first line; return the date."""
    for index, line in enumerate(lines):
        if not line:
            continue
        match = _CRAWLER.match(line)
        if match is None:
            return None
        lines[index] = line[match.end() :].strip()
        return crawler_date(match.group(1))
    return None


# -- header -------------------------------------------------------------------------


def _read_header(lines: list[str]) -> Header:
    """Section, reading time, title, dek, image, byline and date from the top of a page."""
    want = _HEADER_WINDOW + 14
    at = [i for i, line in enumerate(islice(lines, 4 * want)) if line][:want]  # enough, but on a sparse page
    if len(at) < want and len(lines) > 4 * want:
        at = list(islice((i for i, line in enumerate(lines) if line), want))
    top = _Top([lines[i] for i in at], at, {}, {})
    section, read_minutes, pos = _find_section(top.text)
    pos = min(pos, len(at) - 1)
    dated: str | None = None
    date_first = (
        pos + 1 < len(at)
        and is_date_line(top.text[pos])
        and _is_text(top, top.text[pos + 1])
        and not is_section(top.text[pos + 1])
    )
    if date_first:  # a video page: the date, the title, then a description (the dek)
        dated = parse_date(top.text[pos])
        pos += 1
    title = top.text[pos]
    pos += 1
    dek = None
    if date_first:
        if pos < len(at) and top.text[pos] != title and _is_text(top, top.text[pos]):
            dek = top.text[pos]
            pos += 1
    elif pos < len(at) and _dek_at(top, pos, lines, title, structured=section is not None or read_minutes is not None):
        dek = top.text[pos]
        pos += 1
    image, authors, published, pos = _header_parts(top, pos, title)
    if date_first and dek is None and pos < len(at) and top.text[pos] != title and _is_text(top, top.text[pos]):
        dek = top.text[pos]  # the description, after a duration or image line
        pos += 1
    body_start = at[pos] if pos < len(at) else at[pos - 1] + 1
    return Header(title, section, read_minutes, dek, image, authors, dated or published, body_start)


def _is_text(top: _Top, line: str) -> bool:
    """A line of running text or a title: no header part, marker, footer or Related line."""
    return (
        _kind(top, line, "") is None
        and line not in EXPLORE
        and line not in NOISE
        and not is_footer(line)
        and related_headline(line) is None
    )


def _find_section(top: list[str]) -> tuple[str | None, int | None, int]:
    """Section and reading time, and the position (in ``top``) of the title."""
    for pos in range(min(_READ_TIME_WITHIN, len(top))):
        match = READ_TIME.fullmatch(top[pos]) if top[pos][0].isdigit() else None
        if match is None:
            continue
        section = top[pos - 1] if pos > 0 and is_section(top[pos - 1]) else None
        pos += 1
        if section is None and pos < len(top) and is_section(top[pos]):
            section = top[pos]
            pos += 1
        return section, int(match.group(1)), pos
    pos, limit = 0, min(_BANNERS_WITHIN, len(top) - 1)
    while pos < limit and (is_section(top[pos]) or is_glued_nav(top[pos])):
        pos += 1
    return (top[pos - 1] if pos and is_section(top[pos - 1]) else None), None, pos


def _kind(top: _Top, line: str, title: str) -> str | None:
    """What header part a line is, if any: alt, skip, date, relative, byline or caption."""
    if line == title:
        return "alt"
    kind = top.kinds.get(line, "?")
    if kind != "?":
        return kind
    kind = None
    first = line[0]
    if first == ESCAPE:
        pass  # an escaped paragraph: text, whatever its shape
    elif (first.isdigit() and is_skipped(line)) or line in _BARE_BY:
        kind = "skip"
    elif is_date_line(line):
        kind = "date"
    elif is_relative(line):
        kind = "relative"
    elif (line.find(line[:3], 3) != -1 or line[:3].lower() == "by ") and (authors := byline_authors(line)):
        kind = "byline"  # (the quick tests: a byline is a doubled name or starts with "By ")
        top.bylines[line] = authors
    elif "/" in line and is_caption(line):
        kind = "caption"
    top.kinds[line] = kind
    return kind


def _dek_at(top: _Top, pos: int, lines: list[str], title: str, *, structured: bool) -> bool:
    """Is the line after the title a dek? Only when header parts follow it, or it
    stands as its own paragraph right under the title on a page with a header."""
    text = top.text
    if _kind(top, text[pos], title) is not None:
        return False
    if pos + 1 < len(text):
        if _kind(top, text[pos + 1], title) is not None:
            return True
        name_then_date = pos + 2 < len(text) and _kind(top, text[pos + 2], title) in ("date", "relative")
        if name_then_date and is_name(text[pos + 1]):
            return True
    at = top.at[pos]
    if at != top.at[pos - 1] + 1 or (at + 1 < len(lines) and lines[at + 1]):
        return False  # a dek stands right under the title, as a paragraph of its own
    if structured:
        return len(lines[at]) <= 400
    # A title-first dump: a one-sentence standfirst under a title-like title, before the body.
    return pos + 1 < len(text) and title[-1] not in ".!?" and _is_standfirst(lines[at])


def _is_standfirst(line: str) -> bool:
    """One sentence of a reasonable length, ending in a full stop (or ! or ?)."""
    end = line.rstrip(QUOTES + ")")
    return (
        20 <= len(line) <= 300
        and bool(end)
        and end[-1] in ".!?"
        and not end.endswith("...")
        and _SENTENCE_BREAK.search(end) is None
    )


def _header_parts(top: _Top, pos: int, title: str) -> tuple[Image | None, tuple[str, ...], str | None, int]:
    """Image, byline and date lines from ``pos`` on; with the first position past them."""
    text = top.text
    image: Image | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    limit = min(len(text), pos + _HEADER_WINDOW)
    while pos < limit:
        line = text[pos]
        if line[0] == ESCAPE and line != title:
            break  # an escaped paragraph starts the body
        kind = _kind(top, line, title)
        if kind == "alt" and image is None:
            caption, credit = None, None
            if pos + 1 < len(text):
                following = text[pos + 1]
                if _kind(top, following, title) in (None, "caption") and len(following) <= 600:
                    caption, credit = split_caption(following)
                    pos += 1
            image = Image(line, caption, credit)
        elif kind == "caption" and (image is None or image.caption is None):
            caption, credit = split_caption(line)
            alt = image.alt if image else (title if caption == title else None)
            image = Image(alt, caption, credit)
        elif kind == "byline" and not authors:
            authors = top.bylines[line]
        elif kind == "date" and published is None:
            published = parse_date(line)
        elif kind in ("relative", "skip"):
            pass
        elif (
            kind is None
            and not authors
            and is_name(line)
            and pos + 1 < len(text)
            and _kind(top, text[pos + 1], title) in ("date", "relative")
        ):
            authors = (line,)
        else:
            break
        pos += 1
    return image, authors, published, pos


# -- body ---------------------------------------------------------------------------


def _read_body(lines: list[str], start: int) -> Body:
    """Blocks, Related headlines, source and Explore list from the lines after the header.

    Wrapped lines are gathered in ``joined`` and each paragraph joined once at the
    end, so a page of many short lines reads in linear time. The text runs up to a
    footer or the Explore marker; the Explore list (:func:`_read_explore`) follows it.
    """
    blocks: list[Block] = []
    add = blocks.append
    joined: dict[int, list[str]] = {}  # block index → its first line and the lines wrapped onto it
    related: list[str] = []
    source: str | None = None
    joinable = False
    explore_at = -1  # where the Explore list starts, if the page has one
    # The predicates of :mod:`reader.shapes`, with their quickest tests inlined (most lines stop there).
    noise_lines, explore_lines, footer_start, footer_exact = NOISE, EXPLORE, FOOTER_START, FOOTER_EXACT
    for at, line in enumerate(islice(lines, start, None), start):
        if not line or line in noise_lines:
            joinable = False
            continue
        if line in explore_lines:
            explore_at = at + 1
            break
        first = line[0]
        if first == ESCAPE:  # a paragraph of the rest of the line, as it is (a bare escape: none)
            if len(line) > 1:
                add(Block("paragraph", line[1:]))
            joinable = False
            continue
        if first in "RrS":
            headline = related_headline(line)
            if headline is not None:
                if headline:
                    add(Block("related", headline))
                    related.append(headline)
                joinable = False
                continue
            if first == "S" and (agency := source_agency(line)) is not None:
                source = agency
                joinable = False
                continue
        if line.startswith(footer_start) or (len(line) < 20 and line.lower() in footer_exact):  # is_footer
            break
        if first.isdigit() and is_skipped(line):
            continue
        if joinable and first.islower() and blocks:
            last = len(blocks) - 1
            parts = joined.get(last)
            if (parts[-1] if parts else blocks[last].text)[-1] not in SENTENCE_END:
                if parts is None:
                    joined[last] = [blocks[last].text, line]
                else:
                    parts.append(line)
                continue
        joinable = True
        if first == ">":
            quoted = line.lstrip("> ")
            if quoted:
                add(Block("quote", quoted))
            continue
        if first in LIST_MARKERS or first.isdigit():
            match = LIST_ITEM.fullmatch(line)
            if match is not None:
                add(Block("list_item", match.group(1)))
                continue
        add(Block("heading" if len(line) <= 90 and is_heading(line) else "paragraph", line))
    for index, parts in joined.items():
        blocks[index] = Block("paragraph", " ".join(parts))
    if blocks and blocks[-1].kind == "heading":
        # A heading heads what follows it; a page that ends on one was cut mid-paragraph.
        blocks[-1] = Block("paragraph", blocks[-1].text)
    explore = _read_explore(lines, explore_at) if explore_at >= 0 else ()
    return Body(tuple(blocks), tuple(related), source, explore)


def _read_links(lines: list[str], start: int) -> Body:
    """What :func:`_read_body` finds but the blocks: the lines it reads the same way, the
    rest skipped (Related and source lines, the Explore marker and footers are never wrapped
    onto a paragraph, so where the text ends does not depend on the blocks before)."""
    related: list[str] = []
    source: str | None = None
    noise_lines, explore_lines, footer_start, footer_exact = NOISE, EXPLORE, FOOTER_START, FOOTER_EXACT
    for at, line in enumerate(islice(lines, start, None), start):
        if not line or line in noise_lines:
            continue
        if line in explore_lines:
            return Body((), tuple(related), source, _read_explore(lines, at + 1))
        first = line[0]
        if first in "RrS":
            headline = related_headline(line)
            if headline is not None:
                if headline:
                    related.append(headline)
                continue
            if first == "S" and (agency := source_agency(line)) is not None:
                source = agency
                continue
        if line.startswith(footer_start) or (len(line) < 20 and line.lower() in footer_exact):  # is_footer
            break
    return Body((), tuple(related), source, ())


def _read_explore(lines: list[str], start: int) -> tuple[str, ...]:
    """The headlines of the Explore list from ``start`` on, up to a footer: without the
    markers, bylines, dates and durations in it, nor the section labels, but for a label
    the page was cut after (its headline is lost: the label is kept in its place)."""
    explore: list[str] = []
    label: str | None = None  # a section label, until a headline follows it
    noise_lines, footer_start, footer_exact = NOISE, FOOTER_START, FOOTER_EXACT
    for line in islice(lines, start, None):
        if not line:
            continue
        label = None
        if line.startswith(footer_start) or (len(line) < 20 and line.lower() in footer_exact):  # is_footer
            break
        if line in noise_lines:
            continue
        if len(line) <= 40 and line.isupper() and is_section(line):
            label = line  # labels the headline after it; none comes if the page is cut here
            continue
        if line[0].isdigit():
            if is_skipped(line) or is_date_line(line):
                continue
        elif line[:3].lower() in DATE_HEADS and is_date_line(line):
            continue
        if line[-3:] in ("ago", "day") and is_relative(line):
            continue
        if (line.find(line[:3], 3) != -1 or line[:3].lower() == "by ") and byline_authors(line) is not None:
            continue  # (the quick tests: a byline is a doubled name or starts with "By ")
        explore.append(line)
    if label is not None:
        explore.append(label)  # a page cut in its Explore list: the cut headline is kept
    return tuple(explore)
