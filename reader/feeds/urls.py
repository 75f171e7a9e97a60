"""Whether a web address can be fetched at all: checked before any request is made. No Textual.

An address from a feed, an OPML file, a redirect or the command line may hold a
port out of range, spaces or control characters; the HTTP stack fails on those
deep inside (some failures are not even HTTP errors), so they are refused here
with a one-line reason instead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from reader.text import clean_line

_SHOWN = 200


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) address that can be fetched, or None when it is."""
    # every space but " " is unprintable, so this is "no space and no control character" (one pass in C)
    if not url.isprintable() or " " in url:
        return f"not a valid URL (spaces or control characters): {_shown(url)}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"not a valid URL ({clean_line(str(error))}): {_shown(url)}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {_shown(url)}"
    if port == 0:
        return f"not a valid URL (port 0): {_shown(url)}"
    return None


def _shown(url: str) -> str:
    return clean_line(repr(url[:_SHOWN]))
