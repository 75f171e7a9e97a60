"""The article library: loading folders, the parse cache, links and backlinks. No Textual."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from reader.links import Resolver
from reader.model import Article
from reader.parse import PARSER_VERSION, ParseError, parse

CACHE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be loaded, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Link:
    """A Related or Explore headline of an article, and the article it resolves to."""

    headline: str
    kind: str  # "related" or "explore"
    target: str | None  # article id, or None when not in the library


def read_article(path: Path) -> Article:
    """Read and parse one file; OS errors become a readable :class:`ParseError`."""
    return parse(read_file(path), name=path.name)


def read_file(path: Path) -> bytes:
    """A file's bytes; OS errors become a readable :class:`ParseError`."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise ParseError("is a folder, not a file") from None
    except FileNotFoundError:
        raise ParseError("no such file") from None
    except PermissionError:
        raise ParseError("permission denied") from None
    except OSError as error:
        raise ParseError(error.strerror or str(error)) from None


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
        try:
            data = orjson.loads(self.path.read_bytes())
            if data.get("format") == CACHE_FORMAT and data.get("parser") == PARSER_VERSION:
                entries = data["entries"]
                if isinstance(entries, dict):
                    self.entries = entries
        except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
            self.entries = {}  # missing, corrupt or old: start again

    def get(self, path: str, size: int, mtime: int) -> Article | None:
        """The cached (partial: no body) article for this exact file version, if any."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != size or entry[1] != mtime:
            return None
        try:
            return Article.from_dict(entry[2])
        except (KeyError, TypeError, AttributeError, IndexError):
            return None

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
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(orjson.dumps({"format": CACHE_FORMAT, "parser": PARSER_VERSION, "entries": self.entries}))
            os.replace(tmp, self.path)
            self.dirty = False


def _walk(root: str) -> Iterator[str]:
    """``*.txt`` files below a folder, recursively, in a stable order (plain strings: fast)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".txt") and not name.startswith("."):
                yield os.path.join(folder, name)


def article_files(root: Path) -> Iterator[Path]:
    """``*.txt`` files below a folder, recursively, in a stable order."""
    return (Path(path) for path in _walk(str(root)))


class Library:
    """Articles newest first, each once; links resolved on demand; backlinks."""

    def __init__(
        self,
        articles: Iterable[Article],
        paths: dict[str, str] | None = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        unique: dict[str, Article] = {}
        for article in articles:
            unique.setdefault(article.id, article)
        self.articles: list[Article] = sorted(unique.values(), key=lambda a: a.published or "", reverse=True)
        self.by_id = unique
        self.paths = paths or {}  # article id → file path
        self.problems = list(problems)
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
            raise LookupError(f"id {prefix!r} is ambiguous: {len(matches)} articles start with it")
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
            loaded = read_article(path)
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
) -> Library:
    """Load ``extra`` files or folders, then ``folders`` (user library, seeds), with the cache.

    A file that fails to parse is skipped and reported in ``Library.problems``.
    """
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
            article = cache.get(key, st.st_size, st.st_mtime_ns)
            if article is None:
                article = read_article(Path(path))
                cache.put(key, st.st_size, st.st_mtime_ns, article)
        except ParseError as error:
            problems.append(Problem(Path(path), str(error)))
            return
        except OSError as error:
            problems.append(Problem(Path(path), error.strerror or str(error)))
            return
        articles.append(article)
        paths.setdefault(article.id, path)

    for item in extra:
        if item.is_dir():
            for path in _walk(str(item)):
                add(path)
        elif item.exists():
            add(str(item))
        else:
            problems.append(Problem(item, "no such file or folder"))
    for folder in folders:
        if folder.is_dir():
            for path in _walk(str(folder)):
                add(path)
    cache.save(keep=seen)
    return Library(articles, paths, problems)


def default_library(extra: Sequence[Path] = (), *, use_cache: bool = True) -> Library:
    """The user's library: ``extra`` paths, the user's articles folder, the bundled seeds."""
    from reader.paths import articles_dir, cache_dir, seeds_dir

    cache = ParseCache(cache_dir() / "parse-cache.json" if use_cache else None)
    return load_library(extra, folders=(articles_dir(), seeds_dir()), cache=cache)
