"""A feed cannot point veille at the user's private network (SSRF).

The subscribed feed is on 127.0.0.1:PORT, so that origin is the user's own. A second real server
on 127.0.0.1 (another port) and one on 127.0.0.2 play the machines behind the user's firewall:
item links and redirects aim at them under every spelling (`localhost`, `2130706433`,
`0x7f000001`, `0.0.0.0`, `[::1]`, `[::ffff:127.0.0.1]`, 169.254.169.254), and they must receive
nothing, the items must say why in plain words, and no export may hold their pages. Allowing the
host in config.toml makes it reachable. "Public" hosts and DNS rebinding are played by a test
resolver and a backend that only ever connects to loopback: no packet leaves the machine.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import httpcore
import pytest

from tests.httpserver import LocalServer, Response
from veille.cli import main
from veille.core.fulltext.cache import open_cache
from veille.core.ingest.addresses import NetworkPolicy, is_private, refusal
from veille.core.ingest.fetch import Fetcher, FetchLimits
from veille.core.ingest.guard import GuardedBackend
from veille.core.library import open_library
from veille.core.settings import ConfigError, load_settings, parse_settings, resolve_paths

FAST = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=4)
INTERNAL = "INTERNAL-ADMIN-PAGE-4242"
ARTICLE = (
    "<html><head><title>{t}</title></head><body><article><h1>{t}</h1>"
    + "<p>{t}. Un paragraphe assez long pour être pris pour un article, avec des mots. </p>" * 8
    + "</article></body></html>"
)
REFUSED = (
    "a private address you did not subscribe to (allow it in config.toml under [network] allow)"
)


@pytest.fixture
def internal() -> Iterator[LocalServer]:
    """The LAN machine: a page that must never be read through a feed."""
    with LocalServer() as server:
        server.add("/", ARTICLE.format(t=INTERNAL), content_type="text/html")
        yield server


@pytest.fixture
def internal2() -> Iterator[LocalServer]:
    with LocalServer("127.0.0.2") as server:
        server.add("/", ARTICLE.format(t=INTERNAL), content_type="text/html")
        yield server


def hostile_links(internal: LocalServer, internal2: LocalServer) -> list[str]:
    p = internal.port
    return [
        f"http://127.0.0.1:{p}/",
        f"http://localhost:{p}/",
        f"http://2130706433:{p}/",
        f"http://0x7f000001:{p}/",
        f"http://0.0.0.0:{p}/",
        f"http://[::1]:{p}/",
        f"http://[::ffff:127.0.0.1]:{p}/",
        f"http://127.0.0.2:{internal2.port}/",
        "http://169.254.169.254/latest/meta-data/",
    ]


def rss(links: list[str], own: str) -> str:
    items = "".join(
        f"<item><title>Lien {n}</title><guid>g{n}</guid><link>{link}</link>"
        "<description>court</description></item>"
        for n, link in enumerate(links)
    )
    items += (
        f"<item><title>Maison</title><guid>own</guid><link>{own}</link>"
        "<description>court</description></item>"
    )
    return f"<rss version='2.0'><channel><title>F</title>{items}</channel></rss>"


def home_with(tmp_path: Path, feed: str, config: str = "") -> Path:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text('full_text = "always"\n' + config)
    with open_library(paths.library, backups=paths.backups) as lib:
        lib.add_feed(feed)
    return home


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


def items(home: Path) -> dict[str, tuple[str, str]]:
    """Title → (full-text error, full text from the library or the cache)."""
    paths = resolve_paths(home)
    cache = open_cache(paths, load_settings(paths))
    with open_library(paths.library, backups=paths.backups) as lib:
        found = {}
        for item_id in lib.item_ids():
            item = lib.item(item_id)
            kept = cache.article(item_id)
            found[item.title] = (
                item.full_text_error,
                item.full_text or (kept.html if kept else ""),
            )
        return found


def test_item_links_to_private_addresses_are_refused_before_any_request(
    tmp_path: Path,
    local_server: LocalServer,
    internal: LocalServer,
    internal2: LocalServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    links = hostile_links(internal, internal2)
    # The links arrive after the feed's first refresh, which fetches only its newest few.
    local_server.add("/feed.xml", rss([], local_server.url("/article")))
    local_server.add("/article", ARTICLE.format(t="Chez moi"), content_type="text/html")
    home = home_with(tmp_path, local_server.url("/feed.xml"))
    assert run(home, "refresh") == 0
    local_server.add("/feed.xml", rss(links, local_server.url("/article")))
    assert run(home, "refresh") == 0
    assert internal.requests == [] and internal2.requests == []
    found = items(home)
    assert found["Maison"][1] and "Chez moi" in found["Maison"][1]  # same origin as the feed
    for n, link in enumerate(links):
        error, text = found[f"Lien {n}"]
        assert error.startswith("refused to fetch ") and error.endswith(REFUSED), (link, error)
        assert text == ""
    assert found["Lien 2"][0] == f"refused to fetch 2130706433 (127.0.0.1): {REFUSED}"
    assert found["Lien 5"][0] == f"refused to fetch ::1: {REFUSED}"
    assert found["Lien 8"][0] == f"refused to fetch 169.254.169.254: {REFUSED}"
    for fmt in ("md", "html", "json", "atom", "csv"):
        out = tmp_path / f"review.{fmt}"
        assert run(home, "export", "--format", fmt, "-o", str(out)) == 0
        assert INTERNAL not in out.read_text(), fmt
    capsys.readouterr()
    assert run(home, "fulltext", "--all") == 0
    assert "refused to fetch" in capsys.readouterr().out and internal.requests == []


def test_an_allow_listed_host_is_fetched(
    tmp_path: Path,
    local_server: LocalServer,
    internal: LocalServer,
    internal2: LocalServer,
) -> None:
    local_server.add("/feed.xml", rss([internal.url("/"), internal2.url("/")], internal.url("/")))
    config = f'[network]\nallow = ["127.0.0.1:{internal.port}", "127.0.0.2/32"]\n'
    home = home_with(tmp_path, local_server.url("/feed.xml"), config)
    assert run(home, "refresh") == 0
    found = items(home)
    assert INTERNAL in found["Lien 0"][1] and INTERNAL in found["Lien 1"][1]
    assert internal.requests and internal2.requests


def test_a_feed_redirecting_to_an_unsubscribed_local_origin_is_refused(
    tmp_path: Path,
    local_server: LocalServer,
    internal: LocalServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    local_server.add("/feed.xml", status=302, headers={"Location": internal.url("/")})
    home = home_with(tmp_path, local_server.url("/feed.xml"))
    capsys.readouterr()
    run(home, "refresh")
    out = capsys.readouterr()
    assert f"refused to fetch 127.0.0.1: {REFUSED}" in out.out + out.err
    assert internal.requests == []
    assert f"127.0.0.1:{internal.port}" not in out.out + out.err  # no word on the port itself


def test_allow_entries_are_checked_in_config() -> None:
    settings = parse_settings('[network]\nallow = ["nas.local", "wiki.lan:8080", "10.0.0.0/8"]\n')
    assert settings.allow == ("nas.local", "wiki.lan:8080", "10.0.0.0/8")
    for bad in ('"10.0.0.0/33"', '"wiki.lan:port"', '""', '"http://nas/"'):
        with pytest.raises(ConfigError, match=r"network\.allow"):
            parse_settings(f"[network]\nallow = [{bad}]\n")


# the decision, and chains that start on the web ------------------------------------------------


def ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text)


def test_private_means_not_global() -> None:
    for text in (
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "ff02::1",
    ):
        assert is_private(ip(text)), text
    for text in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"):
        assert not is_private(ip(text)), text


def test_refusal_rules() -> None:
    policy = NetworkPolicy.build(["nas.local", "192.168.1.0/24"], ["http://127.0.0.1:8000/feed"])
    own = dict(policy=policy, after_public=False)
    assert refusal("127.0.0.1", 8000, [ip("127.0.0.1")], **own) == ""
    assert refusal("127.0.0.1", 22, [ip("127.0.0.1")], **own).endswith(REFUSED)
    assert refusal("nas.local", 5000, [ip("192.168.7.7")], **own) == ""
    assert refusal("printer", 80, [ip("192.168.1.9")], **own) == ""
    assert refusal("router", 80, [ip("192.168.2.1")], **own).endswith(REFUSED)
    # a name resolving to a public and a private address is judged by the private one
    assert refusal("x.test", 80, [ip("93.184.216.34"), ip("10.0.0.5")], **own) == (
        f"refused to fetch x.test (10.0.0.5): {REFUSED}"
    )
    # after a public hop, not even the user's own hosts
    after = dict(policy=policy, after_public=True)
    assert refusal("127.0.0.1", 8000, [ip("127.0.0.1")], **after) == (
        "refused to fetch 127.0.0.1: a public address redirected to a private one"
    )
    assert refusal("example.org", 443, [ip("93.184.216.34")], **after) == ""


class LoopbackOnly(httpcore.AsyncNetworkBackend):
    """Connects every "public" test address to 127.0.0.1 instead, and records what it was asked."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.asked: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.AsyncNetworkStream:
        self.asked.append(host)
        assert is_private(ip(host)) or host.startswith("93.184.216."), host
        return await self.inner.connect_tcp("127.0.0.1", port, timeout)


