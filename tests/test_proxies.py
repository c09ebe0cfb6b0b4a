"""Proxies: SOCKS5 and HTTP, from the environment and from config.toml, per host; a .onion name
never meets the local resolver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from tests.socks5 import Socks5Server, socks_proxy  # noqa: F401  (fixture)
from veille.cli import main
from veille.core import open_veille
from veille.core.ingest.addresses import NetworkPolicy
from veille.core.ingest.fetch import Fetcher, FetchLimits
from veille.core.ingest.guard import GuardedBackend, system_resolver
from veille.core.ingest.proxies import ProxyChoice
from veille.core.settings import ConfigError, parse_settings

FEED = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Caché</title>"
    "<item><guid>1</guid><title>Par le proxy</title></item></channel></rss>"
)
FAST = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=4)
ONION = "veillexyzabcdefghijklmnopqrstuvwxyz234567abcdefghijklmnop.onion"


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out + err


def test_refresh_goes_through_a_socks_proxy_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    local_server: LocalServer,
    socks_proxy: Socks5Server,  # noqa: F811
) -> None:
    local_server.add("/feed.xml", FEED)
    monkeypatch.setenv("ALL_PROXY", socks_proxy.url)
    assert veille(capsys, "add", local_server.url("/feed.xml"))[0] == 0
    status, out = veille(capsys, "refresh")
    assert status == 0 and "1 new item," in out, out
    assert ("ipv4", "127.0.0.1", local_server.port) in socks_proxy.requests
    status, out = veille(capsys, "items", "--json")
    assert [i["title"] for i in json.loads(out)] == ["Par le proxy"]


class Recording:
    """A resolver that notes every name it is asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return await system_resolver(host, port)


async def test_a_onion_feed_goes_through_its_own_proxy_and_is_never_resolved(
    local_server: LocalServer,
    socks_proxy: Socks5Server,  # noqa: F811
) -> None:
    local_server.add("/feed.xml", FEED)
    socks_proxy.routes[(ONION, 80)] = ("127.0.0.1", local_server.port)
    resolver = Recording()
    choice = ProxyChoice.build(hosts={ONION: socks_proxy.url}, environ={})
    url = f"http://{ONION}/feed.xml"
    async with Fetcher(FAST, backend=GuardedBackend(resolver=resolver), proxies=choice) as fetcher:
        result = await fetcher.fetch(url)
        direct = await fetcher.fetch(local_server.url("/feed.xml"))  # other hosts: straight
    assert result.ok, result.error
    assert b"Par le proxy" in (result.body or b"")
    assert socks_proxy.requests == [("name", ONION, 80)]  # the proxy got the name itself
    assert direct.ok and ONION not in resolver.asked


async def test_a_onion_feed_without_a_proxy_is_refused_unresolved() -> None:
    resolver = Recording()
    async with Fetcher(
        FAST, backend=GuardedBackend(resolver=resolver), proxies=ProxyChoice.build(environ={})
    ) as fetcher:
        result = await fetcher.fetch(f"http://{ONION}/feed.xml")
    assert "reached only through a proxy such as Tor" in result.error
    assert resolver.asked == []


async def test_an_http_proxy_from_the_environment_gets_the_request(
    local_server: LocalServer, other_server: LocalServer
) -> None:
    # The second server plays the proxy: a forward proxy is asked for the whole address.
    other_server.add("http://news.example/feed.xml", FEED)
    resolver = Recording()
    choice = ProxyChoice.build(environ={"HTTP_PROXY": other_server.url("")})
    async with Fetcher(
        FAST,
        backend=GuardedBackend(resolver=resolver),
        proxies=choice,
        policy=NetworkPolicy.build(),
    ) as fetcher:
        result = await fetcher.fetch("http://news.example/feed.xml")
    assert result.ok, result.error
    assert [r.path for r in other_server.requests] == ["http://news.example/feed.xml"]
    assert "news.example" not in resolver.asked


async def test_no_proxy_and_direct_send_a_host_straight(local_server: LocalServer) -> None:
    local_server.add("/feed.xml", FEED)
    for choice in (
        ProxyChoice.build(environ={"ALL_PROXY": "socks5://127.0.0.1:9", "NO_PROXY": "127.0.0.1"}),
        ProxyChoice.build(hosts={"127.0.0.1": "direct"}, environ={"ALL_PROXY": "socks5://x:9"}),
    ):
        async with Fetcher(FAST, proxies=choice) as fetcher:
            assert (await fetcher.fetch(local_server.url("/feed.xml"))).ok


def test_a_proxy_that_is_not_one_is_refused_in_config_with_its_line() -> None:
    with pytest.raises(ConfigError, match=r"network\.proxy \(line 2\).*http:// and socks5://"):
        parse_settings('[network]\nproxy = "ftp://proxy.example:21"\n')
    settings = parse_settings(
        f'[network]\nproxy = "socks5://127.0.0.1:9050"\n'
        f'[feeds."http://{ONION}/rss"]\nproxy = "socks5://127.0.0.1:9150"\n'
    )
    assert settings.proxy == "socks5://127.0.0.1:9050"
    assert settings.proxies == {ONION: "socks5://127.0.0.1:9150"}


def test_a_proxy_that_does_not_answer_is_the_feeds_error_in_plain_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:9")  # nothing listens on port 9
    with open_veille() as v:
        v.subscribe("https://feeds.example.org/rss.xml")
    _, out = veille(capsys, "refresh")
    assert "Traceback" not in out and "ImportError" not in out
    assert "1 failed" in out and "proxy" in out.lower(), out


async def test_https_goes_through_a_socks_proxy_and_is_still_verified(
    tmp_path: Path,
    socks_proxy: Socks5Server,  # noqa: F811
) -> None:
    from tests.httpserver import self_signed

    server_ctx, client_ctx = self_signed(tmp_path)
    with LocalServer(tls=server_ctx) as secure:
        secure.add("/feed.xml", FEED)
        choice = ProxyChoice.build(environ={"ALL_PROXY": socks_proxy.url})
        policy = NetworkPolicy.build(["127.0.0.1"])
        async with Fetcher(FAST, verify=client_ctx, proxies=choice, policy=policy) as fetcher:
            result = await fetcher.fetch(secure.url("/feed.xml"))
        async with Fetcher(FAST, proxies=choice, policy=policy) as unverified:
            refused = await unverified.fetch(secure.url("/feed.xml"))  # the system's CAs only
        port = secure.port
    assert result.ok, result.error
    assert ("ipv4", "127.0.0.1", port) in socks_proxy.requests
    assert not refused.ok and "certificate" in refused.error.lower()
