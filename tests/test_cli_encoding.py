"""The command line on a terminal whose encoding lacks a title's characters (ASCII, a C locale)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TITLE = "Café “Zoë” opens — at last 🎉"
STORY = f"WORLD\n{TITLE}\nA dek.\nMay 1, 2025\n\nThe body, with naïve words.\n"


def reader(*args: str) -> subprocess.CompletedProcess[bytes]:
    """``reader ARGS`` with ASCII as the output encoding (as ``PYTHONIOENCODING=ascii`` or a C locale set it)."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, timeout=60, stdin=subprocess.DEVNULL, env=env
    )


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "cafe.txt").write_text(STORY, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "args",
    [("list", "--path", "{lib}"), ("parse", "{lib}/cafe.txt"), ("show", "2025-05-01-caf", "--path", "{lib}")],
)
def test_titles_print_on_an_ascii_terminal_without_a_traceback(story: Path, args: tuple[str, ...]) -> None:
    """Each ended in a UnicodeEncodeError traceback at the first title with an accent."""
    result = reader(*(arg.format(lib=story) for arg in args))
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr and b"UnicodeEncodeError" not in result.stderr
    assert b"Caf? ?Zo?? opens ? at last ?" in result.stdout  # what the terminal cannot show is a "?"


@pytest.mark.parametrize("args", [("list", "--json", "--path", "{lib}"), ("parse", "--json", "{lib}/cafe.txt")])
def test_json_on_an_ascii_terminal_keeps_every_character(story: Path, args: tuple[str, ...]) -> None:
    """JSON Lines read by a script lose nothing: the characters are escaped, not replaced by "?"."""
    result = reader(*(arg.format(lib=story) for arg in args))
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    records = [json.loads(line) for line in result.stdout.decode("ascii").splitlines()]
    assert TITLE in [record["title"] for record in records]
