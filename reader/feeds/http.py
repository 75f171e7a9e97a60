"""Every network request of reader goes through here. No Textual.

Conditional GET, redirects followed by hand (a permanent chain is reported so
the stored URL can be updated; a loop is an error), a size cap enforced while
streaming, per-host and global concurrency limits, and one-line error messages.
The requests themselves go over :mod:`reader.feeds.wire` (lean HTTP/1.1), or
httpx for an injected transport, URLs the lean path leaves alone, and every
request that the environment sends through a proxy (:mod:`reader.feeds.proxy`).
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import ssl
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from reader import __version__
from reader.feeds.backend import speed_up
from reader.feeds.proxy import SCHEMES, Proxies, authority, secret_free, shown
from reader.feeds.urls import url_problem
from reader.feeds.wire import WantsHTTP2, Wire, WireError, first_line, lean_url

USER_AGENT = f"reader/{__version__} (+terminal news reader)"
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 10
#: Connection pools a fetcher spreads its requests over, and the fewest connections worth a pool of their own.
#: httpcore's bookkeeping grows faster than linearly with a pool's size (each request start and end checks
#: every connection, the idle check is quadratic): a page cost 950 µs of CPU with pools of 8, 730 with 4.
SHARDS = 8
CONNECTIONS_PER_SHARD = 4
ACCEPT_FEED = "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
#: Headers every request carries.
BASE_HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate, br"}


class FetchError(Exception):
    """A request that failed; ``str()`` is one line for the user."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Response:
    """What a GET brought back. ``status`` 304 means unchanged (``body`` empty)."""

    url: str  #: the final URL after redirects
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    moved_to: str | None  #: set when every redirect was permanent (301/308)


@dataclass(frozen=True, slots=True)
class Limits:
    """Timeouts (seconds), concurrency and size limits."""

    connect: float = 10.0
    read: float = 20.0
    total: float = 60.0
    connections: int = 32
    per_host: int = 6
    max_bytes: int = MAX_BYTES


#: The longest wait a server's Retry-After is honoured for (one day, in seconds).
MAX_RETRY_AFTER = 86_400


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now, at most :data:`MAX_RETRY_AFTER`
    (a server cannot silence a feed for years, nor ask for a wait no date can hold)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, when.timestamp() - (time.time() if now is None else now)))


