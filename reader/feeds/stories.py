"""Feed stories on disk: page files under ``articles/<feed>/`` and each folder's ``.feed.json`` index. No Textual.

The index maps an item's key (guid, else link, else title and date) to its
file, article id, URL and fetch time: what the page format cannot carry. A
refresh writes under the folder's lock on freshly read data, so two refreshes
at once neither lose nor duplicate a story.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from reader.feeds.files import atomic_write, locked, read_json, spread_subfolders, sync_folder, write_json, write_new
from reader.parse import ParseError, slugify
from reader.parse import article_id as text_id

INDEX = ".feed.json"
LOCK = ".lock"
STAGE = ".new"  #: ends the hidden name of a new feed folder being filled
MAX_EARLIER_IDS = 8  #: earlier ids kept for a story whose headline or date the feed keeps editing


@dataclass(frozen=True, slots=True)
class StoryInfo:
    """What the library does not know about a feed story: where it came from and when."""

    article_id: str
    url: str | None
    feed_id: str
    feed_slug: str
    fetched: str
    path: Path


@dataclass(frozen=True, slots=True)
class NewStory:
    """A story ready to be written."""

    key: str
    digest: str  #: hash of the item's content; unchanged items are not rewritten
    url: str | None
    title: str
    published: str
    text: str  #: the page text
    full_text: bool  #: the body came from the article page
    article_id: str = ""  #: ``parse(text).id`` when the caller has it (parsed off the writing thread), else parsed here


def articles_root() -> Path:
    """The user's articles folder (feed folders live in it)."""
    from reader.paths import articles_dir

    return articles_dir()


def feed_folder(slug: str) -> Path:
    """The folder of one feed's stories."""
    return articles_root() / slug


def feed_stories(slug: str) -> dict[str, dict[str, Any]]:
    """A feed's index: item key → record (``file``, ``id``, ``url``, ``title``, ``published``, ``fetched``, ...)."""
    if not slug:
        return {}
    return read_index(feed_folder(slug))


def read_index(folder: Path) -> dict[str, dict[str, Any]]:
    """The index of the feed folder ``folder`` (empty when missing or damaged)."""
    try:
        data = read_json(folder / INDEX)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("stories"), dict):
        return {}
    return {k: v for k, v in data["stories"].items() if isinstance(v, dict)}


def _names(stem: str) -> Iterator[str]:
    """A story's file names, in the order they are given: ``stem.txt``, ``stem-2.txt``, ``stem-3.txt``..."""
    stem = stem[:90].strip("-") or "story"
    yield f"{stem}.txt"
    yield from (f"{stem}-{n}.txt" for n in itertools.count(2))


def _free_name(stem: str, taken: set[str]) -> str:
    return next(name for name in _names(stem) if name not in taken)


def _left_by_a_kill(folder: Path, stem: str, listed: set[str], present: set[str], article_id: str) -> str | None:
    """A file of this story that no index lists (a refresh killed after writing it, before its index):
    its name, to take it back (and write it anew) rather than add the same story under a new name.
    ``present``: the folder's file names, so the usual case (no such file) opens nothing."""
    for name in itertools.islice(_names(stem), 10):
        if name not in present:
            return None
        if name in listed:
            continue
        try:
            found = text_id((folder / name).read_text(encoding="utf-8", errors="replace"))
        except OSError:  # unreadable
            return None
        except ParseError:
            continue
        if found == article_id:
            return name
    return None


def _story_id(story: NewStory) -> str | None:
    """The id the library will give the story's file; None for a text it cannot read (not written)."""
    if story.article_id:
        return story.article_id
    try:
        return text_id(story.text)
    except ParseError:
        return None


def _record(story: NewStory, name: str, article_id: str, fetched: str, was: list[str] | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "file": name,
        "id": article_id,
        "url": story.url,
        "title": story.title,
        "published": story.published,
        "fetched": fetched,
        "digest": story.digest,
        "full_text": story.full_text,
    }
    if was:
        record["was"] = was
    return record


