"""The fetcher against a real loopback server: politeness, limits, hostile servers, errors."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate
from pathlib import Path

import httpx
import pytest

import veille
from tests.httpserver import (
    LocalServer,
    Request,
    Response,
    brotli_bomb,
    endless,
    gzip_bomb,
    trickle,
)
from veille.core.ingest.fetch import DEFAULT_USER_AGENT, Fetcher, FetchLimits, parse_retry_after

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
FAST = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=5, max_bytes=1024 * 1024)


@pytest.fixture
def srv() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def srv2() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.2") as server:
        yield server


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FAST) as f:
        yield f


# success, validators, headers ----------------------------------------------------------------


async def test_fetch_returns_body_and_validators(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/feed.xml", FEED, etag='"v1"', last_modified=LAST_MODIFIED)
    result = await fetcher.fetch(srv.url("/feed.xml"))
    assert result.ok and result.error == ""
    assert (result.status, result.body) == (200, FEED)
    assert (result.etag, result.last_modified) == ('"v1"', LAST_MODIFIED)
    assert result.content_type == "application/xml"
    assert result.final_url == srv.url("/feed.xml") and result.permanent_redirect == ""
    assert result.elapsed > 0


async def test_request_names_veille_and_offers_compression(
    srv: LocalServer, fetcher: Fetcher
) -> None:
    srv.add("/feed.xml", FEED)
    await fetcher.fetch(srv.url("/feed.xml"))
    (request,) = srv.requests
    assert f"veille/{veille.__version__}" in request.header("User-Agent")
    assert request.header("User-Agent") == DEFAULT_USER_AGENT and "http" in DEFAULT_USER_AGENT
    assert request.header("Accept-Encoding") == "gzip, deflate, br"
    assert "application/rss+xml" in request.header("Accept")
    assert request.header("If-None-Match") == "" and request.header("Cookie") == ""


async def test_conditional_get_gives_not_modified(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/feed.xml", FEED, etag='"v1"', last_modified=LAST_MODIFIED)
    result = await fetcher.fetch(srv.url("/feed.xml"), etag='"v1"', last_modified=LAST_MODIFIED)
    assert result.ok and result.not_modified
    assert (result.status, result.body) == (304, None)
    assert (result.etag, result.last_modified) == ('"v1"', LAST_MODIFIED)
    request = srv.requests[-1]
    assert request.header("If-None-Match") == '"v1"'
    assert request.header("If-Modified-Since") == LAST_MODIFIED


async def test_changed_etag_gives_new_body(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/feed.xml", FEED, etag='"v2"')
    result = await fetcher.fetch(srv.url("/feed.xml"), etag='"v1"')
    assert result.ok and not result.not_modified
    assert (result.body, result.etag) == (FEED, '"v2"')


async def test_if_modified_since_alone(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/feed.xml", FEED, last_modified=LAST_MODIFIED)
    result = await fetcher.fetch(srv.url("/feed.xml"), last_modified=LAST_MODIFIED)
    assert result.not_modified and result.body is None
    assert srv.requests[-1].header("If-None-Match") == ""


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate", "raw-deflate"])
async def test_compressed_bodies_are_decoded(
    srv: LocalServer, fetcher: Fetcher, encoding: str
) -> None:
    body = FEED * 200
    if encoding == "gzip":
        srv.add("/f", body, gzip=True)
    elif encoding == "br":
        srv.add("/f", body, brotli=True)
    else:
        raw = encoding == "raw-deflate"
        obj = zlib.compressobj(wbits=-15 if raw else 15)
        data = obj.compress(body) + obj.flush()
        srv.add("/f", data, headers={"Content-Encoding": "deflate"})
    result = await fetcher.fetch(srv.url("/f"))
    assert result.ok, result.error
    assert result.body == body


async def test_corrupt_gzip_is_an_error(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/f", b"\x1f\x8b" + b"garbage" * 50, headers={"Content-Encoding": "gzip"})
    result = await fetcher.fetch(srv.url("/f"))
    assert not result.ok and result.body is None
    assert result.error == "the response is not valid gzip data"


async def test_plain_body_mislabelled_gzip_is_kept(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/f", FEED, headers={"Content-Encoding": "gzip"})  # a misconfigured server
    result = await fetcher.fetch(srv.url("/f"))
    assert result.ok and result.body == FEED


async def test_unknown_compression_is_an_error(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/f", b"\x28\xb5\x2f\xfd", headers={"Content-Encoding": "zstd"})
    result = await fetcher.fetch(srv.url("/f"))
    assert result.error == "the server used a compression veille cannot read (zstd)"


# timeouts -----------------------------------------------------------------------------------


async def test_slow_server_within_timeouts(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/slow", FEED, delay=0.3)
    result = await fetcher.fetch(srv.url("/slow"))
    assert result.ok and result.body == FEED and result.elapsed >= 0.3


async def test_read_timeout(srv: LocalServer) -> None:
    srv.add("/stuck", FEED, delay=3)
    async with Fetcher(FetchLimits(read_timeout=0.3, total_timeout=5)) as fetcher:
        result = await fetcher.fetch(srv.url("/stuck"))
    assert result.error == "timed out after 0.3 s"
    assert result.elapsed < 1.5


@pytest.mark.slow
async def test_trickling_server_is_cut_at_total_deadline_and_frees_slot(srv: LocalServer) -> None:
    # One byte every 50 ms never trips the read timeout, only the total deadline can stop it.
    srv.handle("/trickle", lambda r: Response(stream=trickle(FEED * 10), chunk_delay=0.05))
    srv.add("/ok", FEED)
    limits = FetchLimits(per_host=1, read_timeout=1, total_timeout=0.5)
    async with Fetcher(limits) as fetcher:
        slow_task = asyncio.create_task(fetcher.fetch(srv.url("/trickle")))
        await asyncio.sleep(0.1)  # let it take the only slot for this host
        ok = await fetcher.fetch(srv.url("/ok"))
        slow = await slow_task
    assert slow.error == "timed out after 0.5 s"
    assert 0.45 < slow.elapsed < 1.2
    assert ok.ok and ok.body == FEED
    assert ok.elapsed < 1.2  # waited for the slot, but no longer than the deadline


# size limits and bombs ----------------------------------------------------------------------


async def test_endless_body_stops_at_max_bytes(srv: LocalServer) -> None:
    srv.handle("/endless", lambda r: Response(stream=endless()))
    async with Fetcher(FetchLimits(max_bytes=64 * 1024)) as fetcher:
        result = await fetcher.fetch(srv.url("/endless"))
    assert result.error == "the response is larger than 64 KiB"
    assert result.body is None and not result.ok


async def test_declared_length_over_limit(srv: LocalServer) -> None:
    srv.add("/big", b"x" * 100_000)
    async with Fetcher(FetchLimits(max_bytes=1000)) as fetcher:
        result = await fetcher.fetch(srv.url("/big"))
    assert result.error == "the response is larger than 1000 bytes"


async def test_limit_applies_to_decompressed_size(srv: LocalServer) -> None:
    srv.add("/zipped", b"a" * 200_000, gzip=True)  # about 300 bytes on the wire
    async with Fetcher(FetchLimits(max_bytes=100 * 1024)) as fetcher:
        result = await fetcher.fetch(srv.url("/zipped"))
    assert result.error == "the response is larger than 100 KiB"


async def _fetch_measuring_peak(server: LocalServer, path: str) -> tuple[str, int]:
    """Fetch with a 1 MiB cap; return the error and the peak of memory allocated meanwhile."""
    server.add("/warm-up", FEED, gzip=True)
    async with Fetcher(FetchLimits(max_bytes=1024 * 1024)) as fetcher:
        # One-time costs (lazy imports, the first connection) are paid before measuring.
        assert (await fetcher.fetch(server.url("/warm-up"))).ok
        tracemalloc.start()
        try:
            result = await fetcher.fetch(server.url(path))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return result.error, peak


async def test_gzip_bomb_does_not_inflate_past_limit(srv: LocalServer) -> None:
    # 10 GB of zeros as 32 MiB gzip members (32 KB each): one network read could inflate to
    # tens of megabytes in a decoder that trusts it (httpx's own peaks at ~78 MiB here).
    bomb = gzip_bomb(10 * 1024**3)
    srv.handle("/bomb", lambda r: Response(stream=bomb, headers={"Content-Encoding": "gzip"}))
    error, peak = await _fetch_measuring_peak(srv, "/bomb")
    assert error == "the response is larger than 1 MiB"
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1024**2:.1f} MiB"


async def test_brotli_bomb_does_not_inflate_past_limit(srv: LocalServer) -> None:
    bomb = brotli_bomb(256 * 1024**2)  # a few hundred bytes; httpx's decoder peaks at 256 MiB
    assert len(bomb) < 2048
    srv.add("/bomb", bomb, headers={"Content-Encoding": "br"})
    error, peak = await _fetch_measuring_peak(srv, "/bomb")
    assert error == "the response is larger than 1 MiB"
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1024**2:.1f} MiB"


async def test_body_just_under_limit_is_kept(srv: LocalServer) -> None:
    body = b"z" * (64 * 1024)
    srv.add("/exact", gzip.compress(body), headers={"Content-Encoding": "gzip"})
    async with Fetcher(FetchLimits(max_bytes=64 * 1024)) as fetcher:
        result = await fetcher.fetch(srv.url("/exact"))
    assert result.ok and result.body == body


# redirects ----------------------------------------------------------------------------------


def _redirect(server: LocalServer, path: str, target: str, status: int = 302) -> None:
    server.add(path, b"", status=status, headers={"Location": target}, content_type="text/plain")


async def test_redirect_chain_followed(srv: LocalServer, fetcher: Fetcher) -> None:
    for i in range(5):
        _redirect(srv, f"/hop{i}", f"/hop{i + 1}")
    srv.add("/hop5", FEED)
    result = await fetcher.fetch(srv.url("/hop0"))
    assert result.ok and result.body == FEED
    assert result.final_url == srv.url("/hop5")
    assert result.permanent_redirect == ""


async def test_thirty_hop_chain_stops_after_max_redirects(
    srv: LocalServer, fetcher: Fetcher
) -> None:
    for i in range(30):
        _redirect(srv, f"/hop{i}", srv.url(f"/hop{i + 1}"))
    srv.add("/hop30", FEED)
    result = await fetcher.fetch(srv.url("/hop0"))
    assert result.error == "too many redirects (more than 10)"
    assert len(srv.requests) == 11 and result.body is None


async def test_redirect_loop(srv: LocalServer, fetcher: Fetcher) -> None:
    _redirect(srv, "/a", "/b")
    _redirect(srv, "/b", "/a")
    result = await fetcher.fetch(srv.url("/a"))
    assert result.error == "redirect loop"
    assert len(srv.requests) == 2


async def test_permanent_chain_is_recorded(srv: LocalServer, fetcher: Fetcher) -> None:
    _redirect(srv, "/old", "/older", 301)
    _redirect(srv, "/older", "/new", 308)
    srv.add("/new", FEED)
    result = await fetcher.fetch(srv.url("/old"))
    assert result.ok and result.permanent_redirect == srv.url("/new")


async def test_mixed_chain_is_not_permanent(srv: LocalServer, fetcher: Fetcher) -> None:
    _redirect(srv, "/old", "/temp", 301)
    _redirect(srv, "/temp", "/new", 307)
    srv.add("/new", FEED)
    result = await fetcher.fetch(srv.url("/old"))
    assert result.ok and result.final_url == srv.url("/new")
    assert result.permanent_redirect == ""


async def test_permanent_redirect_to_a_dead_end_is_not_recorded(
    srv: LocalServer, fetcher: Fetcher
) -> None:
    _redirect(srv, "/old", "/missing", 301)
    result = await fetcher.fetch(srv.url("/old"))
    assert result.error == "HTTP 404 Not Found" and result.permanent_redirect == ""


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd?token=abc", "ftp://127.0.0.1/feed", "javascript:alert(1)"]
)
async def test_redirect_off_the_web_is_refused(
    srv: LocalServer, fetcher: Fetcher, target: str
) -> None:
    _redirect(srv, "/evil", target)
    result = await fetcher.fetch(srv.url("/evil"))
    assert result.error.startswith("refused a redirect to a")
    assert result.body is None and "abc" not in result.error


async def test_redirect_without_location(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/r", b"", status=302)
    result = await fetcher.fetch(srv.url("/r"))
    assert result.error == "HTTP 302 Found without a Location to go to"


# HTTP errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (599, "HTTP 599")],
)
async def test_http_errors_in_plain_words(
    srv: LocalServer, fetcher: Fetcher, status: int, words: str
) -> None:
    srv.add("/x", b"<html>error page</html>", status=status)
    result = await fetcher.fetch(srv.url("/x"))
    assert (result.error, result.status, result.body) == (words, status, None)
    assert not result.ok and not result.gone and result.retry_after is None


async def test_gone(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/x", b"", status=410)
    result = await fetcher.fetch(srv.url("/x"))
    assert result.gone and result.error == "HTTP 410 Gone" and not result.ok


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_seconds(srv: LocalServer, fetcher: Fetcher, status: int) -> None:
    srv.add("/x", b"", status=status, headers={"Retry-After": "120"})
    result = await fetcher.fetch(srv.url("/x"))
    assert result.retry_after == 120.0 and result.status == status
    assert result.error.startswith(f"HTTP {status} ")


async def test_retry_after_http_date(srv: LocalServer, fetcher: Fetcher) -> None:
    when = datetime.now(UTC) + timedelta(seconds=600)
    srv.add("/x", b"", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    result = await fetcher.fetch(srv.url("/x"))
    assert result.retry_after is not None and 590 <= result.retry_after <= 600


@pytest.mark.parametrize("header", [None, "soon", ""])
async def test_retry_after_absent_or_bogus(
    srv: LocalServer, fetcher: Fetcher, header: str | None
) -> None:
    srv.add("/x", b"", status=429, headers={"Retry-After": header} if header is not None else {})
    result = await fetcher.fetch(srv.url("/x"))
    assert result.error == "HTTP 429 Too Many Requests" and result.retry_after is None


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 3600 ") == 3600.0
    assert parse_retry_after("Thu, 01 Jan 2026 00:10:00 GMT", now) == 600.0
    assert parse_retry_after("Wed, 31 Dec 2025 00:00:00 GMT", now) == 0.0  # in the past
    assert parse_retry_after("99999999999999999999") == 30 * 24 * 3600.0  # capped
    assert parse_retry_after("-5") is None
    assert parse_retry_after("next tuesday") is None


# connection failures ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_connection_refused(fetcher: Fetcher) -> None:
    port = _free_port()
    result = await fetcher.fetch(f"http://user:hunter2@127.0.0.1:{port}/feed?token=abc")
    assert result.error == f"connection refused by 127.0.0.1:{port}"
    assert result.status is None and not result.ok


async def test_connect_timeout() -> None:
    # A listener whose accept queue is full: the kernel drops further connection attempts.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = [socket.socket() for _ in range(3)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                try:
                    filler.connect(("127.0.0.1", port))
                except BlockingIOError:
                    pass
            async with Fetcher(FetchLimits(connect_timeout=0.3, read_timeout=0.5)) as fetcher:
                result = await fetcher.fetch(f"http://127.0.0.1:{port}/")
        finally:
            for filler in fillers:
                filler.close()
    if not result.error.startswith("timed out"):
        pytest.skip("this system's TCP stack accepts past the backlog")
    assert result.error == "timed out after 0.3 s connecting to 127.0.0.1"
    assert result.elapsed < 1.5


async def test_unresolvable_host(fetcher: Fetcher) -> None:
    result = await fetcher.fetch("http://no-such-host.invalid/feed")
    if result.error.startswith("timed out"):
        pytest.skip("the resolver did not answer in time")
    assert result.error == "could not resolve host no-such-host.invalid"


async def test_server_drops_connection_without_answer(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.handle("/drop", lambda r: Response(abort=True))
    result = await fetcher.fetch(srv.url("/drop"))
    assert result.error == "the server closed the connection"


async def test_server_drops_connection_mid_body(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.handle(
        "/cut", lambda r: Response(body=FEED, headers={"Content-Length": "5000"}, abort_after=20)
    )
    result = await fetcher.fetch(srv.url("/cut"))
    assert result.error == "the server closed the connection" and result.body is None


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "javascript:alert(1)", "feed.xml"])
async def test_unsupported_addresses(fetcher: Fetcher, url: str) -> None:
    result = await fetcher.fetch(url)
    assert result.error.startswith("cannot fetch") and "not a web or file address" in result.error


async def test_invalid_url(fetcher: Fetcher) -> None:
    result = await fetcher.fetch("http://[::1/feed")
    assert result.error.startswith("not a valid address")


# politeness: concurrency limits -------------------------------------------------------------


class _InFlight:
    """Counts requests being served at once, across servers."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.lock = threading.Lock()

    def route(self, request: Request) -> Response:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.15)
        with self.lock:
            self.now -= 1
        return Response(body=FEED)


