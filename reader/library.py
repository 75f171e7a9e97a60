"""The article library: loading folders, the parse cache, links and backlinks. No Textual."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from reader.files import check_regular, describe_os_error, read_regular
from reader.links import Resolver
from reader.model import Article, Image
from reader.parse import PARSER_VERSION, ParseError, parse
from reader.text import clean_line

CACHE_FORMAT = 1
#: A parse cache file larger than this is not read (it is rebuilt instead).
MAX_CACHE_BYTES = 512_000_000


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


class ParseCache:
    """Parsed headline data keyed by path, size and mtime; disposable (rebuilt when unreadable).

    Bodies are not cached: they are re-parsed from the file when an article is opened
    (well under a millisecond), which keeps the cache small and a warm start fast.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        remove_stale_temp_files(self.path)
        try:
            data = orjson.loads(read_regular(self.path, MAX_CACHE_BYTES))
            if data.get("format") == CACHE_FORMAT and data.get("parser") == PARSER_VERSION:
                entries = data["entries"]
                if isinstance(entries, dict):
                    self.entries = entries
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            self.entries = {}  # missing, corrupt, not a regular file or old: start again

    def get(self, path: str, size: int, mtime: int) -> Article | None:
        """The cached (partial: no body) article for this exact file version, if any.

        An entry of the wrong shape or with unsafe text is ignored (the file is re-parsed).
        """
        entry = self.entries.get(path)
        if type(entry) is not list or len(entry) != 3 or entry[0] != size or entry[1] != mtime:
            return None
        return article_from_head(entry[2])

    def put(self, path: str, size: int, mtime: int, article: Article) -> None:
        """Remember a freshly parsed article."""
        self.entries[path] = [size, mtime, article.head()]
        self.dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache atomically if it changed; drop entries not in ``keep``."""
        if self.path is None:
            return
        if keep is not None and len(keep) != len(self.entries):
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
            self.dirty = True
        if not self.dirty:
            return
        data = orjson.dumps({"format": CACHE_FORMAT, "parser": PARSER_VERSION, "entries": self.entries})
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            write_atomically(self.path, data)
            self.dirty = False


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a uniquely named temp file, removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remove_stale_temp_files(path: Path) -> int:
    """Remove temp files of ``path`` left by runs that were killed (their process is gone)."""
    pattern = re.compile(re.escape(_temp_prefix(path)) + r"(\d+)(?:\.[^/]*)?\.tmp")
    removed = 0
    try:
        names = os.listdir(path.parent)
    except OSError:
        return 0
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)
            removed += 1
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier failed save of this very process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


_TEXT_OR_NONE = frozenset({str, type(None)})
# What the parser never leaves in text: escape sequences, control characters but tab and
# newline, bidirectional overrides, lone surrogates; found in the UTF-8 bytes (fast).
_C0_BYTES = bytes(range(9)) + bytes(range(11, 32)) + b"\x7f"
_UNSAFE_UTF8 = (
    re.compile(rb"\xc2[\x80-\x9f]"),  # C1 controls
    re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])"),  # bidirectional overrides and isolates
    re.compile(rb"\xed[\xa0-\xbf]"),  # surrogates
)


def _unsafe(text: str) -> bool:
    """Does ``text`` hold a character the parser never leaves in article text?"""
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0_BYTES)) != len(data):
        return True
    return len(data) != len(text) and any(pattern.search(data) is not None for pattern in _UNSAFE_UTF8)


def article_from_head(head: object) -> Article | None:
    """The partial article cached headline data describes; ``None`` unless it has the shape
    :meth:`Article.head` gives it and text the parser could have produced (checked in one pass)."""
    if type(head) is not dict:
        return None
    get = head.get
    ident, title, section, dek = get("id"), get("title"), get("section"), get("dek")
    published, source, minutes, image = get("published"), get("source"), get("read_minutes"), get("image")
    authors, related, explore = get("authors"), get("related"), get("explore")
    if type(ident) is not str or type(title) is not str or not ident or not title:
        return None
    maybe = _TEXT_OR_NONE
    if not (type(section) in maybe and type(dek) in maybe and type(published) in maybe and type(source) in maybe):
        return None
    if (minutes is not None and type(minutes) is not int) or not (
        type(authors) is list and type(related) is list and type(explore) is list
    ):
        return None
    texts = [ident, title, section or "", dek or "", published or "", source or "", *authors, *related, *explore]
    picture = None
    if image is not None:
        if type(image) is not dict:
            return None
        alt, caption, credit = image.get("alt"), image.get("caption"), image.get("credit")
        if not (type(alt) in maybe and type(caption) in maybe and type(credit) in maybe):
            return None
        texts += (alt or "", caption or "", credit or "")
        picture = Image(alt, caption, credit)
    try:
        joined = " ".join(texts)  # TypeError when a list held anything but strings
    except TypeError:
        return None
    if _unsafe(joined):
        return None
    return Article(
        id=ident,
        title=title,
        section=section,
        read_minutes=minutes,
        dek=dek,
        image=picture,
        authors=tuple(authors),
        published=published,
        related=tuple(related),
        source=source,
        explore=tuple(explore),
        partial=True,
    )


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
    ) -> None:
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
        self._search_text: dict[str, str] = {}
        self._building = threading.Lock()  # the UI resolves links from worker threads

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
        """
        if not article.partial:
            return article
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
        self.by_id[article.id] = loaded
        return loaded

    def search_text(self, article: Article) -> str:
        """Lower-cased title, dek and body, for the filter (loads the body if needed)."""
        text = self._search_text.get(article.id)
        if text is None:
            full = self.full(article)
            parts = [full.title, full.dek or "", *(block.text for block in full.body)]
            text = "\n".join(parts).casefold()
            self._search_text[article.id] = text
        return text

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
            resolver = self.resolver
            with self._building:
                if self._backlinks is None:
                    self._backlinks = self._build_backlinks(resolver)
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
            for headline in article.related + article.explore:
                target = resolve(headline)
                if target is not None and target != article.id and target not in seen:
                    seen.add(target)
                    graph.setdefault(target, []).append(article.id)
        return graph

    def prepare_links(self) -> None:
        """Resolve everything now (the UI calls this in a worker after loading)."""
        self.backlinks("")


