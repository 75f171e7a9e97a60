"""The lean HTTP/1.1 path of the fetcher, against raw servers on 127.0.0.1 that answer in the odd ways real ones do."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import socket
import ssl
import struct
import subprocess
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import h2.config
import h2.connection
import h2.events
import pytest

from reader.feeds import http
from reader.feeds.http import ACCEPT_PAGE, Fetcher, FetchError, Limits

BODY = b"<html><body><p>" + b"The harbour ferry runs again. " * 200 + b"</p></body></html>"

Handler = Callable[[bytes, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[bool]]


class Server:
    """Answers each request head with ``handler``; counts connections and requests."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests.append(head)
                if not await self.handler(head, reader, writer):
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _response(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    head = [f"HTTP/1.1 {status}", "Content-Type: text/html", *headers]
    if not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _path(head: bytes) -> str:
    return head.split(b" ", 2)[1].decode()


def fetch_all(
    handler: Handler, paths: list[str], limits: Limits | None = None, pause: float = 0.0
) -> tuple[list[bytes | str], Server]:
    """Fetch ``paths`` one after another (``pause`` seconds apart) from ``handler``'s server: bodies or messages."""
    server = Server(handler)
    results: list[bytes | str] = []

    async def run() -> None:
        listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
        port = listening.sockets[0].getsockname()[1]
        async with listening, Fetcher(limits or Limits(read=2, total=5)) as fetcher:
            for path in paths:
                await asyncio.sleep(pause)
                try:
                    results.append((await fetcher.get(f"http://127.0.0.1:{port}{path}", accept=ACCEPT_PAGE)).body)
                except FetchError as error:
                    results.append(str(error))

    asyncio.run(run())
    return results, server


def test_encoded_chunked_and_close_delimited_bodies_arrive_whole() -> None:
    """gzip, deflate (zlib-wrapped or raw), brotli, chunked and read-to-the-end bodies are all the page itself."""
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(BODY) + raw.flush()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(BODY[i : i + 700]), BODY[i : i + 700]) for i in range(0, len(BODY), 700))
    answers = {
        "/gzip": _response(gzip.compress(BODY), "Content-Encoding: gzip"),
        "/deflate": _response(zlib.compress(BODY), "Content-Encoding: deflate"),
        "/raw-deflate": _response(raw_deflate, "Content-Encoding: deflate"),
        "/br": _response(brotli.compress(BODY), "Content-Encoding: br"),
        "/chunked": _response(chunks + b"0\r\n\r\n", "Transfer-Encoding: chunked"),
        "/gzip-chunked": _response(
            b"%x\r\n%s\r\n0\r\n\r\n" % (len(gzip.compress(BODY)), gzip.compress(BODY)),
            "Transfer-Encoding: chunked",
            "Content-Encoding: gzip",
        ),
    }

    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        path = _path(head)
        if path == "/to-the-end":  # no length, no chunks: the body ends when the server closes
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n" + BODY)
            return False
        writer.write(answers[path])
        return True

    paths = [*answers, "/to-the-end", "/gzip"]
    results, server = fetch_all(handler, paths)
    assert results == [BODY] * len(paths)
    assert server.connections == 2  # kept alive until the server closed it, then a new one
    assert all(b"accept-encoding: gzip, deflate, br" in h.lower() for h in server.requests)
    assert all(b"user-agent: reader/" in h.lower() for h in server.requests)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_small_body_that_decodes_to_much_more_than_the_cap_is_stopped_without_decoding_it_whole(
    encoding: str,
) -> None:
    """A compressed bomb (64 MB of zeros in a few KB): stopped at the size cap, never decoded whole in memory."""
    plain = bytes(64 * 1024 * 1024)
    packers: dict[str, Callable[[bytes], bytes]] = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "br": lambda data: brotli.compress(data, quality=5),
    }
    answer = _response(packers[encoding](plain), f"Content-Encoding: {encoding}")
    del plain

    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer)
        return True

    tracemalloc.start()
    try:
        results, _ = fetch_all(handler, ["/bomb"], Limits(read=5, total=30, max_bytes=1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert results == ["response larger than 1 MB, stopped"]
    assert peak < 16 * 1024 * 1024  # the whole 64 MB were decoded at once before the cap was looked at


def test_a_kept_alive_connection_the_server_dropped_is_retried_on_a_new_one() -> None:
    """Servers close idle connections whenever they like: the next request on one is sent again, not failed."""
    served = 0

    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        nonlocal served
        served += 1
        if served == 2:
            return False  # closes without answering the second request on its first connection
        writer.write(_response(BODY))
        return True

    results, server = fetch_all(handler, ["/a", "/b", "/c"])
    assert results == [BODY, BODY, BODY]
    assert server.connections == 2 and len(server.requests) == 4


def test_a_new_connection_closed_without_an_answer_is_one_line() -> None:
    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        return False

    results, server = fetch_all(handler, ["/a"])
    assert results == ["broken response: server disconnected without sending a response"]
    assert server.connections == 1


def test_stray_bytes_after_an_answer_are_never_read_as_the_next_answer() -> None:
    """A server that sends more than it announced: the connection is dropped, the next page is its own."""

    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        path = _path(head)
        writer.write(_response(path.encode()))
        if path == "/two":  # the stray answer arrives while the connection waits in the pool
            await writer.drain()
            await asyncio.sleep(0.05)
        writer.write(_response(b"/forged"))  # else right behind the real one
        return True

    results, _ = fetch_all(handler, ["/one", "/two", "/three"], pause=0.2)
    assert results == [b"/one", b"/two", b"/three"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", "broken response"),
        (b"NONSENSE\r\n\r\n", "broken response"),
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!", "cannot decode the body"),
        (b"HTTP/1.1 503 Busy\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n", "HTTP 503 Busy; retry after 120 s"),
        (b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * 200_000 + b"\r\n\r\n", "broken response"),
    ],
)
def test_a_broken_answer_is_one_line(answer: bytes, message: str) -> None:
    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer)
        return False

    [result], _ = fetch_all(handler, ["/x"])
    assert isinstance(result, str) and message in result and "\n" not in result


