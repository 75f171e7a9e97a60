"""Hostile files in the library: special files, huge pages, a damaged parse cache, unreadable folders.

Each test names the item of issue 7 it covers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from reader.cache import links_path
from reader.config import Config, max_page_bytes
from reader.files import read_regular
from reader.library import ParseCache, Problem, load_library, read_file
from reader.parse import ParseError

PAGE = "WORLD\n{title}\nA dek line for the story.\nMay 1, 2025\n\nBody text of the story, long enough to read.\n"


def page(folder: Path, name: str, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(PAGE.format(title=title), encoding="utf-8")
    return path


def reader(*args: str, timeout: float = 60, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess (a hang becomes a TimeoutExpired failure, not a stuck suite)."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


# -- item 4: only regular files are opened -----------------------------------------------


def test_a_fifo_named_like_an_article_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    """Item 4: a FIFO ``*.txt`` in the library is reported "not a regular file"; every command returns."""
    folder = tmp_path / "lib"
    page(folder, "good.txt", "A good story beside a pipe")
    os.mkfifo(folder / "pipe.txt")
    listed = reader("list", "--path", str(folder))
    assert listed.returncode == 0
    assert "A good story beside a pipe" in listed.stdout
    assert "pipe.txt: not a regular file (a named pipe)" in listed.stderr
    parsed = reader("parse", str(folder / "pipe.txt"))
    assert parsed.returncode == 1 and "not a regular file" in parsed.stderr
    imported = reader("import", str(folder / "pipe.txt"))
    assert imported.returncode == 1 and "not a regular file" in imported.stderr


def test_a_fifo_at_the_cache_or_config_path_does_not_hang(private_folders: Path) -> None:
    """Item 4: a FIFO where the parse cache or the config file should be is ignored."""
    (private_folders / "cache").mkdir(parents=True)
    os.mkfifo(private_folders / "cache" / "parse-cache.json")
    (private_folders / "config").mkdir(parents=True)
    os.mkfifo(private_folders / "config" / "config.json")
    result = reader("list", "--json")
    assert result.returncode == 0 and len(result.stdout.splitlines()) >= 11
    assert Config.load(private_folders / "config" / "config.json") == Config()


def test_a_device_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    """Item 4: a link to a character device (endless bytes) is refused from its stat."""
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(ParseError, match="not a regular file \\(a character device\\)"):
        read_file(link)
    library = load_library([tmp_path])
    assert [str(p) for p in library.problems] == [f"{link}: not a regular file (a character device)"]


# -- item 6: a size limit ----------------------------------------------------------------


def test_a_page_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    """Item 6: a 50 MB page is refused from its size (a sparse file: nothing is read) by load and parse."""
    big = tmp_path / "lib" / "big.txt"
    page(tmp_path / "lib", "small.txt", "A small story next to a huge one")
    with big.open("wb") as file:
        file.truncate(50_000_000)
    reason = "too large: 50.0 MB, the limit is 5 MB"
    library = load_library([tmp_path / "lib"])
    assert [a.title for a in library.articles] == ["A small story next to a huge one"]
    assert [p.reason for p in library.problems] == [reason]
    parsed = reader("parse", str(big))
    assert parsed.returncode == 1 and parsed.stderr == f"reader: {big}: {reason}\n"
    shown = reader("show", "--path", str(big), "big")
    assert shown.returncode == 1 and reason in shown.stderr and "Traceback" not in shown.stderr
    imported = reader("import", str(big))
    assert imported.returncode == 1 and reason in imported.stderr
    assert not (tmp_path / "home" / "data" / "articles" / "big.txt").exists()


def test_the_limit_comes_from_the_environment_then_the_config_file(
    tmp_path: Path, private_folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 6: READER_MAX_PAGE_BYTES wins over ``max_page_bytes`` in config.json, which wins over 5 MB."""
    story = page(tmp_path, "story.txt", "A story of a hundred bytes or so")
    assert max_page_bytes() == 5_000_000
    config = private_folders / "config" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text('{"max_page_bytes": 50}')
    assert max_page_bytes() == 50
    with pytest.raises(ParseError, match=r"too large: 0\.0 MB, the limit is 0\.0 MB"):
        read_file(story)
    monkeypatch.setenv("READER_MAX_PAGE_BYTES", "100000")
    assert read_file(story).startswith(b"WORLD")
    monkeypatch.setenv("READER_MAX_PAGE_BYTES", "20")
    assert load_library([story]).problems[0].reason.startswith("too large")
    monkeypatch.setenv("READER_MAX_PAGE_BYTES", "not a number")
    assert max_page_bytes() == 50


