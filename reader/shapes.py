"""The shapes of single lines in a page dump: sections, bylines, captions, Related lines...

Each predicate looks at one stripped, non-empty line and nothing else. Pure: no
I/O, no Textual.
"""

from __future__ import annotations

import re

READ_TIME = re.compile(r"(\d{1,3})\s*min(?:ute)?s?\.?\s+read", re.I)
DURATION = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
SOURCE = re.compile(r"SOURCE\s*:\s*(\S.{0,80})|Source:\s*(\S.{0,40})")
LIST_ITEM = re.compile(r"(?:[-•*–▪●]|\d{1,2}[.)])\s+(\S.*)")
LIST_MARKERS = "-•*–▪●"
QUOTES = "\"'‘’“”«»„"
SENTENCE_END = ".!?:;\"'”’)…»"
NOISE = frozenset({"RECOMMENDED", "Recommended", "Advertisement", "ADVERTISEMENT", "Related", "RELATED"})
EXPLORE = frozenset({"Explore", "EXPLORE", "More Videos", "More videos", "MORE VIDEOS"})

_BY = re.compile(r"By\s+(\S.{0,120})", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*")
_PUBLISHER = re.compile(r"TRT\s+\w+(?:\s+\w+)?\s+[-–—]\s+")
_NOT_IN_NAME = re.compile(r"[\d.!?:;\"“”]")
_END_PUNCT = ".!?:;,…"
FOOTER_START = ("Sneak a peek", "©", "Copyright ", "All rights reserved", "Share your feedback")
FOOTER_EXACT = frozenset({"contact us", "about us", "privacy policy", "terms of use", "cookie policy"})


def is_section(line: str) -> bool:
    """A short all-capitals label such as ``WORLD`` or ``WAR ON GAZA``."""
    return (
        len(line) <= 40
        and line.isupper()
        and line[-1] not in _END_PUNCT
        and line.count(" ") < 5
        and READ_TIME.fullmatch(line) is None
    )


def is_glued_nav(line: str) -> bool:
    """Site navigation scraped as one string: ``POLITICSTÜRKİYEWAR ON GAZA...``."""
    return len(line) > 20 and line.isupper() and line.count(" ") * 8 < len(line)


def is_skipped(line: str) -> bool:
    """A reading time (``3 MIN READ``) or a video duration (``02:48``): shown nowhere."""
    # Both start with a digit: most lines stop at the first test.
    return line[:1].isdigit() and (DURATION.fullmatch(line) is not None or READ_TIME.fullmatch(line) is not None)


def byline_authors(line: str) -> tuple[str, ...] | None:
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
            if names and all(is_name(n) for n in names):
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
    return tuple(result) if result and all(is_name(n) for n in result) else None


def is_name(text: str) -> bool:
    """A plausible person or agency name: a few words, mostly capitalised, no digits."""
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60:
        return False
    capitals = sum(1 for w in words if w[0].isupper() or not w[0].isalpha())
    return capitals * 2 > len(words) and _NOT_IN_NAME.search(text) is None


def credit_parts(line: str) -> list[str]:
    r"""``caption / Photo: X / Y`` → ``["caption", "Photo: X", "Y"]``: split at each slash
    with white space on both sides (like ``re.split(r"\s+/\s+")``, but linear on long
    runs of spaces)."""
    parts: list[str] = []
    start, size = 0, len(line)
    slash = line.find("/")
    while slash != -1:
        left = slash
        while left > start and line[left - 1].isspace():
            left -= 1
        right = slash + 1
        while right < size and line[right].isspace():
            right += 1
        if left < slash and right > slash + 1:
            parts.append(line[start:left])
            start = right
        slash = line.find("/", max(slash + 1, start))
    parts.append(line[start:])
    return parts


def split_caption(line: str) -> tuple[str | None, str | None]:
    """``caption / Photo: X / Y`` → (caption, credit). No `` / `` means no credit."""
    parts = credit_parts(line)
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


def is_caption(line: str) -> bool:
    """A caption line without a preceding alt line: it must end in a short credit."""
    if "/" not in line:
        return False
    parts = credit_parts(line)
    if len(parts) < 2:
        return False
    credit = _strip_photo(parts[-1])
    return 0 < len(credit) <= 50 and len(credit.split()) <= 6 and credit[-1] not in ".!?"


def related_headline(line: str) -> str | None:
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
        if not (first.isupper() or first.isdigit() or first in QUOTES):
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


def source_agency(line: str) -> str | None:
    """The agency of a ``SOURCE:AFP`` line, or None."""
    match = SOURCE.fullmatch(line)
    return None if match is None else (match.group(1) or match.group(2)).strip()


def is_footer(line: str) -> bool:
    """Site footer lines that end the article."""
    return line.startswith(FOOTER_START) or (len(line) < 20 and line.lower() in FOOTER_EXACT)


def is_heading(line: str) -> bool:
    """A short standalone line without final punctuation, possibly in quotes."""
    if len(line) > 90 or line.count(" ") > 12:
        return False
    inner = line.strip(QUOTES + " ")
    if not inner or inner[-1] in _END_PUNCT or line[-1] in ",;:":
        return False
    first = inner[0]
    return (first.isupper() or first.isdigit() or not first.isalpha()) and any(ch.isalpha() for ch in inner)
