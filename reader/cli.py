"""The ``reader`` command: the TUI by default, subcommands for scripts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from reader.parse import ParseError, parse

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A failure to report as ``reader: message`` on stderr, exit 1."""


def fail(message: str) -> None:
    """Print one ``reader: ...`` line on stderr."""
    print(f"reader: {message}", file=sys.stderr)


def read_article_file(path: Path) -> bytes:
    """Read a file's bytes, turning OS errors into a readable :class:`ParseError`."""
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


def cmd_parse(args: argparse.Namespace) -> int:
    """``reader parse [--json] FILE...``: show what the parser makes of pages."""
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            article = parse(read_article_file(path), name=path.name)
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


def build_parser() -> argparse.ArgumentParser:
    """The subcommand parser (the TUI has its own, see :func:`tui_parser`)."""
    parser = argparse.ArgumentParser(prog="reader", description="A terminal news reader.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("parse", help="parse page dumps and print the result")
    p.add_argument("--json", action="store_true", help="print the structured result as JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_parse)
    return parser


SUBCOMMANDS = frozenset({"parse"})


def tui_parser() -> argparse.ArgumentParser:
    """Arguments of the interactive reader."""
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A terminal news reader. Subcommands: " + ", ".join(sorted(SUBCOMMANDS)) + ".",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="extra article files or folders to open")
    return parser


def run_tui(args: argparse.Namespace) -> int:
    """Open the interactive reader."""
    from reader.render import print_library

    return print_library([Path(p) for p in args.paths])


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
