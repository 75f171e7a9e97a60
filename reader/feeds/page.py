"""A feed story as a page text file in the dump format :mod:`reader.parse` reads. No Textual.

Layout (each part optional but the title): section, ``N MIN READ``, title, dek,
the title again with the image caption under it, ``By ...``, the date, the
body blocks separated by blank lines (``- `` list items, ``> `` quotes,
``Related<headline>`` links), ``SOURCE:<feed>``, then ``Explore`` and headlines.
A paragraph that the parser would read as something else (``- 3 ways``, ``> 5``,
``SOURCE: notes``, a date, a byline...) is escaped: written after a backslash
(:data:`reader.parse.ESCAPE`), as is one that starts with a backslash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.parse import ESCAPE, reads_as_paragraph

_SECTION = re.compile(r"[A-Z0-9][A-Z0-9 &'-]{0,38}[A-Z0-9]|[A-Z]")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_NAME_BAD = re.compile(r"[\d.!?:;\"“”]")


@dataclass
class Page:
    """Everything a story page says, as plain one-line strings."""

    title: str
    published: str  #: ISO date, YYYY-MM-DD
    section: str | None = None
    dek: str | None = None
    authors: tuple[str, ...] = ()
    caption: str | None = None
    credit: str | None = None
    blocks: list[tuple[str, str]] = field(default_factory=list)  #: (kind, text); kind "related" is a link
    source: str | None = None
    explore: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        """Words in the body."""
        return sum(len(text.split()) for kind, text in self.blocks if kind != "related")


def section_label(*candidates: str | None) -> str:
    """The first candidate that works as a section line (short, capitals), else ``NEWS``."""
    for candidate in candidates:
        if candidate:
            label = candidate.upper().strip()
            if _SECTION.fullmatch(label) and label.count(" ") < 5 and "MIN READ" not in label:
                return label
    return "NEWS"


def human_date(iso: str) -> str:
    """``2026-11-20`` → ``November 20, 2026`` (a shape the parser reads)."""
    year, month, day = iso[:10].split("-")
    return f"{_MONTHS[int(month) - 1]} {int(day)}, {year}"


def byline(authors: tuple[str, ...]) -> str | None:
    """``By A, B and C`` for names the parser accepts as names; None if none are."""
    names = [a for a in authors if _is_name(a)]
    if not names:
        return None
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return "By " + text


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60 or _NAME_BAD.search(text) or re.search(r",|&|\band\b", text):
        return False
    return sum(1 for w in words if w[0].isupper() or not w[0].isalpha()) * 2 > len(words)


def related_line(headline: str) -> str | None:
    """``Related<Headline>``; None when the headline cannot be written as one."""
    headline = headline.strip()
    if not headline or len(headline) > 250:
        return None
    first = headline[0]
    if first.isalpha() and not first.isupper():
        headline = first.upper() + headline[1:]
        first = headline[0]
    if not (first.isupper() or first.isdigit() or first in "\"'‘’“”«»„"):
        return None
    return "Related" + headline


def render(page: Page) -> str:
    """The page text."""
    lines = [section_label(page.section), f"{max(1, round(page.words / 220))} MIN READ", page.title]
    if page.dek and page.dek != page.title:
        lines.append(page.dek)
    if page.caption:
        lines.append(page.title)
        caption = page.caption.replace(" / ", " - ")
        lines.append(f"{caption} / {page.credit.replace(' / ', ' - ')}" if page.credit else caption)
    line = byline(page.authors)
    if line:
        lines.append(line)
    lines.append(human_date(page.published))
    lines.append("")
    for kind, text in page.blocks:
        if kind == "related":
            link = related_line(text)
            if link is None:
                continue
            lines.append(link)
        elif kind == "list_item":
            lines.append("- " + text)
        elif kind == "quote":
            lines.append("> " + text)
        elif kind == "paragraph" and not reads_as_paragraph(text, page.title.strip()):
            lines.append(ESCAPE + text)
        else:
            lines.append(text)
        lines.append("")
    if page.source:
        lines.append("SOURCE:" + page.source[:80].strip())
    if page.explore:
        lines.append("Explore")
        lines.extend(page.explore)
    return "\n".join(lines) + "\n"
