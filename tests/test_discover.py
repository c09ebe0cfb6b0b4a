"""Feed discovery against pages and feeds served on the loopback interface."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.httpserver import LocalServer, Request, Response
from veille.core.ingest.discover import (
    PROBES_AT_ONCE,
    Candidate,
    DiscoveryError,
    discover,
    feed_title,
    guessed_places,
    sniff_feed,
)
from veille.core.ingest.fetch import Fetcher, FetchLimits

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet href="/style.xsl" type="text/xsl"?>
<!-- generated; a comment mentioning <feed> must not confuse anyone -->
<rss version="2.0"><channel><title>Le Journal \xc3\xa9t\xc3\xa9</title>
<item><title>One</title></item></channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<title type="text">Atom  Weekly</title><entry><title>e</title></entry></feed>"""
RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/"><channel><title>Old RDF</title></channel></rdf:RDF>"""
JSONFEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "Jay\\u0007son", "items": []}'
PAGE = """<!doctype html><html><head><title>My Blog</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Posts" href="/posts.rss">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="comments/atom.xml">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">
<link rel="alternate" type="application/rss+xml" href="/posts.rss">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body><p>Hello <feed></p></body></html>"""


@pytest.fixture
def srv() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=5)) as f:
        yield f


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (RSS, "rss"),
        (ATOM, "atom"),
        (RDF, "rdf"),
        (JSONFEED, "json"),
        (b"\xef\xbb\xbf  <rss version='0.91'>", "rss"),
        ("\ufeff<feed xmlns='http://www.w3.org/2005/Atom'/>".encode("utf-16"), "atom"),
        (b"<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'/>", "atom"),
        (PAGE.encode(), ""),
        (b"<html><body><rss></rss></body></html>", ""),
        (b'{"version": "1.0", "items": []}', ""),
        (b"", ""),
        (b"\x00\xff garbage", ""),
    ],
)
def test_sniff_feed(body: bytes, kind: str) -> None:
    assert sniff_feed(body) == kind


def test_feed_titles() -> None:
    assert feed_title(RSS, "rss") == "Le Journal été"
    assert feed_title(ATOM, "atom") == "Atom Weekly"
    assert feed_title(RDF, "rdf") == "Old RDF"
    assert feed_title(JSONFEED, "json") == "Jay son"
    assert feed_title(b"<rss><channel></channel></rss>", "rss") == ""
    assert feed_title(b"{not json", "json") == ""


@pytest.mark.parametrize(("body", "kind"), [(RSS, "rss"), (ATOM, "atom"), (JSONFEED, "json")])
async def test_a_feed_is_its_own_candidate(
    srv: LocalServer, fetcher: Fetcher, body: bytes, kind: str
) -> None:
    srv.add("/feed", body, content_type="text/html")  # a wrong type must not matter
    found = await discover(fetcher, srv.url("/feed"))
    assert len(found) == 1
    assert found[0].url == srv.url("/feed") and found[0].kind == kind
    assert found[0].title == feed_title(body, kind) != ""


