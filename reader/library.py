"""The article library: loading folders, the parse cache, links and backlinks. No Textual."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cache import ParseCache
from reader.files import check_regular, describe_os_error, read_regular
from reader.heads import CHUNK, Entry, HeadParser, Progress, Stamp, stamp_of
from reader.model import Article
from reader.record import Frozen, set_field
from reader.rows import Rows
from reader.text import ParseError, clean_line

if TYPE_CHECKING:
    from reader.backlinks import Backlinks, Kept
    from reader.front import Front
    from reader.links import Pacer, Resolver

# The headline matcher and the backlinks are imported where they are first used (once the first frame is
# drawn): a launch shows its first headlines without them.

#: An article's id.
_ID = attrgetter("id")

LinksOf = Callable[[str], tuple[tuple[str, ...], tuple[str, ...]] | None]
#: Called with stories as a first start parses them (and the files they come from).
Batches = Callable[[list[Article], dict[str, str]], None]
#: Batches come this long apart at first, later further apart (half the time so far: each batch makes
#: the app sort and list every story so far again); with children, the first comes as soon as the first
#: :data:`FIRST` files are parsed.
BATCH_SECONDS = 0.5

#: Files parsed in child processes (and how many at least before they are worth starting).
PROCESSES = 2
MIN_FOR_PROCESSES = 1000
#: With children: files parsed here while they start, and handed on at once (the first headlines).
FIRST = CHUNK
#: ``progress(done, total)`` comes after every this many files parsed, at most every
#: :data:`PROGRESS_SECONDS` (each redraws the app's header: 400 of them at 100k stories cost it seconds).
PROGRESS_EVERY = 250
PROGRESS_SECONDS = 0.2
#: Files to parse handed on at a time as the folders are walked (after the first :data:`MIN_FOR_PROCESSES`).
WALK_STEP = 16 * CHUNK

#: With children, the cyclic garbage collector sets aside what was built after every this many stories
#: (``gc.freeze``): the stories live on, and its full collections would walk them all again and again
#: (seconds of a first start at 100k stories, holding the GIL the app's thread needs too).
FREEZE_EVERY = 5000
#: Libraries this large have their backlinks found by a child process (its memory, its core).
MIN_FOR_CHILD = 5_000

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


class Problem(Frozen):
    """A file that could not be loaded, and why."""

    __slots__ = ("path", "reason")

    path: Path
    reason: str

    def __init__(self, path: Path, reason: str) -> None:
        set_field(self, "path", path)
        set_field(self, "reason", reason)

    def __str__(self) -> str:
        """``path: reason``, safe to print: no escape sequence, control character or line break."""
        return f"{clean_line(str(self.path))}: {clean_line(self.reason)}"


class AmbiguousId(LookupError):
    """An id prefix that more than one article starts with; ``candidates`` holds them."""

    def __init__(self, prefix: str, candidates: Sequence[Article]) -> None:
        super().__init__(f"id {prefix!r} is ambiguous: {len(candidates)} articles start with it")
        self.candidates = list(candidates)


def _stamp(path: str) -> Stamp:
    """A file's :data:`Stamp` (``()`` when it cannot be looked at); ctime changes with its permissions."""
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return ()


class Disk(Frozen):
    """The files a load read, as they were: enough to tell cheaply that none changed since."""

    __slots__ = ("extra", "folders", "others", "rows")

    extra: tuple[Path, ...]
    folders: tuple[Path, ...]
    rows: Rows  # every story's file, size and mtime
    others: dict[str, Stamp | None]  # the files that could not be loaded, as they were (None: unknown)

    def __init__(
        self, extra: tuple[Path, ...], folders: tuple[Path, ...], rows: Rows, others: dict[str, Stamp | None]
    ) -> None:
        set_field(self, "extra", extra)
        set_field(self, "folders", folders)
        set_field(self, "rows", rows)
        set_field(self, "others", others)

    def unchanged(self) -> bool:
        """Are the folders just as they were (no file new, gone, or of another size or mtime)?

        A walk and a ``stat`` a file, no file read, no story built: the periodic check of a
        large library. Only for loads of absolute paths (their files are named as loaded).
        """
        rows = self.rows
        where = {path: n for n, path in enumerate(rows.paths)}
        seen = bytearray(len(rows))  # a file named twice (a folder given twice, a file in a given folder) counts once
        found = 0
        for path in _files(self.extra, self.folders):
            n = where.get(path)
            if n is None:
                if path not in self.others:
                    return False
                was = self.others[path]
                if was is None or _stamp(path) != was:  # made readable, fixed or replaced since
                    return False
                continue
            try:
                st = os.stat(path)
            except OSError:
                return False
            if st.st_size != rows.sizes[n] or st.st_mtime_ns != rows.mtimes[n]:
                return False
            found += not seen[n]
            seen[n] = 1
        return found == len(where)


