"""``reader import`` against hostile files and concurrent imports (issue 7 items 12 and 16; issue 10's
"import refuses a file that is not an article page")."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.importer import import_paths
from reader.library import load_library
from reader.paths import articles_dir

STORY = "WORLD\n{title}\nA dek that says what happened.\nMay 1, 2025\n\nThe body of the story, in a few words.\n"


def story(folder: Path, name: str, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(STORY.format(title=title), encoding="utf-8")
    return path


def library_files() -> dict[str, bytes]:
    folder = articles_dir()
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def test_import_never_writes_through_a_dangling_symlink(tmp_path: Path) -> None:
    """Item 12: a dangling link at the destination name is left alone; the file goes to a free name."""
    outside = tmp_path / "outside" / "created.txt"
    outside.parent.mkdir()
    articles_dir().mkdir(parents=True)
    (articles_dir() / "story.txt").symlink_to(outside)
    source = story(tmp_path / "in", "story.txt", "Harbour wall repairs begin at last")
    report = import_paths([source])
    assert report.problems == []
    assert not outside.exists()
    assert (articles_dir() / "story-2.txt").read_bytes() == source.read_bytes()
    assert (articles_dir() / "story.txt").is_symlink()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (Path("/etc/passwd").read_bytes(), "does not read like a headline"),
        (
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
            b"-----END OPENSSH PRIVATE KEY-----\n",
            "does not read like a headline",
        ),
        (
            b"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
            "does not read like a headline",
        ),
        (b"word " * 1000, "a 4,999-character line where the headline should be"),
        (b'{"name": "x", "version": 1, "items": [1, 2, 3]}\n', "does not read like a headline"),
        (b"\x00\x01\x02\x03binary" * 20, "binary file"),
    ],
    ids=["passwd", "ssh-key", "pem-key", "one-long-line", "json", "binary"],
)
def test_non_articles_are_refused_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    """Item 12 / issue 10: key files, system files, one huge line, data and binary are not articles."""
    source = tmp_path / "thing.txt"
    source.write_bytes(content)
    link = tmp_path / "link.txt"
    link.symlink_to(source)  # a link to it is judged by what it points at
    assert main(["import", str(source), str(link)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count(reason) == 2 and err.count("\n") == 2
    assert library_files() == {}


def test_force_imports_a_page_that_is_not_an_article_but_never_binary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 10: ``--force`` overrides the article check, not the binary, size or file-kind checks."""
    table = tmp_path / "table.txt"
    table.write_bytes(b"id,name,value\n1,foo,2\n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\x03binary" * 20)
    assert main(["import", str(table)]) == 1
    assert "use --force to import it anyway" in capsys.readouterr().err
    assert main(["import", "--force", str(table), str(binary)]) == 1
    out, err = capsys.readouterr()
    assert f"imported {table}" in out and "binary file" in err
    assert library_files() == {"table.txt": b"id,name,value\n1,foo,2\n"}


def test_links_inside_an_imported_folder_are_not_followed(tmp_path: Path) -> None:
    """Item 12: ``folder/notes.txt -> /etc/passwd`` is refused as a link; the folder's real articles come in."""
    folder = tmp_path / "in"
    story(folder, "real.txt", "Ferry timetable changes for winter")
    (folder / "notes.txt").symlink_to("/etc/passwd")
    report = import_paths([folder])
    assert [p.path.name for p in report.problems] == ["notes.txt"]
    assert "symbolic link" in report.problems[0].reason
    assert set(library_files()) == {"real.txt"}


def _import_one(source: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait(timeout=30)
    report = import_paths([Path(source)])
    os._exit(1 if report.problems else 0)


def test_concurrent_imports_of_same_named_files_lose_nothing(tmp_path: Path) -> None:
    """Item 12: four processes import four different ``story.txt`` at once, 5 rounds: every file kept once."""
    context = multiprocessing.get_context("fork")
    expected: set[bytes] = set()
    for round_ in range(5):
        sources = [
            story(tmp_path / f"r{round_}p{n}", "story.txt", f"Story {n} of round {round_} arrives") for n in range(4)
        ]
        expected |= {s.read_bytes() for s in sources}
        barrier = context.Barrier(4)
        workers = [context.Process(target=_import_one, args=(str(s), barrier)) for s in sources]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        files = library_files()
        contents = list(files.values())
        assert len(contents) == len(set(contents)) == len(expected), sorted(files)
        assert set(contents) == expected
        assert all(not name.startswith(".") for name in files)  # no temp file left behind


def test_reimporting_makes_no_new_copies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 16: the same bytes are found among every copy (a, a-2...), and the library folder itself is skipped."""
    first = story(tmp_path / "one", "a.txt", "Lighthouse reopens to visitors")
    second = story(tmp_path / "two", "a.txt", "Tram line to link two harbours")
    third = story(tmp_path / "three", "b.txt", "Lighthouse reopens to visitors")  # same bytes, other name
    assert import_paths([first, second]).problems == []
    assert sorted(library_files()) == ["a-2.txt", "a.txt"]
    for _ in range(3):
        report = import_paths([second, first, third])
        assert report.problems == [] and all(line.startswith("already in library") for line in report.lines)
    assert main(["import", str(articles_dir())]) == 0
    assert "already in library" in capsys.readouterr().out
    assert main(["import", str(articles_dir() / "a.txt")]) == 0
    assert sorted(library_files()) == ["a-2.txt", "a.txt"]


def test_hidden_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    """Item 16: ``.hidden.txt`` is refused (the library never lists hidden files), not reported imported."""
    hidden = story(tmp_path, ".hidden.txt", "A story in a hidden file")
    report = import_paths([hidden])
    assert report.lines == []
    assert [p.reason for p in report.problems] == ["hidden file (its name starts with a dot): rename it to import"]
    assert library_files() == {}
    # in a folder, hidden files are skipped like the library skips them when loading
    story(tmp_path / "folder", ".also-hidden.txt", "Another hidden story")
    story(tmp_path / "folder", "visible.txt", "A visible story for once")
    assert import_paths([tmp_path / "folder"]).problems == []
    assert [a.title for a in load_library([articles_dir()]).articles] == ["A visible story for once"]


def test_temp_files_of_killed_imports_are_removed(tmp_path: Path) -> None:
    """Item 12: an import killed mid-copy leaves a hidden temp file; the next import removes it."""
    articles_dir().mkdir(parents=True)
    stale = articles_dir() / ".import.999999999.abc123.tmp"  # no such process
    stale.write_bytes(b"half a file")
    assert import_paths([story(tmp_path, "a.txt", "Harbour wall repairs begin at last")]).problems == []
    assert sorted(library_files()) == ["a.txt"]
