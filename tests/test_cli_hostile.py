"""The command line with hostile file names and bookmarks whose file is gone (issue 7 items 2 and 18)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import fail, main
from reader.library import Problem

EVIL = "\x1b]0;pwned title\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J"
STORY = "WORLD\n{title}\nA dek that says what happened.\nMay 1, 2025\n\nThe body of the story, in a few words.\n"


def reader(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, timeout=60, stdin=subprocess.DEVNULL
    )


def assert_clean(result: subprocess.CompletedProcess[bytes]) -> None:
    for stream in (result.stdout, result.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream and b"\x9b" not in stream, stream


def test_file_names_with_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    """Item 2: parse, the "skipped" lines of list, and import print such names cleaned."""
    folder = tmp_path / "lib"
    folder.mkdir()
    good = folder / f"{EVIL}good.txt"
    good.write_text(STORY.format(title="A story with a hostile file name"), encoding="utf-8")
    bad = folder / f"{EVIL}empty.txt"
    bad.write_bytes(b"")
    parsed = reader("parse", str(bad), str(good))
    assert parsed.returncode == 1 and b"lib/empty.txt: empty file" in parsed.stderr
    assert_clean(parsed)
    listed = reader("list", "--path", str(folder))
    assert listed.returncode == 0 and b"skipped" in listed.stderr and b"A story with a hostile" in listed.stdout
    assert_clean(listed)
    imported = reader("import", str(folder))
    assert imported.returncode == 1 and b"imported" in imported.stdout and b"empty file" in imported.stderr
    assert_clean(imported)
    missing = reader("show", EVIL)
    assert missing.returncode == 1 and b"no article with id" in missing.stderr
    assert_clean(missing)
    wrong = reader("list", "--bogus", EVIL)
    assert wrong.returncode == 2
    assert_clean(wrong)


def test_imported_file_names_are_cleaned(tmp_path: Path, private_folders: Path) -> None:
    """Item 2: the copy in the library gets a printable name."""
    source = tmp_path / f"{EVIL}story.txt"
    source.write_text(STORY.format(title="Harbour wall repairs begin"), encoding="utf-8")
    result = reader("import", str(source))
    assert result.returncode == 0
    assert_clean(result)
    assert [p.name for p in (private_folders / "data" / "articles").iterdir()] == ["story.txt"]


def test_a_bookmark_whose_file_is_gone_can_be_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 18: ``unbookmark`` finds the id (or a unique prefix) among the bookmarks when the file is gone."""
    folder = tmp_path / "lib"
    folder.mkdir()
    page = folder / "gone.txt"
    page.write_text(STORY.format(title="A story about to vanish from disk"), encoding="utf-8")
    other = folder / "other.txt"
    other.write_text(STORY.format(title="A story that vanishes too"), encoding="utf-8")
    assert main(["bookmark", "--path", str(folder), "2025-05-01-a-story-about", "2025-05-01-a-story-that"]) == 0
    os.unlink(page)
    os.unlink(other)
    capsys.readouterr()
    assert main(["unbookmark", "2025-05-01-a-story"]) == 1  # two bookmarks start with it
    err = capsys.readouterr().err
    assert "ambiguous: 2 bookmarks start with it" in err and "A story about to vanish from disk" in err
    assert main(["unbookmark", "2025-05-01-a-story-about"]) == 0
    assert main(["unbookmark", "2025-05-01-a-story-that-vanishes-too"]) == 0
    capsys.readouterr()
    assert main(["bookmarks", "--format", "json"]) == 0
    assert capsys.readouterr().out == ""


UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
HOSTILE = st.text(
    alphabet=st.one_of(st.sampled_from("\x1b\x07\x9b\x9d\x90\n\r\t\x00\u202e[]];/\\0123c"), st.characters()),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(path=HOSTILE, reason=HOSTILE)
def test_problems_and_error_lines_are_one_clean_line_for_any_text(path: str, reason: str) -> None:
    """Item 2 (fuzzed): whatever a file name or reason holds, what is printed is one line, no controls."""
    shown = str(Problem(Path(path or "x"), reason))
    assert not UNSAFE.search(shown)
    capture = io.StringIO()
    real, sys.stderr = sys.stderr, capture
    try:
        fail(f"{path}: {reason}", [reason])
    finally:
        sys.stderr = real
    printed = capture.getvalue()
    assert printed.count("\n") == 2 and not UNSAFE.search(printed.replace("\n", ""))


def test_json_lines_stay_valid_and_inert_for_any_file_name(tmp_path: Path) -> None:
    """Item 2: a name with bytes that are not UTF-8 and an 8-bit CSI gives valid JSON without raw C1 bytes."""
    folder = tmp_path / "lib"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), b"bad\xff\xc2\x9b31m\xe2\x80\xaename.txt")
    with open(name, "wb") as file:
        file.write(STORY.format(title="A story with an undecodable file name").encode())
    result = reader("list", "--json", "--path", str(folder))
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert b"\xc2\x9b" not in result.stdout and b"\xe2\x80\xae" not in result.stdout
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    [row] = [r for r in rows if r["title"] == "A story with an undecodable file name"]
    assert row["path"].endswith("bad\\xff\x9b31m\u202ename.txt")
    plain = reader("list", "--path", str(folder))
    assert plain.returncode == 0 and b"A story with an undecodable file name" in plain.stdout
    assert_clean(plain)
