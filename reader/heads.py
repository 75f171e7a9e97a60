"""Parsing many files in child processes (a first start): each article back without its body. No Textual.

The files are cut into chunks of :data:`CHUNK`. Each child is ``python -m reader.heads LIMIT``:
it reads a chunk (one frame of NUL-separated paths) and answers it with one frame, an
orjson list holding for each file either the reason it could not be read (a string) or
its :data:`Row`. A thread per child keeps it two chunks ahead; a child takes the next
chunk as soon as it is done, so one that gets less of the machine holds nothing up. The
results are put back in file order. Children are started explicitly (never by
re-importing the main module, as a spawned pool would).
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
from reader.parse import ParseError, parse

__all__ = ["CHUNK", "Progress", "Row", "parse_head", "parse_head_chunks", "parse_heads"]

Progress = Callable[[int, int], None]
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


def head_row(path: str, limit: int) -> Row | str:
    """One file's :data:`Row`, or why it cannot be read."""
    try:
        data = read_regular(path, limit)
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


def _chunks(files: Sequence[str], size: int) -> list[Sequence[str]]:
    """``files`` cut into runs of at most ``size`` files and :data:`CHUNK_BYTES` of path."""
    chunks: list[Sequence[str]] = []
    start = 0
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


def _decode(frame: bytes | None, count: int) -> list[Article | str] | None:
    """A child's answer to a chunk of ``count`` files; None when there is none or it is malformed."""
    if frame is None:
        return None
    try:
        rows = orjson.loads(frame)
        if type(rows) is not list or len(rows) != count:
            return None
        return [row if type(row) is str else _article(row) for row in rows]
    except (ValueError, TypeError):
        return None


def _drive(child: Child, chunks: list[Sequence[str]], todo: deque[int], answers: queue.SimpleQueue[Any]) -> None:
    """A thread's loop: keep ``child`` :data:`AHEAD` chunks ahead, pass its answers on as
    ``(index, frame)`` (frame None: lost with the child), then ``None`` when done."""
    sent: deque[int] = deque()
    try:
        while True:
            while len(sent) < AHEAD:
                try:
                    index = todo.popleft()
                except IndexError:
                    break
                sent.append(index)
                child.send("\0".join(chunks[index]).encode("utf-8", "surrogateescape"))
            if not sent:
                return
            frame = child.read_frame()
            answers.put((sent.popleft(), frame))
    except (OSError, EOFError, ValueError):
        pass
    finally:
        for index in sent:
            answers.put((index, None))
        answers.put(None)


def parse_head_chunks(
    files: Sequence[str], limit: int, processes: int, chunk: int = CHUNK
) -> Generator[list[Article | str], None, None]:
    """The results of :func:`parse_head` for ``files``, a chunk at a time, in order, each chunk
    as soon as it (and every one before it) is parsed, by ``processes`` children (none: here).
    A chunk a child could not answer (it failed or could not start) is parsed here."""
    chunks = _chunks(files, max(1, chunk))
    children: list[Child] = []
    try:
        for _ in range(min(processes, len(chunks))):
            children.append(Child("reader.heads", str(limit)))
    except OSError:
        pass
    todo = deque(range(len(chunks)))
    answers: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threads = [
        threading.Thread(target=_drive, args=(child, chunks, todo, answers), name="reader.heads-driver", daemon=True)
        for child in children
    ]
    for thread in threads:
        thread.start()
    running = len(threads)
    ready: dict[int, bytes | None] = {}
    try:
        for index, paths in enumerate(chunks):
            while running and index not in ready:
                answer = answers.get()
                if answer is None:
                    running -= 1
                else:
                    ready[answer[0]] = answer[1]
            results = _decode(ready.pop(index, None), len(paths))
            yield results if results is not None else [parse_head(path, limit) for path in paths]
    finally:
        todo.clear()
        for child in children:
            child.kill()
        for thread in threads:
            thread.join()
        for child in children:
            child.close()


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
    """The child's loop: read chunks of paths, answer each with one frame of rows and reasons."""
    while True:
        header = source.read(4)
        if len(header) < 4:
            return
        size = int.from_bytes(header, "big")
        paths = source.read(size).decode("utf-8", "surrogateescape").split("\0")
        rows = [head_row(path, limit) for path in paths]
        try:
            data = orjson.dumps(rows)
        except TypeError:  # a reason holding a lone surrogate (parsed text never does)
            data = orjson.dumps([r.encode("utf-8", "replace").decode() if type(r) is str else r for r in rows])
        sink.write(len(data).to_bytes(4, "big") + data)
        sink.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.stdin.buffer, sys.stdout.buffer)
