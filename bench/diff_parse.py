"""Differential check of the parser: an earlier version (from git) against this one, page by page.

Run: ``python -m bench.diff_parse [COUNT] [REF]`` (defaults: 20,000 pages, ``main``). The
parser modules of REF (``parse``, ``shapes``, ``text``, ``dates``) are copied from git into a
temporary package; both parsers then read COUNT generated pages, each mutated in its own
way (header lines shuffled, dropped or repeated; bylines, dates, captions, lists, quotes,
footers, tabs, CRLF, escapes, non-ASCII, other encodings, cuts at any byte), plus every
fixture page, every seed and every fixture file; ``parse(data, body=False)`` is compared too
(with REF's article but for its body). Prints the number of pages compared and every
difference (the first few in full); exits 1 when there is any.
"""

from __future__ import annotations

import importlib
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.pages import page

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("parse", "shapes", "text", "dates")
#: Lines that page dumps hold here and there, for the mutations.
EXTRA = [
    "By Jane Doe",
    "By Jane Doe and John Roe",
    "BY",
    "Jane DoeJane Doe",
    "Ali TopchiAli TopchiMira StolMira Stol",
    "3 hours ago",
    "Updated 5 min ago",
    "yesterday",
    "02:48",
    "12 MIN READ",
    "READ MORE: Harbour council votes on the budget",
    "Related",
    "RelatedTRT World - Harbour council votes",
    "Related: a lower case headline",
    "RECOMMENDED",
    "ADVERTISEMENT",
    "© 2024 Site",
    "Copyright 2024",
    "Privacy Policy",
    "- a list item",
    "• another item",
    "1. a numbered item",
    "12) numbered again",
    "> a quoted line",
    ">",
    "SOURCE:AFP",
    "Source: Reuters",
    "SOURCE : AA Wire",
    "Photo: AP",
    "A caption of a photo / Photo: AP / Reuters",
    "Caption only / Credit",
    "WAR ON GAZA",
    "POLITICSTÜRKİYEWAR ON GAZAWORLDBUSINESS",
    "WORLD",
    "Published November 3, 2024 10:00 AM",
    "Updated on: Nov. 3, 2024, 10:00 (GMT+3)",
    "7 Temmuz 2025",
    "12 de marzo de 2024",
    "2024-11-23T10:00:00Z",
    "February 31, 2024",
    "Explore",
    "More Videos",
    "continued on a lower case line",
    "and then another wrapped line",
    "“A quoted heading”",
    "A heading without a stop",
    "Sneak a peek at our newsletter",
    "Contact us",
    "A line with\ttabs\t inside",
    "A line\u2028with a line separator",
    "Non\u00a0breaking\u00a0spaces and “quotes” — dashes…",
    "Escape \x1b[31mred\x1b[0m and \x1b]0;title\x07 here",
    "C1 \x9b31m control and \u202e override",
    "Cafe\u0301 needs NFC",
    "Zero\u200bwidth",
    "",
    "",
]


def old_parser(ref: str, folder: Path) -> Callable[..., Any]:
    """``parse`` of ``ref``, imported as the package ``oldreader`` from ``folder``."""
    package = folder / "oldreader"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in MODULES:
        source = subprocess.run(
            ["git", "show", f"{ref}:reader/{name}.py"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for other in MODULES:
            source = source.replace(f"from reader.{other} import", f"from oldreader.{other} import")
        (package / f"{name}.py").write_text(source)
    sys.path.insert(0, str(folder))
    return importlib.import_module("oldreader.parse").parse  # type: ignore[no-any-return]


def mutated(n: int, count: int) -> bytes:
    """Page ``n``, changed in a way of its own (or not at all, one time in eight)."""
    rng = random.Random(n)
    lines = page(n, count, seed=n % 7).split("\n")
    kind = n % 8
    if kind == 1:  # header lines shuffled
        head = lines[:9]
        rng.shuffle(head)
        lines[:9] = head
    elif kind == 2:  # lines dropped
        lines = [line for line in lines if rng.random() > 0.25]
    if kind in (2, 3, 4, 5, 6, 7):  # extra lines anywhere, more near the top
        for _ in range(rng.randint(1, 8)):
            at = rng.randint(0, min(len(lines), 12) if rng.random() < 0.6 else len(lines))
            lines.insert(at, rng.choice(EXTRA))
    if kind == 4 and rng.random() < 0.5:
        lines[0] = " date 2025-07-07 " + lines[0]
    if kind == 5:  # lines repeated, cased, indented
        for _ in range(3):
            at = rng.randrange(len(lines))
            line = lines[at]
            lines.insert(at, rng.choice([line, line.upper(), line.lower(), "  " + line + " ", line[: len(line) // 2]]))
    text = ("\r\n" if n % 11 == 0 else "\n").join(lines)
    if n % 13 == 0:
        data = text.encode("cp1252", "replace")
    elif n % 17 == 0:
        data = text.encode("utf-16")
    elif n % 19 == 0:
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    else:
        data = text.encode("utf-8")
    if kind == 6:  # cut at any byte
        data = data[: rng.randint(0, len(data))]
    return data


def files() -> Iterator[tuple[str, bytes]]:
    """Every fixture page, seed and test fixture file."""
    for folder in (ROOT / "tests" / "fixtures", ROOT / "seeds"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                yield str(path.relative_to(ROOT)), path.read_bytes()


def outcome(parse: Callable[..., Any], data: bytes, **options: bool) -> object:
    """What the parser makes of ``data``: the article as data, or the error's type and reason."""
    try:
        return parse(data, **options).to_dict()
    except Exception as error:
        return (type(error).__name__, str(error))


def without_body(found: object) -> object:
    """An outcome with the article's body left out."""
    return {**found, "body": []} if isinstance(found, dict) else found


def main() -> None:
    """Compare the two parsers; print the count and the differences."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    ref = sys.argv[2] if len(sys.argv) > 2 else "main"
    from reader.parse import parse

    with tempfile.TemporaryDirectory() as tmp:
        old = old_parser(ref, Path(tmp))
        cases: Iterator[tuple[str, bytes]] = ((f"generated page {n}", mutated(n, count)) for n in range(count))
        compared, differences = 0, []
        for name, data in [*files(), *cases]:
            compared += 1
            before, after = outcome(old, data), outcome(parse, data)
            if before != after:
                differences.append((name, before, after))
            heads = outcome(parse, data, body=False)  # the list's parse: all but the body
            if without_body(before) != heads:
                differences.append((f"{name}, without the body", without_body(before), heads))
    print(f"pages compared: {compared} ({count} generated, {compared - count} files); differences: {len(differences)}")
    for name, before, after in differences[:5]:
        print(f"--- {name}\n  {ref}: {before!r}\n  now: {after!r}")
    if differences:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
