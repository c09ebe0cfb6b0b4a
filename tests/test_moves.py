"""A feed that moves for good is followed at its new address, once the move has been seen
consistently; never a step down to http, never onto a private address elsewhere."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import LocalServer, self_signed
from veille.core.ingest.addresses import NetworkPolicy
from veille.core.ingest.fetch import Fetcher, FetchLimits
from veille.core.ingest.refresh import RefreshReport, refresh
from veille.core.library import Library
from veille.core.settings import Settings

FEED = (
    b"<?xml version='1.0'?><rss version='2.0'><channel><title>Parti</title>"
    b"<item><guid>a</guid><title>Un</title></item></channel></rss>"
)
FAST = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=4)
DAY = 24 * 3600


def run(lib: Library, allow: tuple[str, ...] = ()) -> RefreshReport:
    settings = Settings()
    settings.refresh.total_timeout = 4
    settings.allow = allow
    return asyncio.run(refresh(lib, settings, force=True))


def moved(server: LocalServer, old: str, new: str, status: int = 301) -> None:
    server.add(old, b"", status=status, headers={"Location": new}, content_type="text/plain")


def days_pass(lib: Library, days: float) -> None:
    """Time goes by for the move being watched (the library keeps when it was first seen)."""
    with lib.conn:
        lib.conn.execute("UPDATE feed_moves SET since = since - ?", (days * DAY,))


def test_a_permanent_move_is_adopted_once_seen_consistently(
    lib: Library, local_server: LocalServer
) -> None:
    moved(local_server, "/old.xml", "/new.xml", 301)
    local_server.add("/new.xml", FEED)
    feed = lib.add_feed(local_server.url("/old.xml"))
    for _ in range(2):
        report = run(lib)
        assert report.moved == {feed.id: local_server.url("/new.xml")} and not report.adopted
    days_pass(lib, 0.5)
    assert not run(lib).adopted  # three times, but within hours: not yet
    days_pass(lib, 1)
    report = run(lib)
    assert report.adopted == {feed.id: local_server.url("/new.xml")}
    assert lib.feed(feed.id).url == local_server.url("/new.xml")
    asked = len(local_server.requests_to("/old.xml"))
    run(lib)
    assert len(local_server.requests_to("/old.xml")) == asked  # the old address is left alone
    assert lib.feed(feed.id).moved_to == ""


def test_a_move_that_comes_and_goes_is_not_adopted(lib: Library, local_server: LocalServer) -> None:
    moved(local_server, "/feed.xml", "/elsewhere.xml", 308)
    local_server.add("/elsewhere.xml", FEED)
    feed = lib.add_feed(local_server.url("/feed.xml"))
    run(lib)
    run(lib)
    days_pass(lib, 2)
    local_server.add("/feed.xml", FEED)  # the site put it back
    run(lib)
    assert lib.feed(feed.id).moved_to == ""
    moved(local_server, "/feed.xml", "/elsewhere.xml", 308)
    run(lib)
    days_pass(lib, 2)
    assert not run(lib).adopted  # counted afresh: two in a row only
    assert lib.feed(feed.id).url == local_server.url("/feed.xml")


def test_a_move_onto_another_private_host_is_never_adopted(
    lib: Library, local_server: LocalServer, other_server: LocalServer
) -> None:
    moved(local_server, "/feed.xml", other_server.url("/feed.xml"), 301)
    other_server.add("/feed.xml", FEED)
    feed = lib.add_feed(local_server.url("/feed.xml"))
    for _ in range(4):
        report = run(lib, allow=("127.0.0.2",))  # the user lets the feed be read there
        days_pass(lib, 1)
    assert report.new_items == 0 and not report.errors  # still read through the redirect
    assert not report.moved and lib.feed(feed.id).url == local_server.url("/feed.xml")


@pytest.fixture(scope="module")
def contexts(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    return self_signed(Path(tmp_path_factory.mktemp("tls")))


@pytest.fixture
def secure(contexts: tuple[ssl.SSLContext, ssl.SSLContext]) -> Iterator[LocalServer]:
    with LocalServer(tls=contexts[0]) as server:
        yield server


async def test_a_move_from_https_down_to_http_is_not_a_move_to_adopt(
    secure: LocalServer, local_server: LocalServer, contexts: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    moved(secure, "/feed.xml", local_server.url("/feed.xml"), 301)
    local_server.add("/feed.xml", FEED)
    policy = NetworkPolicy.build(["127.0.0.1"])
    async with Fetcher(FAST, verify=contexts[1], policy=policy) as fetcher:
        result = await fetcher.fetch(secure.url("/feed.xml"))
    assert result.ok and result.final_url == local_server.url("/feed.xml")
    assert result.permanent_redirect == ""
