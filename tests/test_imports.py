"""Domain code stays free of Textual, so it can be tested and scripted on its own."""

from __future__ import annotations

import subprocess
import sys

DOMAIN = [
    "model",
    "children",
    "reload",
    "rows",
    "backlinks",
    "title_match",
    "text",
    "dates",
    "shapes",
    "parse",
    "parser_version",
    "links",
    "library",
    "journal",
    "store",
    "history",
    "config",
    "paths",
    "importer",
    "files",
    "cache",
    "fileops",
    "search",
    "record",
]


def test_domain_modules_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import reader.{name}\n" for name in DOMAIN)
        + "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_tui_imports_only_what_its_first_paint_needs() -> None:
    """Issue 9: ``reader`` starting its TUI imports neither the feeds, the network, the palette's
    commands nor the subcommands' extras: they load when first used."""
    code = (
        "import sys\nimport reader.cli, reader.app\n"
        "print(sorted(m for m in sys.modules if m.startswith(('reader.feeds.', 'reader.commands', 'reader.importer'))"
        " or m.split('.')[0] in ('sqlite3', 'httpx', 'feedparser', 'trafilatura', 'lxml')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_palette_still_offers_the_reader_commands() -> None:
    """The palette's providers are imported when it opens: they are the reader's own."""
    from reader.app import ReaderApp
    from reader.commands import OpenArticle, ReaderCommands

    providers = {source() if not isinstance(source, type) else source for source in ReaderApp.COMMANDS}
    assert {ReaderCommands, OpenArticle} <= providers


def test_a_warm_start_imports_neither_the_parser_nor_the_story_renderer() -> None:
    """Issue 9: the first paint shows the parse cache's headlines, so the parser (its modules build dozens of
    patterns), the article renderer, the loading screen of a first start and the help and problems screens are
    imported when first used (the parser and the renderer: or just after the first frame, in the background)."""
    code = (
        "import sys\nimport reader.cli, reader.app\n"
        "print(sorted(m for m in sys.modules if m in ('reader.parse', 'reader.dates', 'reader.shapes',"
        " 'reader.render', 'reader.screens.loading', 'reader.screens.help', 'reader.screens.problems')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_bare_launch_imports_neither_argparse_nor_hashlib() -> None:
    """Issue 9: ``reader`` with no arguments (the usual launch) starts without argparse (and its gettext):
    ``reader PATH`` and the subcommands still parse theirs (tests/test_cli*.py); nor hashlib (OpenSSL's
    library), which only writing marks, keeping backlinks and indexing use."""
    code = (
        "import sys\nfrom reader.app import ReaderApp\nReaderApp.run = lambda self, *a, **k: None\n"
        "import reader.cli\nassert reader.cli.main([]) == 0\n"
        "print(sorted(m for m in sys.modules if m in ('argparse', 'gettext', 'hashlib', '_hashlib')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


#: Modules a launch does without until a key wants them: imported just after the first frame (reader.screens.warm).
AFTER_THE_FIRST_FRAME = (
    "reader.links",
    "reader.widgets.filter_box",
    "reader.widgets.text_input",
    "reader.widgets.sources",
    "reader.title_match",
    "reader.render",
    "reader.parse",
    "reader.find",
    "reader.reload",
    "reader.keymap",
)


def test_the_first_frame_does_without_the_modules_of_later_keys() -> None:
    """Issue 9: ``reader`` (a warm start over the seeds, shown headless) paints its first headlines without
    importing the filter box (nor the find bar's text box), the Sources pane, the headline matcher, the parser,
    the story renderer, finding in a story, the reload's comparison or the key map's checks: which of them are
    imported is noted when the warm-up would start (just after the first frame), in its place."""
    code = (
        "import asyncio, sys\n"
        "import reader.screens.main\n"
        f"later = {AFTER_THE_FIRST_FRAME!r}\n"
        "seen = []\n"
        "reader.screens.main.warm_later = lambda: seen.append(sorted(m for m in sys.modules if m in later))\n"
        "from reader.app import ReaderApp\n"
        "async def first_frame(app):\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "        assert app.screen.query_one('#headlines').rows, 'no headlines shown'\n"
        "ReaderApp.run = lambda self, *a, **k: asyncio.run(first_frame(self))\n"
        "import reader.cli\n"
        "assert reader.cli.main([]) == 0\n"
        "print(seen)"
    )
    fill = "from reader.library import default_library\ndefault_library()"  # the launch below is a warm one
    subprocess.run([sys.executable, "-c", fill], check=True)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[[]]"


def test_the_warm_up_imports_them_once_the_headlines_are_shown() -> None:
    """Just after the first frame, a background thread imports each of them, so the first "/" (or Enter,
    Ctrl+F, Ctrl+R) does not wait for its module."""
    code = (
        "import sys, threading\n"
        "from reader.screens import warm\n"
        "warm.warm_later()\n"
        "for thread in threading.enumerate():\n"
        "    if thread.name == 'reader-warm-imports': thread.join(30)\n"
        f"print(sorted(m for m in sys.modules if m in {AFTER_THE_FIRST_FRAME!r}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(sorted(AFTER_THE_FIRST_FRAME))