def load_library(
    extra: Sequence[Path] = (),
    *,
    folders: Sequence[Path] = (),
    cache: ParseCache | None = None,
    limit: int | None = None,
) -> Library:
    """Load ``extra`` files or folders, then ``folders`` (user library, seeds), with the cache.

    A file that fails to parse, is not a regular file or is over ``limit`` bytes (the
    configured page limit by default), and a folder that cannot be read, is skipped and
    reported in ``Library.problems``.
    """
    if limit is None:
        from reader.config import max_page_bytes

        limit = max_page_bytes()
    cache = cache or ParseCache(None)
    articles: list[Article] = []
    paths: dict[str, str] = {}
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.abspath(path)
        if key in seen:
            return
        seen.add(key)
        try:
            st = os.stat(path)
            check_regular(st, limit)  # the one stat serves the cache key too
            article = cache.get(key, st.st_size, st.st_mtime_ns)
            if article is None:
                article = read_article(Path(path), limit, st)
                cache.put(key, st.st_size, st.st_mtime_ns, article)
        except ParseError as error:
            problems.append(Problem(Path(path), str(error)))
            return
        except OSError as error:
            problems.append(Problem(Path(path), describe_os_error(error)))
            return
        articles.append(article)
        paths.setdefault(article.id, path)

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
    cache.save(keep=seen)
    return Library(articles, paths, problems, limit)


def default_library(extra: Sequence[Path] = (), *, use_cache: bool = True) -> Library:
    """The user's library: ``extra`` paths, the user's articles folder, the bundled seeds."""
    from reader.paths import articles_dir, cache_dir, seeds_dir

    cache = ParseCache(cache_dir() / "parse-cache.json" if use_cache else None)
    return load_library(extra, folders=(articles_dir(), seeds_dir()), cache=cache)
