"""The command line: list, show, read marks, bookmarks, import; errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

ROOT = Path(__file__).resolve().parent.parent
NATO = "2024-11-23-nato-chief-meets-us-president-elect-trump-to-discuss-security-challenges"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "list", "--json", *args)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def test_list_json_lines_newest_first(capsys: pytest.CaptureFixture[str]) -> None:
    rows = listed(capsys)
    assert len(rows) >= 11
    assert {"id", "title", "section", "published", "read", "bookmarked"} <= rows[0].keys()
    assert rows[-1]["id"] == NATO
    assert not any(r["read"] or r["bookmarked"] for r in rows)


def test_read_unread_and_bookmark_show_up_in_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "read", "2024-11-23-nato")[0] == 0
    assert run(capsys, "bookmark", NATO)[0] == 0
    rows = {r["id"]: r for r in listed(capsys)}
    assert rows[NATO]["read"] and rows[NATO]["bookmarked"]
    assert NATO not in {r["id"] for r in listed(capsys, "--unread")}
    assert [r["id"] for r in listed(capsys, "--bookmarked")] == [NATO]
    _, out, _ = run(capsys, "list")
    line = next(line for line in out.splitlines() if "NATO chief meets" in line)
    assert line.startswith("* ")  # bookmarked, read
    prefix = line.split()[1]  # the unique id prefix, which holds the date
    assert NATO.startswith(prefix) and prefix.startswith("2024-11-23")
    assert run(capsys, "unread", NATO)[0] == 0
    assert run(capsys, "unbookmark", NATO)[0] == 0
    rows = {r["id"]: r for r in listed(capsys)}
    assert not rows[NATO]["read"] and not rows[NATO]["bookmarked"]


def test_bookmarks_export_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "bookmark", NATO)
    code, out, _ = run(capsys, "bookmarks", "--format", "json")
    assert code == 0 and json.loads(out.splitlines()[0])["title"].startswith("NATO chief meets")
    code, out, _ = run(capsys, "bookmarks")
    assert out.startswith("# Bookmarks") and f"(`{NATO}`)" in out


def test_show_renders_the_article_and_its_explore_links(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "2026-11-25-tram")
    assert code == 0
    assert "Tram line to link Port Elsen and Cobalt Bay by 2028" in out
    assert "→ Port Elsen opens its first floating library" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("show", "no-such-article"), 1, "reader: no article with id 'no-such-article'"),
        (("read", "2026-11"), 1, "is ambiguous"),
        (("list", "--unread", "--bookmarked"), 2, "not allowed with argument"),
        (("bookmarks", "--format", "xml"), 2, "invalid choice"),
    ],
)
def test_unknown_ids_and_bad_arguments(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int, message: str
) -> None:
    if code == 2:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
    else:
        result, out, err = run(capsys, *args)
        first, *details = err.splitlines()
        assert result == 1 and out == "" and message in first and first.startswith("reader: ")
        assert all(line.startswith("  ") for line in details)  # candidates of an ambiguous id, indented


def test_import_checks_files_and_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "story.txt").write_text("A new imported story\n\nIts body.", encoding="utf-8")
    (source / "broken.txt").write_bytes(b"")
    code, out, err = run(capsys, "import", str(source))
    assert code == 1
    assert "imported" in out and "broken.txt: empty file" in err
    other = tmp_path / "other"
    other.mkdir()
    (other / "story.txt").write_text("A different story, same file name\n\nBody.", encoding="utf-8")
    code, out, err = run(capsys, "import", str(other / "story.txt"), str(source / "story.txt"))
    assert code == 0
    assert "saved as story-2.txt" in out and "already in library" in out
    titles = {r["title"] for r in listed(capsys)}
    assert {"A new imported story", "A different story, same file name"} <= titles


def test_state_is_shared_between_processes(tmp_path: Path) -> None:
    env_run = [sys.executable, "-m", "reader"]
    assert subprocess.run([*env_run, "read", NATO], capture_output=True).returncode == 0
    result = subprocess.run([*env_run, "list", "--json", "--unread"], capture_output=True, text=True)
    assert NATO not in result.stdout


def test_corrupt_state_file_is_reported_in_one_line(capsys: pytest.CaptureFixture[str], private_folders: Path) -> None:
    state = private_folders / "data" / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text("{{{ not json")
    code, _, err = run(capsys, "list")
    assert code == 0
    assert err.count("\n") == 1 and "moved it to state.json.corrupt-" in err