def _files(extra: Sequence[Path], folders: Sequence[Path], problems: list[Problem] | None = None) -> Iterator[str]:
    """The files a load of ``extra`` then ``folders`` reads, in order (missing extras noted in ``problems``)."""
    for item in extra:
        if item.is_dir():
            yield from _walk(str(item), problems)
        elif item.exists():
            yield str(item)
        elif problems is not None:
            problems.append(Problem(item, "no such file or folder"))
    for folder in folders:
        if folder.is_dir():
            yield from _walk(str(folder), problems)


class _RowStamps(Mapping[str, tuple[int, int]]):
    """(size, mtime) by path, read from the rows of a load when asked (no tuple held a file), but of files touched."""

    def __init__(self, rows: Rows, touched: frozenset[str]) -> None:
        self._rows = rows
        self._touched = touched
        self._where = {path: n for n, path in enumerate(rows.paths)}

    def __getitem__(self, path: str) -> tuple[int, int]:
        n = self._where[path]
        if path in self._touched:
            raise KeyError(path)
        return self._rows.sizes[n], self._rows.mtimes[n]

    def __iter__(self) -> Iterator[str]:
        return (path for path in self._where if path not in self._touched)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Link(Frozen):
    """A Related or Explore headline of an article, and the article it resolves to."""

    __slots__ = ("headline", "kind", "target")

    headline: str
    kind: str  # "related" or "explore"
    target: str | None  # article id, or None when not in the library

    def __init__(self, headline: str, kind: str, target: str | None) -> None:
        set_field(self, "headline", headline)
        set_field(self, "kind", kind)
        set_field(self, "target", target)


