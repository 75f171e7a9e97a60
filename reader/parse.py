"""Text dump of a news page → :class:`~reader.model.Article`. Pure: no I/O, no Textual.

The page is read in two passes over its lines. The *header* pass finds the
section, reading time, title, dek, image, byline and date near the top; each
part is optional and recognised by its shape, never assumed by position alone.
The *body* pass classifies the remaining lines into blocks, Related links, the
source, and the Explore list, dropping noise and footers.
"""

from __future__ import annotations

import hashlib
import re

from reader.model import Article, Block, Image
from reader.text import ParseError, clean, decode

__all__ = ["PARSER_VERSION", "ParseError", "parse", "slugify"]

#: Bumped whenever the parser's output changes, so cached results are re-parsed.
PARSER_VERSION = 2

_CRAWLER = re.compile(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*")
_READ_TIME = re.compile(r"(\d{1,3})\s*min(?:ute)?s?\.?\s+read", re.I)
_DURATION = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            # English, Turkish, French, German, Spanish
            ("january", "jan", "ocak", "janvier", "januar", "enero"),
            ("february", "feb", "şubat", "février", "februar", "febrero"),
            ("march", "mar", "mart", "mars", "märz", "marzo"),
            ("april", "apr", "nisan", "avril", "abril"),
            ("may", "mayıs", "mai", "mayo"),
            ("june", "jun", "haziran", "juin", "juni", "junio"),
            ("july", "jul", "temmuz", "juillet", "juli", "julio"),
            ("august", "aug", "ağustos", "août", "agosto"),
            ("september", "sep", "sept", "eylül", "septembre", "septiembre"),
            ("october", "oct", "ekim", "octobre", "oktober", "octubre"),
            ("november", "nov", "kasım", "novembre", "noviembre"),
            ("december", "dec", "aralık", "décembre", "dezember", "diciembre"),
        ),
        start=1,
    )
    for name in names
}
_TIME_TAIL = r"(?:\s*(?:[,|•·-]\s*)?\d{1,2}[:.]\d{2}(?:\s*[APap]\.?[Mm]\.?)?(?:\s*\(?[A-Z]{2,4}(?:[+-]\d{1,2})?\)?)?)?"
_DATE_PREFIX = r"(?:(?:published|updated|posted)(?:\s+on)?:?\s+)?"
_DATE_MDY = re.compile(_DATE_PREFIX + r"([^\W\d_]{3,10})\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME_TAIL, re.I)
_DATE_DMY = re.compile(
    _DATE_PREFIX + r"(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,10})\.?,?\s+(?:de\s+)?(\d{4})" + _TIME_TAIL, re.I
)
_DATE_ISO = re.compile(_DATE_PREFIX + r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{1,2}:\d{2}\S*)?", re.I)
_RELATIVE = re.compile(
    r"(?:updated\s+)?(?:(?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago"
    r"|just now|yesterday|today)",
    re.I,
)
_BY = re.compile(r"By\s+(\S.{0,120})", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*")
_CREDIT_SPLIT = re.compile(r"\s+/\s+")
_PUBLISHER = re.compile(r"TRT\s+\w+(?:\s+\w+)?\s+[-–—]\s+")
_SOURCE = re.compile(r"SOURCE\s*:\s*(\S.{0,80})|Source:\s*(\S.{0,40})")
_LIST_ITEM = re.compile(r"(?:[-•*–▪●]|\d{1,2}[.)])\s+(\S.*)")
_NOT_IN_NAME = re.compile(r"[\d.!?:;\"“”]")
_SLUG_JUNK = re.compile(r"[\W_]+")

_QUOTES = "\"'‘’“”«»„"
_END_PUNCT = ".!?:;,…"
_SENTENCE_END = ".!?:;\"'”’)…»"
_NOISE = frozenset({"RECOMMENDED", "Recommended", "Advertisement", "ADVERTISEMENT", "Related", "RELATED"})
_EXPLORE = frozenset({"Explore", "EXPLORE", "More Videos", "More videos", "MORE VIDEOS"})
_FOOTER_START = ("Sneak a peek", "©", "Copyright ", "All rights reserved", "Share your feedback")
_FOOTER_EXACT = frozenset({"contact us", "about us", "privacy policy", "terms of use", "cookie policy"})
_HEADER_WINDOW = 10
_MAX_SLUG = 80


def parse(data: bytes | str, *, name: str = "") -> Article:
    """Parse a page dump (bytes in any supported encoding, or text) into an Article.

    Raises :class:`ParseError` with a readable reason for empty or binary input.
    ``name`` (a file name) only seeds the id of pages without a usable title.
    """
    raw = decode(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
    if isinstance(raw, memoryview):  # pragma: no cover - decode() returns str
        raw = str(raw)
    text = clean(raw)
    lines = [line.strip() for line in text.split("\n")]
    crawler_date = _take_crawler_prefix(lines)
    if not any(lines):
        raise ParseError("empty file: no text to read")
    return _Page(lines, crawler_date, name, text).article()


def slugify(text: str) -> str:
    """A readable, URL-safe id fragment: lower case words joined by dashes."""
    slug = _SLUG_JUNK.sub("-", text.lower()).strip("-")
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    return slug


def _take_crawler_prefix(lines: list[str]) -> str | None:
    """Remove a crawler's `` date 2025-07-07`` prefix from the first line; return the date."""
    for index, line in enumerate(lines):
        if not line:
            continue
        match = _CRAWLER.match(line)
        if match is None:
            return None
        lines[index] = line[match.end() :].strip()
        return match.group(1)
    return None


def _is_section(line: str) -> bool:
    """A short all-capitals label such as ``WORLD`` or ``WAR ON GAZA``."""
    return (
        len(line) <= 40
        and line.isupper()
        and line[-1] not in _END_PUNCT
        and line.count(" ") < 5
        and _READ_TIME.fullmatch(line) is None
    )


def _is_glued_nav(line: str) -> bool:
    """Site navigation scraped as one string: ``POLITICSTÜRKİYEWAR ON GAZA...``."""
    return len(line) > 20 and line.isupper() and line.count(" ") * 8 < len(line)


def _parse_date(line: str) -> str | None:
    """An absolute date line as ISO 8601, or None."""
    if len(line) > 60:
        return None
    word = line[: line.find(" ")].rstrip(".,:").lower() if " " in line else line
    if not (word in _MONTHS or word[:1].isdigit() or word in ("published", "updated", "posted")):
        return None
    if (match := _DATE_MDY.fullmatch(line)) is not None:
        month, day, year = _MONTHS.get(match.group(1).lower()), match.group(2), match.group(3)
    elif (match := _DATE_DMY.fullmatch(line)) is not None:
        month, day, year = _MONTHS.get(match.group(2).lower()), match.group(1), match.group(3)
    elif (match := _DATE_ISO.fullmatch(line)) is not None:
        month, day, year = int(match.group(2)), match.group(3), match.group(1)
    else:
        return None
    if month is None or not 1 <= month <= 12 or not 1 <= int(day) <= 31:
        return None
    return f"{year}-{month:02d}-{int(day):02d}"


def _authors(line: str) -> tuple[str, ...] | None:
    """Authors from a byline (doubled ``NameName`` or ``By Name``), or None."""
    if len(line) > 160 or line[-1] in _END_PUNCT:
        return None
    if line.find(line[:3], 3) != -1:
        doubled = _undouble(line)
        if doubled is not None:
            return doubled
    if line[:3].lower() == "by ":
        match = _BY.fullmatch(line)
        if match is not None:
            names = tuple(n for n in _AUTHOR_SPLIT.split(match.group(1)) if n)
            if names and all(_is_name(n) for n in names):
                return names
    return None


def _undouble(line: str) -> tuple[str, ...] | None:
    """``Ali TopchiAli Topchi`` → ``("Ali Topchi",)``; also several doubled names in a row."""
    names: list[str] = []
    pos, size = 0, len(line)
    while pos < size:
        head = line[pos : pos + 3]
        if len(head) < 3 or not head[0].isupper():
            return None
        at = line.find(head, pos + 3)
        while at != -1 and 2 * (at - pos) <= size - pos:
            if line.startswith(line[pos:at], at):
                break
            at = line.find(head, at + 1)
        else:
            return None
        names.append(line[pos:at].strip(" ,"))
        pos += 2 * (at - pos)
    result: list[str] = []
    for name in names:
        result.extend(n for n in _AUTHOR_SPLIT.split(name) if n)
    return tuple(result) if result and all(_is_name(n) for n in result) else None


def _is_name(text: str) -> bool:
    """A plausible person or agency name: a few words, mostly capitalised, no digits."""
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60:
        return False
    capitals = sum(1 for w in words if w[0].isupper() or not w[0].isalpha())
    return capitals * 2 > len(words) and _NOT_IN_NAME.search(text) is None


def _split_caption(line: str) -> tuple[str | None, str | None]:
    """``caption / Photo: X / Y`` → (caption, credit). No `` / `` means no credit."""
    parts = _CREDIT_SPLIT.split(line)
    if len(parts) == 1:
        return line, None
    credit = _strip_photo(parts[-1])
    body = parts[:-1]
    while len(body) > 1 and _looks_credit(body[-1]):
        body.pop()
    caption = " / ".join(body).strip()
    return (caption or None), (credit or None)


def _strip_photo(part: str) -> str:
    """``Photo: AP`` → ``AP``."""
    if part[:6].lower() == "photo:":
        return part[6:].strip()
    return part.strip()


def _looks_credit(part: str) -> bool:
    """A short credit segment such as ``Photo: AP`` or ``Reuters``."""
    return part[:6].lower() == "photo:" or (len(part) <= 40 and len(part.split()) <= 4)


def _caption_with_credit(line: str) -> bool:
    """A caption line without a preceding alt line: it must end in a short credit."""
    parts = _CREDIT_SPLIT.split(line)
    if len(parts) < 2:
        return False
    credit = _strip_photo(parts[-1])
    return 0 < len(credit) <= 50 and len(credit.split()) <= 6 and credit[-1] not in ".!?"


def _related_headline(line: str) -> str | None:
    """The headline of a Related / READ MORE line; '' for a bare marker; None if not one."""
    if line.startswith("Related"):
        rest = line[7:]
        if not rest:
            return ""
        first = rest[0]
        if first in " \t:-–—":
            rest = rest.lstrip(" \t:-–—")
            if not rest or (rest[-1] == "." and not rest.endswith("...")) or len(rest) > 250 or ". " in rest:
                return None
            first = rest[0]
        if not (first.isupper() or first.isdigit() or first in _QUOTES):
            return None
    elif line[:10].upper() == "READ MORE:":
        rest = line[10:].strip()
        if not rest:
            return ""
    else:
        return None
    match = _PUBLISHER.match(rest)
    if match is not None and match.end() < len(rest):
        rest = rest[match.end() :]
    return rest.strip()


def _is_footer(line: str) -> bool:
    """Site footer lines that end the article."""
    return line.startswith(_FOOTER_START) or (len(line) < 20 and line.lower() in _FOOTER_EXACT)


def _is_heading(line: str) -> bool:
    """A short standalone line without final punctuation, possibly in quotes."""
    if len(line) > 90 or line.count(" ") > 12:
        return False
    inner = line.strip(_QUOTES + " ")
    if not inner or inner[-1] in _END_PUNCT or line[-1] in ",;:":
        return False
    first = inner[0]
    return (first.isupper() or first.isdigit() or not first.isalpha()) and any(ch.isalpha() for ch in inner)


class _Page:
    """The state of one parse; ``article()`` runs both passes."""

    def __init__(self, lines: list[str], crawler_date: str | None, name: str, text: str) -> None:
        self.lines = lines
        self.crawler_date = crawler_date
        self.name = name
        self.text = text
        self.section: str | None = None
        self.read_minutes: int | None = None
        self.title = ""
        self.dek: str | None = None
        self.image: Image | None = None
        self.authors: tuple[str, ...] = ()
        self.published: str | None = None
        self.relative_date = False

    # -- header ---------------------------------------------------------------

    def _header(self) -> int:
        """Read the header; return the index of the first body line."""
        filled = [i for i, line in enumerate(self.lines) if line][: _HEADER_WINDOW + 14]
        lines = self.lines
        start = self._find_section(filled)
        if start >= len(filled):
            start = len(filled) - 1
        title_at = filled[start]
        self.title = lines[title_at]
        pos = start + 1
        if pos < len(filled) and self._dek_at(filled, pos):
            self.dek = lines[filled[pos]]
            pos += 1
        pos = self._header_parts(filled, pos)
        return filled[pos] if pos < len(filled) else filled[pos - 1] + 1

    def _find_section(self, filled: list[int]) -> int:
        """Section and reading time; return the position (in ``filled``) of the title."""
        lines = self.lines
        for pos in range(min(12, len(filled))):
            match = _READ_TIME.fullmatch(lines[filled[pos]])
            if match is not None:
                self.read_minutes = int(match.group(1))
                if pos > 0 and _is_section(lines[filled[pos - 1]]):
                    self.section = lines[filled[pos - 1]]
                pos += 1
                if self.section is None and pos < len(filled) and _is_section(lines[filled[pos]]):
                    self.section = lines[filled[pos]]
                    pos += 1
                return pos
        pos, limit = 0, min(6, len(filled) - 1)
        while pos < limit and (_is_section(lines[filled[pos]]) or _is_glued_nav(lines[filled[pos]])):
            pos += 1
        if pos and _is_section(lines[filled[pos - 1]]):
            self.section = lines[filled[pos - 1]]
        return pos

    def _kind(self, line: str) -> str | None:
        """What header part a line is, if any."""
        if line == self.title:
            return "alt"
        if _READ_TIME.fullmatch(line) or _DURATION.fullmatch(line):
            return "skip"
        if _parse_date(line) is not None:
            return "date"
        if _RELATIVE.fullmatch(line):
            return "relative"
        if _authors(line) is not None:
            return "byline"
        if _caption_with_credit(line):
            return "caption"
        return None

    def _dek_at(self, filled: list[int], pos: int) -> bool:
        """Is the line after the title a dek? Only when header parts follow it, or it
        stands as its own paragraph right under the title on a page with a header."""
        lines = self.lines
        if self._kind(lines[filled[pos]]) is not None:
            return False
        if pos + 1 < len(filled):
            following = self._kind(lines[filled[pos + 1]])
            if following is not None:
                return True
            if (
                _is_name(lines[filled[pos + 1]])
                and pos + 2 < len(filled)
                and self._kind(lines[filled[pos + 2]]) in ("date", "relative")
            ):
                return True
        at = filled[pos]
        structured = self.section is not None or self.read_minutes is not None
        return (
            structured
            and at == filled[pos - 1] + 1
            and (at + 1 >= len(lines) or not lines[at + 1])
            and len(lines[at]) <= 400
        )

    def _header_parts(self, filled: list[int], pos: int) -> int:
        """Consume image, byline and date lines; return the first position past them."""
        lines = self.lines
        limit = min(len(filled), pos + _HEADER_WINDOW)
        while pos < limit:
            line = lines[filled[pos]]
            kind = self._kind(line)
            if kind == "alt" and self.image is None:
                caption, credit = None, None
                if pos + 1 < len(filled):
                    following = lines[filled[pos + 1]]
                    if self._kind(following) in (None, "caption") and len(following) <= 600:
                        caption, credit = _split_caption(following)
                        pos += 1
                self.image = Image(line, caption, credit)
            elif kind == "caption" and (self.image is None or self.image.caption is None):
                caption, credit = _split_caption(line)
                alt = self.image.alt if self.image else (self.title if caption == self.title else None)
                self.image = Image(alt, caption, credit)
            elif kind == "byline" and not self.authors:
                self.authors = _authors(line) or ()
            elif kind == "date" and self.published is None:
                self.published = _parse_date(line)
            elif kind == "relative":
                self.relative_date = True
            elif kind == "skip":
                pass
            elif (
                kind is None
                and not self.authors
                and _is_name(line)
                and pos + 1 < len(filled)
                and self._kind(lines[filled[pos + 1]]) in ("date", "relative")
            ):
                self.authors = (line,)
            else:
                break
            pos += 1
        return pos

    # -- body -----------------------------------------------------------------

    def _body(self, start: int) -> tuple[list[Block], list[str], str | None, list[str]]:
        """Classify the lines from ``start`` into blocks, related, source, explore."""
        blocks: list[Block] = []
        related: list[str] = []
        explore: list[str] = []
        source: str | None = None
        in_explore = False
        joinable = False
        for line in self.lines[start:]:
            if not line:
                joinable = False
                continue
            if in_explore:
                if _is_footer(line):
                    break
                if not self._explore_noise(line):
                    explore.append(line)
                continue
            if line in _NOISE:
                joinable = False
                continue
            if line in _EXPLORE:
                in_explore = True
                continue
            first = line[0]
            if first in "RrS":
                headline = _related_headline(line)
                if headline is not None:
                    if headline:
                        blocks.append(Block("related", headline))
                        related.append(headline)
                    joinable = False
                    continue
                if first == "S" and (match := _SOURCE.fullmatch(line)) is not None:
                    source = (match.group(1) or match.group(2)).strip()
                    joinable = False
                    continue
            if _is_footer(line):
                break
            if first.isdigit() and (_DURATION.fullmatch(line) or _READ_TIME.fullmatch(line)):
                continue
            if joinable and first.islower() and blocks and blocks[-1].text[-1] not in _SENTENCE_END:
                blocks[-1] = Block("paragraph", f"{blocks[-1].text} {line}")
                continue
            joinable = True
            if first == ">":
                quoted = line.lstrip("> ")
                if quoted:
                    blocks.append(Block("quote", quoted))
                continue
            if first in "-•*–▪●" or first.isdigit():
                match = _LIST_ITEM.fullmatch(line)
                if match is not None:
                    blocks.append(Block("list_item", match.group(1)))
                    continue
            blocks.append(Block("heading" if _is_heading(line) else "paragraph", line))
        return blocks, related, source, explore

    def _explore_noise(self, line: str) -> bool:
        """Lines inside the Explore list that are not headlines (bylines, dates, labels)."""
        if line in _NOISE or _is_section(line):
            return True
        if line[0].isdigit() and (_DURATION.fullmatch(line) or _READ_TIME.fullmatch(line)):
            return True
        if _parse_date(line) is not None or (line[-3:] in ("ago", "day") and _RELATIVE.fullmatch(line)):
            return True
        return _authors(line) is not None

    # -- result ---------------------------------------------------------------

    def article(self) -> Article:
        """Run both passes and assemble the Article."""
        start = self._header()
        blocks, related, source, explore = self._body(start)
        published = self.published or self.crawler_date
        return Article(
            id=self._id(published),
            title=self.title,
            section=self.section,
            read_minutes=self.read_minutes,
            dek=self.dek,
            image=self.image,
            authors=self.authors,
            published=published,
            body=tuple(blocks),
            related=tuple(related),
            source=source,
            explore=tuple(explore),
        )

    def _id(self, published: str | None) -> str:
        """A stable, readable id: date plus title slug (a content hash when no slug)."""
        slug = slugify(self.title)
        if not slug:
            slug = "article-" + hashlib.sha1(self.text.encode("utf-8", "replace")).hexdigest()[:10]
        return f"{published}-{slug}" if published else slug