def _earlier_ids(record: dict[str, Any], article_id: str) -> list[str]:
    """The ids an updated story had before (the feed edited its headline or date), newest first: its marks
    follow it to ``article_id`` (:func:`reader.feeds.renames.carry_marks`)."""
    was = record.get("was")
    earlier = [record.get("id"), *(was if isinstance(was, list) else ())]
    kept = [i for i in dict.fromkeys(earlier) if isinstance(i, str) and i and i != article_id]
    return kept[:MAX_EARLIER_IDS]


def save_stories(slug: str, feed_id: str, feed_url: str, stories: list[NewStory], fetched: str) -> tuple[int, int]:
    """Write new and changed stories; return (new, updated). Unchanged ones are left alone."""
    return write_stories(feed_folder(slug), feed_id, feed_url, stories, fetched)


def write_stories(folder: Path, feed_id: str, feed_url: str, stories: list[NewStory], fetched: str) -> tuple[int, int]:
    """:func:`save_stories` into ``folder`` (the feed's folder; the writer process is given it)."""
    staged = stage_stories(folder, feed_id, feed_url, stories, fetched)
    return staged.publish() if isinstance(staged, Staged) else staged


def stage_stories(
    folder: Path, feed_id: str, feed_url: str, stories: list[NewStory], fetched: str
) -> Staged | tuple[int, int]:
    """Write the stories: into their folder, or for a new folder into a hidden one to publish (:class:`Staged`).

    A helper process publishes in a thread (an fsync waits on the disk) while it stages the next feed.
    """
    if not os.path.lexists(folder):
        return _fill_new_folder(folder, feed_id, feed_url, stories, fetched)
    return _merge(folder, feed_id, feed_url, stories, fetched)


def _merge(folder: Path, feed_id: str, feed_url: str, stories: list[NewStory], fetched: str) -> tuple[int, int]:
    """Write new and changed stories into the feed's folder, under its lock, on its freshly read index."""
    folder.mkdir(parents=True, exist_ok=True)
    new = updated = 0
    with locked(folder / LOCK):
        index = read_index(folder)
        listed = {str(r.get("file")) for r in index.values()}
        present = set(os.listdir(folder))
        taken = listed | present
        for story in stories:
            record = index.get(story.key)
            unchanged = record is not None and record.get("digest") == story.digest
            if unchanged and record is not None and _has_text(folder / str(record["file"])):
                continue
            article_id = _story_id(story)
            if article_id is None:
                continue
            if record is None:
                stem = f"{story.published}-{slugify(story.title)}"
                name = _left_by_a_kill(folder, stem, listed, present, article_id) or _free_name(stem, taken)
                taken.add(name)
                listed.add(name)
                new += 1
            else:
                name = str(record["file"])
                updated += 1
            atomic_write(folder / name, story.text.encode("utf-8"), durable=False)
            was = _earlier_ids(record, article_id) if record is not None else None
            index[story.key] = _record(story, name, article_id, fetched, was)
        if new or updated or not (folder / INDEX).exists():
            write_json(folder / INDEX, {"feed_id": feed_id, "feed_url": feed_url, "stories": index})
    return new, updated


@dataclass
class Staged:
    """A new feed folder filled under a hidden name, its index not written yet: :meth:`publish` finishes it."""

    folder: Path
    stage: Path
    index: dict[str, dict[str, Any]]
    feed_id: str
    feed_url: str
    stories: list[NewStory]  #: merged into the folder instead, should another refresh create it first
    fetched: str

    def publish(self) -> tuple[int, int]:
        """Write the index (durably), then rename the folder into place; return (new, updated)."""
        try:
            data = {"feed_id": self.feed_id, "feed_url": self.feed_url, "stories": self.index}
            # the index must be on disk before the rename can be: a folder without it would be written again
            write_new(self.stage / INDEX, orjson.dumps(data, option=orjson.OPT_INDENT_2), durable=True)
            sync_folder(self.stage)
            try:
                os.rename(self.stage, self.folder)
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                shutil.rmtree(self.stage, ignore_errors=True)  # another refresh won: merge as usual
                return _merge(self.folder, self.feed_id, self.feed_url, self.stories, self.fetched)
        except BaseException:
            shutil.rmtree(self.stage, ignore_errors=True)
            raise
        return len(self.index), 0


