"""Date lines of news pages → ISO 8601 dates. Pure: no I/O, no Textual.

Every form is checked against the calendar: ``February 31, 2024`` is no date.
"""

from __future__ import annotations

import datetime
import re

__all__ = ["DATE_HEADS", "crawler_date", "is_date_line", "is_relative", "parse_date"]

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
_PREFIX = r"(?:(?:published|updated|posted)(?:\s+on)?:?\s+)?"
_MDY = re.compile(_PREFIX + r"([^\W\d_]{3,10})\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME_TAIL, re.I)
_DMY = re.compile(_PREFIX + r"(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,10})\.?,?\s+(?:de\s+)?(\d{4})" + _TIME_TAIL, re.I)
_ISO = re.compile(_PREFIX + r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{1,2}:\d{2}\S*)?", re.I)
_CRAWLER = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_RELATIVE = re.compile(
    r"(?:updated\s+)?(?:(?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\s+ago"
    r"|just now|yesterday|today)",
    re.I,
)
#: The first letters of every relative date line that does not start with a digit (any case).
_RELATIVE_FIRST = "uUaAoOjJyYtT"
_PREFIX_WORDS = ("published", "updated", "posted")
#: How every date line that does not start with a digit starts.
DATE_HEADS = frozenset(word[:3] for word in (*_MONTHS, *_PREFIX_WORDS))
_MAX_LINE = 60


def parse_date(line: str) -> str | None:
    """An absolute date line (``November 23, 2024``, ``7 Temmuz 2025``, ``2024-11-23``) as
    ISO 8601; None when the line is no date or names a day the calendar lacks."""
    parts = _date_parts(line)
    return None if parts is None else _iso(*parts)


def is_date_line(line: str) -> bool:
    """A line shaped like an absolute date, valid or not (``February 31, 2024`` is one)."""
    if not (line[:1].isdigit() or line[:3].lower() in DATE_HEADS):  # most lines stop here
        return False
    return _date_parts(line) is not None


def _date_parts(line: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date-shaped line, month 1-12 and day 1-31; else None."""
    if len(line) > _MAX_LINE:
        return None
    word = line[: line.find(" ")].rstrip(".,:").lower() if " " in line else line
    if not (word in _MONTHS or word[:1].isdigit() or word in _PREFIX_WORDS):
        return None
    if (match := _MDY.fullmatch(line)) is not None:
        month, day, year = _MONTHS.get(match.group(1).lower()), match.group(2), match.group(3)
    elif (match := _DMY.fullmatch(line)) is not None:
        month, day, year = _MONTHS.get(match.group(2).lower()), match.group(1), match.group(3)
    elif (match := _ISO.fullmatch(line)) is not None:
        month, day, year = int(match.group(2)), match.group(3), match.group(1)
    else:
        return None
    if month is None or not 1 <= month <= 12 or not 1 <= int(day) <= 31:
        return None
    return int(year), month, int(day)


def crawler_date(stamp: str) -> str | None:
    """A crawler's ``2025-07-07`` or ``2025-07`` stamp, checked; the stamp itself, or None."""
    match = _CRAWLER.fullmatch(stamp)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if match.group(3) is None:
        return stamp if year >= 1 and 1 <= month <= 12 else None
    return _iso(year, month, int(match.group(3)))


def is_relative(line: str) -> bool:
    """A relative date line such as ``3 hours ago``, ``yesterday`` or ``Updated 5 min ago``."""
    first = line[:1]
    if not (first.isdigit() or first in _RELATIVE_FIRST):  # most lines stop here
        return False
    return _RELATIVE.fullmatch(line) is not None


def _iso(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` when the day exists in the calendar, else None."""
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
