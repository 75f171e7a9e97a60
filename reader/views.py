"""The headline views (all, unread, bookmarks) over the library and the reading state. No Textual."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from reader.changes import PendingChanges
from reader.library import Library
from reader.model import Article
from reader.store import Store
from reader.text import clean_line

VIEWS = {"all": "All stories", "unread": "Unread", "bookmarks": "Bookmarks"}
EMPTY = {"all": "No headlines", "unread": "No unread stories", "bookmarks": "No bookmarks yet: press b"}


def remembered(store: Store, article_id: str) -> Article | None:
    """A bookmarked story whose file is gone, as far as its bookmark remembers it (title and dates, no body)."""
    mark = next((m for m in store.bookmarks if m.id == article_id), None)
    if mark is None:
        return None
    return Article(id=mark.id, title=mark.title, section=mark.section, published=mark.published)


def view_rows(view: str, library: Library, changes: PendingChanges) -> list[Article]:
    """The stories a view shows, newest first; bookmarks whose file is gone come last."""
    articles = library.articles
    if view == "unread":
        return [a for a in articles if not changes.is_read(a.id)]
    if view == "bookmarks":
        rows = [a for a in articles if changes.is_bookmarked(a.id)]
        gone = [remembered(changes.store, m.id) for m in changes.store.bookmarks if library.get(m.id) is None]
        return rows + [a for a in gone if a is not None and changes.is_bookmarked(a.id)]
    return articles


def unread_count(library: Library, changes: PendingChanges) -> int:
    """Stories in the library not read, counting changes still being saved."""
    is_read = changes.is_read
    return sum(1 for article in library.articles if not is_read(article.id))


SORT_NAMES = {"newest": "newest first", "oldest": "oldest first", "section": "by section, newest first"}


def arrange(rows: list[Article], sort: str = "newest", section: str = "") -> list[Article]:
    """``rows`` (newest first, as views give them) kept to one ``section`` ("" for all) and put in ``sort`` order.

    ``section`` sorts by section name (stories without one last), newest first within each.
    """
    if section:
        rows = [a for a in rows if a.section == section]
    if sort == "oldest":
        return rows[::-1]
    if sort == "section":
        return sorted(rows, key=lambda a: (a.section is None, (a.section or "").casefold()))  # stable: dates stay
    return rows


NO_SECTION = "No section"


def section_groups(rows: Sequence[Article]) -> list[tuple[int, str]]:
    """Where each section begins in ``rows`` (sorted by section) and its header: ``(first row, "WORLD · 12")``."""
    groups: list[tuple[int, str]] = []
    start = 0
    for n in range(1, len(rows) + 1):
        if n == len(rows) or rows[n].section != rows[start].section:
            name = clean_line(rows[start].section or "") or NO_SECTION
            groups.append((start, f"{name} · {n - start}"))
            start = n
    return groups


def sections(library: Library) -> list[tuple[str, int]]:
    """Every section in the library with its number of stories, by name."""
    counts: dict[str, int] = {}
    for article in library.articles:
        if article.section:
            counts[article.section] = counts.get(article.section, 0) + 1
    return sorted(counts.items(), key=lambda item: item[0].casefold())


def unread_totals(library: Library, changes: PendingChanges) -> tuple[int, int]:
    """Stories not read and the minutes they take to read (of those that say), counting pending changes."""
    unread = changes.unread(library.articles)
    return len(unread), sum(filter(None, map(attrgetter("read_minutes"), unread)))
