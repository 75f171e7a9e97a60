"""Who digests and writes a refresh's feeds: the refresh itself, or helper processes for a big one. No Textual.

A small refresh parses each feed and builds its stories on its event loop and
writes them in a thread. A thread that writes files gets the GIL back only
after the loop's next switch interval once every system call, so while the loop
is busy it writes almost nothing. From :data:`PROCESS_FROM` stories on (or
from the start, for many feeds never fetched before), :data:`HELPERS` helper
processes (one a core, started once per refresh, importing little) take each
fetched feed's bytes whole: they parse it, build its stories and write them
(:mod:`reader.feeds.digest`), beside the loop, which then only fetches. A feed
whose items want their article pages comes back parsed: the loop fetches the
pages, builds the stories and hands them to a helper to write.

A helper reads requests on its stdin and answers on its stdout, each a
length-prefixed pickle between this module and itself. One feed goes to one
helper, so two helpers never write one folder at once (and the folder lock
covers two refreshes). If a helper dies, the feeds it had not answered are done
by the refresh itself (parsed on the loop, written by the thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import pickle
import signal
import sys
import threading
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from reader.feeds.cores import cores
from reader.feeds.digest import Digested, FeedJob, stage
from reader.feeds.stories import NewStory, Staged, read_index, stage_stories, write_stories

#: Stories in one refresh from which the helper process is worth starting (it costs about 0.1 s of CPU).
PROCESS_FROM = 500
#: Items a feed never fetched before is counted on bringing (all new): from PROCESS_FROM of them, the helper
#: starts with the refresh, ready when the first stories are, rather than once the loop is busiest.
NEW_FEED_ITEMS = 20
#: Helper processes at most (one a core): each digests and writes whole feeds, so two share the parsing and
#: building; file creation itself does not speed up with more writers (one disk, one file system).
HELPERS = 2
#: Threads of a helper that publish new feed folders (each waits on two fsyncs).
PUBLISHERS = 2
_HEAD = 8
_START = "import sys; sys.path.insert(0, sys.argv[1]); from reader.feeds.writer import serve; serve()"

Counts = tuple[int, int]


class _Lost(Exception):
    """A helper process is gone; its unanswered requests are done here."""


class _Helper:
    """One helper process and the requests it has not answered yet."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.waiting: dict[int, asyncio.Future[Any]] = {}
        self.failed = False
        self.answers: asyncio.Future[None] = asyncio.ensure_future(self._read_answers())

    async def ask(self, number: int, request: tuple[Any, ...]) -> Any:
        """Send one request; its answer (raises the helper's error, or :class:`_Lost`)."""
        stdin = self.proc.stdin
        assert stdin is not None
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting[number] = future
        try:
            stdin.write(len(data).to_bytes(_HEAD, "little") + data)
            await stdin.drain()
        except (OSError, RuntimeError):  # a closed pipe: the helper died
            self.lose()
        return await future

    async def _read_answers(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                size = int.from_bytes(await stdout.readexactly(_HEAD), "little")
                number, ok, value = pickle.loads(await stdout.readexactly(size))
                future = self.waiting.pop(number, None)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value if isinstance(value, BaseException) else OSError(str(value)))
        except (asyncio.IncompleteReadError, OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError):
            self.lose()

    def lose(self) -> None:
        """The helper is gone: every waiting request is done by the refresh itself."""
        self.failed = True
        waiting, self.waiting = self.waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(_Lost())

    async def close(self) -> None:
        """Let the helper finish its requests and exit."""
        stdin = self.proc.stdin
        if stdin is not None:
            stdin.close()
            with contextlib.suppress(OSError, RuntimeError):
                await stdin.wait_closed()
        await self.proc.wait()
        await self.answers
        self.lose()


