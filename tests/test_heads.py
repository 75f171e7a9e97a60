"""First-start parsing in child processes: chunks handed to whichever child is free, results in file order."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

import reader.heads
from reader.children import Child
from reader.heads import CHUNK_BYTES, parse_head, parse_head_chunks, parse_heads
from reader.model import Article
from reader.parse import parse
from tests.test_perf_search import page


def library(folder: Path, count: int) -> list[str]:
    folder.mkdir()
    for n in range(count):
        text = page(f"Story number {n} about the harbour", f"Body of story {n}.", 1 + n % 28)
        text += f"\nExplore\nStory number {(n + 1) % count} about the harbour\n"
        (folder / f"s{n:03d}.txt").write_text(text, encoding="utf-8")
    (folder / "s500-empty.txt").write_bytes(b"")
    return sorted(str(p) for p in folder.iterdir())


def test_chunks_come_back_in_file_order_with_what_the_list_needs(tmp_path: Path) -> None:
    files = library(tmp_path / "lib", 41)
    chunks = list(parse_head_chunks(files, 1_000_000, 2, chunk=4))
    assert [len(c) for c in chunks] == [4] * 10 + [2]
    flat = [r for c in chunks for r in c]
    assert flat == [parse_head(f, 1_000_000) for f in files]
    articles = [r for r in flat if isinstance(r, Article)]
    assert [a.title for a in articles] == [f"Story number {n} about the harbour" for n in range(41)]
    first = articles[0]
    assert first.partial and first.body == () and first.explore == ("Story number 1 about the harbour",)
    assert first.published is not None and first.id.startswith(first.published)
    assert first.dek and first.authors == ("Test Writer",)  # all but the body, as a later reload finds it
    wholes = [parse(Path(f).read_bytes()) for f in files[:-1]]
    assert articles == [replace(whole, body=()) for whole in wholes] and all(whole.body for whole in wholes)
    assert flat[-1] == "empty file: no text to read"


def test_a_path_that_is_not_utf8_crosses_the_pipe(tmp_path: Path) -> None:
    files = library(tmp_path / "lib", 3)
    odd = os.fsdecode(os.fsencode(str(tmp_path / "lib")) + b"/caf\xe9.txt")
    Path(odd).write_text(page("A story with an odd file name", "Body.", 3), encoding="utf-8")
    files.append(odd)
    pooled = list(parse_heads(files, 1_000_000, 2))
    assert pooled == list(parse_heads(files, 1_000_000, 0))
    assert isinstance(pooled[-1], Article) and pooled[-1].title == "A story with an odd file name"
    missing = list(parse_heads([odd + "-gone"], 1_000_000, 1))
    assert missing == ["no such file"]


class Dying(Child):
    """A child that stops after answering its first chunk."""

    def read_frame(self) -> bytes:
        frame = super().read_frame()
        self.kill()
        return frame


class Garbling(Child):
    """A child whose answers arrive damaged."""

    def read_frame(self) -> bytes:
        return super().read_frame()[:-5]


@pytest.mark.parametrize("kind", [Dying, Garbling])
def test_files_a_child_did_not_answer_are_parsed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: type[Child]
) -> None:
    files = library(tmp_path / "lib", 30)
    inline = list(parse_heads(files, 1_000_000, 0))
    monkeypatch.setattr(reader.heads, "Child", kind)
    here: list[str] = []
    monkeypatch.setattr(reader.heads, "parse_head", lambda p, limit: here.append(p) or parse_head(p, limit))
    done: list[tuple[int, int]] = []
    assert list(parse_heads(files, 1_000_000, 2, lambda d, t: done.append((d, t)), every=10, chunk=4)) == inline
    assert done == [(10, 31), (20, 31), (30, 31)]
    assert here and (len(here) < len(files)) == (kind is Dying)  # a dying child answered its first chunk


def test_a_consumer_that_stops_early_leaves_no_child_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = library(tmp_path / "lib", 30)
    started: list[Child] = []

    class Counted(Child):
        def __init__(self, module: str, *args: str) -> None:
            super().__init__(module, *args)
            started.append(self)

    monkeypatch.setattr(reader.heads, "Child", Counted)
    chunks = parse_head_chunks(files, 1_000_000, 2, chunk=2)
    assert len(next(chunks)) == 2
    chunks.close()
    assert len(started) == 2 and all(child.process.poll() is not None for child in started)


def test_long_paths_make_smaller_chunks(tmp_path: Path) -> None:
    folder = tmp_path / ("d" * 200)
    files = library(folder, 120)
    chunks = list(parse_head_chunks(files, 1_000_000, 0))
    assert sum(map(len, chunks)) == len(files) and len(chunks) > 2
    assert all(sum(len(f) + 1 for f in files[:n]) <= CHUNK_BYTES for n in map(len, chunks))


def test_the_seeds_come_back_whole_but_for_the_body() -> None:
    files = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    pooled = list(parse_heads(files, 1_000_000, 2, chunk=3))
    assert pooled == [replace(parse(Path(f).read_bytes()), body=()) for f in files]
    articles = [a for a in pooled if isinstance(a, Article)]
    assert any(a.image for a in articles) and any(a.source for a in articles) and any(a.authors for a in articles)


def test_children_never_import_a_module_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first start from a folder holding an ``orjson.py`` (a downloaded project, say): its code never runs."""
    files = library(tmp_path / "lib", 3)
    project = tmp_path / "project"
    project.mkdir()
    (project / "orjson.py").write_text("import pathlib\npathlib.Path(__file__).with_name('ran').touch()\n")
    monkeypatch.chdir(project)
    here: list[str] = []
    monkeypatch.setattr(reader.heads, "parse_head", lambda p, limit: here.append(p) or parse_head(p, limit))

    chunks = list(parse_head_chunks(files, 1_000_000, 1, chunk=2))

    assert not (project / "ran").exists()
    assert here == []  # every chunk answered by the child, which imported the real orjson
    assert [r for c in chunks for r in c] == [parse_head(f, 1_000_000) for f in files]
