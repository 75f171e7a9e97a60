"""Which proxy a request goes through: ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY``. No Textual.

Read as curl and httpx read them, each name in lower or upper case (lower first; unlike curl,
upper-case ``HTTP_PROXY`` counts too, as in httpx: reader is never a CGI program),
a proxy without a scheme is an HTTP proxy, ``ALL_PROXY`` serves a scheme that
has none of its own. ``NO_PROXY`` is a comma-separated list of host names
(each also matching its subdomains; a leading dot is ignored), IP addresses,
IP networks (``10.0.0.0/8``), any of those with ``:port``, or ``*`` for no
proxy at all.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Proxy schemes httpx speaks (the SOCKS ones need the socksio package).
SCHEMES = ("http", "https", "socks5", "socks5h")

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _setting(environ: Mapping[str, str], name: str) -> tuple[str, str] | None:
    """The variable ``name`` in any case, lower case first, then upper case: (its name, its value); empty is unset."""
    lower = name.lower()
    for key in (lower, name.upper()):
        value = environ.get(key, "").strip()
        if value:
            return key, value
    for key, value in environ.items():
        if key.lower() == lower and value.strip():
            return key, value.strip()
    return None


@dataclass(frozen=True, slots=True)
class _Exception:
    """One ``NO_PROXY`` entry."""

    host: str  #: a lower-case name, or an address
    network: _Network | None  #: set for an address or a network
    port: int | None


def _exception(entry: str) -> _Exception | None:
    """A ``NO_PROXY`` entry parsed (None: one that means nothing)."""
    entry = entry.strip().lower().lstrip(".").rstrip(".")
    port: int | None = None
    if entry.startswith("["):  # [v6]:port or [v6]
        address, _, rest = entry[1:].partition("]")
        entry = address
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
    elif entry.count(":") == 1:  # name:port or v4:port (more colons: a bare IPv6 address)
        name, _, number = entry.partition(":")
        if not number.isdigit():
            return None
        entry, port = name, int(number)
    if not entry:
        return None
    try:
        network: _Network | None = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        network = None
    return _Exception(entry, network, port)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Proxies:
    """The proxy settings of an environment; :meth:`for_url` tells a URL's proxy."""

    by_scheme: Mapping[str, tuple[str, str]]  #: "http", "https", "all" → (variable name, proxy URL)
    bypass_all: bool = False
    exceptions: tuple[_Exception, ...] = ()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Proxies:
        """The settings in ``environ`` (this process's environment by default)."""
        environ = os.environ if environ is None else environ
        by_scheme: dict[str, tuple[str, str]] = {}
        for scheme in ("http", "https", "all"):
            found = _setting(environ, f"{scheme}_proxy")
            if found is not None:
                name, value = found
                by_scheme[scheme] = (name, value if "://" in value else f"http://{value}")
        found = _setting(environ, "no_proxy")
        entries = [e for e in (found[1] if found else "").replace(" ", ",").split(",") if e.strip()]
        bypass_all = any(e.strip() == "*" for e in entries)
        exceptions = tuple(x for e in entries if e.strip() != "*" and (x := _exception(e)) is not None)
        return cls(by_scheme, bypass_all, exceptions)

    def __bool__(self) -> bool:
        return bool(self.by_scheme) and not self.bypass_all

    def for_url(self, url: str) -> tuple[str, str] | None:
        """The proxy for ``url`` as (the variable that named it, the proxy URL), or None: a direct request."""
        if not self:
            return None
        parts = urlsplit(url)
        chosen = self.by_scheme.get(parts.scheme) or self.by_scheme.get("all")
        if chosen is None:
            return None
        host = (parts.hostname or "").lower().rstrip(".")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return chosen  # a bad port: the fetcher reports it
        if any(_matches(x, host, port) for x in self.exceptions):
            return None
        return chosen


def _matches(exception: _Exception, host: str, port: int) -> bool:
    """Does a ``NO_PROXY`` entry cover ``host:port``."""
    if exception.port is not None and exception.port != port:
        return False
    if exception.network is not None:
        address = _address(host)
        return address is not None and address in exception.network
    return host == exception.host or host.endswith("." + exception.host)


def _after_user(proxy: str) -> str:
    """A proxy URL past its scheme and past its last ``@``: a password holding an unencoded ``/``, ``?``
    or ``#`` (which a URL parser takes for the path's start) is left out too."""
    rest = proxy.partition("://")[2] or proxy
    return rest.rpartition("@")[2]


def authority(proxy: str) -> str:
    """A proxy URL's ``host:port``, without user name or password (also for a URL that does not parse)."""
    return re.split(r"[/?#]", _after_user(proxy), maxsplit=1)[0]


def shown(proxy: str) -> str:
    """A proxy URL fit to show: its password (and user name) left out."""
    scheme, separator, _ = proxy.partition("://")
    if not separator:
        return authority(proxy)
    return f"{scheme}://{_after_user(proxy)}"


def secret_free(text: str, proxy: str) -> str:
    """``text`` (an error's message about ``proxy``), or a plain stand-in when it quotes a piece of the
    proxy's user name or password (Python's "Port could not be cast to integer value as 'hun'")."""
    user = (proxy.partition("://")[2] or proxy).rpartition("@")[0]
    pieces = [piece for piece in re.split(r"[:/?#]", user) if piece]
    return "not a valid URL" if any(piece in text for piece in pieces) else text
