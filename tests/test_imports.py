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
]


def test_domain_modules_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import reader.{name}\n" for name in DOMAIN)
        + "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
