"""The article library: loading folders, the parse cache, links and backlinks. No Textual."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from reader.cache import MAX_CACHE_BYTES, ParseCache, backlinks_path, write_atomically
from reader.files import check_regular, describe_os_error, read_regular
from reader.heads import Progress, parse_heads
from reader.links import Resolver
from reader.model import Article
from reader.parse import PARSER_VERSION, ParseError, parse
from reader.text import clean_line

#: Bumped when link matching changes, so backlinks saved by an older version are found again.
BACKLINKS_FORMAT = 1

#: Files parsed in child processes (and how many at least before they are worth starting).
PROCESSES = 2
MIN_FOR_PROCESSES = 1000

#: Parsed bodies kept for the stories opened last (the rest are read again when opened).
RECENT_BODIES = 8

__all__ = [
    "AmbiguousId",
    "Library",
    "Link",
    "ParseCache",
    "Problem",
    "article_files",
    "default_library",
    "load_library",
    "read_article",
    "read_file",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be loaded, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        """``path: reason``, safe to print: no escape sequence, control character or line break."""
        return f"{clean_line(str(self.path))}: {clean_line(self.reason)}"


class AmbiguousId(LookupError):
    """An id prefix that more than one article starts with; ``candidates`` holds them."""

    def __init__(self, prefix: str, candidates: Sequence[Article]) -> None:
        super().__init__(f"id {prefix!r} is ambiguous: {len(candidates)} articles start with it")
        self.candidates = list(candidates)


@dataclass(frozen=True, slots=True)
class Link:
    """A Related or Explore headline of an article, and the article it resolves to."""

    headline: str
    kind: str  # "related" or "explore"
    target: str | None  # article id, or None when not in the library


def read_article(path: Path, limit: int | None = None, st: os.stat_result | None = None) -> Article:
    """Read and parse one file (see :func:`read_file`)."""
    return parse(read_file(path, limit, st), name=path.name)


def read_file(path: Path, limit: int | None = None, st: os.stat_result | None = None) -> bytes:
    """A regular file's bytes, at most ``limit`` (the configured page limit by default).

    Everything that stops it (not a regular file, too large, OS errors) becomes a
    :class:`ParseError` with a readable reason. ``st`` is reused when given.
    """
    if limit is None:
        from reader.config import max_page_bytes

        limit = max_page_bytes()
    try:
        return read_regular(path, limit, st)
    except OSError as error:
        raise ParseError(describe_os_error(error)) from None


def _walk(root: str, problems: list[Problem] | None = None) -> Iterator[str]:
    """``*.txt`` files below a folder, recursively, in a stable order (plain strings: fast).

    A folder that cannot be read is reported in ``problems`` (when given).
    """
    onerror: Callable[[OSError], None] | None = None
    if problems is not None:
        found = problems

        def onerror(error: OSError) -> None:
            where = Path(error.filename) if error.filename else Path(root)
            found.append(Problem(where, f"folder skipped: {describe_os_error(error)}"))

    for folder, dirs, files in os.walk(root, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".txt") and not name.startswith("."):
                yield os.path.join(folder, name)


def article_files(root: Path, problems: list[Problem] | None = None) -> Iterator[Path]:
    """``*.txt`` files below a folder, recursively, in a stable order; unreadable folders in ``problems``."""
    return (Path(path) for path in _walk(str(root), problems))


class Library:
    """Articles newest first, each once; links resolved on demand; backlinks."""

    def __init__(
        self,
        articles: Iterable[Article],
        paths: dict[str, str] | None = None,
        problems: Sequence[Problem] = (),
        limit: int | None = None,
        cached_links: Callable[[str], tuple[tuple[str, ...], tuple[str, ...]] | None] | None = None,
        saved_backlinks: tuple[Path, str] | None = None,
        release_links: Callable[[], None] | None = None,
    ) -> None:
        """``cached_links``: the Related and Explore headlines of an article loaded from the
        parse cache without them (by id; None when not cached: its file is read);
        ``saved_backlinks``: a file keeping the backlinks between runs, and the key of this
        library's files (sizes, mtimes) they must have been found for."""
        unique: dict[str, Article] = {}
        for article in articles:
            unique.setdefault(article.id, article)
        self.articles: list[Article] = sorted(unique.values(), key=lambda a: a.published or "", reverse=True)
        self.by_id = unique
        self.paths = paths or {}  # article id → file path
        self.problems = list(problems)
        self.limit = limit  # the page size limit (None: the configured one)
        self._resolver: Resolver | None = None
        self._backlinks: dict[str, list[str]] | None = None
        self._building = threading.Lock()  # the UI resolves links from worker threads
        self._recent: OrderedDict[str, Article] = OrderedDict()  # the last few bodies read
        self._cached_links = cached_links
        self._saved_backlinks = saved_backlinks
        self._release_links = release_links  # frees what cached_links read, once backlinks are known

    def __len__(self) -> int:
        return len(self.articles)

    def get(self, article_id: str) -> Article | None:
        """The article with this id, if any."""
        return self.by_id.get(article_id)

    def find(self, prefix: str) -> Article:
        """The article whose id is ``prefix`` or uniquely starts with it; LookupError otherwise."""
        exact = self.by_id.get(prefix)
        if exact is not None:
            return exact
        matches = [a for a in self.articles if a.id.startswith(prefix)] if prefix else []
        if not matches:
            raise LookupError(f"no article with id {prefix!r}")
        if len(matches) > 1:
            raise AmbiguousId(prefix, matches)
        return matches[0]

    @property
    def resolver(self) -> Resolver:
        """The headline matcher over this library (built on first use)."""
        if self._resolver is None:
            with self._building:
                if self._resolver is None:
                    self._resolver = Resolver((a.id, a.title) for a in self.articles)
        return self._resolver

    def full(self, article: Article) -> Article:
        """The article with its body (re-read from its file when only the headline was cached).

        If the file can no longer be read, the partial article is returned and a problem noted.
        The bodies of the last :data:`RECENT_BODIES` stories read are kept; no more.
        """
        if not article.partial:
            return article
        recent = self._recent.get(article.id)
        if recent is not None:
            self._recent.move_to_end(article.id)
            return recent
        name = self.paths.get(article.id)
        path = Path(name) if name else Path(article.id)
        try:
            if name is None:
                raise ParseError("file unknown")
            loaded = read_article(path, self.limit)
        except ParseError as error:
            self.problems.append(Problem(path, str(error)))
            return article
        if loaded.id != article.id:
            self.problems.append(Problem(path, "changed on disk since it was loaded"))
            return article
        self._recent[article.id] = loaded
        while len(self._recent) > RECENT_BODIES:
            self._recent.popitem(last=False)
        return loaded

    def resolve(self, headline: str) -> Article | None:
        """The library article a headline names, if any."""
        found = self.resolver.resolve(headline)
        return None if found is None else self.by_id[found]

    def links(self, article: Article) -> list[Link]:
        """The article's Related then Explore headlines, each resolved (never to itself)."""
        result = []
        for kind, headlines in (("related", article.related), ("explore", article.explore)):
            for headline in headlines:
                target = self.resolver.resolve(headline)
                result.append(Link(headline, kind, None if target == article.id else target))
        return result

    def backlinks(self, article_id: str) -> list[Article]:
        """Articles whose Related or Explore lists point at this one ("Linked from")."""
        if self._backlinks is None:
            saved = self._read_backlinks()
            resolver = self.resolver if saved is None else None
            with self._building:
                if self._backlinks is None:
                    if saved is None and resolver is not None:
                        saved = self._build_backlinks(resolver)
                        self._write_backlinks(saved)
                    self._backlinks = saved
                    if self._release_links is not None:
                        self._release_links()  # the headlines were needed for this only
        assert self._backlinks is not None
        return [self.by_id[i] for i in self._backlinks.get(article_id, ())]

    @property
    def backlinks_ready(self) -> bool:
        """Have backlinks been computed (so :meth:`backlinks` returns at once)?"""
        return self._backlinks is not None

    def _build_backlinks(self, resolver: Resolver) -> dict[str, list[str]]:
        graph: dict[str, list[str]] = {}
        resolve = resolver.resolve
        for article in self.articles:
            seen: set[str] = set()
            related, explore = self._headlines(article)
            for headline in related + explore:
                target = resolve(headline)
                if target is not None and target != article.id and target not in seen:
                    seen.add(target)
                    graph.setdefault(target, []).append(article.id)
        return graph

    def _read_backlinks(self) -> dict[str, list[str]] | None:
        """The backlinks saved by an earlier run over these very files, if any (checked: ids known)."""
        if self._saved_backlinks is None:
            return None
        path, key = self._saved_backlinks
        try:
            data = orjson.loads(read_regular(path, MAX_CACHE_BYTES))
            graph = data["graph"] if data.get("key") == key else None
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            return None
        if type(graph) is not dict:
            return None
        known = self.by_id
        shared: dict[str, list[str]] = {}  # with this library's id strings, not copies of them
        for target, sources in graph.items():
            article = known.get(target)
            if article is None or type(sources) is not list or not all(s in known for s in sources):
                return None
            shared[article.id] = [known[s].id for s in sources]
        return shared

    def _write_backlinks(self, graph: dict[str, list[str]]) -> None:
        if self._saved_backlinks is not None:
            path, key = self._saved_backlinks
            with contextlib.suppress(OSError, TypeError):
                write_atomically(path, orjson.dumps({"key": key, "graph": graph}))

    def _headlines(self, article: Article) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """An article's Related and Explore headlines, from the cache beside the list's or its file."""
        if self._cached_links is None or article.related or article.explore or not article.partial:
            return article.related, article.explore
        found = self._cached_links(article.id)
        if found is not None:
            return found
        name = self.paths.get(article.id)
        try:
            full = read_article(Path(name), self.limit) if name else article
        except ParseError:
            return (), ()
        return (full.related, full.explore) if full.id == article.id else ((), ())

    def prepare_links(self) -> None:
        """Resolve everything now (the UI calls this in a worker after loading)."""
        self.backlinks("")

    def add_or_update(self, articles: Iterable[Article], paths: dict[str, str] | None = None) -> int:
        """Add new stories and replace changed ones (after a feed refresh); return how many were new.

        The list stays newest first; links and backlinks are worked out again on next use.
        """
        new = 0
        for article in articles:
            if article.id not in self.by_id:
                new += 1
            self.by_id[article.id] = replace(article, body=(), partial=True)  # bodies are read when opened
            self._recent.pop(article.id, None)  # a changed file's body is read again
        self.paths.update(paths or {})
        self.articles = sorted(self.by_id.values(), key=lambda a: a.published or "", reverse=True)
        with self._building:
            self._resolver = None
            self._backlinks = None
        return new

    def remove(self, ids: Iterable[str]) -> int:
        """Drop stories (their files are gone); return how many were here. Marks and bookmarks are the store's."""
        removed = 0
        for article_id in ids:
            if self.by_id.pop(article_id, None) is not None:
                removed += 1
            self.paths.pop(article_id, None)
            self._recent.pop(article_id, None)
        if removed:
            self.articles = [article for article in self.articles if article.id in self.by_id]
            with self._building:
                self._resolver = None
                self._backlinks = None
        return removed


