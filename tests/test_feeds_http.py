"""The HTTP client's connection pools, against a keep-alive server on 127.0.0.1."""

from __future__ import annotations

import asyncio

from reader.feeds.http import ACCEPT_PAGE, Fetcher, Limits


async def _serve(ports: list[int], reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """HTTP/1.1 with keep-alive: ``/slow`` answers after 0.4 s, anything else at once; notes the client's port."""
    port = writer.get_extra_info("peername")[1]
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            path = head.split(b" ", 2)[1]
            if path == b"/slow":
                await asyncio.sleep(0.4)
            else:
                ports.append(port)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def test_a_host_keeps_its_kept_alive_connection_while_another_host_is_busy() -> None:
    """Requests are spread over several small pools; a host goes back to the pool holding its connection.

    A new connection for every request would cost a TCP (and, on the web, a TLS) handshake each time.
    """
    ports: list[int] = []

    async def run() -> None:
        server = await asyncio.start_server(lambda r, w: _serve(ports, r, w), "127.0.0.1", 0)
        number = server.sockets[0].getsockname()[1]
        quick, slow = f"http://127.0.0.1:{number}/quick", f"http://localhost:{number}/slow"  # two hosts
        async with server, Fetcher(Limits(connections=32, per_host=6)) as fetcher:
            await fetcher.get(quick, accept=ACCEPT_PAGE)
            busy = asyncio.ensure_future(fetcher.get(slow, accept=ACCEPT_PAGE))
            await asyncio.sleep(0.05)  # the slow request now holds a connection of its pool
            for _ in range(3):
                assert (await fetcher.get(quick, accept=ACCEPT_PAGE)).body == b"ok"
            assert (await busy).body == b"ok"

    asyncio.run(run())
    assert len(ports) == 4 and len(set(ports)) == 1
