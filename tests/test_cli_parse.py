"""``reader parse``: JSON on stdout, one clear line on stderr for bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "nato-chief-meets-trump.txt"


def test_parse_json_prints_the_expected_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--json", str(SEED)]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = json.loads((Path(__file__).parent / "nato-chief-meets-trump.expected.json").read_text("utf-8"))
    assert printed.pop("id").startswith("2024-11-23-")
    assert printed == expected


def test_parse_without_json_renders_readable_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "NATO chief meets US president-elect Trump" in out
    assert "Supporting Ukraine" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"\x00\x01\x02binary\x00", "binary file"), (None, "no such file"), ("dir", "is a folder")],
)
def test_bad_files_give_one_line_and_exit_1(tmp_path: Path, content: bytes | str | None, reason: str) -> None:
    target = tmp_path / "page.txt"
    if content == "dir":
        target.mkdir()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "reader", "parse", "--json", str(target)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"reader: {target}: {reason}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_hostile_markup_is_printed_literally(tmp_path: Path) -> None:
    page = tmp_path / "hostile.txt"
    page.write_bytes(b"[bold red]Alarm[/] \x1b[31mtitle\x1b[0m\n\nSee [link=http://evil]here[/link].\x1b]52;c;eA==\x07")
    result = subprocess.run([sys.executable, "-m", "reader", "parse", str(page)], capture_output=True, text=True)
    assert result.returncode == 0
    assert "[bold red]Alarm[/] title" in result.stdout
    assert "[link=http://evil]here[/link]." in result.stdout
    assert "\x1b" not in result.stdout
