"""Feed stories whose id changed (the feed edited the headline or the date): their marks follow them. No Textual.

A story's id is made of its date and headline, so an edited headline gives the same
story a new id. The feed's index keeps the ids it had before (``was``); the read mark
and the bookmark of an earlier id are moved to the id it has now.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reader.feeds.stories import all_stories, feed_stories


def carry_marks(slugs: Iterable[str], state: Path | None = None) -> int:
    """Move the marks of earlier ids to the stories' ids now, in these feeds; how many marks moved.

    Safe to repeat (a moved mark leaves its earlier id, unless another feed still has a story under it);
    a state file that cannot be written keeps the marks where they were, to be moved by a later refresh.
    """
    moves = [
        (str(old), record)
        for slug in slugs
        for record in feed_stories(slug).values()
        if isinstance(record, dict) and isinstance(record.get("id"), str) and isinstance(record.get("was"), list)
        for old in record["was"]
    ]
    if not moves:
        return 0
    from reader.store import StoreError, open_store

    moved = 0
    alive: set[str] | None = None  # ids another feed still has a story under (the same story in two feeds)
    try:
        with open_store(state) as store:
            for old, record in moves:
                new = str(record["id"])
                mark = store.bookmarks_by_id.get(old)
                if not store.is_read(old) and mark is None:
                    continue
                alive = set(all_stories()) if alive is None else alive
                if store.is_read(old):
                    store.set_read(new)
                    if old not in alive:
                        store.set_read(old, False)
                    moved += 1
                if mark is not None:
                    title, published = record.get("title"), record.get("published")
                    store.set_bookmark(
                        new,
                        title=title if isinstance(title, str) and title else mark.title,
                        section=mark.section,
                        published=published if isinstance(published, str) and published else mark.published,
                    )
                    if old not in alive:
                        store.set_bookmark(old, False)
                    moved += 1
    except (StoreError, OSError):
        pass  # kept under the earlier ids: the next refresh of the feed moves them
    return moved
