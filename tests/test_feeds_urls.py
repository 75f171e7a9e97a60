"""Which web addresses are refused before any request."""

from __future__ import annotations

from reader.feeds.urls import url_problem


def test_any_space_or_control_character_is_refused_and_nothing_else() -> None:
    """Tabs, line breaks, no-break and other Unicode spaces, controls: refused; letters of any script: fetched."""
    for code in range(0x3100):  # ASCII, Latin, the general punctuation spaces, the ideographic space
        char = chr(code)
        problem = url_problem(f"http://news.example/a{char}b")
        if char.isspace() or not char.isprintable():
            assert problem is not None and problem.startswith("not a valid URL (spaces or control characters)")
        elif char not in "#?/\\@:[]":  # these change the URL's parts, not its validity here
            assert problem is None, (hex(code), problem)
