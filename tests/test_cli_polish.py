"""The command line as a new user meets it (issue 10, "Command line"): unknown commands, one JSON
shape, aligned list columns, a paged and narrow ``show``, ambiguous ids with their candidates."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

import reader.cli as cli
from reader.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "nato-chief-meets-trump.txt"
STORY = "WORLD\n{title}\nA dek that says what happened.\n{date}\n\nThe body of the story, in a few words.\n"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")


def run_in_terminal(args: list[str], columns: int, env: dict[str, str], timeout: float = 60) -> str:
    """Run ``reader ARGS`` on a pseudo-terminal of ``columns`` x 40; what it printed, escapes removed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PAGER", "MANPAGER")}
    full_env.update(TERM="xterm-256color", **env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", *args], stdin=slave, stdout=slave, stderr=slave, env=full_env, close_fds=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")


def write_stories(folder: Path, count: int, title: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        date = f"March {n + 1}, 2030"
        (folder / f"s{n}.txt").write_text(STORY.format(title=f"{title} number {n}", date=date), encoding="utf-8")


# -- unknown subcommands --------------------------------------------------------------------


def test_an_unknown_subcommand_is_an_error_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: ``reader lsit`` exits 2 with "did you mean 'list'?" and does not open the TUI."""
    opened: list[list[str]] = []
    monkeypatch.setattr(cli, "run_tui", lambda args: opened.append(args.paths) or 0)
    assert main(["lsit"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "reader: 'lsit' is not a command, nor a file or folder (did you mean 'list'?)\n"
    assert main(["zzzzqqq"]) == 2
    assert "commands: parse, list, show" in capsys.readouterr().err
    assert opened == []
    (tmp_path / "lsit").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["lsit"]) == 0  # a path that exists still opens the reader on it
    assert main([]) == 0
    assert opened == [["lsit"], []]


# -- one JSON shape ---------------------------------------------------------------------------


def test_parse_json_is_json_lines_for_any_number_of_files(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 10: ``parse --json`` prints one object per line, for one file as for several."""
    for count in (1, 3):
        assert main(["parse", "--json", *[str(SEED)] * count]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == count
        assert all(json.loads(line)["title"].startswith("NATO chief meets") for line in lines)


def test_bookmarks_json_is_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 10: ``bookmarks --format json`` prints one object per line, like ``list --json``."""
    assert main(["bookmarks", "--format", "json"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["bookmark", "2024-11-23-nato", "2026-11-25-tram"]) == 0
    assert main(["bookmarks", "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert {json.loads(line)["id"][:15] for line in lines} == {"2024-11-23-nato", "2026-11-25-tram"}


# -- list columns ------------------------------------------------------------------------------


def test_list_columns_are_aligned_when_piped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 10: flags, a unique id prefix and the whole title; titles start in one column, no tabs."""
    write_stories(tmp_path / "lib", 3, "Harbour news of a kind that needs a rather long headline to tell")
    assert main(["list", "--path", str(tmp_path / "lib")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 14 and not any("\t" in line for line in lines)
    starts = {line.index(title) for line in lines for title in [line.split("  ")[-1]]}
    assert len(starts) == 1
    for line in lines:
        prefix = line[3:].split()[0]
        assert main(["show", "--path", str(tmp_path / "lib"), prefix]) == 0  # every prefix opens its article
        assert line.split("  ")[-1] in capsys.readouterr().out


def test_list_fits_the_terminal_width(tmp_path: Path) -> None:
    """Issue 10: on an 80-column terminal every row fits; long titles end with an ellipsis."""
    write_stories(tmp_path / "lib", 3, "Harbour news of a kind that needs a rather long headline to tell " * 2)
    shown = run_in_terminal(["list", "--path", str(tmp_path / "lib")], 80, {})
    lines = [line for line in shown.splitlines() if line.strip()]
    assert len(lines) >= 14
    assert all(len(line) <= 80 for line in lines), lines
    cut = [line for line in lines if "Harbour news" in line]
    assert len(cut) == 3 and all(line.endswith("…") for line in cut)


# -- show -----------------------------------------------------------------------------------------


def test_show_pages_on_a_terminal_at_a_comfortable_width(tmp_path: Path) -> None:
    """Issue 10: on a 200-column terminal ``show`` goes through $PAGER, at most 100 columns wide."""
    paged = tmp_path / "paged.txt"
    run_in_terminal(["show", "2024-11-23-nato"], 200, {"PAGER": f"cat > {paged}"})
    text = paged.read_text("utf-8")
    assert "NATO chief meets US president-elect Trump" in text
    widths = [len(line) for line in text.splitlines()]
    assert max(widths) <= 100 and max(widths) >= 90


def test_show_does_not_page_when_piped(tmp_path: Path) -> None:
    """Issue 10: piped, ``show`` prints plain text and never starts the pager."""
    paged = tmp_path / "paged.txt"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "show", "2024-11-23-nato"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PAGER": f"cat > {paged}"},
    )
    assert result.returncode == 0 and "NATO chief meets" in result.stdout and "\x1b" not in result.stdout
    assert not paged.exists()


def test_show_piped_has_no_trailing_spaces() -> None:
    """Piped into a file or another program, ``show``'s lines end with their last word (no padding to 80 columns)."""
    result = subprocess.run(
        [sys.executable, "-m", "reader", "show", "2024-11-23-nato"], capture_output=True, text=True, timeout=60
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and "NATO chief meets" in result.stdout and len(lines) > 10
    assert [line for line in lines if line != line.rstrip()] == []
    assert max(len(line) for line in lines) <= 80


# -- ambiguous ids ----------------------------------------------------------------------------------


def test_an_ambiguous_id_lists_its_candidates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 10: "ambiguous id" lists up to 10 candidates (id and title), then how many more."""
    write_stories(tmp_path / "lib", 12, "Tidal report")
    assert main(["show", "--path", str(tmp_path / "lib"), "2030-03"]) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and lines[0] == "reader: id '2030-03' is ambiguous: 12 articles start with it"
    assert len(lines) == 12 and lines[-1] == "  ... and 2 more"
    assert all(
        re.fullmatch(r"  2030-03-\d\d-tidal-report-number-\d+  Tidal report number \d+", line) for line in lines[1:11]
    )
