"""Cleaning untrusted text: escape sequences go whole, stray control characters alone."""

from __future__ import annotations

import pytest

from reader.text import ParseError, clean, clean_line, decode

# The UTF-8 bytes of curly quotes read as Latin-1 (mojibake): the closing quote
# carries U+009D (8-bit OSC) and the opening one U+009C (8-bit ST).
MOJIBAKE = "He said \u00e2\x80\x9chello\u00e2\x80\x9d and walked off to the harbour."


def test_a_stray_c1_character_in_mojibake_loses_only_itself() -> None:  # issue 7, item 15
    assert clean(MOJIBAKE) == "He said \u00e2hello\u00e2 and walked off to the harbour."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Stra\u00c3\x9fe und \u00c3\x9cber den Fluss",
            "Stra\u00c3e und \u00c3ber den Fluss",
        ),  # APC ... ST in mojibake
        ("v\u011b\x9bdec a dal\u0161\u00ed", "v\u011bdec a dal\u0161\u00ed"),  # CSI without parameters
        ("de\u00c4\x9fil mi, dedi", "de\u00c4il mi, dedi"),
        ("before \x9dno OSC here\x07 after", "before no OSC here after"),
        ("before \x9d52;c;ZXZpbA==\x07 after", "before  after"),  # a real 8-bit OSC 52
        ("before \x9d0;title\x9c after", "before  after"),
        ("before \x9b2J after", "before  after"),  # a real 8-bit CSI
        ("before \x90q#1;2\x1b\\ after", "before  after"),  # a real 8-bit DCS
        ("before \x9fGf=100;AAAA\x9c after", "before  after"),  # a real 8-bit APC
    ],
)
def test_c1_controls_start_an_escape_only_where_they_really_are_one(text: str, expected: str) -> None:
    assert clean(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x1b[2Jb", "ab"),
        ("a\x1b[38;5;196mred\x1b[0mb", "aredb"),
        ("a\x1b]0;new title\x07b", "ab"),
        ("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"),
        ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
        ("a\x1b_Gf=100;AAAA\x1b\\b", "ab"),
        ("keep \x1b]0;this title is never closed", "keep 0;this title is never closed"),
        ("keep \x1b[12", "keep 12"),
        ("keep \x1bcthis", "keep this"),  # ESC c (reset) is a whole sequence
        ("keep\x1b", "keep"),
    ],
)
def test_esc_sequences_go_whole_and_incomplete_ones_lose_only_their_introducer(text: str, expected: str) -> None:
    assert clean(text) == expected


def test_a_never_closed_osc_string_does_not_swallow_the_rest_of_the_page() -> None:
    text = "Title\x1b]52;c;" + "QUJD" * 2000 + "\n\nThe body survives."
    cleaned = clean(text)
    assert cleaned.endswith("\n\nThe body survives.")
    assert "\x1b" not in cleaned


def test_bidi_overrides_and_lone_surrogates_are_removed() -> None:
    text = "A quiet harbour town \u202eworcs\u202c votes \u2066on\u2069 the \ud800budget today"
    assert clean(text) == "A quiet harbour town worcs votes on the budget today"


def test_newlines_and_tabs_survive_clean_but_not_clean_line() -> None:
    assert clean("a\tb\r\nc\rd") == "a\tb\nc\nd"
    assert clean_line("a\tb\r\nc \x1b]0;t\x07d\x9d e") == "a b c d e"


def test_mostly_control_characters_is_binary() -> None:
    with pytest.raises(ParseError, match="binary"):
        clean("\x01\x02\x03\x04" * 100)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbfcaf\xc3\xa9", "café"),
        ("café".encode("utf-16"), "café"),
        ("café".encode("utf-16-le"), "café"),
        (b"caf\xe9", "café"),
    ],
)
def test_decode_reads_utf8_utf16_and_cp1252(data: bytes, text: str) -> None:
    assert decode(data) == text


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Türkiye ‘Pilot’".encode()[:-1], "Türkiye ‘Pilot"),  # UTF-8 cut inside its last character
        ("Türkiye ‘Pilot’".encode()[:-2], "Türkiye ‘Pilot"),
        ("ab‘c".encode("utf-16")[:-1], "ab‘"),  # UTF-16 cut inside its last unit
        (b"caf\xe9", "café"),  # cp1252 ending in a letter that would open a UTF-8 sequence
        (b"caf\xe9 cr\xe8me", "café crème"),
    ],
)
def test_decode_of_a_cut_dump(data: bytes, text: str) -> None:
    assert decode(data) == text


UNSAFE = [chr(c) for c in (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))] + [
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    "\ud800",
    "\udfff",
]


@pytest.mark.parametrize("around", ["plain ASCII text", "café “quoted”", "wide 文字 text", "tab\tand\nline"])
def test_every_control_character_is_removed_from_any_text(around: str) -> None:
    # clean() skips its search when a quick check finds the text safe: that check must miss none.
    for char in UNSAFE:
        assert clean(f"{around} {char}\n{around}") == f"{around} \n{around}", repr(char)
    assert clean(around) == around  # safe text comes through untouched
