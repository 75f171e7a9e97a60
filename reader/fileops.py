"""Careful file operations for the state file: only regular files are opened (never
blocking on a FIFO), locks are waited for a bounded time, copies never overwrite. No Textual.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class NotRegularFile(OSError):
    """A path that must be a regular file is something else (a FIFO, a folder, a device)."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))


class StateLocked(OSError):
    """Another process held the lock longer than we were willing to wait."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(errno.EWOULDBLOCK, f"locked by another reader (PID {pid or 'unknown'})", str(path))
        self.pid = pid


def open_regular(path: Path, flags: int) -> int | None:
    """A descriptor on ``path`` if it is a regular file (None if missing, unless creating).

    Checked before opening (a device is never opened) and after (no race), and opened
    without blocking, so a FIFO can never hang us.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise NotRegularFile(path)
    except FileNotFoundError:
        if not flags & os.O_CREAT:
            return None
    try:
        fd = os.open(path, flags | os.O_NONBLOCK, 0o600)
    except FileNotFoundError:
        if flags & os.O_CREAT:
            raise
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotRegularFile(path)
    return fd


def open_state(path: Path) -> tuple[int | None, bool]:
    """The state file opened for reading and, when allowed, writing."""
    try:
        return open_regular(path, os.O_RDWR), True
    except PermissionError:
        return open_regular(path, os.O_RDONLY), False


def lock_within(fd: int, path: Path, timeout: float) -> None:
    """Take an exclusive lock on ``fd``, waiting at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StateLocked(path, lock_holder(fd)) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.02)


def lock_holder(fd: int) -> int | None:
    """The PID the lock's holder wrote into the lock file, if any."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdecimal() else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_from(fd: int, offset: int) -> bytes:
    """Everything in the file behind ``fd`` from ``offset`` on."""
    chunks: list[bytes] = []
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def write_all(fd: int, data: bytes, offset: int) -> None:
    """Write all of ``data`` at ``offset``."""
    os.lseek(fd, offset, os.SEEK_SET)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def copy_new(source: Path, target: Path) -> None:
    """Copy ``source`` to a new file ``target`` (FileExistsError if it exists)."""
    fd = open_regular(source, os.O_RDONLY)
    if fd is None:
        raise FileNotFoundError(errno.ENOENT, "no such file", str(source))
    try:
        data = read_from(fd, 0)
    finally:
        os.close(fd)
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        write_all(out, data, 0)
        os.fsync(out)
    finally:
        os.close(out)


def fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
