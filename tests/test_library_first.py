"""A first start of a large library: the first headlines come before the children answer (issue 9)."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import pytest

import reader.heads
import reader.library
from reader.children import Child
from reader.heads import HeadParser
from reader.library import ParseCache, load_library
from reader.model import Article
from tests.test_perf_cold import folder_of as _folder_of
from tests.test_perf_search import page

folder_of = functools.partial(_folder_of, empty=False)  # the stories and the binary file


@pytest.fixture
def with_children(monkeypatch: pytest.MonkeyPatch) -> None:
    """Children for a library of a few dozen files; a first batch of 4; no batch because of time."""
    monkeypatch.setattr(reader.library, "MIN_FOR_PROCESSES", 10)
    monkeypatch.setattr(reader.library, "FIRST", 4)
    monkeypatch.setattr(reader.library, "BATCH_SECONDS", 3600.0)


def test_the_first_headlines_do_not_wait_for_the_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_children: None
) -> None:
    folder = folder_of(tmp_path, 40)
    shown = threading.Event()
    answered: list[int] = []

    class Held(Child):
        """A child whose answers are held back until the first headlines are out (10 s at most)."""

        def read_frame(self) -> bytes:
            shown.wait(10)
            answered.append(1)
            return super().read_frame()

    monkeypatch.setattr(reader.heads, "Child", Held)
    batches: list[tuple[list[Article], int]] = []

    def batch(articles: list[Article], paths: dict[str, str]) -> None:
        batches.append((list(articles), len(answered)))
        shown.set()

    library = load_library([folder], cache=ParseCache(tmp_path / "cache.json"), batches=batch)
    first, answers_before = batches[0]
    assert answers_before == 0  # shown while every child's answer was still to come
    assert [a.title for a in first] == [f"Story number {n} about the harbour" for n in range(4)]
    assert len(library) == 40 and answered  # the rest came from the children
    assert [str(p).rsplit("/", 1)[1] for p in library.problems] == ["zz-binary.txt: binary file, not text"]


def test_a_first_start_in_children_leaves_a_cache_the_next_start_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_children: None
) -> None:
    """The files' sizes and times come from the children that read them: the next start parses nothing."""
    folder = folder_of(tmp_path, 30)
    cold = load_library([folder], cache=ParseCache(tmp_path / "cache.json"))
    parsed: list[str] = []
    real = reader.heads.parse_head
    monkeypatch.setattr(reader.heads, "parse_head", lambda p, limit: parsed.append(p) or real(p, limit))
    monkeypatch.setattr(reader.library, "MIN_FOR_PROCESSES", 1000)  # anything parsed would be parsed here
    warm = load_library([folder], cache=ParseCache(tmp_path / "cache.json"))
    assert [Path(p).name for p in parsed] == ["zz-binary.txt"]  # only what could not be read is tried again
    assert [(a.id, a.title) for a in warm.articles] == [(a.id, a.title) for a in cold.articles]
    assert warm.paths == cold.paths and [str(p) for p in warm.problems] == [str(p) for p in cold.problems]
    trusted = load_library([folder], cache=ParseCache(tmp_path / "cache.json"), trust=True)
    assert trusted.unchecked and len(trusted) == 30


def test_a_file_fixed_after_a_first_start_in_children_is_noticed(tmp_path: Path, with_children: None) -> None:
    """A file that could not be read is remembered as it was (by the child that tried): fixing it shows."""
    folder = folder_of(tmp_path, 30)
    library = load_library([folder], cache=ParseCache(tmp_path / "cache.json"))
    assert library.disk is not None and library.disk.unchanged()
    (folder / "zz-binary.txt").write_text(page("A story once unreadable", "Now it reads.", 3), encoding="utf-8")
    assert not library.disk.unchanged()
    again = load_library([folder], cache=ParseCache(tmp_path / "cache.json"))
    assert "A story once unreadable" in {a.title for a in again.articles} and not again.problems


def test_files_changed_since_the_cache_was_written_are_parsed_again_by_the_children(
    tmp_path: Path, with_children: None
) -> None:
    folder = folder_of(tmp_path, 30)
    load_library([folder], cache=ParseCache(tmp_path / "cache.json"))
    edited = range(3, 27, 2)  # 12 files: enough for the children
    for n in edited:
        path = folder / f"s{n:03d}.txt"
        path.write_text(page(f"Story number {n}, corrected", "New text.", 2), encoding="utf-8")
        os.utime(path, ns=(1, 9_000_000_000 + n))
    (folder / "s000.txt").unlink()
    batches: list[list[Article]] = []
    mixed = load_library(
        [folder], cache=ParseCache(tmp_path / "cache.json"), batches=lambda a, p: batches.append(list(a))
    )
    fresh = load_library([folder])
    assert [(a.id, a.title) for a in mixed.articles] == [(a.id, a.title) for a in fresh.articles]
    assert {f"Story number {n}, corrected" for n in edited} <= {a.title for a in mixed.articles}
    assert "Story number 0 about the harbour" not in {a.title for a in mixed.articles}
    unchanged = [n for n in range(1, 30) if n not in edited]
    assert [a.title for a in batches[0]] == [f"Story number {n} about the harbour" for n in unchanged]  # at once


def test_chunks_added_while_the_children_run_come_back_in_order(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, 20)
    files = sorted(str(p) for p in folder.iterdir())
    parser = HeadParser(1_000_000, 2)
    parser.add(files[:7], 3)
    parser.add(files[7:], 5)
    got = [(list(paths), [result for _, result in entries]) for paths, entries in parser.results()]
    assert [paths for paths, _ in got] == [files[0:3], files[3:6], files[6:7], *[files[n : n + 5] for n in (7, 12, 17)]]
    assert [r for _, results in got for r in results] == [reader.heads.parse_head(f, 1_000_000) for f in files]