class Writer:
    """Writes each feed's stories for one refresh: in a thread, or in helper processes once there are many.

    The helpers also digest whole feeds (:meth:`digest`): parse, build and write, off the refresh's loop.
    """

    def __init__(self, process_from: int | None = None, processes: int | None = None) -> None:
        self.process_from = PROCESS_FROM if process_from is None else process_from
        self.processes = max(1, min(HELPERS, cores()) if processes is None else processes)
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="reader-disk")
        self.stories = 0
        self.helpers: list[_Helper] = []
        self.starting: asyncio.Future[None] | None = None
        self.count = 0
        self.answered = 0  #: requests the helpers did (tests and benchmarks read it)
        #: feed folders whose digest request a helper took with it when it died (it may have written them first)
        self.lost: set[str] = set()

    def expect(self, new_feeds: int) -> None:
        """Start the helpers now if ``new_feeds`` feeds never fetched before will likely bring enough stories.

        Called at the refresh's start (on its loop): the helpers' start-up then overlaps the first fetches,
        and every feed goes to them, none is parsed on the loop nor written by the thread that competes
        with the loop for the GIL.
        """
        if self.starting is None and new_feeds * NEW_FEED_ITEMS >= self.process_from:
            self.starting = asyncio.ensure_future(self._start())

    def _alive(self) -> list[_Helper]:
        return [helper for helper in self.helpers if not helper.failed]

    def keeps_up(self) -> bool:
        """True when a helper process writes the stories and has at most one request queued: then it has
        CPU to spare for what the loop would do for it (finding the stories' ids), and the loop has not."""
        return any(len(helper.waiting) <= 1 for helper in self._alive())

    async def digest(self, job: FeedJob) -> Digested | None:
        """Digest a fetched feed in a helper process (:func:`reader.feeds.digest.digest`); None when no helper
        runs (the refresh then parses the feed itself). Raises what digesting raises (FeedError, OSError)."""
        if self.starting is not None:
            await asyncio.shield(self.starting)
        if not self._alive():
            return None
        try:
            answer = await self._remote("digest", job)
        except _Lost:
            self.lost.add(job.folder)
            return None
        self.answered += 1
        assert isinstance(answer, Digested)
        return answer

    async def save(
        self,
        folder: Path,
        feed_id: str,
        feed_url: str,
        stories: list[NewStory],
        fetched: str,
        known: Collection[str] = (),
    ) -> Counts:
        """Write one feed's new and changed stories; return (new, updated). ``known``: the item keys the
        feed's index held when the stories were built (what is new among them)."""
        self.stories += len(stories)
        if self.starting is None and stories and self.stories >= self.process_from:
            self.starting = asyncio.ensure_future(self._start())  # once: feeds arrive here together
        if self.starting is not None:
            await asyncio.shield(self.starting)
        if self._alive():
            rows = [(s.key, s.digest, s.url, s.title, s.published, s.text, s.full_text, s.article_id) for s in stories]
            try:
                new, updated = await self._remote("write", (str(folder), feed_id, feed_url, rows, fetched))
            except _Lost:  # it may have written them before dying: then they are found written, counted below
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(self.thread, write_stories, folder, feed_id, feed_url, stories, fetched)
                return written_counts(folder, stories, known)
            else:
                self.answered += 1
                return int(new), int(updated)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.thread, write_stories, folder, feed_id, feed_url, stories, fetched)

    async def _start(self) -> None:
        import reader

        home = str(Path(reader.__file__).resolve().parent.parent)  # the helpers run this very reader
        for _ in range(self.processes):
            try:
                proc = await asyncio.create_subprocess_exec(
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
                return
            self.helpers.append(_Helper(proc))

    async def _remote(self, kind: str, payload: Any) -> Any:
        """Ask the least busy helper (each feed goes to one helper: two never write one folder at once)."""
        alive = self._alive()
        if not alive:
            raise _Lost
        helper = min(alive, key=lambda h: len(h.waiting))
        self.count += 1
        return await helper.ask(self.count, (kind, self.count, payload))

    async def close(self) -> None:
        """Let the helpers finish and exit, and stop the thread."""
        if self.starting is not None:
            await self.starting
        await asyncio.gather(*(helper.close() for helper in self.helpers))
        self.thread.shutdown(wait=True)


def written_counts(folder: Path, stories: list[NewStory], known: Collection[str]) -> Counts:
    """(new, updated) among ``stories`` as the feed's index now holds them (whoever wrote them: a helper
    that died before answering, or the refresh after it); ``known``: the keys the index held before."""
    index = read_index(folder)
    written = {s.key for s in stories if index.get(s.key, {}).get("digest") == s.digest}
    return len(written.difference(known)), len(written.intersection(known))


def counts_after_loss(folder: Path, existed: bool, counted: Counts) -> Counts | None:
    """(new, updated) of a feed whose digest request a dying helper took with it; None when they cannot be told.

    The refresh then parsed the feed and wrote what it found new or changed (``counted``). A helper
    writes a feed's stories all at once (its index last): either it wrote none, and the refresh all
    of them, or all, and the refresh found nothing to write. A folder that did not exist before
    (``existed``) holds only this refresh's stories; in an older one, which were new only the helper knew.
    """
    if counted != (0, 0):
        return counted
    if not existed:
        return len(read_index(folder)), 0
    return None


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
    """A helper process: do each request (digest a feed, or write stories) and answer, until stdin closes.

    A new feed folder is published (its index fsynced, then renamed into place) by a thread, while
    this one goes on with the next request: the fsyncs wait on the disk, not on the CPU.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the refresh, which then closes stdin
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by mistake goes where stderr goes, not into the answers
    lock = threading.Lock()

    def answer(number: int, ok: bool, value: Any) -> None:
        data = pickle.dumps((number, ok, value), protocol=pickle.HIGHEST_PROTOCOL)
        with lock:
            answers.write(len(data).to_bytes(_HEAD, "little") + data)
            answers.flush()

    def publish(number: int, done: Digested | None, staged: Staged) -> None:
        try:
            counts = staged.publish()
        except Exception as error:
            answer(number, False, _portable(error))
            return
        answer(number, True, counts if done is None else dataclasses.replace(done, new=counts[0], updated=counts[1]))

    with ThreadPoolExecutor(PUBLISHERS, thread_name_prefix="reader-publish") as publishers:
        while head := _read(requests, _HEAD):
            body = _read(requests, int.from_bytes(head, "little"))
            if not body:
                return
            kind, number, payload = pickle.loads(body)
            try:
                if kind == "digest":
                    done, staged = stage(payload)
                else:
                    folder, feed_id, feed_url, rows, fetched = payload
                    stories = [NewStory(*row) for row in rows]
                    done, staged = None, None
                    written = stage_stories(Path(folder), feed_id, feed_url, stories, fetched)
                    if isinstance(written, Staged):
                        staged = written
                    else:
                        answer(number, True, written)
                        continue
            except Exception as error:
                answer(number, False, _portable(error))
                continue
            if staged is None:
                answer(number, True, done)
            else:
                publishers.submit(publish, number, done, staged)
