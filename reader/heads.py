"""Parsing many files in child processes (a first start): each article back without its body. No Textual.

The files are cut into chunks of :data:`CHUNK`, handed to a :class:`HeadParser` as they
are found (the children start on the first ones while the rest are still being listed).
Each child is ``python -m reader.heads LIMIT``: it reads a chunk (one frame of
NUL-separated paths) and answers it with one frame, an orjson list holding for each file
its :data:`Stamp` (the ``stat`` it was read after, so the caller need not take one) and
either the reason it could not be read (a string) or its :data:`Row`. A thread per child
keeps it two chunks ahead; a child takes the next chunk as soon as it is done, so one
that gets less of the machine holds nothing up. The results are put back in the order
the chunks were added. Children are started explicitly (never by re-importing the main
module, as a spawned pool would).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import IO, Any

import orjson

from reader.children import Child
from reader.files import describe_os_error, read_regular
from reader.model import Article, Image
from reader.text import ParseError

__all__ = [
    "CHUNK",
    "Entry",
    "HeadParser",
    "Progress",
    "Row",
    "Stamp",
    "chunks_of",
    "parse_head",
    "parse_head_chunks",
    "parse_heads",
    "stamp_of",
]

Progress = Callable[[int, int], None]
#: What tells a file from the next one at its path: inode, size, mtime, ctime (``()``: it could not be looked at).
Stamp = tuple[int, int, int, int] | tuple[()]
#: A file's :data:`Stamp` as it was read, and its partial article or the reason it could not be read.
Entry = tuple[Stamp, Article | str]
#: What crosses the pipe for one article: everything but the body, in a compact tuple
#: (``id, title, section, published, read_minutes, dek, image, authors, source, related,
#: explore``; the image as ``(alt, caption, credit)`` or None).
Row = tuple[
    str,
    str,
    str | None,
    str | None,
    int | None,
    str | None,
    tuple[str | None, str | None, str | None] | None,
    tuple[str, ...],
    str | None,
    tuple[str, ...],
    tuple[str, ...],
]
#: Files a chunk holds at most (and its paths' bytes at most: two chunks always fit a pipe).
CHUNK = 64
CHUNK_BYTES = 8192
#: Chunks a child is sent ahead of its answers, so it never waits for the next one.
AHEAD = 2


def stamp_of(st: os.stat_result) -> Stamp:
    """The :data:`Stamp` of a ``stat`` result (its ctime changes with the file's permissions)."""
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def head_row(path: str, limit: int, st: os.stat_result | None = None) -> Row | str:
    """One file's :data:`Row`, or why it cannot be read (``st``: its ``stat``, when taken already)."""
    from reader.parse import parse  # once a process: not imported before the first paint

    try:
        data = read_regular(path, limit, st)
    except OSError as error:
        return describe_os_error(error)
    except ParseError as error:
        return str(error)
    try:
        article = parse(data, name=os.path.basename(path), body=False)
    except ParseError as error:
        return str(error)
    image = article.image
    return (
        article.id,
        article.title,
        article.section,
        article.published,
        article.read_minutes,
        article.dek,
        None if image is None else (image.alt, image.caption, image.credit),
        article.authors,
        article.source,
        article.related,
        article.explore,
    )


def _article(row: Sequence[Any]) -> Article:
    """The partial article (all but the body) of a row."""
    ident, title, section, published, minutes, dek, image, authors, source, related, explore = row
    picture = None if image is None else Image(*image)
    authors, related, explore = tuple(authors), tuple(related), tuple(explore)
    return Article(ident, title, section, minutes, dek, picture, authors, published, (), related, source, explore, True)


def parse_head(path: str, limit: int) -> Article | str:
    """One file's partial article (all but the body), or why it cannot be read."""
    row = head_row(path, limit)
    return row if isinstance(row, str) else _article(row)


def _here(path: str, limit: int) -> Entry:
    """One file's :data:`Entry`, in this process."""
    try:
        st = os.stat(path)
    except OSError as error:
        return (), describe_os_error(error)
    return stamp_of(st), parse_head(path, limit)


def _head_entry(path: str, limit: int) -> tuple[Stamp, Row | str]:
    """One file's stamp and :data:`Row` (or reason), in a child: one ``stat`` serves both."""
    try:
        st = os.stat(path)
    except OSError as error:
        return (), describe_os_error(error)
    return stamp_of(st), head_row(path, limit, st)


def chunks_of(files: Sequence[str], size: int = CHUNK) -> list[Sequence[str]]:
    """``files`` cut into runs of at most ``size`` files and :data:`CHUNK_BYTES` of path."""
    chunks: list[Sequence[str]] = []
    start = 0
    size = max(1, size)
    while start < len(files):
        end, total = start, 0
        while end < len(files) and end - start < size:
            total += len(files[end]) + 1
            if total > CHUNK_BYTES and end > start:
                break
            end += 1
        chunks.append(files[start:end])
        start = end
    return chunks


def _decode(frame: bytes | None, count: int) -> list[Entry] | None:
    """A child's answer to a chunk of ``count`` files; None when there is none or it is malformed."""
    if frame is None:
        return None
    try:
        answers = orjson.loads(frame)
        if type(answers) is not list or len(answers) != count:
            return None
        entries: list[Entry] = []
        for stamp, row in answers:
            if type(stamp) is not list or len(stamp) not in (0, 4) or any(type(n) is not int for n in stamp):
                return None
            entries.append((tuple(stamp), row if type(row) is str else _article(row)))
        return entries
    except (ValueError, TypeError):
        return None


class HeadParser:
    """Chunks of files parsed by ``processes`` children (none: here), the results in the order
    the chunks were added; a chunk a child could not answer (it failed or could not start) is
    parsed here. Chunks may be added while the children already parse the first ones."""

    def __init__(self, limit: int, processes: int) -> None:
        self.limit = limit
        self.chunks: list[Sequence[str]] = []
        self._todo: deque[int] = deque()
        self._more = threading.Condition()
        self._closed = False
        self._answers: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._children: list[Child] = []
        self._threads: list[threading.Thread] = []
        self.start(processes)

    def start(self, processes: int) -> None:
        """Start ``processes`` children (more, when some are running), unless results were asked for."""
        if self._closed:
            return
        for _ in range(processes):
            try:
                child = Child("reader.heads", str(self.limit))
            except OSError:
                return
            thread = threading.Thread(target=self._drive, args=(child,), name="reader.heads-driver", daemon=True)
            self._children.append(child)
            self._threads.append(thread)
            thread.start()

    def add(self, files: Sequence[str], chunk: int = CHUNK) -> None:
        """Queue ``files`` (cut into chunks of ``chunk``) for the children."""
        with self._more:
            for paths in chunks_of(files, chunk):
                self._todo.append(len(self.chunks))
                self.chunks.append(paths)
            self._more.notify_all()

    def here(self, files: Sequence[str]) -> list[Entry]:
        """Parse ``files`` now, in this thread (say, while the children start)."""
        return [_here(path, self.limit) for path in files]

    def results(self) -> Generator[tuple[Sequence[str], list[Entry]], None, None]:
        """Each chunk added (none can be added from now on) and its entries, in order, each as
        soon as it (and every one before it) is parsed; the children are stopped at the end."""
        with self._more:
            self._closed = True
            self._more.notify_all()
        running = len(self._threads)
        ready: dict[int, bytes | None] = {}
        try:
            for index, paths in enumerate(self.chunks):
                while running and index not in ready:
                    answer = self._answers.get()
                    if answer is None:
                        running -= 1
                    else:
                        ready[answer[0]] = answer[1]
                entries = _decode(ready.pop(index, None), len(paths))
                yield paths, entries if entries is not None else self.here(paths)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the children and their threads (what they had not answered is dropped)."""
        with self._more:
            self._closed = True
            self._todo.clear()
            self._more.notify_all()
        for child in self._children:
            child.kill()
        for thread in self._threads:
            thread.join()
        for child in self._children:
            child.close()

    def _next(self, wait: bool) -> int | None:
        """The next chunk to send (waiting for one to be added when ``wait``); None: none now."""
        with self._more:
            while wait and not self._todo and not self._closed:
                self._more.wait()
            return self._todo.popleft() if self._todo else None

    def _drive(self, child: Child) -> None:
        """A thread's loop: keep ``child`` :data:`AHEAD` chunks ahead, pass its answers on as
        ``(index, frame)`` (frame None: lost with the child), then ``None`` when done."""
        sent: deque[int] = deque()
        try:
            while True:
                while len(sent) < AHEAD:
                    index = self._next(wait=not sent)
                    if index is None:
                        break
                    sent.append(index)
                    child.send("\0".join(self.chunks[index]).encode("utf-8", "surrogateescape"))
                if not sent:
                    return
                frame = child.read_frame()
                self._answers.put((sent.popleft(), frame))
        except (OSError, EOFError, ValueError):
            pass
        finally:
            for index in sent:
                self._answers.put((index, None))
            self._answers.put(None)


def parse_head_chunks(
    files: Sequence[str], limit: int, processes: int, chunk: int = CHUNK
) -> Generator[list[Article | str], None, None]:
    """The results of :func:`parse_head` for ``files``, a chunk at a time, in order, each chunk
    as soon as it (and every one before it) is parsed, by ``processes`` children (none: here).
    A chunk a child could not answer (it failed or could not start) is parsed here."""
    chunks = chunks_of(files, chunk)
    parser = HeadParser(limit, min(processes, len(chunks)))
    for paths in chunks:
        parser.add(paths, len(paths))
    results = parser.results()
    try:
        for _, entries in results:
            yield [result for _, result in entries]
    finally:
        results.close()
        parser.stop()


def parse_heads(
    files: Sequence[str],
    limit: int,
    processes: int,
    progress: Progress | None = None,
    every: int = 250,
    chunk: int = CHUNK,
) -> Iterator[Article | str]:
    """Each file's partial article or the reason it failed, in order (see :func:`parse_head_chunks`);
    ``progress(done, total)`` after every ``every`` files."""
    done, total = 0, len(files)
    for results in parse_head_chunks(files, limit, processes, chunk):
        for result in results:
            done += 1
            if progress is not None and done % every == 0:
                progress(done, total)
            yield result


def _serve(limit: int, source: IO[bytes], sink: IO[bytes]) -> None:
    """The child's loop: read chunks of paths, answer each with one frame of stamps with rows or reasons."""
    while True:
        header = source.read(4)
        if len(header) < 4:
            return
        size = int.from_bytes(header, "big")
        paths = source.read(size).decode("utf-8", "surrogateescape").split("\0")
        entries = [_head_entry(path, limit) for path in paths]
        try:
            data = orjson.dumps(entries)
        except TypeError:  # a reason holding a lone surrogate (parsed text never does)
            data = orjson.dumps(
                [(t, r.encode("utf-8", "replace").decode() if type(r) is str else r) for t, r in entries]
            )
        sink.write(len(data).to_bytes(4, "big") + data)
        sink.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.stdin.buffer, sys.stdout.buffer)