async def test_page_links_are_found_and_resolved(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/blog/post.html", PAGE, content_type="text/html; charset=utf-8")
    found = await discover(fetcher, srv.url("/blog/post.html"))
    assert found == [
        Candidate(srv.url("/posts.rss"), "Posts", "rss"),
        Candidate(srv.url("/blog/comments/atom.xml"), "My Blog", "atom"),
    ]
    assert [r.path for r in srv.requests] == ["/blog/post.html"]  # no guessing needed


async def test_base_href_is_honoured(srv: LocalServer, fetcher: Fetcher) -> None:
    page = """<html><head><base href="/sub/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml"></head></html>"""
    srv.add("/", page, content_type="text/html")
    found = await discover(fetcher, srv.url("/"))
    assert [c.url for c in found] == [srv.url("/sub/atom.xml")]


async def test_common_paths_are_tried_and_checked(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add(
        "/",
        "<html><head><title>Plain</title></head><body>hi</body></html>",
        content_type="text/html",
    )
    srv.add("/feed", "<html><body>a soft 404</body></html>", content_type="text/html")
    srv.add("/rss.xml", RSS, content_type="text/plain")
    srv.add("/feeds/posts/default", ATOM)
    srv.add("/atom.xml", b"", status=301, headers={"Location": "/feeds/posts/default"})
    found = await discover(fetcher, srv.url("/"))
    assert sorted(found, key=lambda c: c.url) == [
        Candidate(srv.url("/feeds/posts/default"), "Atom Weekly", "atom"),
        Candidate(srv.url("/rss.xml"), "Le Journal été", "rss"),
    ]
    asked = {r.path for r in srv.requests}
    assert {"/feed", "/feed/", "/rss", "/index.xml", "/feed.xml"} <= asked


async def test_nothing_found(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/", "<html><body>no feeds here</body></html>", content_type="text/html")
    with pytest.raises(DiscoveryError) as caught:
        await discover(fetcher, srv.url("/?token=hush"))
    message = str(caught.value)
    assert message.startswith(f"no feed found at {srv.url('/?token=***')}")
    assert "hush" not in message and "/feed" in message


async def test_an_answer_that_is_no_page_is_not_guessed_around(
    srv: LocalServer, fetcher: Fetcher
) -> None:
    """Bytes that are neither a feed nor a web page (a broken body, a picture) are refused as
    they are: the site's usual feed addresses are not what the user asked for."""
    srv.add("/garbled", b"\x1f\x8b\x08\x00broken" * 20, content_type="application/octet-stream")
    srv.add("/atom.xml", ATOM)
    with pytest.raises(DiscoveryError, match="is neither a feed nor a web page"):
        await discover(fetcher, srv.url("/garbled"))
    assert "/atom.xml" not in {r.path for r in srv.requests}


async def test_unreachable_page(srv: LocalServer, fetcher: Fetcher) -> None:
    with pytest.raises(DiscoveryError, match=r"could not open .*: HTTP 404 Not Found$"):
        await discover(fetcher, srv.url("/missing"))


async def test_permanently_moved_feed_gives_new_address(srv: LocalServer, fetcher: Fetcher) -> None:
    srv.add("/old.xml", b"", status=301, headers={"Location": "/new.xml"})
    srv.add("/new.xml", RSS)
    found = await discover(fetcher, srv.url("/old.xml"))
    assert [c.url for c in found] == [srv.url("/new.xml")]


async def test_bare_host_gets_a_scheme(fetcher: Fetcher, srv: LocalServer) -> None:
    # "https://" is added to a bare domain; the loopback server only speaks http, so the error
    # shows the address that was tried.
    with pytest.raises(DiscoveryError, match=r"could not open https://127\.0\.0\.1:"):
        await discover(fetcher, f"127.0.0.1:{srv.port}")


async def test_local_file(tmp_path: Path, fetcher: Fetcher) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(ATOM)
    assert await discover(fetcher, path.as_uri()) == [
        Candidate(path.as_uri(), "Atom Weekly", "atom")
    ]


async def test_hostile_page_titles_are_cleaned(srv: LocalServer, fetcher: Fetcher) -> None:
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" '
        'title="[b]x\x1b]2;pwn\x07 \u202etxt" href="/r"></head></html>'
    )
    srv.add("/", page, content_type="text/html")
    (candidate,) = await discover(fetcher, srv.url("/"))
    assert "\x1b" not in candidate.title and "\u202e" not in candidate.title


async def test_feeds_below_the_page_path_are_tried(srv: LocalServer, fetcher: Fetcher) -> None:
    article = "<html><head><title>Billet</title></head><body><p>Texte</p></body></html>"
    srv.add("/blog/2026/billet.html", article, content_type="text/html")
    srv.add("/blog/feed.xml", RSS)
    found = await discover(fetcher, srv.url("/blog/2026/billet.html"))
    assert [c.url for c in found] == [srv.url("/blog/feed.xml")]
    asked = {r.path for r in srv.requests}
    assert {"/blog/2026/feed", "/blog/rss.xml"} <= asked
    assert "/feed" not in asked  # found in /blog/: the root is not asked


async def test_a_site_is_asked_a_few_addresses_at_a_time_until_a_place_has_feeds(
    srv: LocalServer,
) -> None:
    lock = threading.Lock()
    now = [0, 0]  # in flight, most at once

    def slow(answer: Response) -> Callable[[Request], Response]:
        def route(_request: Request) -> Response:
            with lock:
                now[0] += 1
                now[1] = max(now)
            time.sleep(0.05)
            with lock:
                now[0] -= 1
            return answer

        return route

    srv.add("/a/b/c/post.html", "<html><body>Texte</body></html>", content_type="text/html")
    for place in guessed_places(srv.url("/a/b/c/post.html")):
        for address in place:
            srv.handle(urlsplit(address).path, slow(Response(404, b"no")))
    srv.handle("/a/b/feed.xml", slow(Response(200, RSS)))
    srv.handle("/a/b/atom.xml", slow(Response(200, ATOM)))
    # Limits that would let a refresh open sixteen connections to the host.
    limits = FetchLimits(concurrency=32, per_host=16, total_timeout=5)
    async with Fetcher(limits) as fetcher:
        found = await discover(fetcher, srv.url("/a/b/c/post.html"))
    assert [c.url for c in found] == [srv.url("/a/b/atom.xml"), srv.url("/a/b/feed.xml")]
    assert now[1] <= PROBES_AT_ONCE
    asked = {r.path for r in srv.requests}
    assert {"/a/b/c/feed", "/a/b/rss"} <= asked
    assert not {"/a/feed", "/feed", "/feeds/posts/default"} & asked


async def test_the_page_links_to_its_feed_with_an_anchor(
    srv: LocalServer, fetcher: Fetcher
) -> None:
    page = """<html><head><title>Ministère</title></head><body>
      <a href="/actualites">Actualités</a>
      <a href="/a-propos-du-rss.html">Qu'est-ce que le RSS ?</a>
      <a href="/abonnement/flux-actualites" title="S'abonner au flux">S'abonner</a>
    </body></html>"""
    srv.add("/", page, content_type="text/html")
    srv.add(
        "/a-propos-du-rss.html", "<html><body>Le RSS est…</body></html>", content_type="text/html"
    )
    srv.add("/abonnement/flux-actualites", ATOM, content_type="text/html")
    found = await discover(fetcher, srv.url("/"))
    assert [c.url for c in found] == [srv.url("/abonnement/flux-actualites")]
    asked = [r.path for r in srv.requests]
    assert "/actualites" not in asked  # a link that looks like no feed is not fetched
