"""Whether a web address can be fetched at all: checked before any request is made. No Textual.

An address from a feed, an OPML file, a redirect or the command line may hold a
port out of range, spaces or control characters; the HTTP stack fails on those
deep inside (some failures are not even HTTP errors), so they are refused here
with a one-line reason instead.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

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


def same_address(url: str) -> str:
    """``url`` as every spelling of the same address is written: scheme and host in lower case, no
    default port, no ``#fragment``, no ``.`` or ``..`` path segment (RFC 3986's equivalences; the path's
    case and the query stay as they are). An address that cannot be read comes back as it is."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}.get(parts.scheme):
        host = f"{host}:{port}"
    user, at, _ = parts.netloc.rpartition("@")
    return urlunsplit((parts.scheme, user + at + host, _without_dots(parts.path) or "/", parts.query, ""))


def _without_dots(path: str) -> str:
    """A path with its ``.`` and ``..`` segments resolved (RFC 3986, 5.2.4)."""
    kept: list[str] = []
    segments = path.split("/")
    for n, segment in enumerate(segments):
        if segment in (".", ".."):
            if segment == ".." and len(kept) > 1:
                kept.pop()
            if n == len(segments) - 1:
                kept.append("")  # "/a/." is "/a/"
            continue
        kept.append(segment)
    return "/".join(kept)


def _shown(url: str) -> str:
    return clean_line(repr(url[:_SHOWN]))
