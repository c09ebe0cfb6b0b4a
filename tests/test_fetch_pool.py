"""The fetcher's connection pool: kept-alive connections are reused, and looking after many of
them costs in proportion to how many there are (a refresh holds one per site)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import httpcore
import pytest

from tests.httpserver import LocalServer
from veille.core.ingest.fetch import Fetcher, FetchLimits

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