def read_article(path: Path, limit: int | None = None, st: os.stat_result | None = None) -> Article:
    """Read and parse one file (see :func:`read_file`)."""
    from reader.parse import parse  # not at import: a warm start shows the parse cache, parsing nothing

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
        cached_links: LinksOf | None = None,
        saved_backlinks: Kept | None = None,
        release_links: Callable[[], None] | None = None,
        unchecked: bool = False,
    ) -> None:
        """``cached_links``: the Related and Explore headlines of an article loaded from the
        parse cache without them (by id; None when not cached: its file is read);
        ``saved_backlinks``: a file keeping the backlinks between runs, and how to work out
        the key of this library's files (sizes, mtimes) they must have been found for;
        ``unchecked``: the stories come from the parse cache as the last run left it, and
        the files have not been looked at yet (the caller checks them soon after)."""
        listed = articles if isinstance(articles, list) else list(articles)
        unique: dict[str, Article] = dict(zip(map(_ID, listed), listed, strict=True))  # quick: right if no id twice
        if len(unique) != len(listed):  # some twice: the first of each counts (and its place)
            unique = {}
            for article in listed:
                unique.setdefault(article.id, article)
        self.articles: list[Article] = sorted(unique.values(), key=lambda a: a.published or "", reverse=True)
        self.by_id = unique
        self.paths = paths or {}  # article id → file path
        self.problems = list(problems)
        self.limit = limit  # the page size limit (None: the configured one)
        self._resolver: Resolver | None = None
        self._pacer: Pacer | None = None  # a paced build of the resolver under way
        self._backlinks: Backlinks | None = None
        self._building = threading.Lock()  # the UI resolves links from worker threads
        self._finding = threading.Lock()  # one search for backlinks at a time
        self._recent: OrderedDict[str, Article] = OrderedDict()  # the last few bodies read
        self._cached_links = cached_links
        self._saved_backlinks = saved_backlinks
        self._release_links = release_links  # frees what cached_links read, once backlinks are known
        self.unchecked = unchecked
        self.disk: Disk | None = None  # the files the stories were loaded from (None: unknown)
        self.touched: set[str] = set()  # files of stories added or replaced since: maybe not as ``disk`` has them
        self.loading = False  # a first start is still adding the stories it parses (or a launch the rest)
        self.front: Front | None = None  # a launch shows only these first rows and counts until :meth:`complete`
        self._rest: Callable[[], Library] | None = None
        self._whole = threading.Event()  # links and backlinks wait for it: over the front alone they would be wrong
        self._whole.set()

    def __len__(self) -> int:
        return len(self.articles)

    def load_rest(self, rest: Callable[[], Library]) -> None:
        """This library holds the stories of its :attr:`front` only; ``rest`` loads them all (see :meth:`complete`)."""
        self._rest = rest
        self._whole.clear()

    def complete(self) -> None:
        """Load the rest of a library a launch showed the front of, and hold it (nothing when it is whole).
        Links and backlinks asked for meanwhile (from workers) wait for it. An error loading is raised."""
        rest, self._rest = self._rest, None
        if rest is None:
            return
        try:
            self.adopt(rest())
        finally:
            self.front = None
            self._whole.set()

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
        """The headline matcher over this library (built on first use; a paced build under way is
        hurried and waited for)."""
        from reader.links import Resolver

        self._whole.wait()
        pacer = self._pacer
        if self._resolver is None and pacer is not None:
            pacer.hurry()
            pacer.finished.wait()
        if self._resolver is None:
            with self._building:
                if self._resolver is None:
                    self._resolver = Resolver((a.id, a.title) for a in self.articles)
        return self._resolver

    def prepare_resolver(self) -> None:
        """Build the headline matcher ahead of its first use, paced so that the UI's thread is never kept
        waiting for the GIL (a background thread calls this once the headlines are shown); then, for a
        large library, find its backlinks in the background (see :meth:`_backlinks_ahead`)."""
        from reader.links import Pacer, Resolver

        self._whole.wait()
        if self._resolver is not None and self._resolver.prepared:
            self._backlinks_ahead()
            return
        articles, pacer = self.articles, Pacer()
        self._pacer = pacer
        try:
            resolver = self._resolver
            if resolver is None:
                resolver = Resolver(((a.id, a.title) for a in articles), pacer)
                with self._building:
                    if self._resolver is None and self.articles is articles:  # not changed meanwhile
                        self._resolver = resolver
        finally:
            self._pacer = None
            pacer.finished.set()
        resolver.prepare(Pacer())
        self._backlinks_ahead()

    def _backlinks_ahead(self) -> None:
        """A large library's backlinks, found ahead of the first open (in a thread of their own: a child
        process finds them, or the last run's file has them), so that opening a story never waits for
        them nor shares the machine with their search (seconds of a core at 100k stories)."""
        if self.loading or self._backlinks is not None or self._saved_backlinks is None:
            return
        if len(self.articles) < MIN_FOR_CHILD:
            return  # found quickly here when first needed
        threading.Thread(target=self._find_quietly, name="reader-backlinks", daemon=True).start()

    def _find_quietly(self) -> None:
        with contextlib.suppress(Exception):  # found again when first needed
            self.backlinks("")

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
        self._whole.wait()
        graph = self._backlinks
        if graph is None:
            with self._finding:
                graph = self._backlinks or self._find_backlinks()
        return graph.of(article_id)

    def _find_backlinks(self) -> Backlinks:
        """The backlinks kept by the last run over these very files, else resolved now (and kept)."""
        from reader.backlinks import Backlinks

        saved = self._saved_backlinks
        key = saved.key() if saved is not None else ""
        articles = self.articles
        graph = Backlinks.read(saved.path, key, articles) if saved is not None else None
        if graph is None and saved is not None and len(articles) >= MIN_FOR_CHILD:
            saved.find_elsewhere(key)  # a large library: resolved in a child, away from the UI's memory and core
            graph = Backlinks.read(saved.path, key, articles)
        if graph is None:
            graph = self._build_backlinks(self.resolver)
            if saved is not None:
                graph.write(saved.path, key)
        with self._building:
            if self.articles is articles:  # not changed meanwhile
                self._backlinks = graph
        if self._release_links is not None:
            self._release_links()  # the headlines were needed for this only
        return graph

    @property
    def backlinks_ready(self) -> bool:
        """Have backlinks been computed (so :meth:`backlinks` returns at once)?"""
        return self._backlinks is not None

    def _build_backlinks(self, resolver: Resolver) -> Backlinks:
        from reader.backlinks import Backlinks

        return Backlinks.build(self.articles, resolver.resolve, self.headlines)

    def headlines(self, article: Article) -> tuple[tuple[str, ...], tuple[str, ...]]:
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

    def file_stamps(self) -> Mapping[str, tuple[int, int]]:
        """(size, mtime) of the library's files as the last load or check of the folders found them, by path:
        none while the stories come from the parse cache unchecked, none of a file touched since."""
        disk = self.disk
        if disk is None or self.unchecked:
            return {}
        return _RowStamps(disk.rows, frozenset(self.touched))

    def add_or_update(self, articles: Iterable[Article], paths: dict[str, str] | None = None) -> int:
        """Add new stories and replace changed ones (after a feed refresh); return how many were new.

        The list stays newest first; links and backlinks are worked out again on next use.
        """
        new = 0
        for article in articles:
            if article.id not in self.by_id:
                new += 1
            if not (article.partial and not article.body):
                article = replace(article, body=(), partial=True)  # bodies are read when opened
            self.by_id[article.id] = article
            self._recent.pop(article.id, None)  # a changed file's body is read again
            if article.id in self.paths:
                self.touched.add(self.paths[article.id])
        self.paths.update(paths or {})
        self.touched.update((paths or {}).values())
        self.articles = sorted(self.by_id.values(), key=lambda a: a.published or "", reverse=True)
        self._forget_links()
        return new

    def forget_body(self, article_id: str) -> None:
        """Read this story's body from its file again when next asked (the file changed since it was read)."""
        self._recent.pop(article_id, None)

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
            self._forget_links()
        return removed

    def adopt(self, other: Library) -> None:
        """Hold what ``other`` holds (the end of a first start), staying the object the screens know."""
        with self._building:
            self.articles, self.by_id, self.paths = other.articles, other.by_id, other.paths
            self.problems, self.limit, self.disk = other.problems, other.limit, other.disk
            self.unchecked = other.unchecked  # a launch's rest comes from the parse cache too: checked after
            self.touched = set(other.touched)  # the batches' files are in ``other.disk`` as the load found them
            self._cached_links, self._saved_backlinks = other._cached_links, other._saved_backlinks
            self._release_links = other._release_links
            self._resolver, self._backlinks = other._resolver, other._backlinks
            self._recent.clear()
            self.loading, self.front = False, None

    @property
    def kept_backlinks(self) -> Kept | None:
        """Where this library's backlinks are kept between runs (None: nowhere, or the stories changed since)."""
        return self._saved_backlinks

    def keep_backlinks(self, kept: Kept | None) -> None:
        """Keep backlinks where a load of the folders keeps them, once this library holds the same stories
        again (after a reload applied what changed; a different set of stories is found not to match)."""
        with self._building:
            if self._saved_backlinks is None:
                self._saved_backlinks = kept

    def _forget_links(self) -> None:
        """The stories changed: links and backlinks are worked out again (not from the last run's file)."""
        with self._building:
            self._resolver = None
            self._backlinks = None
            self._saved_backlinks = None


