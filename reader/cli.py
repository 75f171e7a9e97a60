"""The ``reader`` command: the TUI by default, subcommands for scripts.

Output shapes: ``list --json``, ``parse --json`` and ``bookmarks --format json`` print
JSON Lines (one object per line, whatever the number of results). Everything printed
that holds external text (paths, titles, reasons) goes through ``clean_line``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, NoReturn, Protocol

from rich.cells import cell_len, set_cell_size

from reader.json_lines import json_line
from reader.text import clean_line

if TYPE_CHECKING:
    import argparse

    from reader.library import Library
    from reader.model import Article
    from reader.store import Store

# The library, the store and the feeds are imported where a command uses them: the TUI's
# first paint should not wait for modules it does not need (and ``reader`` imports them
# with the garbage collector paused, see :func:`run_tui`). So is argparse: a bare ``reader``
# (the usual launch) has no arguments to parse.

Handler = Callable[["argparse.Namespace"], int]


class TuiArguments(Protocol):
    """What the interactive reader is opened with."""

    paths: list[str]
    """Extra article files or folders."""


COMMANDS: tuple[str, ...] = (
    "parse",
    "list",
    "show",
    "read",
    "unread",
    "bookmark",
    "unbookmark",
    "bookmarks",
    "import",
    "feeds",
    "refresh",
    "prune",
)
"""The subcommands, in the order ``build_parser`` adds them (known without building it: the TUI never does)."""

#: How many candidates an "ambiguous id" error lists.
MAX_CANDIDATES = 10


class CommandError(Exception):
    """A failure to report as ``reader: message`` on stderr (then ``details``, indented), exit 1."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


_PARSER = "_parser"  # the attribute of parsed arguments naming the parser of the subcommand given