def _fill_new_folder(folder: Path, feed_id: str, feed_url: str, stories: list[NewStory], fetched: str) -> Staged:
    """A feed's first stories: written into a hidden folder, renamed into place once published.

    Whole or absent after a kill (the library skips hidden folders), and each story
    costs one file creation: no temp name, no rename, no lock.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    spread_subfolders(folder.parent)  # the new folder gets a block group of its own: file creation stays cheap
    _remove_stale_stages(folder)
    stage = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}{STAGE}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        index: dict[str, dict[str, Any]] = {}
        taken: set[str] = {INDEX, LOCK}
        for story in stories:
            article_id = None if story.key in index else _story_id(story)
            if article_id is None:
                continue
            name = _free_name(f"{story.published}-{slugify(story.title)}", taken)
            taken.add(name)
            write_new(stage / name, story.text.encode("utf-8"))
            index[story.key] = _record(story, name, article_id, fetched)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return Staged(folder, stage, index, feed_id, feed_url, stories, fetched)


def _remove_stale_stages(folder: Path) -> None:
    """Remove hidden folders that killed refreshes left while filling this feed's folder."""
    prefix = f".{folder.name}."
    try:
        names = [n for n in os.listdir(folder.parent) if n.startswith(prefix) and n.endswith(STAGE)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder.parent / name, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Is process ``pid`` still running (a zombie is not: it has ended, and waits only to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # someone else's process
    try:  # a refresh killed before it reaped its helper leaves the helper a zombie, long after in some containers
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[:1] not in ([b"Z"], [b"X"])
    except FileNotFoundError:
        return not os.path.isdir("/proc/self")  # it ended meanwhile; or no /proc here: as running, to be safe
    except OSError:
        return True


def _has_text(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def delete_stories(slug: str, keys: list[str]) -> int:
    """Remove stories (files and index entries); return how many went."""
    folder = feed_folder(slug)
    gone = 0
    with locked(folder / LOCK):
        index = feed_stories(slug)
        for key in keys:
            record = index.pop(key, None)
            if record is None:
                continue
            with contextlib.suppress(FileNotFoundError):
                (folder / str(record["file"])).unlink()
            gone += 1
        data = read_json(folder / INDEX) or {}
        data["stories"] = index
        write_json(folder / INDEX, data)
    return gone


def all_stories() -> dict[str, StoryInfo]:
    """Every feed story in the user's library, by article id (read the indexes once; the app caches this)."""
    root = articles_root()
    result: dict[str, StoryInfo] = {}
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return result
    for entry in entries:
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        try:
            data = read_json(Path(entry.path) / INDEX)
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("stories"), dict):
            continue
        for record in data["stories"].values():
            if isinstance(record, dict) and record.get("id"):
                result[record["id"]] = StoryInfo(
                    record["id"],
                    record.get("url"),
                    str(data.get("feed_id", "")),
                    entry.name,
                    str(record.get("fetched", "")),
                    Path(entry.path) / str(record.get("file", "")),
                )
    return result


def story_info(article_id: str) -> StoryInfo | None:
    """Where a feed story came from, or None for an article that is not a feed story."""
    return all_stories().get(article_id)


def story_url(article_id: str) -> str | None:
    """The web address of a feed story (for ``o`` / ``y`` in the app), or None."""
    info = story_info(article_id)
    return info.url if info else None
