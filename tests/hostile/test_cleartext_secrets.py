"""Site cookies and headers from config.toml travel over https only.

A real https server on 127.0.0.1 (a certificate made for the test) and a plain http one record
the headers they receive: the credentials reach the https one, never the http one, neither on an
http:// subscription nor after a redirect from https to http (which is refused, and not taken
for a move to adopt). A key without a port is for port 443 only.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.httpserver import LocalServer, self_signed
from veille.cli import main
from veille.core.ingest.fetch import Fetcher, FetchLimits
from veille.core.library import open_library
from veille.core.settings import resolve_paths

FAST = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=4)
FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
COOKIE, TOKEN = "COOKIE-8d1f", "TOKEN-5e2a"


@pytest.fixture(scope="module")
def contexts(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    return self_signed(Path(tmp_path_factory.mktemp("tls")))


@pytest.fixture
def secure(contexts: tuple[ssl.SSLContext, ssl.SSLContext]) -> Iterator[LocalServer]:
    with LocalServer(tls=contexts[0]) as server:
        yield server


def fetcher_for(key: str, client: ssl.SSLContext) -> Fetcher:
    return Fetcher(
        FAST,
        site_cookies={key: {"session": COOKIE}},
        site_headers={key: {"Authorization": f"Bearer {TOKEN}"}},
        verify=client,
    )


def leaked(server: LocalServer) -> list[str]:
    return [
        r.path
        for r in server.requests
        if COOKIE in r.header("Cookie") or TOKEN in r.header("Authorization")
    ]


async def test_credentials_go_over_https(
    secure: LocalServer, contexts: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    secure.add("/feed.xml", FEED)
    async with fetcher_for(f"127.0.0.1:{secure.port}", contexts[1]) as fetcher:
        result = await fetcher.fetch(secure.url("/feed.xml"))
    assert result.ok, result.error
    assert leaked(secure) == ["/feed.xml"]


async def test_never_on_an_http_subscription(
    local_server: LocalServer, contexts: tuple[ssl.SSLContext, ssl.SSLContext]
) -> None:
    local_server.add("/feed.xml", FEED)
    for key in ("127.0.0.1", f"127.0.0.1:{local_server.port}"):
        async with fetcher_for(key, contexts[1]) as fetcher:
            assert (await fetcher.fetch(local_server.url("/feed.xml"))).ok
    assert len(local_server.requests) == 2 and leaked(local_server) == []


async def test_https_to_http_redirect_is_refused_for_credentials(
    secure: LocalServer,
    local_server: LocalServer,
    contexts: tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    local_server.add("/feed.xml", FEED)
    secure.add("/feed.xml", status=301, headers={"Location": local_server.url("/feed.xml")})
    async with fetcher_for(f"127.0.0.1:{secure.port}", contexts[1]) as fetcher:
        result = await fetcher.fetch(secure.url("/feed.xml"))
    assert result.error == (
        "refused a redirect from https to http for 127.0.0.1: its cookies or headers from "
        "config.toml would travel unencrypted"
    )
    assert result.permanent_redirect == "" and not result.ok
    assert local_server.requests == []  # nothing reached the http side at all
    assert COOKIE not in result.error and TOKEN not in result.error


async def test_https_to_http_redirect_without_credentials_is_followed(
    secure: LocalServer,
    local_server: LocalServer,
    contexts: tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    local_server.add("/feed.xml", FEED)
    secure.add("/feed.xml", status=302, headers={"Location": local_server.url("/feed.xml")})
    fetcher = Fetcher(FAST, verify=contexts[1])
    fetcher.policy = fetcher.policy.trusting([local_server.url("/")])
    async with fetcher:
        result = await fetcher.fetch(secure.url("/feed.xml"))
    assert result.ok, result.error


def test_a_key_without_port_means_443() -> None:
    fetcher = Fetcher(FAST, site_cookies={"example.org": {"session": COOKIE}})

    def cookie(url: str) -> str:
        return fetcher._headers(httpx.URL(url), "*/*", "", "").get("Cookie", "")

    assert cookie("https://example.org/feed") == f"session={COOKIE}"
    assert cookie("https://example.org:443/feed") == f"session={COOKIE}"
    for url in (
        "https://example.org:8443/",
        "http://example.org/",
        "http://example.org:443/",
        "https://www.example.org/",
        "https://example.org.evil.test/",
    ):
        assert cookie(url) == "", url


def test_http_subscriptions_with_credentials_are_named_once(
    tmp_path: Path, local_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text(f'[sites."127.0.0.1"]\ncookies = {{ session = "{COOKIE}" }}\n')
    local_server.add("/a.xml", FEED)
    local_server.add("/b.xml", FEED)
    with open_library(paths.library, backups=paths.backups) as lib:
        lib.add_feed(local_server.url("/a.xml"))
        lib.add_feed(local_server.url("/b.xml"))
    note = (
        "note: the cookies and headers config.toml gives 127.0.0.1 are not sent to its http:// "
        "feeds: they travel over https only (subscribe with https://)"
    )
    for command in ("refresh", "feeds"):
        capsys.readouterr()
        assert main(["--home", str(home), command]) == 0
        out = capsys.readouterr().out
        assert out.count(note) == 1 and COOKIE not in out, command
    assert leaked(local_server) == [] and len(local_server.requests) == 2