class _Reply(Protocol):
    """What the fetcher reads of a response, from httpx or from :mod:`reader.feeds.wire`."""

    @property
    def status_code(self) -> int: ...
    @property
    def reason_phrase(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    def aiter_bytes(self) -> AsyncIterator[bytes]: ...


class Fetcher:
    """An HTTP client with limits; use ``async with Fetcher() as f: await f.get(url)``.

    Requests go through :mod:`reader.feeds.wire` (lean HTTP/1.1), or through httpx (HTTP/2 where the
    server offers it) when a transport is given, the URL is one the lean path leaves to httpx, the
    server chose HTTP/2 in the TLS handshake, or a proxy set in the environment applies to the URL
    (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``: read when the fetcher is made).
    """

    def __init__(self, limits: Limits | None = None, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.limits = limits or Limits()
        self._wire: Wire | None = None
        if transport is None:
            self._wire = Wire(
                connect=self.limits.connect,
                read=self.limits.read,
                max_idle=self.limits.connections,
                ssl_context=wire_ssl_context,
            )
        self._global = asyncio.Semaphore(self.limits.connections)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        # Several small pools rather than one big one: httpcore checks every pooled
        # connection before each request, so the cost of a request grows with the pool.
        shards = max(1, min(SHARDS, self.limits.connections // CONNECTIONS_PER_SHARD)) if transport is None else 1
        self._size = -(-self.limits.connections // shards)
        self._transport = transport
        #: httpx's clients, made on first use (with the lean path, most fetchers never need them)
        self._clients: list[httpx.AsyncClient] = []
        self._busy = [0] * shards
        #: the pool a host was last fetched through: its kept-alive connections are there
        self._home: dict[str, int] = {}
        #: the environment's proxies (none with an injected transport, as in httpx)
        self._proxies = Proxies.from_environment() if transport is None else Proxies({})
        #: an httpx client per proxy URL, made on first use
        self._proxied: dict[str, httpx.AsyncClient] = {}

    def _new_client(
        self, size: int, transport: httpx.AsyncBaseTransport | None, verify: ssl.SSLContext | bool
    ) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        if transport is None:
            transport = httpx.AsyncHTTPTransport(verify=verify, http2=True, limits=limits)
            speed_up(transport)
        return httpx.AsyncClient(
            http2=True,
            follow_redirects=False,
            timeout=httpx.Timeout(self.limits.read, connect=self.limits.connect),
            limits=limits,
            headers=BASE_HEADERS,
            transport=transport,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        if self._wire is not None:
            await self._wire.aclose()
        for client in [*self._clients, *self._proxied.values()]:
            await client.aclose()

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return self._hosts[host]

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, accept: str = ACCEPT_FEED
    ) -> Response:
        """GET ``url`` (conditionally when a validator is given). Raises :class:`FetchError`.

        The total timeout counts from the moment a connection slot is free, not while queued.
        """
        return await self._follow(url, etag, last_modified, accept)

    async def _follow(self, url: str, etag: str | None, last_modified: str | None, accept: str) -> Response:
        seen = {url}
        permanent = True
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            problem = url_problem(current)
            if problem is not None:  # a bad port or a control character fails deep in the socket layer
                raise FetchError(problem if current == url else f"bad redirect: {problem}", status=None)
            headers = {"Accept": accept}
            if etag and _sendable(etag):
                headers["If-None-Match"] = etag
            if last_modified and _sendable(last_modified):
                headers["If-Modified-Since"] = last_modified
            async with self._global, self._host_limit(current):
                try:
                    async with asyncio.timeout(self.limits.total):
                        result = await self._once(current, headers)
                except TimeoutError:
                    raise FetchError(f"timed out after {self.limits.total:g} s") from None
            if isinstance(result, Response):
                moved = result.url if permanent and result.url != url else None
                return Response(
                    result.url,
                    result.status,
                    result.body,
                    result.content_type,
                    result.etag,
                    result.last_modified,
                    moved,
                )
            status, location = result
            target = urljoin(current, location)
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchError(f"redirect to a non-web address: {target[:200]}", status=status)
            if target in seen:
                raise FetchError(f"redirect loop at {target[:200]}", status=status)
            seen.add(target)
            permanent = permanent and status in (301, 308)
            current = target
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", status=None)

    def _shard(self, url: str) -> int:
        """The pool for a request: the host's own while it has room (to reuse its connections), else the least busy."""
        host = urlsplit(url).netloc
        shard = self._home.get(host)
        if shard is None or self._busy[shard] >= self._size:
            shard = self._busy.index(min(self._busy))
            self._home[host] = shard
        return shard

    async def _once(self, url: str, headers: dict[str, str]) -> Response | tuple[int, str]:
        """One request: a Response, or (status, Location) for a redirect."""
        proxy = self._proxies.for_url(url)
        if proxy is not None:
            return await self._through(self._proxy_client(*proxy), url, headers, proxy[1])
        if self._wire is not None and lean_url(url):
            try:
                async with self._wire.stream("GET", url, headers=BASE_HEADERS | headers) as reply:
                    return await self._answer(url, reply)
            except WireError as error:
                raise FetchError(str(error)) from None
            except WantsHTTP2:
                pass  # the server speaks HTTP/2: httpx below
        if not self._clients:
            verify = ssl_context() if self._transport is None else True
            self._clients = [self._new_client(self._size, self._transport, verify) for _ in self._busy]
        shard = self._shard(url)
        self._busy[shard] += 1
        try:
            return await self._through(self._clients[shard], url, headers, None)
        finally:
            self._busy[shard] -= 1

    def _proxy_client(self, variable: str, proxy: str) -> httpx.AsyncClient:
        """The httpx client sending requests through ``proxy`` (named by the environment's ``variable``)."""
        client = self._proxied.get(proxy)
        if client is not None:
            return client
        if proxy.partition("://")[0].lower() not in SCHEMES:
            raise FetchError(
                f"unsupported proxy in {variable}: {shown(proxy)[:200]} (use http://, https:// or socks5://)"
            )
        try:
            parts = urlsplit(proxy)
            if not parts.hostname or parts.port == 0:
                raise ValueError("no host")
        except ValueError as error:
            raise FetchError(
                f"bad proxy in {variable}: {shown(proxy)[:200]} ({secret_free(first_line(error), proxy)})"
            ) from None
        limits = httpx.Limits(
            max_connections=self.limits.connections, max_keepalive_connections=self.limits.connections
        )
        try:
            transport = httpx.AsyncHTTPTransport(verify=ssl_context(), http2=True, limits=limits, proxy=proxy)
        except ImportError:  # socks5:// without the socksio package
            raise FetchError(f"the SOCKS proxy in {variable} needs the socksio package (pip install socksio)") from None
        except (httpx.InvalidURL, ValueError, TypeError) as error:
            raise FetchError(
                f"bad proxy in {variable}: {shown(proxy)[:200]} ({secret_free(first_line(error), proxy)})"
            ) from None
        client = self._new_client(self.limits.connections, transport, True)
        self._proxied[proxy] = client
        return client

    async def _through(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], proxy: str | None
    ) -> Response | tuple[int, str]:
        """One request with an httpx client (through ``proxy`` when it is set: only for the messages)."""
        try:
            async with client.stream("GET", url, headers=headers) as reply:
                return await self._answer(url, reply)
        except httpx.TimeoutException as error:
            kind = "connecting" if isinstance(error, httpx.ConnectTimeout) else "waiting for data"
            raise FetchError(
                f"timed out {kind}" + (f" (through proxy {authority(proxy or '')})" if proxy else "")
            ) from None
        except httpx.ProxyError as error:
            raise FetchError(f"proxy {authority(proxy or '')} refused: {first_line(error)}") from None
        except httpx.ConnectError as error:
            if proxy is not None:
                raise FetchError(
                    f"proxy {authority(proxy or '')} unreachable: {_connect_message(error, proxy)}"
                ) from None
            raise FetchError(_connect_message(error, url)) from None
        except (httpx.DecodingError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            raise FetchError(f"broken response: {first_line(error)}") from None
        except httpx.HTTPError as error:
            raise FetchError(first_line(error) or type(error).__name__) from None

    async def _answer(self, url: str, reply: _Reply) -> Response | tuple[int, str]:
        """The response, or (status, Location) for a redirect; an error status raises."""
        status = reply.status_code
        # reading the (empty or small) body lets the connection be reused
        if status in (301, 302, 303, 307, 308) and reply.headers.get("location"):
            await self._read(reply)
            return status, reply.headers["location"]
        if status == 304:
            await self._read(reply)
            return self._response(url, reply, b"")
        if status >= 400:
            raise _status_error(reply)
        body = await self._read(reply)
        return self._response(url, reply, body)

    async def _read(self, reply: _Reply) -> bytes:
        """The body, decompressed, stopped as soon as it passes the size cap."""
        cap = self.limits.max_bytes
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and not reply.headers.get("content-encoding"):
            raise FetchError(f"response too large ({int(declared) // 1_048_576} MB, limit {cap // 1_048_576} MB)")
        chunks: list[bytes] = []
        size = 0
        async for chunk in reply.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(f"response larger than {cap // 1_048_576} MB, stopped")
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _response(url: str, reply: _Reply, body: bytes) -> Response:
        headers = reply.headers
        return Response(
            url,
            reply.status_code,
            body,
            headers.get("content-type"),
            headers.get("etag"),
            headers.get("last-modified"),
            None,
        )


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """The system's certificates, loaded once per process (loading them costs tens of milliseconds)."""
    return httpx.create_ssl_context()


@functools.cache
def wire_ssl_context() -> ssl.SSLContext:
    """The same certificates for :mod:`reader.feeds.wire`, offering HTTP/2 and HTTP/1.1.

    A server that picks HTTP/2 is handed to httpx, which speaks it; the others are fetched over HTTP/1.1.
    """
    context = httpx.create_ssl_context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    return context


def _status_error(reply: _Reply) -> FetchError:
    status = reply.status_code
    phrase = reply.reason_phrase or ""
    retry = retry_after_seconds(reply.headers.get("retry-after")) if status in (429, 503) else None
    message = f"HTTP {status} {phrase}".rstrip()
    if status == 410:
        message += ": the feed is gone"
    if retry is not None:
        message += f"; retry after {retry:.0f} s"
    return FetchError(message, status=status, retry_after=retry)


def _connect_message(error: httpx.ConnectError, url: str) -> str:
    host = urlsplit(url).hostname or url
    text = str(error)
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return f"TLS error with {host}: {getattr(cause, 'reason', None) or first_line(cause)}"
        if isinstance(cause, ConnectionRefusedError):
            return f"connection refused by {host}"
        cause = cause.__cause__ or cause.__context__
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "name resolution" in lowered:
        return f"cannot resolve host {host}"
    if "refused" in lowered:
        return f"connection refused by {host}"
    if "ssl" in lowered or "tls" in lowered:
        return f"TLS error with {host}: {first_line(error)}"
    return f"cannot connect to {host}: {first_line(error)}"


def _sendable(value: str) -> bool:
    """Can a validator the server sent go back in a request header? One in Latin-1 cannot (the request
    is then unconditional: a whole fetch, where sending it made every refresh of the feed fail)."""
    return value.isascii() and value.isprintable()
