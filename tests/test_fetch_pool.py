"""The fetcher's connection pool: kept-alive connections are reused, and looking after many of
them costs in proportion to how many there are (a refresh holds one per site)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpcore
import pytest

from tests.httpserver import LocalServer
from veille.core.ingest.fetch import Fetcher, FetchLimits
from veille.core.ingest.streams import AsyncioStream

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
SITES = 40


@pytest.fixture
def sites() -> Iterator[list[LocalServer]]:
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(LocalServer(f"127.3.0.{n + 1}")) for n in range(SITES)]
        for server in servers:
            server.add("/feed", FEED)
        yield servers


async def test_bookkeeping_grows_with_the_connections_not_their_square(
    sites: list[LocalServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Fetcher(FetchLimits(concurrency=SITES + 8)) as fetcher:
        first = await asyncio.gather(*(fetcher.fetch(s.url("/feed")) for s in sites))
        assert all(r.ok for r in first)  # SITES connections are now idle, kept alive
        asked = 0
        is_idle = httpcore.AsyncHTTPConnection.is_idle

        def counted(self: httpcore.AsyncHTTPConnection) -> bool:
            nonlocal asked
            asked += 1
            return is_idle(self)

        monkeypatch.setattr(httpcore.AsyncHTTPConnection, "is_idle", counted)
        again = await fetcher.fetch(sites[0].url("/feed"))
    assert again.ok
    # A request starting and ending looks over every connection a few times; counting them
    # all again for each idle one asked SITES² (1,600) times.
    assert asked <= 10 * SITES


async def test_a_request_asks_only_the_connection_it_reuses_whether_the_server_hung_up(
    sites: list[LocalServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Learning that a server hung up costs a system call per idle connection; a refresh holds
    # one idle connection per site it has read, and reuses almost none of them.
    async with Fetcher(FetchLimits(concurrency=SITES + 8)) as fetcher:
        first = await asyncio.gather(*(fetcher.fetch(s.url("/feed")) for s in sites))
        assert all(r.ok for r in first)
        asked = 0
        readable = AsyncioStream._readable

        def counted(self: AsyncioStream) -> bool:
            nonlocal asked
            asked += 1
            return readable(self)

        monkeypatch.setattr(AsyncioStream, "_readable", counted)
        again = await fetcher.fetch(sites[0].url("/feed"))
    assert again.ok
    assert sites[0].connections_accepted == 1  # the kept connection served it
    assert asked <= 2  # asked of every idle connection at start and end: 2 × SITES


async def test_a_kept_alive_connection_serves_the_next_request(srv_pair: LocalServer) -> None:
    async with Fetcher(FetchLimits()) as fetcher:
        for _ in range(3):
            assert (await fetcher.fetch(srv_pair.url("/feed"))).ok
    assert len(srv_pair.requests) == 3
    assert srv_pair.connections_accepted == 1


@pytest.fixture
def srv_pair() -> Iterator[LocalServer]:
    with LocalServer() as server:
        server.add("/feed", FEED)
        yield server


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    # A server that lets keep-alive connections go after a moment: the next request to it
    # must see the hang-up and connect again, not fail on the dead connection.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
        b"Content-Length: %d\r\n\r\n" % len(FEED)
    ) + FEED
    accepted = 0

    def serve() -> None:
        nonlocal accepted
        for _ in range(2):
            conn, _ = listener.accept()
            accepted += 1
            with conn:
                conn.recv(65536)
                conn.sendall(answer)
                time.sleep(0.1)  # then hang up, the connection idle on the client's side

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    async def twice() -> list[bool]:
        async with Fetcher(FetchLimits()) as fetcher:
            first = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
            await asyncio.sleep(0.4)
            second = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
        return [first.ok, second.ok]

    try:
        assert asyncio.run(twice()) == [True, True]
    finally:
        thread.join(timeout=5)
        listener.close()
    assert accepted == 2