def test_a_server_that_stops_sending_times_out_with_one_line() -> None:
    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf")
        await writer.drain()
        await asyncio.sleep(1)
        return False

    [result], _ = fetch_all(handler, ["/x"], Limits(read=0.2, total=5))
    assert result == "timed out waiting for data"


def test_a_url_outside_plain_ascii_is_sent_percent_encoded() -> None:
    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(_response(_path(head).encode()))
        return True

    results, _ = fetch_all(handler, ["/café/ünïcode?q=ü", "/plain"])
    assert results == [b"/caf%C3%A9/%C3%BCn%C3%AFcode?q=%C3%BC", b"/plain"]


def test_a_connection_reset_in_the_middle_of_a_body_is_one_line() -> None:
    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"x" * 100)
        await writer.drain()
        await asyncio.sleep(0.05)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        writer.transport.abort()
        return False

    [result], _ = fetch_all(handler, ["/x"])
    assert isinstance(result, str) and result.startswith("broken response") and "\n" not in result


ADDRESS = "subjectAltName=IP:127.0.0.1"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl), as (certificate, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1", "-addext", ADDRESS],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _fetch_tls(cert: Path, key: Path, paths: list[str]) -> tuple[list[bytes | str], Server]:
    async def handler(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(_response(BODY))
        return True

    server = Server(handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    results: list[bytes | str] = []

    async def run() -> None:
        listening = await asyncio.start_server(server.serve, "127.0.0.1", 0, ssl=context)
        port = listening.sockets[0].getsockname()[1]
        async with listening, Fetcher(Limits(read=5, total=10)) as fetcher:
            for path in paths:
                try:
                    results.append((await fetcher.get(f"https://127.0.0.1:{port}{path}", accept=ACCEPT_PAGE)).body)
                except FetchError as error:
                    results.append(str(error))

    asyncio.run(run())
    return results, server


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_https_checks_the_certificate_and_keeps_the_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = _certificate(tmp_path)
    [refused], _ = _fetch_tls(cert, key, ["/a"])
    assert isinstance(refused, str) and refused.startswith("TLS error with 127.0.0.1") and "\n" not in refused

    def trusting() -> ssl.SSLContext:  # as if the certificate came from a known authority
        context = ssl.create_default_context(cafile=str(cert))
        context.set_alpn_protocols(["http/1.1"])
        return context

    monkeypatch.setattr(http, "wire_ssl_context", trusting)
    results, server = _fetch_tls(cert, key, ["/a", "/b", "/c"])
    assert results == [BODY, BODY, BODY]
    assert server.connections == 1  # one handshake, then kept alive


class Http2Server:
    """A TLS server that picks HTTP/2 when the client offers it (h2 library), else answers over HTTP/1.1."""

    def __init__(self) -> None:
        self.protocols: list[str | None] = []
        self.http2_paths: list[str] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        chosen = writer.get_extra_info("ssl_object").selected_alpn_protocol()
        self.protocols.append(chosen)
        try:
            if chosen == "h2":
                await self._http2(reader, writer)
            else:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(_response(BODY, "Connection: close"))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _http2(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        while data := await reader.read(65536):
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    fields = {bytes(k): bytes(v) for k, v in event.headers or []}
                    self.http2_paths.append(fields[b":path"].decode())
                    head = [(":status", "200"), ("content-type", "text/html"), ("content-length", str(len(BODY)))]
                    connection.send_headers(event.stream_id, head)
                    connection.send_data(event.stream_id, BODY, end_stream=True)
            writer.write(connection.data_to_send())
            await writer.drain()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_a_server_offering_http2_is_fetched_over_http2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lean path offers h2 in the handshake; a server that picks it gets every request over HTTP/2 (httpx)."""
    cert, key = _certificate(tmp_path)

    def trusting(made: Callable[[], ssl.SSLContext]) -> Callable[[], ssl.SSLContext]:
        def context() -> ssl.SSLContext:  # the fetcher's own context, as if the certificate came from a known authority
            context = made()
            context.load_verify_locations(cafile=str(cert))
            return context

        return context

    monkeypatch.setattr(http, "wire_ssl_context", trusting(http.wire_ssl_context.__wrapped__))
    monkeypatch.setattr(http, "ssl_context", trusting(http.ssl_context.__wrapped__))

    def fetch(protocols: list[str]) -> tuple[list[bytes | str], Http2Server]:
        server = Http2Server()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        context.set_alpn_protocols(protocols)
        results: list[bytes | str] = []

        async def run() -> None:
            listening = await asyncio.start_server(server.serve, "127.0.0.1", 0, ssl=context)
            port = listening.sockets[0].getsockname()[1]
            async with listening, Fetcher(Limits(read=5, total=10)) as fetcher:
                for path in ["/a", "/b", "/c"]:
                    try:
                        results.append((await fetcher.get(f"https://127.0.0.1:{port}{path}", accept=ACCEPT_PAGE)).body)
                    except FetchError as error:
                        results.append(str(error))

        asyncio.run(asyncio.wait_for(run(), 30))
        return results, server

    results, server = fetch(["h2", "http/1.1"])
    assert results == [BODY, BODY, BODY]
    assert server.http2_paths == ["/a", "/b", "/c"]
    assert server.protocols == ["h2", "h2"]  # the lean path's handshake, then httpx's one connection
    results, server = fetch(["http/1.1"])  # a server without HTTP/2 stays on the lean path
    assert results == [BODY, BODY, BODY]
    assert server.http2_paths == [] and server.protocols == ["http/1.1"] * 3
