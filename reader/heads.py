"""Parsing many files in child processes (a first start): headline data back, no bodies. No Textual.

Each child is ``python -m reader.heads LIMIT``: it reads length-prefixed paths on stdin
and answers each, in order, with the article's headline data (JSON) or the reason it
could not be read. Children are started explicitly (never by re-importing the main
module, as a spawned pool would), so any script may load a library.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

import orjson

from reader.cache import article_from_head
from reader.children import Child
from reader.files import describe_os_error, read_regular
from reader.model import Article
from reader.parse import ParseError, parse

Progress = Callable[[int, int], None]


def parse_head(path: str, limit: int) -> Article | str:
    """One file's article (partial: no body), or why it cannot be read."""
    try:
        data = read_regular(Path(path), limit)
    except OSError as error:
        return describe_os_error(error)
    except ParseError as error:
        return str(error)
    try:
        article = parse(data, name=Path(path).name)
    except ParseError as error:
        return str(error)
    found = article_from_head(article.head())
    return found if found is not None else "unreadable headline data"


def _next_head(child: Child) -> Article | str:
    """A child's next answer: a partial article, or why the file could not be read."""
    status = child.read_status()
    data = child.read_frame()
    if status == b"\0":
        return data.decode("utf-8", "replace")
    found = article_from_head(orjson.loads(data))
    return found if found is not None else "unreadable headline data"


def parse_heads(
    files: Sequence[str], limit: int, processes: int, progress: Progress | None = None, every: int = 250
) -> Iterator[Article | str]:
    """Each file's partial article or the reason it failed, in order; file ``n`` parsed by child
    ``n % processes`` (none: here). If a child fails, the rest are parsed here."""
    children: list[Child] = []
    done = 0
    try:
        with contextlib.suppress(OSError):
            for _ in range(processes):
                children.append(Child("reader.heads", str(limit)))
        for number, child in enumerate(children):
            child.feed(files[number :: len(children)])
        with contextlib.suppress(EOFError, ValueError):
            while children and done < len(files):
                result = _next_head(children[done % len(children)])
                done += 1
                if progress is not None and done % every == 0:
                    progress(done, len(files))
                yield result
    finally:
        for child in children:
            child.close()
    for path in files[done:]:
        done += 1
        if progress is not None and done % every == 0:
            progress(done, len(files))
        yield parse_head(path, limit)


def _serve(limit: int, source: IO[bytes], sink: IO[bytes]) -> None:
    """The child's loop: read length-prefixed paths, answer each (status, length, data)."""
    while True:
        header = source.read(4)
        if len(header) < 4:
            return
        path = source.read(int.from_bytes(header, "big")).decode("utf-8", "surrogateescape")
        result = parse_head(path, limit)
        if isinstance(result, Article):
            data, status = orjson.dumps(result.head()), b"\1"
        else:
            data, status = result.encode("utf-8", "replace"), b"\0"
        sink.write(status + len(data).to_bytes(4, "big") + data)
        sink.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.stdin.buffer, sys.stdout.buffer)
