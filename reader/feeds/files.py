"""Atomic writes and inter-process locks for the feed files. No Textual."""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()
_PID = [os.getpid()]  #: this process's id, kept so a story write costs no getpid call; reset in a forked child


#: ``FS_IOC_GETFLAGS``, ``FS_IOC_SETFLAGS`` and ``FS_TOPDIR_FL`` (``chattr +T``) from linux/fs.h.
_GET_FLAGS, _SET_FLAGS, _TOPDIR = 0x80086601, 0x40086602, 0x00020000
_SPREAD: set[str] = set()  #: folders already marked by this process


def _forked() -> None:
    _PID[0] = os.getpid()


os.register_at_fork(after_in_child=_forked)


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` via a temp file and ``os.replace``: never a half file.

    ``durable`` also creates the folder and fsyncs the file and the folder (state files);
    story files skip that (their folder exists, they can be fetched again, and a
    refresh rewrites an empty one).
    """
    if durable:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{_PID[0]}.{threading.get_ident()}.tmp")
    try:
        # os.open, not open(): no buffer, no isatty and seek calls; this runs once per story written
        _write_fd(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666), data, durable)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if durable:
        sync_folder(path.parent)


def spread_subfolders(folder: Path) -> None:
    """Mark ``folder`` as the top of unrelated hierarchies (``chattr +T``), where the file system has that.

    ext4 then places each new subfolder (a feed's) in a block group of its own, as it does
    folders at the root of a disk, rather than beside ``folder``: near where other programs'
    files were just deleted, creating a file costs up to ten times the CPU (ext4 without a
    journal skips inodes freed less than about 30 s ago, one by one). A no-op elsewhere.
    """
    key = str(folder)
    if key in _SPREAD or not sys.platform.startswith("linux"):
        return
    _SPREAD.add(key)
    with contextlib.suppress(OSError):  # not ext4 (ENOTTY, EOPNOTSUPP), not ours (EPERM)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            (flags,) = struct.unpack("i", fcntl.ioctl(fd, _GET_FLAGS, bytes(4)))
            if not flags & _TOPDIR:
                fcntl.ioctl(fd, _SET_FLAGS, struct.pack("i", flags | _TOPDIR))
        finally:
            os.close(fd)


def sync_folder(folder: Path) -> None:
    """fsync a folder (its entries), where the system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_new(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Create ``path`` (which must not exist) holding ``data``: no temp file, no rename.

    Only for files in a folder nobody reads yet (a new feed folder filled under a
    hidden name, then renamed into place): a kill leaves at worst part of that
    hidden folder. ``durable`` fsyncs the file (on ext4 a new file's fsync also
    makes its folder entry durable).
    """
    _write_fd(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), data, durable)


def _write_fd(fd: int, data: bytes, durable: bool) -> None:
    """Write all of ``data`` to ``fd`` (fsynced when ``durable``), then close it."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically."""
    atomic_write(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))


def read_json(path: Path) -> Any:
    """Read JSON; a missing file is None. Raises ValueError for a damaged file."""
    from reader.files import read_regular

    try:
        data = read_regular(path)  # a FIFO or a device in its place is refused, not read forever
    except FileNotFoundError:
        return None
    return orjson.loads(data)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) across threads and processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = str(path.resolve())
    with _GUARD:
        thread_lock = _THREAD_LOCKS.setdefault(key, threading.Lock())
    with thread_lock:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
