"""The store: persistence, durability under SIGKILL, concurrent writers, bad state files."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from reader.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent


def test_marks_and_bookmarks_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = Store(path)
    assert store.set_read("a") is True
    assert store.set_read("a") is False  # already read: nothing changes
    store.set_bookmark("b", title="Bee story", section="WORLD", published="2025-01-02")
    store.set_last_opened("b")
    again = Store(path)
    assert again.is_read("a") and not again.is_read("b")
    assert [m.title for m in again.bookmarks] == ["Bee story"]
    assert again.last_opened == "b"
    again.set_read("a", False)
    again.set_bookmark("b", False)
    third = Store(path)
    assert not third.is_read("a") and third.bookmarks == []


def test_the_file_is_a_tinydb_database_holding_only_non_default_state(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = Store(path)
    for n in range(50):
        store.set_read(f"x{n}")
    for n in range(0, 50, 2):
        store.set_read(f"x{n}", False)
    store.storage.compact()  # type: ignore[union-attr]
    tables = orjson.loads(path.read_bytes())
    assert sorted(doc["id"] for doc in tables["reads"].values()) == sorted(f"x{n}" for n in range(1, 50, 2))


def test_memory_store_for_tests_needs_no_file(tmp_path: Path) -> None:
    store = Store(None)
    store.set_read("a")
    store.set_bookmark("a", title="A")
    assert store.is_read("a") and store.is_bookmarked("a")
    assert list(tmp_path.iterdir()) == []


def test_a_second_instance_sees_changes_of_the_first(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first, second = Store(path), Store(path)
    first.set_read("a")
    second.set_read("b")  # must merge, not overwrite "a"
    first.refresh()
    assert first.is_read("b")
    assert Store(path).read_marks.keys() == {"a", "b"}


def _writer(state: Path, prefix: str, count: int, compact: int = 50) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.writer", str(state), prefix, str(count), str(compact)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_sigkill_at_random_moments_never_loses_an_acknowledged_change(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    rng = random.Random(1234)
    acked: list[str] = []
    for round_ in range(25):
        process = _writer(state, f"r{round_}", 10_000, compact=rng.choice([5, 20, 2000]))
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        deadline = time.monotonic() + rng.uniform(0.15, 0.6)
        while time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        os.set_blocking(process.stdout.fileno(), True)
        lines = process.stdout.read().splitlines()
        acked += [line.split()[1] for line in lines if line.startswith("ack ") and line.endswith(tuple("0123456789"))]
        store = Store(state)  # must always load
        assert store.notices == []
        missing = [name for name in acked if not store.is_read(name)]
        assert missing == [], f"round {round_}: lost {missing[:5]}"
        bookmarked = [n for n in acked if int(n.split("-")[1]) % 3 == 0]
        assert all(store.is_bookmarked(n) for n in bookmarked)
    assert len(acked) > 200  # the writers really did work between kills


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    writers = [_writer(state, "left", 300, compact=40), _writer(state, "right", 300, compact=40)]
    for process in writers:
        assert process.wait(timeout=120) == 0
    store = Store(state)
    assert {f"left-{n}" for n in range(300)} | {f"right-{n}" for n in range(300)} == set(store.read_marks)
    assert len(store.bookmarks) == 200


@pytest.mark.parametrize(
    "content",
    [b'{"reads": {"1": {"id": "a"', b"not json at all", b'["a list"]', b'{"reads": 5}', b"\x00\x01\x02"],
    ids=["truncated", "not-json", "list", "wrong-shape", "binary"],
)
def test_a_corrupt_state_file_is_moved_aside_and_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    store = Store(path)
    assert len(store.notices) == 1 and "moved it to state.json.corrupt-" in store.notices[0]
    assert store.read_marks == {}
    asides = list(tmp_path.glob("state.json.corrupt-*"))
    assert len(asides) == 1 and asides[0].read_bytes() == content
    store.set_read("fresh")
    assert Store(path).is_read("fresh")


def test_a_damaged_journal_line_keeps_every_other_mark(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = Store(path)
    store.set_read("a")
    store.set_read("b")
    with path.open("ab") as handle:
        handle.write(b"{garbage}\n")
    with path.open("ab") as handle:
        handle.write(orjson.dumps({"t": "reads", "c": {"7": {"id": "d", "at": "x"}}}) + b"\n")
    reopened = Store(path)
    assert {"a", "b", "d"} <= set(reopened.read_marks)
    assert any("damaged" in n for n in reopened.notices)


def test_torn_last_line_from_a_killed_writer_is_ignored_then_cut(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    Store(path).set_read("a")
    with path.open("ab") as handle:
        handle.write(b'{"t":"reads","c":{"9":{"id":"half')
    store = Store(path)
    assert store.notices == [] and set(store.read_marks) == {"a"}
    store.set_read("b")
    assert set(Store(path).read_marks) == {"a", "b"}


def test_read_only_folder_gives_a_clear_error_and_keeps_state_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ro"
    store = Store(folder / "state.json")
    real_open = os.open

    def read_only(path: str | Path, flags: int, *args: int) -> int:
        if str(path).startswith(str(folder)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)  # root ignores chmod, so the refusal is simulated
    with pytest.raises(StoreError, match=r"cannot save state .*Permission denied"):
        store.set_read("a")
    assert store.is_read("a") and store.unsaved
    monkeypatch.setattr(os, "open", real_open)
    store.set_read("b")
    assert set(Store(folder / "state.json").read_marks) == {"a", "b"}


def test_full_disk_gives_a_clear_error_and_keeps_state_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    store = Store(path)
    store.set_read("a")
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreError, match="No space left on device"):
        store.set_read("b")
    assert store.is_read("b") and store.unsaved
    assert set(Store(path).read_marks) == {"a"}  # the file still holds what was saved
    monkeypatch.setattr(os, "write", real_write)
    store.set_read("c")  # the next change saves the pending one too
    assert set(Store(path).read_marks) == {"a", "b", "c"}