def load_library(
    extra: Sequence[Path] = (),
    *,
    folders: Sequence[Path] = (),
    cache: ParseCache | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    trust: bool = False,
    batches: Batches | None = None,
) -> Library:
    """Load ``extra`` files or folders, then ``folders`` (user library, seeds), with the cache.

    A file that fails to parse, is not a regular file or is over ``limit`` bytes (the
    configured page limit by default), and a folder that cannot be read, is skipped and
    reported in ``Library.problems``. Files not in the cache are parsed in
    :data:`PROCESSES` child processes when there are many (the first :data:`FIRST` here,
    while the children start); ``progress(done, total)`` is called from time to time while
    they are.

    ``trust``: when the cache holds a complete load of the same folders, give its stories
    without looking at the files (``Library.unchecked``): the caller loads again, in the
    background, to see what changed since (see :mod:`reader.reload`).

    ``batches``: while files are parsed, called from time to time with the stories read so
    far (the cached ones first), so that a first start can show them before the end; with
    children, at once with the first files parsed here.
    """
    if limit is None:
        from reader.config import max_page_bytes

        limit = max_page_bytes()
    cache = cache or ParseCache(None)
    roots = _roots(extra, folders, limit)
    if trust and roots is not None:
        rows = cache.trusted(roots)
        if rows is not None:
            known = [Problem(Path(path), reason) for path, reason in cache.problems]
            first = dict(zip(reversed(rows.ids), reversed(rows.paths), strict=True))  # the first file of an id
            library = _library(rows.articles(), first, known, limit, cache, rows, unchecked=True)
            others = dict.fromkeys((p for p, _ in cache.problems), None)  # as they were: unknown
            library.disk = Disk(tuple(extra), tuple(folders), rows, others)
            if cache.generation is None:  # an earlier version's file: written once more, with a generation
                cache.save(rows, roots, list(cache.problems), complete=True)
            _keep_front(cache, roots, library)
            return library
    scan = _scan(extra, folders, cache)
    scan.until(MIN_FOR_PROCESSES)  # as far as it takes to know whether children are worth starting
    processes = PROCESSES if len(scan.missing) >= MIN_FOR_PROCESSES else 0
    early = scan.missing[:FIRST] if processes else []
    parser = HeadParser(limit, processes)  # the children start now
    batch = _Batch(batches)
    loaded: dict[str, tuple[Stamp, Article | Problem]] = {}  # by load path: as read, and what it gave
    keys = scan.keys
    try:
        parser.add(scan.missing[len(early) :])  # what the children start on
        for path, entry in zip(early, parser.here(early), strict=True):
            loaded[path] = _take(path, keys[path], entry, cache, batch)
        batch.flush()  # the first headlines, while the children start
        while not scan.done:  # the rest of the folders, handed on as they are walked
            walked = len(scan.missing)
            scan.until(walked + WALK_STEP)
            parser.add(scan.missing[walked:])
        changed = _check(scan, cache, limit, loaded)  # the files the cache holds a row for
        if not processes and len(scan.missing) + len(changed) >= MIN_FOR_PROCESSES:
            processes = PROCESSES  # many files changed since the cache was written
            parser.start(processes)
        parser.add(changed)
        if not scan.missing and not changed:
            batch.batches = None  # nothing to parse: the library comes whole at once
        handed = set(early)  # handed on as parsed already
        for path in scan.found:
            cached = loaded.get(path)
            if cached is not None and isinstance(cached[1], Article) and path not in handed:
                batch.add(cached[1], path)
        if processes:
            batch.flush()  # the cached stories at once too
        count = _Count(progress, len(scan.missing) + len(changed), len(early))
        frozen = 0  # stories parsed when the collector last set aside what was built
        for chunk, entries in parser.results():
            for path, entry in zip(chunk, entries, strict=True):
                loaded[path] = _take(path, keys[path], entry, cache, batch)
                count.one()
            if processes and count.done - frozen >= FREEZE_EVERY:
                frozen = count.done
                gc.freeze()
    finally:
        parser.stop()
    problems = scan.problems
    articles: list[Article] = []
    paths: dict[str, str] = {}
    rows = Rows()
    stamps: dict[str, Stamp] = {}
    complete = True
    for path in scan.found:
        key = keys[path]
        stamp, result = loaded[path]
        if isinstance(result, Problem):
            problems.append(result)
            stamps[path] = stamp
            continue
        articles.append(result)
        paths.setdefault(result.id, path)
        if _storable(key):
            size, mtime = _size_mtime(stamp)
            rows.append(key, size, mtime, result)
        else:
            complete = False  # JSON cannot hold this path: the next start looks at the files
    saved_problems = [(str(p.path), p.reason) for p in problems]
    if roots is None or not all(_storable(path) for path, _ in saved_problems):
        complete = False
    cache.save(rows, roots or [], saved_problems, complete)
    library = _library(articles, paths, problems, limit, cache, rows)
    if complete:
        others = {p: stamps.get(p, ()) for p, _ in saved_problems}
        library.disk = Disk(tuple(extra), tuple(folders), rows, others)
        _keep_front(cache, roots, library)
    return library