def test_a_file_that_grows_past_the_limit_after_stat_is_cut_off(tmp_path: Path) -> None:
    """Item 6: the read stops at the limit even when the stat taken earlier said the file was small."""
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 10)
    st = os.stat(path)
    path.write_bytes(b"x" * 5000)
    with pytest.raises(ParseError, match="too large"):
        read_regular(path, 1000, st)


# -- item 10: the parse cache is not trusted ------------------------------------------------


def cached(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    """A library of one story and its parse cache, and the cache's data."""
    folder = tmp_path / "lib"
    page(folder, "s.txt", "A story from the cache")
    cache_file = tmp_path / "cache" / "parse-cache.json"
    load_library([folder], cache=ParseCache(cache_file))
    return folder, cache_file, orjson.loads(cache_file.read_bytes())


@pytest.mark.parametrize("trust", [False, True], ids=["checked", "trusted"])
@pytest.mark.parametrize(
    "damage",
    [
        "row is 5",
        "numeric title",
        "missing title",
        "missing fields",
        "minutes is text",
        "size is text",
        "escape in title",
        "clipboard escape in section",
        "C1 control in date",
        "columns not lists",
        "line break in title",
        "tab in section",
    ],
)
def test_a_damaged_cache_entry_is_dropped_and_the_file_re_parsed(tmp_path: Path, damage: str, trust: bool) -> None:
    """Item 10: bad rows (wrong shape, wrong types, escape sequences) are re-parsed, never shown;
    a launch that trusts the cache does not trust a damaged one."""
    folder, cache_file, data = cached(tmp_path)
    assert isinstance(data, dict) and len(data["paths"]) == 1
    if damage == "row is 5":
        for name in ("paths", "sizes", "mtimes", "ids", "titles", "sections", "published", "minutes"):
            data[name][0] = 5
    elif damage == "numeric title":
        data["titles"][0] = 5
    elif damage == "missing title":
        data["titles"][0] = ""
    elif damage == "missing fields":
        data["titles"] = []
    elif damage == "minutes is text":
        data["minutes"][0] = "3"
    elif damage == "size is text":
        data["sizes"][0] = str(data["sizes"][0])
    elif damage == "escape in title":
        data["titles"][0] = "\x1b]0;owned\x07\x1b[2JPwned title"
    elif damage == "clipboard escape in section":
        data["sections"][0] = "\x1b]52;c;ZXZpbA==\x07"
    elif damage == "C1 control in date":
        data["published"][0] = "2025-05-01 \x9b31m"
    elif damage == "columns not lists":
        data["titles"] = {"0": "Pwned"}
    elif damage == "line break in title":
        data["titles"][0] = "A story\nfrom the cache"  # one-line fields never hold one (review finding)
    elif damage == "tab in section":
        data["sections"][0] = "WOR\tLD"
    cache_file.write_bytes(orjson.dumps(data))
    library = load_library([folder], cache=ParseCache(cache_file), trust=trust)
    assert library.problems == [] and not library.unchecked
    [article] = library.articles
    assert article.title == "A story from the cache" and article.section == "WORLD"
    assert article.explore == () and article.dek == "A dek line for the story."  # parsed again
    listed = reader("list", "--path", str(folder), env={"READER_CACHE_DIR": str(cache_file.parent)})
    assert listed.returncode == 0 and "\x1b" not in listed.stdout + listed.stderr
    assert "A story from the cache" in listed.stdout


@pytest.mark.parametrize("damage", ["bidi override in explore", "explore not text", "entry is 5", "file is junk"])
def test_damaged_cached_links_are_read_from_the_file_again(tmp_path: Path, damage: str) -> None:
    """The Related and Explore headlines kept beside the cache are checked like the rest."""
    folder = tmp_path / "lib"
    page(folder, "a.txt", "A story from the cache")
    linking = PAGE.format(title="A story that links") + "\nSOURCE:Sample\nExplore\nA story from the cache\n"
    (folder / "b.txt").write_text(linking, encoding="utf-8")
    cache_file = tmp_path / "cache" / "parse-cache.json"
    load_library([folder], cache=ParseCache(cache_file))
    links_file = links_path(cache_file)
    data = orjson.loads(links_file.read_bytes())
    row = next(n for n, path in enumerate(data["paths"]) if path.endswith("b.txt"))
    assert data["explore"][row] == "A story from the cache"
    if damage == "bidi override in explore":
        data["explore"][row] = "\u202eevil"
    elif damage == "explore not text":
        data["explore"][row] = ["A story from the cache"]
    elif damage == "entry is 5":
        for column in data.values():
            if isinstance(column, list):
                column[row] = 5
    links_file.write_bytes(b"{junk" if damage == "file is junk" else orjson.dumps(data))
    library = load_library([folder], cache=ParseCache(cache_file))
    target = next(a for a in library.articles if a.title == "A story from the cache")
    assert all(a.partial and not a.explore for a in library.articles)  # from the cache: list data only
    assert [a.title for a in library.backlinks(target.id)] == ["A story that links"]


def test_the_cache_holds_only_what_the_list_needs(tmp_path: Path) -> None:
    """Issue 9: the file read at every start is small; links live in a second file read on demand."""
    _folder, cache_file, data = cached(tmp_path)
    row = [data[name][0] for name in ("ids", "titles", "sections", "published", "minutes")]
    assert row == ["2025-05-01-a-story-from-the-cache", "A story from the cache", "WORLD", "2025-05-01", None]
    assert not {"body", "dek", "explore", "related", "authors"} & set(data)
    assert links_path(cache_file).exists()


def test_a_cache_that_cannot_be_renamed_into_place_leaves_no_temp_file(tmp_path: Path) -> None:
    """Item 10: the cache path is a folder (rename fails): no ``.tmp`` file is left, run after run."""
    folder = tmp_path / "lib"
    page(folder, "s.txt", "A story that will not be cached")
    cache_file = tmp_path / "cache" / "parse-cache.json"
    cache_file.mkdir(parents=True)
    for _ in range(3):
        library = load_library([folder], cache=ParseCache(cache_file))
        assert len(library) == 1
    assert sorted(p.name for p in cache_file.parent.iterdir()) == ["parse-cache.json"]


def test_stale_temp_files_of_killed_runs_are_removed_at_start(tmp_path: Path) -> None:
    """Item 10: temp files of processes that are gone are removed; a live writer's is kept."""
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = cache_dir / f".parse-cache.json.{child.pid}.k1ll3d.tmp"
    legacy = cache_dir / f".parse-cache.json.{child.pid}.tmp"
    live = cache_dir / f".parse-cache.json.{os.getppid()}.w0rk1ng.tmp"
    other = cache_dir / "notes.tmp"
    for path in (dead, legacy, live, other):
        path.write_bytes(b"x" * 100)
    ParseCache(cache_dir / "parse-cache.json")
    assert sorted(p.name for p in cache_dir.iterdir()) == sorted([live.name, other.name])


# -- item 17: unreadable folders are reported ------------------------------------------------


def test_an_unreadable_subfolder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 17: a subfolder whose listing fails (permission denied) is a problem, the rest loads."""
    folder = tmp_path / "lib"
    page(folder, "a.txt", "A story in a readable folder")
    page(folder / "private", "b.txt", "A story nobody can list")
    real = os.scandir
    blocked = str(folder / "private")

    def scandir(path: str) -> object:
        if os.fspath(path) == blocked:
            raise PermissionError(13, "Permission denied", blocked)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    library = load_library([folder])
    assert [a.title for a in library.articles] == ["A story in a readable folder"]
    assert [str(p) for p in library.problems] == [f"{blocked}: folder skipped: permission denied"]


# -- item 2: problems are safe to print -------------------------------------------------------


def test_a_problem_prints_without_escape_sequences() -> None:
    """Item 2: ``str(Problem)`` removes escape sequences and line breaks from the path and the reason."""
    problem = Problem(Path("/lib/\x1b]0;title\x07a\x1b[2J\nb.txt"), "bad\x1b]52;c;eA==\x07 file\r\nreally")
    text = str(problem)
    assert text == "/lib/a b.txt: bad file really"


def test_the_new_domain_modules_do_not_import_textual() -> None:
    """Architecture: ``reader.files`` and ``reader.cache`` are domain modules, free of Textual."""
    code = "import sys, reader.files, reader.cache, reader.importer\nprint(any(m.startswith('textual') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "False"


def test_a_file_name_that_is_not_utf8_is_loaded_but_not_cached(tmp_path: Path) -> None:
    """Item 10: a path JSON cannot hold does not break the cache (it used to fail every command)."""
    folder = tmp_path / "lib"
    page(folder, "good.txt", "A story with a plain name")
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "wb") as file:
        file.write(PAGE.format(title="A story with a name that is not UTF-8").encode())
    cache_file = tmp_path / "cache" / "parse-cache.json"
    for _ in range(2):
        library = load_library([folder], cache=ParseCache(cache_file))
        assert len(library) == 2 and library.problems == []
    stamp = cache_file.stat().st_mtime_ns
    os.utime(cache_file, ns=(1, 1))
    load_library([folder], cache=ParseCache(cache_file))
    assert cache_file.stat().st_mtime_ns == 1 != stamp  # nothing changed: not rewritten
    assert len(ParseCache(cache_file).entries) == 1