def load_library(
    extra: Sequence[Path] = (),
    *,
    folders: Sequence[Path] = (),
    cache: ParseCache | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Library:
    """Load ``extra`` files or folders, then ``folders`` (user library, seeds), with the cache.

    A file that fails to parse, is not a regular file or is over ``limit`` bytes (the
    configured page limit by default), and a folder that cannot be read, is skipped and
    reported in ``Library.problems``. Files not in the cache are parsed in
    :data:`PROCESSES` child processes when there are many; ``progress(done, total)`` is
    called from time to time while they are.
    """
    if limit is None:
        from reader.config import max_page_bytes

        limit = max_page_bytes()
    cache = cache or ParseCache(None)
    articles: list[Article] = []
    paths: dict[str, str] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    keys: dict[str, tuple[str, int, int]] = {}  # id → cache key, for articles loaded from the cache
    found: list[tuple[str, Article | Problem | None]] = []  # in order; None: to be parsed
    missing: list[tuple[str, str, int, int]] = []  # path, cache key, size, mtime
    missing_results: dict[str, Article | Problem] = {}
    stamps: list[str] = []  # every file read, with its size and mtime: the key of the saved backlinks

    def add(path: str) -> None:
        key = os.path.abspath(path)
        if key in seen:
            return
        seen.add(key)
        try:
            st = os.stat(path)
            check_regular(st, limit)  # the one stat serves the cache key too
        except ParseError as error:
            found.append((path, Problem(Path(path), str(error))))
            return
        except OSError as error:
            found.append((path, Problem(Path(path), describe_os_error(error))))
            return
        stamps.append(f"{key}\0{st.st_size}\0{st.st_mtime_ns}\n")
        article = cache.get(key, st.st_size, st.st_mtime_ns)
        if article is None:
            missing.append((path, key, st.st_size, st.st_mtime_ns))
        else:
            keys.setdefault(article.id, (key, st.st_size, st.st_mtime_ns))
        found.append((path, article))

    for item in extra:
        if item.is_dir():
            for path in _walk(str(item), problems):
                add(path)
        elif item.exists():
            add(str(item))
        else:
            problems.append(Problem(item, "no such file or folder"))
    for folder in folders:
        if folder.is_dir():
            for path in _walk(str(folder), problems):
                add(path)
    processes = PROCESSES if len(missing) >= MIN_FOR_PROCESSES else 0
    parsed = iter(parse_heads([path for path, *_ in missing], limit, processes, progress))
    for path, key, size, mtime in missing:
        result = next(parsed)
        if isinstance(result, Article):
            cache.put(key, size, mtime, result)
            result = replace(result, body=(), partial=True)  # bodies are read when opened
        missing_results[path] = result if isinstance(result, Article) else Problem(Path(path), result)
    for path, entry in found:
        if entry is None:
            entry = missing_results[path]
        if isinstance(entry, Problem):
            problems.append(entry)
        else:
            articles.append(entry)
            paths.setdefault(entry.id, path)
    cache.save(keep=seen)

    def cached_links(article_id: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        key = keys.get(article_id)
        return None if key is None else cache.links(*key)

    saved = None
    if cache.path is not None:
        digest = hashlib.sha1(f"{BACKLINKS_FORMAT} {PARSER_VERSION}\n".encode(), usedforsecurity=False)
        digest.update("".join(stamps).encode("utf-8", "surrogateescape"))
        saved = (backlinks_path(cache.path), digest.hexdigest())
    cache.entries = {}  # not needed any more (the links cache is read apart, when backlinks are wanted)
    return Library(articles, paths, problems, limit, cached_links, saved, cache.release)


def default_library(extra: Sequence[Path] = (), *, use_cache: bool = True, progress: Progress | None = None) -> Library:
    """The user's library: ``extra`` paths, the user's articles folder, the bundled seeds."""
    from reader.paths import articles_dir, cache_dir, seeds_dir

    cache = ParseCache(cache_dir() / "parse-cache.json" if use_cache else None)
    return load_library(extra, folders=(articles_dir(), seeds_dir()), cache=cache, progress=progress)
