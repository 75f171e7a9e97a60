"""The store under hostile faults (issue 7): files from elsewhere, odd files, a stuck lock,
damage found while running, wrong types, racing repairs, leftovers of killed writers.

Each test's docstring names the issue 7 item (the class of fault) it covers.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from reader.cli import main
from reader.journal import JournalStorage
from reader.paths import state_file
from reader.store import Store, StoreError, doc_id

ROOT = Path(__file__).resolve().parent.parent
NATO = "2024-11-23-nato-chief-meets-us-president-elect-trump-to-discuss-security-challenges"


def key(article_id: str) -> str:
    """The document id the store gives an article."""
    return str(doc_id(article_id))


def asides(folder: Path) -> list[Path]:
    """The damaged files set aside in ``folder``."""
    return sorted(folder.glob("state.json.corrupt-*"))


def run_python(code: str, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (bounded: a hang fails the test, never blocks it)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


# -- item 3: files from stock TinyDB, empty files, no final newline ------------------------------


def stock_default(path: Path) -> None:
    db = TinyDB(path)
    db.insert({"note": "kept from the default table"})
    db.table("reads").insert({"id": "keep-me", "at": "2024-01-01T00:00:00Z"})
    db.close()


def stock_indented(path: Path) -> None:
    db = TinyDB(path, indent=4)
    db.table("reads").insert({"id": "keep-me", "at": "2024-01-01T00:00:00Z"})
    db.table("bookmarks").insert({"id": "old-mark", "title": "Old", "at": "2024-01-01T00:00:00Z"})
    db.close()


def no_newline(path: Path) -> None:
    path.write_bytes(b'{"reads":{"1":{"id":"keep-me","at":"x"}}}')


@pytest.mark.parametrize("write", [stock_default, stock_indented, no_newline], ids=["stock", "indented", "printf"])
def test_a_stock_tinydb_file_is_migrated_and_a_change_to_it_is_kept(tmp_path: Path, write: object) -> None:
    """Item 3: a file written by stock TinyDB (or without a final newline) is read and migrated,
    and a change acknowledged on it reads back, with the old marks, from a fresh store."""
    path = tmp_path / "state.json"
    write(path)  # type: ignore[operator]
    store = Store(path)
    assert store.notices == [] and store.is_read("keep-me")
    store.set_bookmark("new-mark", title="New")
    again = Store(path)
    assert again.notices == [] and asides(tmp_path) == []
    assert again.is_read("keep-me") and again.is_bookmarked("new-mark")
    again.set_read("keep-me", False)  # a migrated record can be changed like any other
    third = Store(path)
    assert not third.is_read("keep-me") and third.is_bookmarked("new-mark")
    if write is stock_indented:
        assert [m.title for m in third.bookmarks if m.id == "old-mark"] == ["Old"]
    if write is stock_default:
        assert orjson.loads(path.read_bytes().splitlines()[0])["_default"] == {
            "1": {"note": "kept from the default table"}
        }


def test_an_empty_state_file_takes_a_change(tmp_path: Path) -> None:
    """Item 3: an empty state file (stock TinyDB creates one on open) is a valid empty state."""
    path = tmp_path / "state.json"
    TinyDB(path).close()
    assert path.read_bytes() == b""
    Store(path).set_read("a")
    again = Store(path)
    assert again.notices == [] and again.is_read("a")


def test_reader_bookmark_on_a_file_without_final_newline_keeps_both(capsys: pytest.CaptureFixture[str]) -> None:
    """Item 3, as reported: printf '{...}' > state.json; reader bookmark ID."""
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"reads":{"1":{"id":"keep-me","at":"x"}}}')
    assert main(["bookmark", NATO]) == 0
    assert main(["list", "--json", "--bookmarked"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and [orjson.loads(line)["id"] for line in out.splitlines()] == [NATO]
    store = Store(path)
    assert store.notices == [] and store.is_read("keep-me") and store.is_bookmarked(NATO)
    assert asides(path.parent) == []


# -- item 4: only regular files are opened ----------------------------------------------------

PROBE = """
import sys
from pathlib import Path
from reader.store import Store, StoreError
store = Store(Path(sys.argv[1]), lock_timeout=1)
print("notices:", store.notices)
try:
    store.set_read("a")
except StoreError as error:
    print("error:", error)