def _keep_front(cache: ParseCache, roots: list[Any] | None, library: Library) -> None:
    """Keep the front of a library loaded completely through the parse cache, for the next launch."""
    if cache.path is not None and cache.generation is not None:
        from reader.front import keep_front

        keep_front(cache.path, cache.generation, roots, library)


def _size_mtime(stamp: Stamp) -> tuple[int, int]:
    """The size and mtime of a stamp (0, 0 when the file could not be looked at: no cache row matches)."""
    return (stamp[1], stamp[2]) if len(stamp) == 4 else (0, 0)


def _take(path: str, key: str, entry: Entry, cache: ParseCache, batch: _Batch) -> tuple[Stamp, Article | Problem]:
    """A parsed file's stamp and story (remembered in the cache, handed to the batch) or problem."""
    stamp, result = entry
    if isinstance(result, str):
        return stamp, Problem(Path(path), result)
    if len(stamp) == 4:
        cache.put(key, stamp[1], stamp[2], result)
    if not (result.partial and not result.body):  # the parser gives them without (no copy)
        result = replace(result, body=(), partial=True)  # bodies are read when opened
    batch.add(result, path)
    return stamp, result


class _Count:
    """Files parsed so far, told to ``progress(done, total)`` every :data:`PROGRESS_EVERY`."""

    def __init__(self, progress: Progress | None, total: int, done: int = 0) -> None:
        self.progress = progress
        self.total = total
        self.done = done
        self.told = 0.0  # when progress was last told (monotonic seconds)

    def one(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % PROGRESS_EVERY == 0:
            now = time.monotonic()
            if now - self.told >= PROGRESS_SECONDS:
                self.told = now
                self.progress(self.done, self.total)


class _Batch:
    """Stories read so far, handed on at growing intervals (see :data:`BATCH_SECONDS`)."""

    def __init__(self, batches: Batches | None) -> None:
        self.batches = batches
        self.articles: list[Article] = []
        self.paths: dict[str, str] = {}
        self.started = self.last = time.monotonic()

    def add(self, article: Article, path: str) -> None:
        if self.batches is None:
            return
        self.articles.append(article)
        self.paths.setdefault(article.id, path)
        now = time.monotonic()
        if now - self.last >= max(BATCH_SECONDS, (now - self.started) / 2):
            self.flush()

    def flush(self) -> None:
        """Hand on the stories gathered since the last batch now (if any)."""
        if self.batches is not None and self.articles:
            self.batches(self.articles, self.paths)
            self.articles, self.paths, self.last = [], {}, time.monotonic()


class _Scan:
    """The files a load reads, found as the folders are walked: each once, in order, with its cache
    key (its absolute path); those the cache holds no row for (to be parsed: not looked at here)."""

    def __init__(self, files: Iterator[str], cache: ParseCache, problems: list[Problem]) -> None:
        self.found: list[str] = []
        self.keys: dict[str, str] = {}  # load path → cache key
        self.missing: list[str] = []
        self.problems = problems  # folders skipped (and extras missing)
        self.done = False  # walked to the end
        self._files = files
        self._seen: set[str] = set()
        self._holds = cache.holds

    def until(self, missing: int) -> None:
        """Walk on until ``missing`` files to parse are known, or to the end."""
        found, keys, todo, seen, holds = self.found, self.keys, self.missing, self._seen, self._holds
        for path in self._files:
            key = os.path.abspath(path)
            if key in seen:
                continue
            seen.add(key)
            found.append(path)
            keys[path] = key
            if not holds(key):
                todo.append(path)
                if len(todo) >= missing:
                    return
        self.done = True


def _scan(extra: Sequence[Path], folders: Sequence[Path], cache: ParseCache) -> _Scan:
    """The walk of ``extra`` then ``folders`` (nothing read yet: see :meth:`_Scan.until`)."""
    problems: list[Problem] = []
    return _Scan(_files(extra, folders, problems), cache, problems)


def _check(scan: _Scan, cache: ParseCache, limit: int, loaded: dict[str, tuple[Stamp, Article | Problem]]) -> list[str]:
    """Look at the files the cache holds a row for: their cached story when the file is as it was
    then, or the problem, in ``loaded``; the files changed since (to be parsed)."""
    changed: list[str] = []
    if not cache.rows:
        return changed
    holds, keys = cache.holds, scan.keys
    for path in scan.found:
        key = keys[path]
        if not holds(key):
            continue
        st = None
        try:
            st = os.stat(path)
            check_regular(st, limit)  # the one stat serves the cache key too
        except ParseError as error:
            loaded[path] = (stamp_of(st) if st is not None else ()), Problem(Path(path), str(error))
            continue
        except OSError as error:
            loaded[path] = (), Problem(Path(path), describe_os_error(error))
            continue
        article = cache.get(key, st.st_size, st.st_mtime_ns)
        if article is None:
            changed.append(path)
        else:
            loaded[path] = stamp_of(st), article
    return changed


def _roots(extra: Sequence[Path], folders: Sequence[Path], limit: int) -> list[Any] | None:
    """What a load reads, as the parse cache records it; None when a path is relative (another
    working folder would make it other files) or cannot be kept."""
    roots: list[Any] = [limit]
    for kind, items in (("extra", extra), ("folder", folders)):
        for item in items:
            text = str(item)
            if not os.path.isabs(text) or os.path.normpath(text) != text or not _storable(text):
                return None
            roots.append([kind, text, item.is_dir()])
    return roots


def _storable(text: str) -> bool:
    """Can JSON hold this path (valid UTF-8)?"""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _library(
    articles: list[Article],
    paths: dict[str, str],
    problems: list[Problem],
    limit: int | None,
    cache: ParseCache,
    rows: Rows,
    unchecked: bool = False,
) -> Library:
    """The library of loaded stories, wired to the cache for links and backlinks."""
    from reader.backlinks import Kept, backlinks_key

    rows_of: dict[str, int] | None = None

    def cached_links(article_id: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        nonlocal rows_of
        if rows_of is None:
            rows_of = {ident: n for n, ident in reversed(list(enumerate(rows.ids)))}  # the first row of an id
        row = rows_of.get(article_id)
        return None if row is None else cache.links(rows.paths[row], rows.sizes[row], rows.mtimes[row])

    saved = None if cache.path is None else Kept(cache.path, lambda: backlinks_key(rows))
    return Library(articles, paths, problems, limit, cached_links, saved, cache.release, unchecked)


def library_from_cache(cache_file: Path) -> tuple[Library, str] | None:
    """The library of the rows a parse cache holds (files unread), and their backlinks key; None when empty."""
    from reader.backlinks import backlinks_key

    cache = ParseCache(cache_file)
    rows = cache.rows
    if not rows:
        return None
    first = dict(zip(reversed(rows.ids), reversed(rows.paths), strict=True))
    return _library(rows.articles(), first, [], None, cache, rows), backlinks_key(rows)


def front_library(extra: Sequence[Path], read: dict[str, Any], sort: str, keep: str | None) -> Library | None:
    """The user's library (as :func:`default_library` loads it, trusted) as far as its front holds it: the first rows
    of the list in ``sort`` order and the counts under the ``read`` marks (see :mod:`reader.front`), ``loading``;
    :meth:`Library.load_rest` is to be given the whole. None when there is no usable front, or the story ``keep``
    (the cursor's) is in the library but not among those rows."""
    from reader.config import max_page_bytes
    from reader.front import read_front
    from reader.paths import articles_dir, cache_dir, seeds_dir

    limit = max_page_bytes()
    roots = _roots(extra, (articles_dir(), seeds_dir()), limit)
    found = read_front(cache_dir() / "parse-cache.json", roots, read, sort, limit, keep)
    return None if found is None else found[1]


def default_library(
    extra: Sequence[Path] = (),
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    trust: bool = False,
    batches: Batches | None = None,
) -> Library:
    """The user's library: ``extra`` paths, the user's articles folder, the bundled seeds (``trust``:
    see :func:`load_library`)."""
    from reader.paths import articles_dir, cache_dir, seeds_dir

    cache = ParseCache(cache_dir() / "parse-cache.json" if use_cache else None)
    folders = (articles_dir(), seeds_dir())
    return load_library(extra, folders=folders, cache=cache, progress=progress, trust=trust, batches=batches)
