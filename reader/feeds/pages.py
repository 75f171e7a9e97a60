"""Article pages of a refresh: fetched and extracted here, or in worker processes when there are many. No Textual.

A refresh with many pages to read starts worker processes (one a core, started
once per refresh by :mod:`reader.feeds.page_workers`). Each worker keeps its own
event loop and HTTP client (:class:`~reader.feeds.http.Fetcher`, same limits and
safety, its share of the connection limit) across calls, and is sent the page
URLs in batches: it fetches a batch concurrently and extracts each page, so
fetching and extracting pages use every core while the main process reads the
feeds and writes the stories. When this process ends, even killed, the workers
see their stdin end and stop.
"""

from __future__ import annotations

import asyncio
import dataclasses

from reader.feeds.cores import cores as _cores
from reader.feeds.extract import Content, extract_page
from reader.feeds.http import ACCEPT_PAGE, Fetcher, FetchError, Limits
from reader.feeds.page_workers import PageWorkers, WorkerGone

#: Article pages in one refresh from which worker processes are worth starting. Two workers cost about
#: 1 s of CPU to start (interpreter, trafilatura, httpx) and up to 3 s of wall on a loaded machine, about
#: what 400 pages cost to read here; measured on 2 cores, 1,000 pages took 5.3 s here and 8.8 s with workers.
POOL_FROM = 400
#: Pages sent to a worker at once, and how long (seconds) a partial batch waits for more.
BATCH = 16
BATCH_WAIT = 0.005
NO_TEXT = "no article text found on the page"

#: A page's article, or None and why not.
Result = tuple[Content | None, str | None]

_loop: asyncio.AbstractEventLoop | None = None
_fetcher: Fetcher | None = None


async def read_page(fetcher: Fetcher, url: str) -> Result:
    """Fetch one article page and extract it; a page that breaks the extractor is a page without text."""
    try:
        response = await fetcher.get(url, accept=ACCEPT_PAGE)
    except FetchError as error:
        return None, str(error)
    try:
        page = extract_page(response.body, response.url)
    except Exception:  # a hostile page must not cost the other pages
        page = None
    return page, None if page is not None else NO_TEXT


def read_pages(urls: list[str], limits: Limits) -> list[Result]:
    """In a worker: read several pages concurrently, on the worker's lasting loop and client."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
    return _loop.run_until_complete(_read_all(urls, limits))


async def _read_all(urls: list[str], limits: Limits) -> list[Result]:
    global _fetcher
    if _fetcher is None:
        _fetcher = Fetcher(limits)
    fetcher = _fetcher
    return list(await asyncio.gather(*(read_page(fetcher, url) for url in urls)))


_Batch = list[tuple[str, "asyncio.Future[Result]"]]


class Pages:
    """Reads article pages for one refresh: in this process, or batched to worker processes."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.pending = 0
        self.pool: PageWorkers | None = None
        self.workers = min(4, _cores())
        limits = fetcher.limits
        share = max(1, limits.connections // self.workers)
        self.worker_limits = dataclasses.replace(
            limits, connections=share, per_host=max(1, min(share, limits.per_host // self.workers))
        )
        self._batch: _Batch = []
        self._timer: asyncio.TimerHandle | None = None
        self._started = False
        self._running: set[asyncio.Future[list[Result]]] = set()

    def expect(self, pages: int) -> None:
        """Announce pages to read; start the workers when there are enough to pay for them."""
        self.pending += pages
        if not self._started and self.workers > 1 and self.pending >= POOL_FROM:
            self._started = True  # once: workers that broke are not started again
            try:
                self.pool = PageWorkers(self.workers, self.worker_limits)
            except (OSError, ValueError):
                self.pool = None  # the pages are read here

    async def __call__(self, url: str) -> Result:
        """The article at ``url``, or None and a one-line reason."""
        if self.pool is None:
            return await self._here(url)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        self._batch.append((url, future))
        if len(self._batch) >= BATCH:
            self._send()
        elif self._timer is None:
            self._timer = loop.call_later(BATCH_WAIT, self._send)
        return await future

    async def _here(self, url: str) -> Result:
        try:
            response = await self.fetcher.get(url, accept=ACCEPT_PAGE)
        except FetchError as error:
            return None, str(error)
        page = await asyncio.to_thread(extract_page, response.body, response.url)
        return page, None if page is not None else NO_TEXT

    def _send(self) -> None:
        """Hand the waiting pages to a worker (or, when the workers broke, read them here)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        pool = self.pool
        work = pool.read([url for url, _ in batch]) if pool is not None and pool.alive() else self._here_all(batch)
        done = asyncio.ensure_future(work)
        self._running.add(done)  # held until done (the loop holds tasks weakly)
        done.add_done_callback(self._running.discard)
        done.add_done_callback(lambda task: self._deliver(batch, task))

    async def _here_all(self, batch: _Batch) -> list[Result]:
        return list(await asyncio.gather(*(self._here(url) for url, _ in batch)))

    def _deliver(self, batch: _Batch, task: asyncio.Future[list[Result]]) -> None:
        """Give each waiting page its result; a batch lost with a broken pool is read here instead."""
        if task.cancelled():
            for _, future in batch:
                future.cancel()
            return
        error = task.exception()
        if isinstance(error, WorkerGone):
            retry = asyncio.ensure_future(self._here_all(batch))
            retry.add_done_callback(lambda again: self._deliver(batch, again))
            return
        results: list[Result] = task.result() if error is None else [(None, "page reader failed")] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    def close(self) -> None:
        """Stop the workers."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.pool is not None:
            self.pool.close()
            self.pool = None
