"""Child processes that answer a stream of paths in order (first-start parsing, the search index). No Textual.

A child is ``python -P -m MODULE ARGS...`` (-P: never a module from the working folder): it reads
length-prefixed frames on stdin (a path each, written by :meth:`Child.feed`, or a chunk of paths each,
written by :meth:`Child.send`)
and answers each, in order, with a length-prefixed frame (after a status byte, for paths).
Children are started explicitly (never by re-importing the main module, as a spawned pool
would). A child whose parent dies (even SIGKILLed) stops too: these see their stdin end
and their answers fail to write; others hold a pipe only the parent writes to and call
:func:`exit_with_parent`.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO


class Child:
    """One ``python -m MODULE ARGS...`` process: paths in, framed answers out."""

    def __init__(self, module: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", module, *args],  # -P: never a module from the working folder
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.name = module
        self.feeder: threading.Thread | None = None

    def feed(self, paths: Sequence[str]) -> None:
        """Send the paths from a thread of its own (so neither pipe can fill up and block)."""

        def write() -> None:
            pipe = self.process.stdin
            assert pipe is not None
            with contextlib.suppress(OSError, ValueError):
                for path in paths:
                    data = path.encode("utf-8", "surrogateescape")
                    pipe.write(len(data).to_bytes(4, "big") + data)
                pipe.close()

        self.feeder = threading.Thread(target=write, name=f"{self.name}-feeder", daemon=True)
        self.feeder.start()

    def send(self, data: bytes) -> None:
        """Write one length-prefixed frame (for a child that answers frame by frame)."""
        pipe = self.process.stdin
        assert pipe is not None
        pipe.write(len(data).to_bytes(4, "big") + data)
        pipe.flush()

    def read_status(self) -> bytes:
        """The next answer's status byte; EOFError when the child is gone."""
        return self._read_exactly(1)

    def read_frame(self) -> bytes:
        """The next length-prefixed frame; EOFError when the child is gone."""
        return self._read_exactly(int.from_bytes(self._read_exactly(4), "big"))

    def _read_exactly(self, size: int) -> bytes:
        pipe: IO[bytes] | None = self.process.stdout
        assert pipe is not None
        data = pipe.read(size)
        if len(data) != size:
            raise EOFError(f"the {self.name} process stopped")
        return data

    def kill(self) -> None:
        """Stop the child (a thread blocked reading its answers then gets EOFError)."""
        if self.process.poll() is None:
            self.process.kill()

    def close(self) -> None:
        """Stop the child and its feeder thread."""
        self.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        if self.feeder is not None:
            self.feeder.join(timeout=5)


def exit_with_parent(gone: Callable[[], object] | None = None) -> ParentGuard:
    """In a child process: end it (status 1) as soon as its parent is gone, whatever the child is
    doing. ``gone`` blocks until then: it returns or raises when a pipe only the parent writes to
    reaches its end (by default the child's stdin, read and dropped). Returns a guard to hold around
    work that must not be cut short (writing a file): the exit waits for it, and work entered after
    the parent is gone never starts, even before the watching thread has run."""
    guard = ParentGuard(watch_stdin=gone is None)

    def watch() -> None:
        with contextlib.suppress(Exception):
            (gone or _stdin_ends)()
        with guard.lock:
            os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    return guard


class ParentGuard:
    """Held around work a child must finish once begun, and must not begin once its parent is gone."""

    def __init__(self, *, watch_stdin: bool) -> None:
        self.lock = threading.Lock()
        self.parent = os.getppid()
        self.watch_stdin = watch_stdin

    def __enter__(self) -> None:
        self.lock.acquire()
        if os.getppid() != self.parent or self._stdin_ended():  # the watcher may not have run yet
            os._exit(1)

    def _stdin_ended(self) -> bool:
        """Has stdin, which only the parent holds and never writes to, reached its end (the parent is gone)?
        (The parent may have died before this process recorded who its parent was.)"""
        if not self.watch_stdin:
            return False
        try:
            readable, _, _ = select.select([0], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(readable)

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def _stdin_ends() -> None:
    """Read this process's stdin (dropping what comes) until its end."""
    while os.read(0, 4096):
        pass