print("kept:", store.is_read("a"), store.unsaved)
print("refresh:", store.refresh())
"""


@pytest.mark.parametrize("where", ["state", "lock"])
def test_a_fifo_at_the_state_or_lock_path_gives_an_error_not_a_hang(tmp_path: Path, where: str) -> None:
    """Item 4: a FIFO at the state file's path (or its lock's) is refused with a clear message."""
    path = tmp_path / "state.json"
    fifo = path if where == "state" else tmp_path / "state.json.lock"
    os.mkfifo(fifo)
    result = run_python(PROBE, str(path))  # a hang would raise TimeoutExpired
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "error: cannot save state to" in result.stdout and "not a regular file" in result.stdout
    assert "kept: True True" in result.stdout
    if where == "lock":
        assert "(state.json.lock)" in result.stdout
    else:
        assert "not a regular file" in result.stdout.splitlines()[0]  # told at start too
    assert fifo.exists() and not fifo.is_file()  # never replaced by a regular file


def test_a_folder_at_the_state_path_gives_an_error(tmp_path: Path) -> None:
    """Item 4: a folder at the state path is not read, written over or followed into."""
    path = tmp_path / "state.json"
    path.mkdir()
    store = Store(path)
    assert any("not a regular file" in n for n in store.notices)
    with pytest.raises(StoreError, match="not a regular file"):
        store.set_read("a")
    assert store.is_read("a") and store.unsaved and path.is_dir()


# -- item 7: the lock is waited for a bounded time ------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from reader.journal import JournalStorage
with JournalStorage(Path(sys.argv[1])).locked():
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def lock_holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process holding the state file's lock (killed at the end, whatever happens)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "state.json")], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready and process.stdout.readline().strip() == "locked"
        yield process
    finally:
        process.kill()
        process.wait()


def test_a_stuck_lock_holder_gives_a_clear_error_and_the_change_is_kept(
    tmp_path: Path, lock_holder: subprocess.Popen[str]
) -> None:
    """Item 7: a holder that never lets go: the change fails after a bounded wait, naming its PID,
    stays in memory (unsaved), and is saved once the lock is free."""
    path = tmp_path / "state.json"
    store = Store(path, lock_timeout=0.3)
    lock_holder.send_signal(signal.SIGSTOP)  # as in the report: a stopped reader
    with pytest.raises(StoreError, match=rf"^state file is locked by another reader \(PID {lock_holder.pid}\)"):
        store.set_bookmark("b", title="Bee")
    assert store.is_bookmarked("b") and store.unsaved
    assert Store(path).is_bookmarked("b") is False  # not acknowledged, so not claimed on disk
    lock_holder.kill()
    lock_holder.wait()
    store.flush()
    assert not store.unsaved and Store(path).is_bookmarked("b")


def test_a_one_shot_command_fails_cleanly_on_a_stuck_lock(
    lock_holder: subprocess.Popen[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items 7 and 18: `reader read` exits 1 with one line naming the holder, no false promise."""
    monkeypatch.setenv("READER_STATE_FILE", str(tmp_path / "state.json"))
    result = run_python(
        "import sys, reader.journal as j; j.LOCK_TIMEOUT = 0.3; from reader.cli import main; sys.exit(main(sys.argv[1:]))",
        "read",
        NATO,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"reader: state file is locked by another reader (PID {lock_holder.pid})"


# -- item 8: damage found while running -----------------------------------------------------------


def replace_with_junk(path: Path) -> None:
    junk = path.with_name("junk")
    junk.write_bytes(b"\x00junk, not a state file\n")
    os.replace(junk, path)


def overwrite_with_junk(path: Path) -> None:
    path.write_bytes(b"{junk")


def append_bad_record(path: Path) -> None:
    with path.open("ab") as handle:
        handle.write(orjson.dumps({"t": "reads", "c": {key("x"): {"id": ["x"], "at": 5}}}) + b"\n")


@pytest.mark.parametrize(
    "damage", [replace_with_junk, overwrite_with_junk, append_bad_record], ids=["replaced", "in-place", "bad-record"]
)
def test_a_state_file_damaged_while_running_is_set_aside_and_saved_again(tmp_path: Path, damage: object) -> None:
    """Item 8: the 2 s poll (refresh) never raises; the damage is handled as at start: file kept
    aside, the user told (new_notices), and the marks in memory saved to a fresh file."""
    path = tmp_path / "state.json"
    store = Store(path)
    store.set_read("a")
    store.set_bookmark("b", title="Bee")
    assert store.new_notices() == []
    damage(path)  # type: ignore[operator]
    assert store.refresh() is True
    fresh = store.new_notices()
    assert len(fresh) == 1 and "moved it to state.json.corrupt-" in fresh[0]
    assert store.is_read("a") and store.is_bookmarked("b")
    assert store.refresh() is False and store.new_notices() == []  # told once
    reopened = Store(path)
    assert reopened.notices == [] and reopened.is_read("a") and reopened.is_bookmarked("b")
    assert not reopened.is_read("x")
    assert len(asides(tmp_path)) == 1
    store.set_read("c")
    assert Store(path).read_marks.keys() == {"a", "c"}


def test_a_state_file_replaced_by_a_fifo_or_deleted_while_running_never_raises(tmp_path: Path) -> None:
    """Items 8 and 4: a FIFO put at the path while running: refresh reports it once, never
    hangs or raises; changes are kept in memory and saved once the path is a file again."""
    path = tmp_path / "state.json"
    store = Store(path)
    store.set_read("a")
    path.unlink()
    os.mkfifo(path)
    assert store.refresh() is True
    assert [n for n in store.new_notices() if "not a regular file" in n] != []
    assert store.refresh() is False and store.new_notices() == []
    assert store.is_read("a")
    with pytest.raises(StoreError, match="not a regular file"):
        store.set_read("b")
    assert store.unsaved
    path.unlink()  # the path is free again (as if deleted: a new file is started)
    store.refresh()
    store.set_read("c")
    assert not store.unsaved
    assert {"b", "c"} <= Store(path).read_marks.keys()


# -- item 9: wrong types in a well-formed file ---------------------------------------------------

GOOD_READ = {key("good"): {"id": "good", "at": "2024-01-01T00:00:00Z"}}
GOOD_MARK = {key("kept"): {"id": "kept", "title": "Kept", "section": None, "published": None, "at": "x"}}


@pytest.mark.parametrize(
    "tables",
    [
        {"reads": {**GOOD_READ, key("bad"): {"id": [1], "at": ""}}, "bookmarks": GOOD_MARK},
        {"reads": GOOD_READ, "bookmarks": {**GOOD_MARK, key("bad"): {"id": "bad", "title": "T", "at": 5}}},
        {"reads": GOOD_READ, "bookmarks": {**GOOD_MARK, key("bad"): {"id": "bad", "title": 12, "at": "x"}}},
        {"reads": GOOD_READ, "bookmarks": GOOD_MARK, "meta": [{"last_opened": "x"}]},
        {"reads": GOOD_READ, "bookmarks": GOOD_MARK, "meta": {"1": {"last_opened": 7}}},
        {"reads": {**GOOD_READ, "not-a-number": {"id": "bad", "at": "x"}}, "bookmarks": GOOD_MARK},
    ],
    ids=["id-list", "at-number", "title-number", "table-list", "last-opened-number", "bad-doc-id"],
)
def test_wrong_types_skip_the_record_and_keep_the_rest(
    tables: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 9: a record of the wrong type is skipped and reported (one notice, with a count);
    every other record is kept and every command works."""
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(tables) + b"\n")
    assert main(["list", "--json"]) == 0
    _, err = capsys.readouterr()
    assert "1 bad record" in err and "Traceback" not in err
    store = Store(path)  # the file was mended by the first command
    assert store.notices == []
    assert store.read_marks.keys() == {"good"} and [m.title for m in store.bookmarks] == ["Kept"]
    assert store.last_opened is None
    assert len(asides(path.parent)) == 1  # the original is kept


def test_several_bad_records_make_one_notice_with_a_count(tmp_path: Path) -> None:
    """Item 9: bad records are counted in a single notice."""
    path = tmp_path / "state.json"
    reads = {key(f"b{n}"): {"id": n, "at": ""} for n in range(5)} | GOOD_READ
    path.write_bytes(orjson.dumps({"reads": reads}) + b"\n")
    store = Store(path)
    assert len(store.notices) == 1 and "5 bad records" in store.notices[0]
    assert set(store.read_marks) == {"good"}


# -- item 13: several processes setting aside the same file ------------------------------------


def test_processes_starting_at_once_on_a_corrupt_file_all_succeed(tmp_path: Path) -> None:
    """Item 13: 20 rounds of 4 processes opening the same corrupt file at once: none crashes,
    one of them sets it aside, and every process's change is in the file after."""
    path = tmp_path / "state.json"
    failures: list[str] = []
    for round_ in range(20):
        path.write_bytes(b"\x00\x01 corrupt " + str(round_).encode())
        go_read, go_write = os.pipe()
        children = []
        for n in range(4):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - child
                code = 1
                try:
                    os.close(go_write)
                    os.read(go_read, 1)  # all start together
                    Store(path).set_read(f"r{round_}-p{n}")
                    code = 0
                finally:
                    os._exit(code)
            children.append(pid)
        os.close(go_read)
        os.close(go_write)  # releases all four at once
        for pid in children:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                failures.append(f"round {round_}: a process failed")
        store = Store(path)
        assert store.notices == []
        assert set(store.read_marks) == {f"r{round_}-p{n}" for n in range(4)}, f"round {round_}"
    assert failures == []
    assert len(asides(tmp_path)) == 20  # one copy a round, never more, never a lost one


# -- item 17: leftovers of a killed writer, a damaged snapshot line ---------------------------


def test_stale_temporary_files_are_removed_at_start(tmp_path: Path) -> None:
    """Item 17: temporary files of killed compactions (dead writer, or over a minute old) are
    removed at the next start; a live writer's fresh one and unrelated files are left alone."""
    path = tmp_path / "state.json"
    Store(path).set_read("a")
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".state.json.{int(ended.stdout)}.tmp"
    old = tmp_path / f".state.json.{os.getppid()}.tmp"
    busy = tmp_path / f".state.json.{os.getpid()}.tmp"
    other = tmp_path / ".other.json.1.tmp"
    for file in (dead, old, busy, other):
        file.write_bytes(b"partial")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    store = Store(path)
    assert not dead.exists() and not old.exists()
    assert busy.exists() and other.exists()
    assert store.is_read("a") and store.notices == []


def flip(path: Path, offset: int, bit: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << bit
    path.write_bytes(bytes(data))


def test_a_flipped_bit_in_the_snapshot_keeps_the_journal(tmp_path: Path) -> None:
    """Item 17: when only the snapshot line is damaged, the journal's records are kept, a copy
    of the damaged file is kept, and the user is told."""
    path = tmp_path / "state.json"
    store = Store(path)
    store.set_read("in-snapshot")
    store.storage.compact()
    store.set_read("in-journal")
    store.set_bookmark("marked", title="Marked")
    flip(path, 0, 0)  # "{" becomes "z": line 1 is no longer JSON
    damaged = path.read_bytes()
    again = Store(path)
    assert len(again.notices) == 1 and "first line" in again.notices[0]
    assert again.is_read("in-journal") and again.is_bookmarked("marked")
    assert again.is_read("in-snapshot")  # its records are still readable one by one
    assert [p.read_bytes() for p in asides(tmp_path)] == [damaged]
    assert Store(path).notices == []  # mended


def test_a_broken_record_in_the_snapshot_loses_only_that_record(tmp_path: Path) -> None:
    """Item 17: a flipped bit that breaks the snapshot's JSON costs the one record it hit."""
    path = tmp_path / "state.json"
    store = Store(path)
    names = [f"n{n}" for n in range(10)]
    for name in names:
        store.set_read(name)
        store.set_bookmark(name, title="Title {7}" if name == "n7" else f"Title {name}")
    store.storage.compact()
    data = path.read_bytes()
    hit = data.index(f'"{key("n4")}":'.encode()) + len(key("n4")) + 2
    flip(path, hit, 3)  # the ":" after one read mark's id becomes "2"
    again = Store(path)
    assert len(again.notices) == 1 and "first line was damaged" in again.notices[0]
    assert set(again.read_marks) == set(names) - {"n4"}
    assert set(again.bookmarks_by_id) == set(names)
    assert again.bookmarks_by_id["n7"].title == "Title {7}"


def test_a_flipped_high_bit_in_a_snapshot_string_keeps_every_record(tmp_path: Path) -> None:
    """Item 17: a flipped bit that only spoils one character keeps all the records."""
    path = tmp_path / "state.json"
    store = Store(path)
    for name in ("a", "b", "c"):
        store.set_read(name)
    store.storage.compact()
    offset = path.read_bytes().index(b"T")  # inside a timestamp
    flip(path, offset, 7)
    again = Store(path)
    assert len(again.notices) == 1 and "damaged characters" in again.notices[0]
    assert set(again.read_marks) == {"a", "b", "c"}


# -- item 18 and the one code path -----------------------------------------------------------------


def test_the_save_error_makes_no_promise_a_one_shot_command_cannot_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 18: the message says what failed; it does not claim the change is kept until reader closes."""
    store = Store(tmp_path / "state.json")

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreError) as caught:
        store.set_read("a")
    assert str(caught.value) == f"cannot save state to {tmp_path / 'state.json'}: No space left on device"


def test_a_memory_store_goes_through_the_journal_storage(tmp_path: Path) -> None:
    """Issue 8: Store(None) uses the same storage and code as a file-backed store."""
    store = Store(None)
    assert isinstance(store.storage, JournalStorage) and store.storage.in_memory
    store.set_read("a")
    store.set_bookmark("b", title="Bee")
    store.set_last_opened("b")
    store.set_read("a", False)
    assert store.read_marks == {} and list(store.bookmarks_by_id) == ["b"] and store.last_opened == "b"
    assert not store.unsaved and store.refresh() is False
    store.close()
    assert list(tmp_path.rglob("*.json*")) == []