@pytest.mark.slow
async def test_per_host_limit(srv: LocalServer) -> None:
    counter = _InFlight()
    srv.handle("/f", counter.route)
    async with Fetcher(FetchLimits(concurrency=16, per_host=2)) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(srv.url(f"/f?{i}")) for i in range(8)))
    assert all(r.ok for r in results)
    assert counter.peak == 2


@pytest.mark.slow
async def test_global_limit_across_hosts(srv: LocalServer, srv2: LocalServer) -> None:
    counter = _InFlight()
    srv.handle("/f", counter.route)
    srv2.handle("/f", counter.route)
    async with Fetcher(FetchLimits(concurrency=3, per_host=2)) as fetcher:
        urls = [s.url(f"/f?{i}") for s in (srv, srv2) for i in range(5)]
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    assert all(r.ok for r in results)
    assert counter.peak == 3
    assert srv.max_in_flight == 2 and srv2.max_in_flight == 2


# site credentials ---------------------------------------------------------------------------


async def test_site_cookies_and_headers_go_only_to_their_host_over_https() -> None:
    fetcher = Fetcher(
        FAST,
        site_cookies={"example.org": {"session": "s3cret", "lang": "fr"}},
        site_headers={"example.org": {"Authorization": "Bearer t0ken"}},
    )
    sent = fetcher._headers(httpx.URL("https://example.org/private"), "*/*", "", "")
    assert sent["Cookie"] == "session=s3cret; lang=fr"
    assert sent["Authorization"] == "Bearer t0ken"
    for url in ("https://other.example/", "http://example.org/", "https://example.org:8443/"):
        sent = fetcher._headers(httpx.URL(url), "*/*", "", "")
        assert "Cookie" not in sent and "Authorization" not in sent, url


