"""Proxies from the environment: requests go through a forward proxy on 127.0.0.1, NO_PROXY goes around it."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from reader.feeds import http
from reader.feeds.http import ACCEPT_PAGE, Fetcher, FetchError
from reader.feeds.proxy import Proxies
from tests.test_feeds_wire import _certificate

_Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _origin(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The web server: answers each request with its path, then closes."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        body = b"origin saw " + head.split(b" ", 2)[1]
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n")
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except ConnectionError:
        pass
    finally:
        sink.close()


def _forward_proxy(seen: list[str]) -> _Handler:
    """A minimal forward proxy noting each request line: absolute-form GETs relayed, CONNECT tunnelled."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                line, _, rest = head.partition(b"\r\n")
                seen.append(line.decode("latin-1"))
                method, target, version = line.split(b" ")
                if method == b"CONNECT":
                    host, _, port = target.decode().rpartition(":")
                    up_reader, up_writer = await asyncio.open_connection(host, int(port))
                    writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    await writer.drain()
                    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
                    return
                address = target.decode().removeprefix("http://")
                authority, _, path = address.partition("/")
                host, _, port = authority.rpartition(":")
                up_reader, up_writer = await asyncio.open_connection(host, int(port))
                up_writer.write(b"%s /%s %s\r\n%s" % (method, path.encode(), version, rest))
                await up_writer.drain()
                writer.write(await up_reader.read())  # the origin closes after its answer
                await writer.drain()
                up_writer.close()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    return handle


async def _get(url: str) -> bytes:
    async with Fetcher() as fetcher:
        return (await fetcher.get(url, accept=ACCEPT_PAGE)).body


def _with_servers(
    test: Callable[[int, int], Awaitable[None]], seen: list[str], tls: ssl.SSLContext | None = None
) -> None:
    """Run ``test(origin_port, proxy_port)`` with both servers up on 127.0.0.1 (the origin over ``tls``, if given)."""

    async def run() -> None:
        origin = await asyncio.start_server(_origin, "127.0.0.1", 0, ssl=tls)
        proxy = await asyncio.start_server(_forward_proxy(seen), "127.0.0.1", 0)
        async with origin, proxy:
            await asyncio.wait_for(test(origin.sockets[0].getsockname()[1], proxy.sockets[0].getsockname()[1]), 30)

    asyncio.run(run())


def _server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    """The origin's TLS, with the certificate made for the test."""
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    return tls


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
@pytest.mark.parametrize("scheme", ["http://", ""])
def test_a_request_goes_through_the_proxy_the_environment_names(
    variable: str, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    async def test(origin: int, proxy: int) -> None:
        monkeypatch.setenv(variable, f"{scheme}127.0.0.1:{proxy}")  # no scheme: an HTTP proxy, as in curl
        assert await _get(f"http://127.0.0.1:{origin}/news/feed.xml") == b"origin saw /news/feed.xml"

    _with_servers(test, seen)
    assert len(seen) == 1 and seen[0].startswith("GET http://127.0.0.1:")
    assert seen[0].endswith("/news/feed.xml HTTP/1.1")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_an_https_request_is_tunnelled_through_the_https_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTPS goes through a CONNECT tunnel: TLS is end to end, with the origin's own certificate."""
    cert, key = _certificate(tmp_path)
    made = http.ssl_context.__wrapped__

    def trusting() -> ssl.SSLContext:  # the fetcher's own context, as if the certificate came from a known authority
        context = made()
        context.load_verify_locations(cafile=str(cert))
        return context

    monkeypatch.setattr(http, "ssl_context", trusting)
    seen: list[str] = []

    async def test(origin: int, proxy: int) -> None:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy}")
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # for http:// only: never used here
        assert await _get(f"https://127.0.0.1:{origin}/secure") == b"origin saw /secure"
        assert seen == [f"CONNECT 127.0.0.1:{origin} HTTP/1.1"]

    _with_servers(test, seen, _server_tls(cert, key))


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost", "*", "example.org, .localhost", "127.0.0.0/8", "PORT"])
@pytest.mark.parametrize("name", ["NO_PROXY", "no_proxy"])
def test_no_proxy_goes_around_the_proxy(name: str, no_proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    async def test(origin: int, proxy: int) -> None:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy}")
        monkeypatch.setenv(name, no_proxy.replace("PORT", f"127.0.0.1:{origin}"))
        host = "localhost" if "localhost" in no_proxy else "127.0.0.1"
        assert await _get(f"http://{host}:{origin}/direct") == b"origin saw /direct"

    _with_servers(test, seen)
    assert seen == []