def fetcher_with(
    answers: dict[str, list[list[str]]], own: list[str]
) -> tuple[Fetcher, LoopbackOnly]:
    async def resolve(host: str, port: int) -> list[str]:
        turns = answers[host]
        return turns.pop(0) if len(turns) > 1 else turns[0]

    inner = LoopbackOnly()
    backend = GuardedBackend(resolve, inner)
    return Fetcher(FAST, policy=NetworkPolicy.build(feeds=own), backend=backend), inner


async def test_public_page_redirecting_to_an_own_host_is_refused(
    local_server: LocalServer, internal: LocalServer
) -> None:
    local_server.add("/go", status=302, headers={"Location": internal.url("/")})
    fetcher, inner = fetcher_with({"public.test": [["93.184.216.34"]]}, [internal.url("/feed")])
    async with fetcher:
        result = await fetcher.fetch(f"http://public.test:{local_server.port}/go")
    assert (
        result.error == "refused to fetch 127.0.0.1: a public address redirected to a private one"
    )
    assert internal.requests == [] and inner.asked == ["93.184.216.34"]


async def test_dns_rebinding_between_hops_is_refused(local_server: LocalServer) -> None:
    # The name answers with a public address, then with loopback; the server closes each
    # connection, so the second hop connects again and meets the second answer.
    local_server.handle(
        "/a", lambda r: Response(302, headers={"Location": "/b", "Connection": "close"})
    )
    local_server.add("/b", INTERNAL, content_type="text/plain")
    answers = {"rebind.test": [["93.184.216.34"], ["127.0.0.1"]]}
    fetcher, inner = fetcher_with(answers, [f"http://127.0.0.1:{local_server.port}/"])
    async with fetcher:
        result = await fetcher.fetch_page(f"http://rebind.test:{local_server.port}/a")
    assert result.error == (
        "refused to fetch rebind.test (127.0.0.1): a public address redirected to a private one"
    )
    assert [r.path for r in local_server.requests] == ["/a"] and inner.asked == ["93.184.216.34"]


async def test_a_kept_alive_private_connection_is_not_reused_after_a_public_hop(
    local_server: LocalServer,
) -> None:
    local_server.add("/feed.xml", "<rss version='2.0'><channel/></rss>")
    local_server.add("/go", status=302, headers={"Location": local_server.url("/feed.xml")})
    fetcher, _ = fetcher_with({"public.test": [["93.184.216.34"]]}, [local_server.url("/")])
    async with fetcher:
        assert (await fetcher.fetch(local_server.url("/feed.xml"))).ok  # pooled, private
        result = await fetcher.fetch_page(f"http://public.test:{local_server.port}/go")
    assert result.error.endswith("a public address redirected to a private one")
    assert [r.path for r in local_server.requests] == ["/feed.xml", "/go"]


async def test_connection_errors_name_ipv6_hosts_in_brackets() -> None:
    async with Fetcher(FAST) as fetcher:
        result = await fetcher.fetch("http://[::1]:9/feed")
    assert result.error in ("connection refused by [::1]:9", "could not connect to [::1]:9")
