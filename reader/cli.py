"""The ``reader`` command: the TUI by default, subcommands for scripts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from reader.library import Library, default_library, read_article
from reader.model import Article
from reader.parse import ParseError
from reader.store import Store, StoreError, open_store

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A failure to report as ``reader: message`` on stderr, exit 1."""


def fail(message: str) -> None:
    """Print one ``reader: ...`` line on stderr."""
    print(f"reader: {message}", file=sys.stderr)


def cmd_parse(args: argparse.Namespace) -> int:
    """``reader parse [--json] FILE...``: show what the parser makes of pages."""
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
            option = orjson.OPT_INDENT_2 if len(args.files) == 1 else 0
            sys.stdout.write(orjson.dumps(article.to_dict(), option=option).decode() + "\n")
        else:
            from reader.render import render_to_console

            render_to_console(article)
    return status


def _library(args: argparse.Namespace) -> Library:
    """The library for a subcommand (the user's, plus ``--path`` extras); problems on stderr."""
    library = default_library([Path(p) for p in getattr(args, "path", None) or ()])
    for problem in library.problems:
        fail(f"skipped {problem}")
    return library


def _store() -> Store:
    store = open_store()
    for notice in store.notices:
        fail(notice)
    return store


def _find(library: Library, article_id: str) -> Article:
    try:
        return library.find(article_id)
    except LookupError as error:
        raise CommandError(str(error)) from None


def cmd_list(args: argparse.Namespace) -> int:
    """``reader list``: one line (or JSON object) per article, newest first."""
    library, store = _library(args), _store()
    out = sys.stdout
    for article in library.articles:
        read, marked = store.is_read(article.id), store.is_bookmarked(article.id)
        if (args.unread and read) or (args.bookmarked and not marked):
            continue
        if args.json:
            record = {
                "id": article.id,
                "title": article.title,
                "section": article.section,
                "published": article.published,
                "read": read,
                "bookmarked": marked,
                "path": str(library.paths.get(article.id, "")),
            }
            out.write(orjson.dumps(record).decode() + "\n")
        else:
            marks = ("*" if marked else " ") + (" " if read else "N")
            out.write(f"{marks} {article.published or '-':10}  {article.id}  {article.title}\n")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """``reader show ID``: the article rendered with rich (plain when piped)."""
    library = _library(args)
    article = library.full(_find(library, args.id))
    from reader.render import render_to_console

    render_to_console(article, links=library.links(article))
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    """``reader read|unread|bookmark|unbookmark ID...``."""
    library, store = _library(args), _store()
    articles = [_find(library, i) for i in args.ids]
    try:
        for article in articles:
            if args.command in ("read", "unread"):
                store.set_read(article.id, args.command == "read")
            else:
                store.set_bookmark(
                    article.id,
                    args.command == "bookmark",
                    title=article.title,
                    section=article.section,
                    published=article.published,
                )
    except StoreError as error:
        raise CommandError(str(error)) from None
    return 0


def cmd_bookmarks(args: argparse.Namespace) -> int:
    """``reader bookmarks [--format md|json]``: export bookmarks, newest first."""
    store = _store()
    marks = store.export_bookmarks()
    if args.format == "json":
        sys.stdout.write(orjson.dumps(marks, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    sys.stdout.write("# Bookmarks\n\n")
    for mark in marks:
        meta = " · ".join(str(x) for x in (mark["section"], mark["published"]) if x)
        sys.stdout.write(f"- {mark['title']} (`{mark['id']}`){' · ' + meta if meta else ''}\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``reader import PATH...``: copy article files into the user library after checking them."""
    from reader.importer import import_paths

    report = import_paths([Path(p) for p in args.paths])
    for line in report.lines:
        print(line)
    for problem in report.problems:
        fail(str(problem))
    return 1 if report.problems else 0


def build_parser() -> argparse.ArgumentParser:
    """The subcommand parser (the TUI has its own, see :func:`tui_parser`)."""
    parser = argparse.ArgumentParser(prog="reader", description="A terminal news reader.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse page dumps and print the result")
    p.add_argument("--json", action="store_true", help="print the structured result as JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_parse)

    p = sub.add_parser("list", help="list articles, newest first")
    view = p.add_mutually_exclusive_group()
    view.add_argument("--unread", action="store_true", help="only unread articles")
    view.add_argument("--bookmarked", action="store_true", help="only bookmarked articles")
    p.add_argument("--json", action="store_true", help="JSON Lines, one object per article")
    p.add_argument("--path", action="append", metavar="PATH", help="also load these files or folders")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="print an article (an id prefix works when unique)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--path", action="append", metavar="PATH", help="also load these files or folders")
    p.set_defaults(handler=cmd_show)

    for name, text in (
        ("read", "mark articles read"),
        ("unread", "mark articles unread"),
        ("bookmark", "bookmark articles"),
        ("unbookmark", "remove bookmarks"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("ids", nargs="+", metavar="ID")
        p.add_argument("--path", action="append", metavar="PATH", help="also load these files or folders")
        p.set_defaults(handler=cmd_mark)

    p = sub.add_parser("bookmarks", help="export bookmarks")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.set_defaults(handler=cmd_bookmarks)

    p = sub.add_parser("import", help="copy article files or folders into your library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(handler=cmd_import)
    return parser


SUBCOMMANDS = frozenset({"parse", "list", "show", "read", "unread", "bookmark", "unbookmark", "bookmarks", "import"})


def tui_parser() -> argparse.ArgumentParser:
    """Arguments of the interactive reader."""
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A terminal news reader. Subcommands: " + ", ".join(sorted(SUBCOMMANDS)) + ".",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="extra article files or folders to open")
    return parser


def run_tui(args: argparse.Namespace) -> int:
    """Open the interactive reader on the bundled and the user's library, plus PATHs."""
    from reader.app import ReaderApp
    from reader.config import Config
    from reader.paths import config_file

    extra = [Path(p) for p in args.paths]

    def load() -> tuple[Library, Store]:
        return default_library(extra), open_store()

    path = config_file()
    app = ReaderApp(config=Config.load(path), config_path=path, loader=load)
    app.run()
    return app.return_code or 0  # 1 after a crash or an unsaved change (the app said why on exit)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reader`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = build_parser().parse_args(argv)
            handler: Handler = args.handler
            return handler(args)
        return run_tui(tui_parser().parse_args(argv))
    except CommandError as error:
        fail(str(error))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
