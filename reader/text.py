"""Turning untrusted bytes into clean, safe text: decoding, escapes, normalisation."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache


class ParseError(ValueError):
    """An input that cannot be read as an article; ``str()`` is the reason."""


# Terminal escape sequences are removed whole, but only where they really are one:
# complete, within a short distance, and (for the 8-bit C1 forms, which also turn up
# inside mojibake such as "â\x80\x9d") with a plausible ASCII body. Anything else that
# is a control character is removed on its own, so no text after it is lost.
_STRING_7BIT = r"[^\x00-\x1f\x7f-\x9f]{0,2048}"  # body of an ESC-introduced string
_STRING_8BIT = r"[ -~]{0,512}"  # body of a C1-introduced string: printable ASCII only
_UNSAFE = (  # (the patterns are compiled when first used: a launch cleans no text before its first frame)
    r"\x1b\[[0-?]{0,64}[ -/]{0,8}[@-~]"  # CSI
    r"|\x1b[\]PX^_]" + _STRING_7BIT + r"(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC, terminated
    r"|\x1b[ -/]{0,8}[0-~]"  # other ESC sequences (also an unterminated ESC ] or ESC P)
    r"|\x9b[0-?]{1,64}[ -/]{0,8}[@-~]"  # 8-bit CSI with parameters
    r"|\x9d\d{1,4};" + _STRING_8BIT + r"(?:\x07|\x9c|\x1b\\)"  # 8-bit OSC: number, ';', text, terminator
    r"|[\x90\x98\x9e\x9f]" + _STRING_8BIT + r"(?:\x9c|\x1b\\)"  # 8-bit DCS, SOS, PM, APC, terminated
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"  # one control character
)
_QUICK_UNSAFE = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_ASCII_UNSAFE = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])  # what it finds in ASCII


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """One of this module's patterns, compiled the first time it is used."""
    return re.compile(pattern)


def decode(data: bytes) -> str:
    """Decode a file's bytes: UTF-8 (BOM or not), UTF-16/32 with BOM, else cp1252.

    A text cut at a fixed byte length may end inside a character: that partial
    character is dropped, and the rest read in its own encoding.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data[: len(data) - len(data) % 4].decode("utf-32", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data[: len(data) - len(data) % 2].decode("utf-16", errors="replace")
    if b"\x00" in data:
        return _decode_nul_bearing(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        head = data[: error.start]
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3 and not head.isascii():
            # UTF-8 throughout, but cut at a fixed length inside its last character.
            return head.decode("utf-8")
        return data.decode("cp1252", errors="replace")


def _decode_nul_bearing(data: bytes) -> str:
    """UTF-16 without a BOM is accepted when it clearly is; anything else is binary."""
    if len(data) % 2 == 0 and len(data) >= 4:
        even, odd = data[0::2], data[1::2]
        for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
            if zeros.count(0) >= 0.9 * len(zeros):
                text = data.decode(codec, errors="replace")
                if "\x00" not in text:
                    return text
    raise ParseError("binary file, not text")


def clean(text: str) -> str:
    """Unify line endings, remove escape sequences and control characters, apply NFC.

    Newline and tab are the only control characters that survive. Raises
    :class:`ParseError` when the text is mostly control characters (binary).
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _may_be_unsafe(text) and _compiled(_QUICK_UNSAFE).search(text):
        if _looks_binary(text):
            raise ParseError("binary file, not text")
        text = _compiled(_UNSAFE).sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _may_be_unsafe(text: str) -> bool:
    """False when ``text`` surely has no character :data:`_QUICK_UNSAFE` finds, checked in C
    well before a search: an ASCII text without C0 controls (but newline and tab) or DEL, or
    any text printable but for its newlines and tabs (every unsafe character is unprintable)."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_UNSAFE)) != len(text)
    return not text.replace("\n", "").replace("\t", "").isprintable()


def _looks_binary(raw: str) -> bool:
    """True when a decoded text is mostly control characters (a binary file)."""
    sample = raw[:4096]
    controls = len(_compiled(_QUICK_UNSAFE).findall(sample)) - sample.count("\x1b")
    return controls > 0.1 * len(sample)


_LINE_BREAKS = r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+"


def clean_line(text: str) -> str:
    """Make external text (a file name, a message, a title) safe to show on one line.

    Escape sequences and control characters are removed, and tabs and line breaks
    become single spaces, so the text can neither drive the terminal nor spill
    out of its place on screen.
    """
    text = _compiled(_LINE_BREAKS).sub(" ", text)
    if _compiled(_QUICK_UNSAFE).search(text):
        text = _compiled(_UNSAFE).sub("", text)
    return text
