"""Who writes a refresh's story files: a thread here, or a helper process for a big refresh. No Textual.

A refresh builds stories on its event loop and hands each feed's stories to
:class:`Writer`. A thread that writes files gets the GIL back only after the
loop's next switch interval once every system call, so while the loop is
busy it writes almost nothing: the writes wait until the loop is idle. From
:data:`PROCESS_FROM` stories on, a helper process (started once per refresh,
importing little) writes them instead, beside the loop on another core.

The helper reads requests on its stdin and answers on its stdout, each a
length-prefixed pickle between this module and itself. If it dies, the
feeds it had not answered are written by the thread, as are later ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from reader.feeds.stories import NewStory, write_stories

#: Stories in one refresh from which the helper process is worth starting (it costs about 0.1 s of CPU).
PROCESS_FROM = 500
#: Items a feed never fetched before is counted on bringing (all new): from PROCESS_FROM of them, the helper
#: starts with the refresh, ready when the first stories are, rather than once the loop is busiest.
NEW_FEED_ITEMS = 20
_HEAD = 8
_START = "import sys; sys.path.insert(0, sys.argv[1]); from reader.feeds.writer import serve; serve()"

Counts = tuple[int, int]


class _Lost(Exception):
    """The helper process is gone; its unanswered requests are written here."""


class Writer:
    """Writes each feed's stories for one refresh: in a thread, or in a helper process once there are many."""

    def __init__(self, process_from: int | None = None) -> None:
        self.process_from = PROCESS_FROM if process_from is None else process_from
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="reader-disk")
        self.stories = 0
        self.proc: asyncio.subprocess.Process | None = None
        self.failed = False
        self.waiting: dict[int, asyncio.Future[Counts]] = {}
        self.answers: asyncio.Future[None] | None = None
        self.starting: asyncio.Future[None] | None = None
        self.count = 0

    def expect(self, new_feeds: int) -> None:
        """Start the helper now if ``new_feeds`` feeds never fetched before will likely bring enough stories.

        Called at the refresh's start (on its loop): the helper's start-up then overlaps the first fetches,
        and every story goes to it, none to the thread that competes with the loop for the GIL.
        """
        if self.starting is None and new_feeds * NEW_FEED_ITEMS >= self.process_from:
            self.starting = asyncio.ensure_future(self._start())

    def keeps_up(self) -> bool:
        """True when the helper process writes the stories and has at most one feed queued: then it has
        CPU to spare for what the loop would do for it (finding the stories' ids), and the loop has not."""
        return self.proc is not None and not self.failed and len(self.waiting) <= 1

    async def save(self, folder: Path, feed_id: str, feed_url: str, stories: list[NewStory], fetched: str) -> Counts:
        """Write one feed's new and changed stories; return (new, updated)."""
        self.stories += len(stories)
        if self.starting is None and stories and self.stories >= self.process_from:
            self.starting = asyncio.ensure_future(self._start())  # once: feeds arrive here together
        if self.starting is not None:
            await asyncio.shield(self.starting)
        if self.proc is not None and not self.failed:
            try:
                return await self._remote(folder, feed_id, feed_url, stories, fetched)
            except _Lost:
                pass
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.thread, write_stories, folder, feed_id, feed_url, stories, fetched)

    async def _start(self) -> None:
        import reader

        home = str(Path(reader.__file__).resolve().parent.parent)  # the helper runs this very reader
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-P",  # never a module from the working folder (a downloaded project holding a pickle.py, say)
                "-c",
                _START,
                home,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,  # never onto the app's screen
            )
        except (OSError, ValueError, RuntimeError):
            self.failed = True
            return
        self.answers = asyncio.ensure_future(self._read_answers())

    async def _remote(self, folder: Path, feed_id: str, feed_url: str, stories: list[NewStory], fetched: str) -> Counts:
        proc = self.proc
        assert proc is not None and proc.stdin is not None
        self.count += 1
        number = self.count
        rows = [(s.key, s.digest, s.url, s.title, s.published, s.text, s.full_text, s.article_id) for s in stories]
        data = pickle.dumps((number, str(folder), feed_id, feed_url, rows, fetched), protocol=pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[Counts] = asyncio.get_running_loop().create_future()
        self.waiting[number] = future
        try:
            proc.stdin.write(len(data).to_bytes(_HEAD, "little") + data)
            await proc.stdin.drain()
        except (OSError, RuntimeError):  # a closed pipe: the helper died
            self._lose()
        return await future

    async def _read_answers(self) -> None:
        proc = self.proc
        assert proc is not None and proc.stdout is not None
        try:
            while True:
                size = int.from_bytes(await proc.stdout.readexactly(_HEAD), "little")
                number, ok, value = pickle.loads(await proc.stdout.readexactly(size))
                future = self.waiting.pop(number, None)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result((int(value[0]), int(value[1])))
                else:
                    future.set_exception(value if isinstance(value, BaseException) else OSError(str(value)))
        except (asyncio.IncompleteReadError, OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
            self._lose()

    def _lose(self) -> None:
        """The helper is gone: every waiting feed is written by the thread."""
        self.failed = True
        waiting, self.waiting = self.waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(_Lost())

    async def close(self) -> None:
        """Let the helper finish and exit, and stop the thread."""
        if self.starting is not None:
            await self.starting
        proc = self.proc
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
                with contextlib.suppress(OSError, RuntimeError):
                    await proc.stdin.wait_closed()
            await proc.wait()
            if self.answers is not None:
                await self.answers
            self._lose()
        self.thread.shutdown(wait=True)


def _read(stream: BinaryIO, size: int) -> bytes:
    parts = []
    while size:
        part = stream.read(size)
        if not part:
            return b""
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _portable(error: Exception) -> Any:
    """The error itself when it survives pickling, else its one line."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return f"{type(error).__name__}: {error}"
    return error


def serve() -> None:
    """The helper process: write each request's stories and answer, until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the refresh, which then closes stdin
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by mistake goes where stderr goes, not into the answers
    while head := _read(requests, _HEAD):
        body = _read(requests, int.from_bytes(head, "little"))
        if not body:
            return
        number, folder, feed_id, feed_url, rows, fetched = pickle.loads(body)
        try:
            stories = [NewStory(*row) for row in rows]
            answer = (number, True, write_stories(Path(folder), feed_id, feed_url, stories, fetched))
        except Exception as error:
            answer = (number, False, _portable(error))
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(len(data).to_bytes(_HEAD, "little") + data)
        answers.flush()