@cache
def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse's parser, with its error messages (which quote the command line) made safe to print
    (argparse is imported here: the usual launch does without it)."""
    import argparse

    class ArgumentParser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            """Print usage and one clean error line; exit 2."""
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}: error: {clean_line(message)}\n")

        def parse_known_args(  # type: ignore[override]  # typeshed's overloads, one signature here
            self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
        ) -> tuple[argparse.Namespace, list[str]]:
            """As argparse's, noting in the result the innermost (sub)command's parser, which reports
            arguments it does not know (argparse reports them with the top-level usage)."""
            parsed, extra = super().parse_known_args(args, namespace)
            if not hasattr(parsed, _PARSER):
                setattr(parsed, _PARSER, self)
            return parsed, extra

        def parse_args(  # type: ignore[override]
            self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
        ) -> argparse.Namespace:
            parsed, extra = self.parse_known_args(args, namespace)
            if extra:
                getattr(parsed, _PARSER, self).error(f"unrecognized arguments: {' '.join(extra)}")
            return parsed

    return ArgumentParser


def fail(message: str, details: Iterable[str] = ()) -> None:
    """Print one ``reader: ...`` line on stderr (and indented detail lines), made safe to print."""
    print(f"reader: {clean_line(message)}", file=sys.stderr)
    for line in details:
        print(f"  {clean_line(line)}", file=sys.stderr)


def _path_text(path: str) -> str:
    """A path as valid text: bytes that are not UTF-8 (kept as surrogates) become ``\\xNN``."""
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return path.encode("utf-8", "replace").decode("utf-8")


def cmd_parse(args: argparse.Namespace) -> int:
    """``reader parse [--json] FILE...``: show what the parser makes of pages (JSON Lines with --json)."""
    from reader.library import read_article
    from reader.parse import ParseError

    status = 0
    for name in args.files:
        path = Path(name)
        try:
            article = read_article(path)
        except ParseError as error:
            fail(f"{name}: {error}")
            status = 1
            continue
        if args.json:
            sys.stdout.write(json_line(article.to_dict()))
        else:
            from reader.render import render_to_console

            render_to_console(article)
    return status


def _library(args: argparse.Namespace) -> Library:
    """The library for a subcommand (the user's, plus ``--path`` extras); problems on stderr."""
    from reader.library import default_library

    library = default_library([Path(p) for p in getattr(args, "path", None) or ()])
    for problem in library.problems:
        fail(f"skipped {problem}")
    return library


def _store() -> Store:
    from reader.store import open_store

    store = open_store()
    for notice in store.notices:
        fail(notice)
    return store


def _candidates(items: Sequence[tuple[str, str]]) -> list[str]:
    """``id  title`` lines for an ambiguous id (at most :data:`MAX_CANDIDATES`, then a count)."""
    lines = [f"{ident}  {title}" for ident, title in items[:MAX_CANDIDATES]]
    if len(items) > MAX_CANDIDATES:
        lines.append(f"... and {len(items) - MAX_CANDIDATES} more")
    return lines


def _find(library: Library, article_id: str) -> Article:
    from reader.library import AmbiguousId

    try:
        return library.find(article_id)
    except AmbiguousId as error:
        raise CommandError(str(error), _candidates([(a.id, a.title) for a in error.candidates])) from None
    except LookupError as error:
        raise CommandError(str(error)) from None


# -- list ------------------------------------------------------------------------------------


def unique_prefixes(ids: Iterable[str], minimum: int = 8) -> dict[str, str]:
    """A short prefix of each id that no other id starts with: at least ``minimum`` long,
    ending where a ``-``-separated part of the id ends."""
    ordered = sorted(set(ids))
    result: dict[str, str] = {}
    for index, ident in enumerate(ordered):
        need = minimum
        for other in ordered[max(index - 1, 0) : index + 2]:
            if other != ident:
                need = max(need, _common_length(ident, other) + 1)
        end = ident.find("-", need)
        result[ident] = ident if end < 0 else ident[:end]
    return result


def _common_length(a: str, b: str) -> int:
    """How many leading characters two strings share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)).rstrip() + "…"


def cmd_list(args: argparse.Namespace) -> int:
    """``reader list``: aligned columns (flags, id prefix, title) or JSON Lines, newest first.

    Flags: ``*`` bookmarked, ``N`` unread. The id column holds the shortest unique prefix
    of each id; ids begin with the article's date, so the date shows once. (A date column
    is added when some listed article's id does not begin with its date.) On a terminal
    the title is cut, with an ellipsis, to fit its width.
    """
    library, store = _library(args), _store()
    out = sys.stdout
    rows = []
    for article in library.articles:
        read, marked = store.is_read(article.id), store.is_bookmarked(article.id)
        if not (args.unread and read) and not (args.bookmarked and not marked):
            rows.append((article, read, marked))
    if args.json:
        for article, read, marked in rows:
            record = {
                "id": article.id,
                "title": article.title,
                "section": article.section,
                "published": article.published,
                "read": read,
                "bookmarked": marked,
                "path": _path_text(str(library.paths.get(article.id, ""))),
            }
            out.write(json_line(record))
        return 0
    prefixes = unique_prefixes(a.id for a in library.articles)
    id_width = max((cell_len(clean_line(prefixes[a.id])) for a, _, _ in rows), default=0)
    dated = any(a.published and not a.id.startswith(a.published) for a, _, _ in rows)
    date_width = 12 if dated else 0
    title_width = None
    if out.isatty():
        title_width = max(shutil.get_terminal_size().columns - (3 + date_width + id_width + 2) - 1, 12)
    for article, read, marked in rows:
        marks = ("*" if marked else " ") + (" " if read else "N")
        ident = clean_line(prefixes[article.id])
        ident += " " * (id_width - cell_len(ident))
        title = clean_line(article.title)
        if title_width is not None:
            title = fit(title, title_width)
        date = f"{clean_line(article.published or '-')[:10]:<10}  " if dated else ""
        out.write(f"{marks} {date}{ident}  {title}\n")
    return 0


# -- show, marks, bookmarks, import ----------------------------------------------------------


def cmd_show(args: argparse.Namespace) -> int:
    """``reader show ID``: the article rendered with rich; paged and at most 100 columns on a terminal."""
    library = _library(args)
    article = library.full(_find(library, args.id))
    from reader.render import render_to_console

    render_to_console(article, links=library.links(article), page=sys.stdout.isatty())
    return 0


def _bookmarked_id(store: Store, ident: str) -> str | None:
    """The bookmarked article ``ident`` names (exactly or as a unique prefix), file or no file."""
    marks = store.bookmarks
    exact = [mark for mark in marks if mark.id == ident]
    matches = exact or ([mark for mark in marks if mark.id.startswith(ident)] if ident else [])
    if len(matches) > 1:
        message = f"id {ident!r} is ambiguous: {len(matches)} bookmarks start with it"
        raise CommandError(message, _candidates([(m.id, m.title) for m in matches]))
    return matches[0].id if matches else None


def cmd_mark(args: argparse.Namespace) -> int:
    """``reader read|unread|bookmark|unbookmark ID...``.

    ``unbookmark`` finds ids among the bookmarks first, so a bookmark whose file is gone
    can still be removed.
    """
    from reader.store import StoreError

    store = _store()
    loaded: list[Library] = []

    def library() -> Library:
        if not loaded:
            loaded.append(_library(args))
        return loaded[0]

    changes: list[tuple[str, Article | None]] = []
    for ident in args.ids:
        found = _bookmarked_id(store, ident) if args.command == "unbookmark" else None
        if found is not None:
            changes.append((found, None))
        else:
            article = _find(library(), ident)
            changes.append((article.id, article))
    try:
        for article_id, known in changes:
            if args.command in ("read", "unread"):
                store.set_read(article_id, args.command == "read")
            elif args.command == "unbookmark":
                store.set_bookmark(article_id, False)
            elif known is not None:
                store.set_bookmark(
                    article_id, True, title=known.title, section=known.section, published=known.published
                )
    except StoreError as error:
        raise CommandError(str(error)) from None
    return 0


def cmd_bookmarks(args: argparse.Namespace) -> int:
    """``reader bookmarks [--format md|json]``: export bookmarks, newest first (json: JSON Lines)."""
    store = _store()
    marks = store.export_bookmarks()
    if args.format == "json":
        for mark in marks:
            sys.stdout.write(json_line(mark))
        return 0
    sys.stdout.write("# Bookmarks\n\n")
    for mark in marks:
        meta = " · ".join(clean_line(str(x)) for x in (mark["section"], mark["published"]) if x)
        title, ident = clean_line(str(mark["title"])), clean_line(str(mark["id"]))
        sys.stdout.write(f"- {title} (`{ident}`){' · ' + meta if meta else ''}\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``reader import [--force] PATH...``: copy article files into the user library after checking them."""
    from reader.importer import import_paths

    report = import_paths([Path(p) for p in args.paths], force=args.force)
    for line in report.lines:
        print(clean_line(line))
    for problem in report.problems:
        fail(str(problem))
    return 1 if report.problems else 0


# -- the parsers -----------------------------------------------------------------------------


def _with_path(p: argparse.ArgumentParser) -> None:
    p.add_argument("--path", action="append", metavar="PATH", help="also load these files or folders")


def build_parser() -> argparse.ArgumentParser:
    """The subcommand parser (the TUI has its own, see :func:`tui_parser`).

    A subcommand added here (with ``set_defaults(handler=...)``) is all ``main`` needs.
    """
    parser = _parser_class()(prog="reader", description="A terminal news reader.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse page dumps and print the result")
    p.add_argument("--json", action="store_true", help="print the structured result as JSON Lines")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_parse)

    p = sub.add_parser("list", help="list articles, newest first")
    view = p.add_mutually_exclusive_group()
    view.add_argument("--unread", action="store_true", help="only unread articles")
    view.add_argument("--bookmarked", action="store_true", help="only bookmarked articles")
    p.add_argument("--json", action="store_true", help="JSON Lines, one object per article")
    _with_path(p)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="print an article (an id prefix works when unique)")
    p.add_argument("id", metavar="ID")
    _with_path(p)
    p.set_defaults(handler=cmd_show)

    for name, text in (
        ("read", "mark articles read"),
        ("unread", "mark articles unread"),
        ("bookmark", "bookmark articles"),
        ("unbookmark", "remove bookmarks"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("ids", nargs="+", metavar="ID")
        _with_path(p)
        p.set_defaults(handler=cmd_mark)

    p = sub.add_parser("bookmarks", help="export bookmarks")
    p.add_argument("--format", choices=("md", "json"), default="md", help="markdown, or JSON Lines")
    p.set_defaults(handler=cmd_bookmarks)

    p = sub.add_parser("import", help="copy article files or folders into your library")
    p.add_argument("--force", action="store_true", help="import pages that do not look like articles too")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(handler=cmd_import)
    from reader.feeds import cli as feeds_cli

    feeds_cli.add_commands(sub)
    return parser


def subcommands(parser: argparse.ArgumentParser) -> list[str]:
    """The names of a parser's subcommands, in the order they were added."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def tui_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """Arguments of the interactive reader."""
    names = ", ".join(sorted(commands))
    parser = _parser_class()(prog="reader", description=f"A terminal news reader. Subcommands: {names}.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="extra article files or folders to open")
    return parser


def run_tui(args: TuiArguments) -> int:
    """Open the interactive reader on the bundled and the user's library, plus PATHs.

    The garbage collector is paused until the first screen is painted: starting up builds
    many objects (modules, widgets, the library) and frees few, so collections then would
    only cost time (tens of milliseconds at 10,000 stories). The app resumes it.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_tui([Path(p) for p in args.paths])
    finally:
        if collecting:
            gc.enable()


def _run_tui(extra: list[Path]) -> int:
    from reader.app import ReaderApp
    from reader.cache import looks_current
    from reader.config import Config
    from reader.library import default_library, front_library
    from reader.paths import cache_dir, config_file
    from reader.store import open_store

    def load() -> tuple[Library, Store]:
        # a warm start shows the stories the parse cache holds, then checks the files (the reload below): the first
        # rows and the counts kept beside it first, when it can, the rest right after the first frame;
        # a first start shows the stories as they are parsed
        store = open_store()

        def batch(articles: list[Article], paths: dict[str, str]) -> None:
            app.show_batch(articles, paths, store)

        def whole() -> Library:
            return default_library(extra, progress=app.show_progress, trust=True, batches=batch)

        if warm and not config.section:
            front = front_library(extra, store.read_marks, config.sort, store.last_opened)
            if front is not None:
                front.load_rest(whole)
                return front, store
        return whole(), store

    def reload() -> Library:
        return default_library(extra)  # the same folders; the parse cache makes it cheap

    path = config_file()
    warm = looks_current(cache_dir() / "parse-cache.json")  # quick to load: no loading screen needed
    config = Config.load(path)
    app = ReaderApp(config=config, config_path=path, loader=load, load_now=warm, reloader=reload, gc_paused=True)
    app.run()
    return app.return_code or 0  # 1 after a crash or an unsaved change (the app said why on exit)


def unknown_command(word: str, commands: Sequence[str]) -> str | None:
    """Why ``word`` (the first argument) opens nothing: not a command, not an existing path."""
    if word.startswith("-") or word in commands or os.path.lexists(word):
        return None
    import difflib

    close = difflib.get_close_matches(word, commands, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "commands: " + ", ".join(commands)
    return f"{word!r} is not a command, nor a file or folder ({hint})"


def _tolerant_output() -> None:
    """A character the terminal's encoding lacks (a title under ``PYTHONIOENCODING=ascii`` or a C locale) prints
    as ``?``, never as a UnicodeEncodeError traceback; JSON escapes it instead (``json_line``)."""
    for stream in (sys.stdout, sys.stderr):  # stderr is most often "backslashreplace" already: left so
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(ValueError, OSError):  # closed, or cannot change now: left as it is
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reader`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_output()
    try:
        if argv and argv[0] in COMMANDS:
            args = build_parser().parse_args(argv)
            handler: Handler = args.handler
            return handler(args)
        if argv and (problem := unknown_command(argv[0], COMMANDS)):
            fail(problem)
            return 2
        return run_tui(tui_parser().parse_args(argv) if argv else SimpleNamespace(paths=[]))
    except CommandError as error:
        fail(str(error), error.details)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
