"""Issue 9 first start at 100k: the parent's part of the ingest (fewer batches and progress messages, the
stories parsed set aside from the collector's full collections) keeps every story, once, in order."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

import reader.library
from reader.library import ParseCache, load_library
from reader.model import Article

PAGE = "WORLD\n1 MIN READ\n{title}\nA dek line.\nMay {day}, 2025\n\nThe text of story {n}.\n\nSOURCE:Sample\n"


def folder_of(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    for n in range(count):
        text = PAGE.format(title=f"Story number {n} of the harbour", day=1 + n % 28, n=n)
        (folder / f"s{n:03d}.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")  # a problem, kept as one
    return folder


def test_a_first_start_in_children_lists_every_story_once_newest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of(tmp_path, 150)  # more than the first files parsed here: children parse the rest
    here = load_library([folder])
    monkeypatch.setattr(reader.library, "MIN_FOR_PROCESSES", 10)
    monkeypatch.setattr(reader.library, "FREEZE_EVERY", 7)  # set aside several times over
    monkeypatch.setattr(reader.library, "BATCH_SECONDS", 0.0)
    batches: list[list[Article]] = []
    first = load_library([folder], cache=ParseCache(tmp_path / "cache.json"), batches=lambda a, p: batches.append(a))
    assert [(a.id, a.title, a.published) for a in first.articles] == [
        (a.id, a.title, a.published) for a in here.articles
    ]
    dates = [a.published or "" for a in first.articles]
    assert dates == sorted(dates, reverse=True) and len(first) == 150
    shown = [a.id for batch in batches for a in batch]
    assert len(batches) > 1 and len(shown) == len(set(shown))  # each story once (the rest come with the library)
    assert set(shown) <= {a.id for a in first.articles}
    assert [str(p.path.name) for p in first.problems] == ["empty.txt"]
    warm = load_library([folder], cache=ParseCache(tmp_path / "cache.json"))  # what the first start cached
    assert [a.id for a in warm.articles] == [a.id for a in here.articles]


def test_progress_comes_as_files_are_parsed_but_not_more_often_than_every_fifth_of_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of(tmp_path, 40)
    clock = itertools.count()
    monkeypatch.setattr(reader.library, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(time, "monotonic", lambda: 100.0 + 0.125 * next(clock))  # 1/8 s a look
    told: list[tuple[int, int]] = []
    library = load_library([folder], progress=lambda done, total: told.append((done, total)))
    monkeypatch.undo()
    assert len(library) == 40
    assert told and all(total == 41 for _, total in told)
    done = [d for d, _ in told]
    assert done == sorted(set(done)) and done[-1] >= 39  # in order, to the end
    assert all(b - a == 2 for a, b in itertools.pairwise(done))  # every other file: 1/4 s apart, not every file
