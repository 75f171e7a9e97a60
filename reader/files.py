"""Reading files that may be hostile: regular files only, never more than a limit. No Textual.

A FIFO, a device or a socket named like an article would block (or never end) when
read, so the kind of file is checked with ``stat`` before it is opened, it is opened
with ``O_NONBLOCK`` (opening a FIFO then cannot wait for a writer), and checked again
with ``fstat`` on the open descriptor (the path may have been swapped in between).
A file over the size limit is refused from its ``stat`` size, without reading it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reader.text import ParseError

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 20

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefused(ParseError):
    """A file that is not opened or not read to the end: not a regular file, or too large."""


def megabytes(size: int) -> str:
    """``5 MB``, ``50.0 MB``, ``0.2 MB``: a byte count for people (1 MB = 1,000,000 bytes)."""
    value = size / 1_000_000
    return f"{value:.0f} MB" if value.is_integer() else f"{value:.1f} MB"


def too_large(size: int, limit: int) -> FileRefused:
    """The refusal of a file of ``size`` bytes (``too large: 50.0 MB, the limit is 5 MB``)."""
    shown = f"{size / 1_000_000:.1f} MB"
    return FileRefused(f"too large: {shown}, the limit is {megabytes(limit)}")


def check_regular(st: os.stat_result, limit: int | None = None) -> None:
    """Raise :class:`FileRefused` unless ``st`` is a regular file within ``limit`` bytes."""
    mode = st.st_mode
    if not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise FileRefused("is a folder, not a file")
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise FileRefused(f"not a regular file ({kind})")
    if limit is not None and st.st_size > limit:
        raise too_large(st.st_size, limit)


def read_regular(path: str | Path, limit: int | None = None, st: os.stat_result | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    ``st`` is the file's ``os.stat`` result when the caller already took it (it is
    not taken twice). Raises :class:`FileRefused` for other kinds of file and files
    over the limit, and ``OSError`` when the file cannot be opened or read.
    """
    check_regular(os.stat(path) if st is None else st, limit)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        opened = os.fstat(fd)
        check_regular(opened, limit)
        cap = opened.st_size + 1 if limit is None else min(opened.st_size + 1, limit + 1)
        data = os.read(fd, max(cap, 1))
        if len(data) > opened.st_size or not data:  # grown since fstat, or a size-less file: read on
            parts = [data]
            total = len(data)
            while chunk := os.read(fd, _CHUNK):
                parts.append(chunk)
                total += len(chunk)
                if limit is not None and total > limit:
                    raise too_large(total, limit)
            data = b"".join(parts)
        if limit is not None and len(data) > limit:
            raise too_large(len(data), limit)
        return data
    finally:
        os.close(fd)


def describe_os_error(error: OSError) -> str:
    """A short reason for an ``OSError`` (no path: the caller shows that)."""
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or str(error)
