"""A lean HTTP/1.1 GET on asyncio with h11: the usual path under :class:`~reader.feeds.http.Fetcher`. No Textual.

httpx spent about a millisecond of CPU on each request (its client, httpcore's
pool, anyio's layers): in a refresh of 10,000 article pages, more than the
extraction itself. This module keeps only what a GET of a feed or a page needs:
kept-alive connections per host (one found closed or holding stray bytes is
dropped; a reused one that fails before any answer is retried once on a new
connection), TLS with the same certificates as httpx, gzip / deflate / br
decoding, and connect and read timeouts. Redirects, limits and the size cap
stay in the fetcher. A URL outside plain ASCII or with user info goes through
httpx instead (:func:`lean_url`), and so does every request to a server that
chooses HTTP/2 when the TLS handshake offers it (:class:`WantsHTTP2`).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import string
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any
from urllib.parse import SplitResult, urlsplit

import h11

#: Seconds a kept-alive connection may wait for its next request (servers drop idle ones after 5 s and up).
IDLE_SECONDS = 5.0
#: Largest response head h11 accepts (its default, 16 KB, is too small for some sites' cookies).
MAX_HEAD = 100 * 1024
#: Received bytes waiting to be read above which the socket stops being read for a while.
HIGH_WATER = 256 * 1024
#: Most bytes one step of decoding a compressed body gives (the size cap is checked between steps).
DECODED = 256 * 1024
_URL_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")


class WireError(Exception):
    """A request that failed; ``str()`` is one line for the user."""


class WantsHTTP2(Exception):
    """The server chose HTTP/2 in the TLS handshake: fetch from it with httpx, which speaks it."""


class _Stale(Exception):
    """A connection closed before it answered anything."""


class _Lost(Exception):
    """A connection that failed while it was read (reset, unreachable, a TLS error)."""


def lean_url(url: str) -> bool:
    """Can this module fetch ``url``: http(s), plain ASCII URL characters, no user info."""
    if not url.startswith(("http://", "https://")) or not _URL_CHARACTERS.issuperset(url):
        return False
    return "@" not in urlsplit(url).netloc


class _Protocol(asyncio.Protocol):
    """One connection's received bytes, read by one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.paused = False
        self.error: BaseException | None = None
        self.waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > HIGH_WATER and self.transport is not None and not self.paused:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def read(self, timeout: float) -> bytes:
        """The bytes received since the last read, waiting up to ``timeout`` seconds for some; ``b""`` at the end."""
        if not self.buffer and not self.eof:
            loop = asyncio.get_running_loop()
            waiter = self.waiter = loop.create_future()
            timer = loop.call_later(timeout, _time_out, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self.waiter = None
        if not self.buffer and self.error is not None:
            raise self.error
        data = bytes(self.buffer)
        self.buffer.clear()
        if self.paused and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()
        return data


def _time_out(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class _Connection:
    """A socket (TLS or not), its received bytes and its h11 state."""

    __slots__ = ("idle_since", "key", "protocol", "state", "transport")

    def __init__(self, key: tuple[bool, str, int], transport: asyncio.Transport, protocol: _Protocol) -> None:
        self.key = key
        self.transport = transport
        self.protocol = protocol
        self.state = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
        self.idle_since = 0.0

    def usable(self) -> bool:
        """Open, and nothing arrived while it waited (a stray byte would be read as the next answer)."""
        protocol = self.protocol
        return not (protocol.eof or protocol.buffer or self.transport.is_closing())

    def close(self) -> None:
        self.transport.abort()


def _decoder(encoding: str) -> Callable[[bytes], Iterator[bytes]] | None:
    """A function decoding one more piece of a body in ``encoding`` into pieces of at most :data:`DECODED`
    bytes (None: passed on as it is, like httpx). Bounded, so that the size cap stops a small piece that
    decodes to gigabytes before it is decoded whole."""
    if encoding == "gzip" or encoding == "x-gzip":
        return _Zlib(zlib.MAX_WBITS | 16).decode
    if encoding == "deflate":
        return _Zlib(zlib.MAX_WBITS, raw_fallback=True).decode
    if encoding == "br":
        import brotli  # type: ignore[import-untyped]

        return _brotli_decode(brotli.Decompressor())
    return None


class _Zlib:
    """gzip or ``deflate``; ``deflate`` is zlib-wrapped by the standard, raw in practice at times: the first
    piece tells (``raw_fallback``)."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self.inner = zlib.decompressobj(wbits)
        self.first = raw_fallback

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self.first:
            self.first = False
            try:
                out = self.inner.decompress(data, DECODED)
            except zlib.error:
                self.inner = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self.inner.decompress(data, DECODED)
            yield out
            data = self.inner.unconsumed_tail
        while data:
            out = self.inner.decompress(data, DECODED)
            data = self.inner.unconsumed_tail
            yield out


def _brotli_decode(decompressor: Any) -> Callable[[bytes], Iterator[bytes]]:
    """Brotli in bounded pieces (an older brotli without ``output_buffer_limit``: each piece whole)."""
    if not hasattr(decompressor, "can_accept_more_data"):

        def whole(data: bytes) -> Iterator[bytes]:
            yield decompressor.process(data)

        return whole

    def decode(data: bytes) -> Iterator[bytes]:
        out = decompressor.process(data, output_buffer_limit=DECODED)
        yield out
        while out and not decompressor.is_finished() and not decompressor.can_accept_more_data():
            out = decompressor.process(b"", output_buffer_limit=DECODED)
            yield out

    return decode


class Reply:
    """A response whose body is read on demand (the names httpx's ``Response`` gives them)."""

    def __init__(self, wire: Wire, connection: _Connection, response: h11.Response) -> None:
        self._wire = wire
        self._connection = connection
        self.status_code: int = response.status_code
        self.reason_phrase = response.reason.decode("latin-1")
        headers: dict[str, str] = {}
        for name, value in response.headers:
            key, text = name.decode("latin-1"), value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        self.headers = headers
        self.complete = False

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body, decoded, piece by piece."""
        decoders = [
            decoder
            for encoding in reversed(self.headers.get("content-encoding", "").lower().split(","))
            if (decoder := _decoder(encoding.strip())) is not None
        ]
        async for received in self._wire.body(self._connection):
            pieces: Iterable[bytes] = (received,)
            for decode in decoders:
                pieces = _chained(decode, pieces)
            decoded = iter(pieces)
            while True:
                try:
                    piece = next(decoded, None)
                except Exception as error:  # zlib.error, brotli.error: a body that is not what it says
                    raise WireError(f"broken response: cannot decode the body ({first_line(error)})") from None
                if piece is None:
                    break
                if piece:
                    yield piece  # the caller's size cap is checked before the next piece is decoded
        self.complete = True


def _chained(decode: Callable[[bytes], Iterator[bytes]], pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Each of ``pieces`` decoded, piece by piece."""
    for piece in pieces:
        yield from decode(piece)


class _Exchange:
    """``async with wire.stream(...) as reply``: the connection goes back to the pool when the body was read."""

    def __init__(self, wire: Wire, url: str, headers: dict[str, str]) -> None:
        self.wire = wire
        self.url = url
        self.headers = headers
        self.reply: Reply | None = None

    async def __aenter__(self) -> Reply:
        self.reply = await self.wire.send(self.url, self.headers)
        return self.reply

    async def __aexit__(self, *exc: object) -> None:
        reply = self.reply
        if reply is not None:
            self.wire.release(reply._connection, reusable=reply.complete)


class Wire:
    """Kept-alive HTTP/1.1 connections by host; ``async with wire.stream("GET", url, headers=...) as reply``."""

    def __init__(self, *, connect: float, read: float, max_idle: int, ssl_context: Callable[[], ssl.SSLContext]):
        self.connect_timeout = connect
        self.read_timeout = read
        self.max_idle = max(1, max_idle)
        self._ssl_context = ssl_context
        #: servers that chose HTTP/2 when offered it: their requests go through httpx
        self.http2: set[tuple[bool, str, int]] = set()
        self._idle: dict[tuple[bool, str, int], list[_Connection]] = {}
        self._idle_count = 0

    def stream(self, method: str, url: str, *, headers: dict[str, str]) -> _Exchange:
        """A GET of ``url`` (``method`` is there to match httpx; only GET is sent)."""
        if method != "GET":
            raise ValueError("only GET")
        return _Exchange(self, url, headers)

    async def send(self, url: str, headers: dict[str, str]) -> Reply:
        """Send the request and read the response head (on a kept-alive connection when there is one)."""
        parts = urlsplit(url)
        https = parts.scheme == "https"
        host = parts.hostname or ""
        port = parts.port or (443 if https else 80)
        key = (https, host, port)
        if key in self.http2:
            raise WantsHTTP2(host)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        fields = [("Host", _host_header(parts, host)), *headers.items()]
        while True:
            connection = self._take(key)
            reused = connection is not None
            if connection is None:
                connection = await self._open(key)
            try:
                return await self._head(connection, target, fields)
            except _Stale:
                connection.close()
                if not reused:
                    raise WireError("broken response: server disconnected without sending a response") from None
            except BaseException:
                connection.close()
                raise

    def _take(self, key: tuple[bool, str, int]) -> _Connection | None:
        """A kept-alive connection to the host, dropping those that went stale."""
        idle = self._idle.get(key)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            self._idle_count -= 1
            if connection.usable() and now - connection.idle_since < IDLE_SECONDS:
                return connection
            connection.close()
        return None

    async def _open(self, key: tuple[bool, str, int]) -> _Connection:
        https, host, port = key
        loop = asyncio.get_running_loop()
        context = self._ssl_context() if https else None
        try:
            async with asyncio.timeout(self.connect_timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    ssl=context,
                    server_hostname=host if https else None,
                    happy_eyeballs_delay=0.25,
                )
        except TimeoutError:
            raise WireError("timed out connecting") from None
        except OSError as error:
            raise WireError(_connect_message(error, host)) from None
        tls = transport.get_extra_info("ssl_object")
        if tls is not None and tls.selected_alpn_protocol() == "h2":
            # offered both in the handshake so that a server speaking HTTP/2 is fetched over it
            transport.close()
            self.http2.add(key)
            raise WantsHTTP2(host)
        return _Connection(key, transport, protocol)

    async def _head(self, connection: _Connection, target: str, fields: list[tuple[str, str]]) -> Reply:
        state = connection.state
        try:
            data = state.send(h11.Request(method="GET", target=target, headers=fields))
        except h11.LocalProtocolError as error:
            raise WireError(f"bad request: {first_line(error)}") from None
        connection.transport.write(data + (state.send(h11.EndOfMessage()) or b""))
        answered = False
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as error:
                raise WireError(f"broken response: {first_line(error)}") from None
            if event is h11.NEED_DATA:
                try:
                    data = await self._read(connection)
                except _Lost as lost:
                    if not answered:
                        raise _Stale from None
                    raise WireError(f"broken response: {lost}") from None
                if not data and not answered:
                    raise _Stale
                answered = True
                state.receive_data(data)
            elif type(event) is h11.Response:
                return Reply(self, connection, event)
            elif type(event) is h11.ConnectionClosed:
                raise _Stale if not answered else WireError("broken response: server disconnected")

    async def _read(self, connection: _Connection) -> bytes:
        try:
            return await connection.protocol.read(self.read_timeout)
        except TimeoutError:
            raise WireError("timed out waiting for data") from None
        except OSError as error:
            raise _Lost(first_line(error)) from None

    async def body(self, connection: _Connection) -> AsyncIterator[bytes]:
        """The body's pieces as received (still encoded)."""
        state = connection.state
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as error:
                raise WireError(f"broken response: {first_line(error)}") from None
            if event is h11.NEED_DATA:
                try:
                    data = await self._read(connection)
                except _Lost as lost:
                    raise WireError(f"broken response: {lost}") from None
                state.receive_data(data)
            elif type(event) is h11.Data:
                yield bytes(event.data)
            elif type(event) is h11.EndOfMessage:
                return
            elif type(event) is h11.ConnectionClosed:
                raise WireError("broken response: server disconnected before the end")

    def release(self, connection: _Connection, *, reusable: bool) -> None:
        """Keep the connection for its host's next request when the exchange ended cleanly, else close it."""
        state = connection.state
        done = state.our_state is h11.DONE and state.their_state is h11.DONE
        if not reusable or not done or state.trailing_data[0]:  # bytes beyond the answer: not to be trusted
            connection.close()
            return
        try:
            state.start_next_cycle()
        except h11.LocalProtocolError:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        self._idle.setdefault(connection.key, []).append(connection)
        self._idle_count += 1
        if self._idle_count > self.max_idle:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        oldest: tuple[float, tuple[bool, str, int]] | None = None
        for key, idle in self._idle.items():
            if idle and (oldest is None or idle[0].idle_since < oldest[0]):
                oldest = (idle[0].idle_since, key)
        if oldest is not None:
            self._idle[oldest[1]].pop(0).close()
            self._idle_count -= 1

    async def aclose(self) -> None:
        """Close every kept-alive connection."""
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()
        self._idle_count = 0
        await asyncio.sleep(0)  # let the transports finish closing


def _host_header(parts: SplitResult, host: str) -> str:
    """``host[:port]`` as httpx sends it: lower case, the default port left out."""
    name = f"[{host}]" if ":" in host else host
    port = parts.port
    default = 443 if parts.scheme == "https" else 80
    return name if port is None or port == default else f"{name}:{port}"


def _connect_message(error: OSError, host: str) -> str:
    if isinstance(error, socket.gaierror):
        return f"cannot resolve host {host}"
    if isinstance(error, ConnectionRefusedError):
        return f"connection refused by {host}"
    if isinstance(error, ssl.SSLError):
        return f"TLS error with {host}: {getattr(error, 'reason', None) or first_line(error)}"
    if isinstance(error, ssl.CertificateError):
        return f"TLS error with {host}: {first_line(error)}"
    return f"cannot connect to {host}: {first_line(error)}"


def first_line(error: BaseException) -> str:
    """An error's first line, at most 200 characters (its type's name when it says nothing)."""
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__
