"""Worker processes that fetch and extract article pages for a big refresh. No Textual.

Each worker is ``python -P -c ...``: -P keeps the working folder off its
``sys.path``, so a refresh run in a folder holding an ``html.py`` or a
``pickle.py`` (a downloaded project, say) never imports them. multiprocessing's
spawn start could not promise that: its children, and its resource tracker,
import their first modules with the working folder first on ``sys.path``.

Requests (a batch of page URLs) and answers (their results, in order) are
length-prefixed pickles between :class:`PageWorkers` and :func:`serve`, on the
worker's stdin and stdout. A thread of the worker reads its stdin all along:
when the refresh's process ends, even killed, the worker sees its stdin end and
stops at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from reader.feeds.http import Limits

if TYPE_CHECKING:
    from reader.feeds.pages import Result

_HEAD = 8
_START = "import sys; sys.path.insert(0, sys.argv[1]); from reader.feeds.page_workers import serve; serve()"
#: Seconds a closing worker gets to exit before it is killed.
_EXIT_WITHIN = 5.0


class WorkerGone(Exception):
    """The worker died before it answered: its pages are read by the refresh itself."""


class _Worker:
    """One worker process, the batches it has not answered yet, and the thread reading its answers."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.waiting: dict[int, asyncio.Future[list[Result]]] = {}
        self.alive = True
        self.reader: threading.Thread | None = None


class PageWorkers:
    """``count`` worker processes reading pages with ``limits``; ``await workers.read(urls)`` on one event loop."""

    def __init__(self, count: int, limits: Limits) -> None:
        import reader

        self.limits = limits
        self.loop = asyncio.get_running_loop()
        self.count = 0
        home = str(Path(reader.__file__).resolve().parent.parent)  # the workers run this very reader
        self.workers: list[_Worker] = []
        try:
            for _ in range(count):
                process = subprocess.Popen(
                    [sys.executable, "-P", "-c", _START, home],  # -P: never a module from the working folder
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,  # never onto the app's screen
                )
                self.workers.append(_Worker(process))
        except (OSError, ValueError):
            self.close()
            raise
        for worker in self.workers:
            worker.reader = threading.Thread(target=self._answers, args=(worker,), name="page-answers", daemon=True)
            worker.reader.start()

    def alive(self) -> bool:
        """Is any worker still there."""
        return any(worker.alive for worker in self.workers)

    async def read(self, urls: list[str]) -> list[Result]:
        """The pages at ``urls``, read by the least busy worker. Raises :class:`WorkerGone`."""
        living = [worker for worker in self.workers if worker.alive]
        if not living:
            raise WorkerGone("no workers")
        worker = min(living, key=lambda w: len(w.waiting))
        self.count += 1
        number = self.count
        data = pickle.dumps((number, urls, self.limits), protocol=pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[list[Result]] = self.loop.create_future()
        worker.waiting[number] = future
        pipe = worker.process.stdin
        try:
            assert pipe is not None
            pipe.write(len(data).to_bytes(_HEAD, "little") + data)  # the worker's stdin is read all along
            pipe.flush()
        except (OSError, ValueError):
            self._lose(worker)
        return await future

    def _answers(self, worker: _Worker) -> None:
        """In a thread: hand each answer of ``worker`` to the loop; at its end, its unanswered batches fail."""
        pipe = worker.process.stdout
        assert pipe is not None
        with contextlib.suppress(Exception):
            while head := _read(pipe, _HEAD):
                body = _read(pipe, int.from_bytes(head, "little"))
                if not body:
                    break
                number, results = pickle.loads(body)
                self.loop.call_soon_threadsafe(self._deliver, worker, number, results)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
            self.loop.call_soon_threadsafe(self._lose, worker)

    def _deliver(self, worker: _Worker, number: int, results: list[Result]) -> None:
        future = worker.waiting.pop(number, None)
        if future is not None and not future.done():
            future.set_result(results)

    def _lose(self, worker: _Worker) -> None:
        worker.alive = False
        waiting, worker.waiting = worker.waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(WorkerGone("the page worker stopped"))

    def close(self) -> None:
        """Stop the workers (their stdin ends; one that lingers is killed); the batches they still had are cancelled."""
        for worker in self.workers:
            worker.alive = False
            waiting, worker.waiting = worker.waiting, {}
            for future in waiting.values():
                future.cancel()
            if worker.process.stdin is not None:
                with contextlib.suppress(OSError):
                    worker.process.stdin.close()
        for worker in self.workers:
            try:
                worker.process.wait(timeout=_EXIT_WITHIN)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            if worker.reader is not None:
                worker.reader.join(timeout=_EXIT_WITHIN)
            if worker.process.stdout is not None:
                with contextlib.suppress(OSError):
                    worker.process.stdout.close()


def _read(stream: IO[bytes], size: int) -> bytes:
    """Exactly ``size`` bytes, or ``b""`` at the end (a buffered stream's read waits for all of them)."""
    data = stream.read(size)
    return data if len(data) == size else b""


def serve() -> None:
    """The worker: read each batch of pages and answer, until stdin ends (then stop at once)."""
    from reader.feeds.pages import read_pages

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the refresh, which then closes stdin
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by mistake goes where stderr goes, not into the answers
    requests: queue.SimpleQueue[bytes] = queue.SimpleQueue()

    def listen() -> None:
        with contextlib.suppress(Exception):
            stdin = sys.stdin.buffer
            while head := _read(stdin, _HEAD):
                body = _read(stdin, int.from_bytes(head, "little"))
                if not body:
                    break
                requests.put(body)
        os._exit(0)  # the refresh ended (or its process died): nothing more is wanted

    threading.Thread(target=listen, name="page-requests", daemon=True).start()
    while True:
        number, urls, limits = pickle.loads(requests.get())
        results: Any
        try:
            results = read_pages(urls, limits)
        except Exception:  # a batch that breaks must not cost the others
            results = [(None, "page reader failed")] * len(urls)
        data = pickle.dumps((number, results), protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(len(data).to_bytes(_HEAD, "little") + data)
        answers.flush()
