"""What changed in the library folders since they were loaded: new, changed and gone stories. No Textual."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from reader.backlinks import Kept
from reader.library import Disk, Library, Problem
from reader.model import Article


@dataclass
class Changes:
    """Stories to add or replace (with their files), and ids whose file is gone."""

    changed: list[Article] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    new: int = 0
    problems: list[Problem] = field(default_factory=list)
    disk: Disk | None = None  # the files as the fresh load found them
    kept: Kept | None = None  # where the backlinks of the fresh load's stories are kept

    def __bool__(self) -> bool:
        return bool(self.changed or self.gone)

    def describe(self) -> str:
        """One line for a toast: "2 new stories, 1 changed, 1 gone"."""
        parts = [f"{self.new} new stor{'ies' if self.new != 1 else 'y'}"] if self.new else []
        if len(self.changed) > self.new:
            parts.append(f"{len(self.changed) - self.new} changed")
        if self.gone:
            parts.append(f"{len(self.gone)} gone")
        return ", ".join(parts)


def _head(article: Article) -> tuple[str, str | None, int | None, str | None]:
    """What the headline list shows of a story: the fields every head has, parsed or from the parse cache."""
    return article.title, article.section, article.read_minutes, article.published


def compare(known: Mapping[str, Article], known_paths: Mapping[str, str], fresh: Library) -> Changes:
    """What ``fresh`` (the folders loaded again) holds that ``known`` does not, and what is gone.

    A known story counts as gone only when it came from a file that no longer exists, can no longer
    be read or now holds another story (stories added some other way, such as a feed refresh under
    way, stay).
    """
    changes = Changes(problems=list(fresh.problems), disk=fresh.disk, kept=fresh.kept_backlinks)
    for article in fresh.articles:
        old = known.get(article.id)
        if old is None or _head(old) != _head(article) or known_paths.get(article.id) != fresh.paths.get(article.id):
            changes.changed.append(article)
            if article.id in fresh.paths:
                changes.paths[article.id] = fresh.paths[article.id]
            changes.new += old is None
    files = set(fresh.paths.values())
    unreadable = {str(problem.path) for problem in fresh.problems}  # emptied, a pipe now, too large...
    for article_id in known:
        if article_id in fresh.by_id:
            continue
        path = known_paths.get(article_id)
        if path is not None and (path in files or path in unreadable or not os.path.lexists(path)):
            changes.gone.append(article_id)
    return changes
