"""JSON Lines for the command line's ``--json`` output: valid, lossless and inert on any terminal."""

from __future__ import annotations

import re
import sys
from typing import TextIO

import orjson

# Characters JSON may carry raw that a terminal could still act on: C1 controls (8-bit
# escapes), bidirectional overrides, line separators. They are written as \\u escapes. (Patterns compiled
# when first used, by ``re``'s cache: the app imports this module but never prints JSON.)
_UNSAFE = "[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_NON_ASCII = "[^\x00-\x7f]"


def json_line(data: object, out: TextIO | None = None) -> str:
    """``data`` as one line of JSON for ``out`` (stdout by default), newline included.

    orjson escapes only C0 controls: the characters a terminal could act on are escaped too, and on
    a terminal whose encoding lacks a character (ASCII, Latin-1...) every non-ASCII character is a
    ``\\uXXXX`` escape, so the data stays whole (never a ``?``).
    """
    text = orjson.dumps(data).decode()
    if not text.isascii():
        text = re.sub(_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text)
        if not _takes(sys.stdout if out is None else out, text):
            text = re.sub(_NON_ASCII, lambda m: u_escape(m.group()), text)
    return text + "\n"


def u_escape(char: str) -> str:
    """One character as a JSON ``\\u`` escape (a surrogate pair beyond the first 65536)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _takes(out: TextIO, text: str) -> bool:
    """Can ``out``'s encoding write ``text`` as it is?"""
    try:
        text.encode(getattr(out, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