async def test_host_and_port_key() -> None:
    fetcher = Fetcher(FAST, site_headers={"example.org:8443": {"X-Key": "k"}})
    assert fetcher._headers(httpx.URL("https://example.org:8443/f"), "*/*", "", "")["X-Key"] == "k"
    for url in ("https://example.org/f", "http://example.org:8443/f"):
        assert "X-Key" not in fetcher._headers(httpx.URL(url), "*/*", "", ""), url


async def test_secrets_never_in_errors(srv: LocalServer) -> None:
    srv.add("/x", b"", status=403)
    _redirect(srv, "/evil", "file:///etc/passwd?apikey=ZZSECRET")
    async with Fetcher(
        FAST, site_cookies={"127.0.0.1": {"sid": "COOKIESECRET"}}, site_headers={}
    ) as fetcher:
        results = [
            await fetcher.fetch(srv.url("/x?token=TOKSECRET")),
            await fetcher.fetch(srv.url("/evil")),
            await fetcher.fetch(f"http://u:PWSECRET@127.0.0.1:{_free_port()}/"),
        ]
    for result in results:
        assert result.error
        for secret in ("ZZSECRET", "COOKIESECRET", "TOKSECRET", "PWSECRET"):
            assert secret not in result.error


async def test_server_cookies_are_not_replayed(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/f", FEED, headers={"Set-Cookie": "tracker=1; Path=/"})
    await fetcher.fetch(srv.url("/f"))
    await fetcher.fetch(srv.url("/f"))
    assert [r.header("Cookie") for r in srv.requests] == ["", ""]


async def test_password_in_url_is_sent_as_basic_auth(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/private", FEED)
    port = srv.port
    result = await fetcher.fetch(f"http://me:pa%20ss@127.0.0.1:{port}/private")
    assert result.ok
    assert srv.requests[0].header("Authorization") == "Basic bWU6cGEgc3M="  # me:pa ss


async def test_custom_user_agent(srv: LocalServer) -> None:
    srv.add("/f", FEED)
    async with Fetcher(FAST, user_agent="veille-test/1") as fetcher:
        await fetcher.fetch(srv.url("/f"))
    assert srv.requests[0].header("User-Agent") == "veille-test/1"


# file:// ------------------------------------------------------------------------------------


async def test_file_url(tmp_path: Path, fetcher: Fetcher) -> None:
    path = tmp_path / "a feed.xml"
    path.write_bytes(FEED)
    result = await fetcher.fetch(path.as_uri())
    assert result.ok and result.body == FEED and result.status is None
    assert result.last_modified == formatdate(path.stat().st_mtime, usegmt=True)
    again = await fetcher.fetch(path.as_uri(), last_modified=result.last_modified)
    assert again.ok and again.not_modified and again.body is None


async def test_file_url_errors(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2048)
    async with Fetcher(FetchLimits(max_bytes=1024)) as fetcher:
        too_big = await fetcher.fetch(big.as_uri())
        missing = await fetcher.fetch((tmp_path / "nope.xml").as_uri())
        folder = await fetcher.fetch(tmp_path.as_uri())
        remote = await fetcher.fetch("file://example.org/etc/passwd")
    assert too_big.error == "the file is larger than 1 KiB"
    assert missing.error == f"no such file: {tmp_path / 'nope.xml'}"
    assert folder.error == f"{tmp_path} is a folder, not a file"
    assert remote.error.startswith("cannot read a file on another machine")


def test_one_tls_context_serves_every_client_and_still_verifies() -> None:
    """Loading the CA bundle costs tens of milliseconds: a refresh, its prefetch and the app's
    later refreshes share one context, which checks certificates and host names."""
    import ssl

    from veille.core.ingest.fetch import tls_context

    context = tls_context()
    assert context is tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname

    async def client_context() -> object:
        async with Fetcher() as fetcher:
            assert fetcher._client is not None
            return fetcher._client._transport._pool._ssl_context  # type: ignore[attr-defined]

    assert asyncio.run(client_context()) is context