def test_a_proxy_for_another_port_is_still_used() -> None:
    proxies = Proxies.from_environment({"HTTP_PROXY": "proxy:3128", "NO_PROXY": "127.0.0.1:8080"})
    assert proxies.for_url("http://127.0.0.1:8080/a") is None
    assert proxies.for_url("http://127.0.0.1:8081/a") == ("HTTP_PROXY", "http://proxy:3128")


def test_no_proxy_names_cover_their_subdomains_only() -> None:
    proxies = Proxies.from_environment(
        {"https_proxy": "http://proxy:3128", "no_proxy": "corp.example, .intranet,[::1], 10.0.0.0/8"}
    )
    direct = ["https://corp.example/", "https://news.corp.example/", "https://intranet/", "https://a.b.intranet/"]
    direct += ["https://[::1]/", "https://10.1.2.3/"]
    for url in direct:
        assert proxies.for_url(url) is None, url
    for url in ["https://notcorp.example/", "https://corp.example.com/", "https://11.1.2.3/", "https://[::2]/"]:
        assert proxies.for_url(url) == ("https_proxy", "http://proxy:3128"), url
    assert proxies.for_url("http://news.example/") is None  # no http proxy, no ALL_PROXY


def test_lower_case_wins_and_an_empty_setting_is_no_setting() -> None:
    both = Proxies.from_environment({"http_proxy": "http://low:1", "HTTP_PROXY": "http://up:2"})
    assert both.for_url("http://a.example/") == ("http_proxy", "http://low:1")
    empty = Proxies.from_environment({"http_proxy": "", "HTTP_PROXY": "http://up:2", "ALL_PROXY": "all:3"})
    assert empty.for_url("http://a.example/") == ("HTTP_PROXY", "http://up:2")
    assert empty.for_url("https://a.example/") == ("ALL_PROXY", "http://all:3")
    mixed = Proxies.from_environment({"Https_Proxy": "http://mixed:4"})
    assert mixed.for_url("https://a.example/") == ("Https_Proxy", "http://mixed:4")


def test_an_unreachable_proxy_is_one_line_naming_it_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://ada:hunter2@127.0.0.1:{port}")
    with pytest.raises(FetchError) as raised:
        asyncio.run(_get("http://news.example/feed.xml"))
    message = str(raised.value)
    assert f"proxy 127.0.0.1:{port}" in message and "refused" in message
    assert "hunter2" not in message and "ada" not in message and "\n" not in message


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("ftp://proxy.example:21", "unsupported proxy in HTTP_PROXY"), ("http://[bad", "bad proxy in HTTP_PROXY")],
)
def test_a_bad_proxy_setting_is_a_one_line_message(
    setting: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", setting)
    with pytest.raises(FetchError) as raised:
        asyncio.run(_get("http://news.example/feed.xml"))
    assert str(raised.value).startswith(expected) and "\n" not in str(raised.value)


@pytest.mark.parametrize("password", ["hun/ter2", "hun#ter2", "hun?ter2"])
def test_a_password_with_a_slash_or_hash_is_never_shown(password: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://ada:{password}@127.0.0.1:9")  # not percent-encoded, as users type it
    with pytest.raises(FetchError) as raised:
        asyncio.run(_get("http://news.example/feed.xml"))
    message = str(raised.value)
    assert message.startswith("bad proxy in HTTP_PROXY: http://127.0.0.1:9")
    assert "hun" not in message and "ter2" not in message and "ada" not in message


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_an_origin_with_an_untrusted_certificate_is_refused_through_the_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tunnel changes nothing to TLS: an origin whose certificate no known authority signed is refused."""
    cert, key = _certificate(tmp_path)
    seen: list[str] = []

    async def test(origin: int, proxy: int) -> None:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy}")
        with pytest.raises(FetchError) as raised:
            await _get(f"https://127.0.0.1:{origin}/secure")
        assert "certificate" in str(raised.value).lower() and "\n" not in str(raised.value)
        assert seen == [f"CONNECT 127.0.0.1:{origin} HTTP/1.1"]  # it did go through the proxy

    _with_servers(test, seen, _server_tls(cert, key))
