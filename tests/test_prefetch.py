"""Prefetching full texts gives up on a host it cannot reach, instead of trying every item."""

from __future__ import annotations

import asyncio

from tests.httpserver import LocalServer
from tests.prefetching import prefetch_now
from tests.storing import ingest
from veille.core.fulltext.cache import open_cache
from veille.core.fulltext.service import FullTextService
from veille.core.ingest.fetch import Fetcher, FetchLimits
from veille.core.ingest.guard import GuardedBackend, system_resolver
from veille.core.library import Library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import Paths, Settings


def _items(lib: Library, feed_url: str, links: list[str]) -> list[int]:
    feed = lib.add_feed(feed_url)
    lib.set_feed_policy(feed.id, "always")
    entries = [ParsedEntry(guid=f"g{n}", link=link, title=f"T{n}") for n, link in enumerate(links)]
    return ingest(lib, feed.id, ParsedFeed(title="Flux", entries=entries), status=200).new_ids


def test_a_host_that_refuses_connections_costs_one_attempt(
    lib: Library, paths: Paths, local_server: LocalServer
) -> None:
    ids = _items(
        lib, local_server.url("/feed.xml"), [f"http://127.0.0.1:9/article/{n}" for n in range(40)]
    )
    settings = Settings(allow=("127.0.0.1",))
    cache = open_cache(paths, settings)
    try:
        report = prefetch_now(lib, cache, settings, ids)
    finally:
        cache.close()
    errors = list(report.errors.values())
    assert len(errors) == 40
    assert [e for e in errors if "skipped" not in e] == ["connection refused by 127.0.0.1:9"]
    assert sum(e == "skipped: 127.0.0.1 could not be reached" for e in errors) == 39
    assert report.unreachable == {"127.0.0.1": "connection refused by 127.0.0.1:9"}
    # The reason is kept on each item, for the reader to show, and each is `is:failed`.
    assert lib.item(ids[-1]).full_text_error == "skipped: 127.0.0.1 could not be reached"
    assert lib.count("is:failed", collapse=False) == 40


def test_a_name_that_does_not_resolve_is_looked_up_once(lib: Library, paths: Paths) -> None:
    """Items of a host whose name does not resolve (a train without network, a dead domain):
    one lookup, one failure in plain words, the other items skipped without a request."""
    lookups: list[str] = []

    async def counting(host: str, port: int) -> list[str]:
        lookups.append(host)
        return await system_resolver(host, port)

    links = [f"https://nulle-part.invalid/article/{n}" for n in range(25)]
    links += [f"https://ailleurs.invalid/article/{n}" for n in range(5)]
    ids = _items(lib, "https://nulle-part.invalid/feed.xml", links)
    settings = Settings()
    cache = open_cache(paths, settings)
    service = FullTextService(lib, cache, settings)

    async def go() -> object:
        fetcher = Fetcher(FetchLimits(concurrency=16), backend=GuardedBackend(resolver=counting))
        async with fetcher:
            return await service.prefetch(ids, fetcher)

    try:
        report = asyncio.run(go())
    finally:
        service.close()
        cache.close()
    assert sorted(lookups) == ["ailleurs.invalid", "nulle-part.invalid"]
    assert report.unreachable == {  # type: ignore[attr-defined]
        "ailleurs.invalid": "could not resolve host ailleurs.invalid",
        "nulle-part.invalid": "could not resolve host nulle-part.invalid",
    }
    assert len(report.errors) == 30  # type: ignore[attr-defined]
    assert lib.item(ids[0]).full_text_error == "could not resolve host nulle-part.invalid"


ARTICLE = (
    "<html><head><title>{title}</title></head><body><nav>Accueil · Régions</nav><article>"
    "<h1>{title}</h1>{body}</article><footer>Mentions légales</footer></body></html>"
)
SENTENCE = (
    "Le conseil municipal a examiné mardi soir le projet de rénovation de la halle, dont le "
    "chantier doit durer deux ans et coûter près de quatre millions d'euros aux contribuables."
)


def test_articles_fetched_together_are_all_kept_and_searchable(
    lib: Library, paths: Paths, local_server: LocalServer
) -> None:
    """Many pages extracted at once are kept in few writes: none is lost, each is searchable
    by its own words, and each counts as new once."""
    count = 60
    for n in range(count):
        body = "".join(f"<p>{SENTENCE} Mot{n}unique.</p>" for _ in range(4))
        local_server.add(
            f"/article/{n}",
            ARTICLE.format(title=f"Halle {n}", body=body),
            content_type="text/html; charset=utf-8",
        )
    links = [local_server.url(f"/article/{n}") for n in range(count)]
    ids = _items(lib, local_server.url("/feed.xml"), links)
    settings = Settings(allow=("127.0.0.1",))
    cache = open_cache(paths, settings)
    try:
        first = prefetch_now(lib, cache, settings, ids)
        again = prefetch_now(lib, cache, settings, ids)
        cached = cache.article(ids[41])
    finally:
        cache.close()
    assert (first.fetched, first.errors) == (count, {})
    assert lib.count("has:fulltext", collapse=False) == count
    assert [r.id for r in lib.rows("mot41unique")] == [ids[41]]
    assert cached is not None and "Mot41unique" in cached.html
    assert (again.fetched, again.cached) == (0, count)


def test_articles_kept_in_one_write_skip_an_item_deleted_meanwhile(lib: Library) -> None:
    feed = lib.add_feed("https://a.fr/rss")
    entries = [ParsedEntry(guid=f"g{n}", link=f"https://a.fr/{n}", title=f"T{n}") for n in (1, 2)]
    one, two = ingest(lib, feed.id, ParsedFeed(title="A", entries=entries)).new_ids
    assert lib.record_full_text(one, "<p>Déjà là : Causses.</p>")
    articles = [(one, "<p>Encore : Causses.</p>", ""), (two, "<p>Neuf : Larzac.</p>", "")]
    articles.append((two + 100, "<p>Disparu.</p>", ""))
    assert lib.record_full_texts(articles) == [False, True, False]
    assert [r.id for r in lib.rows("Larzac")] == [two]
    assert [r.id for r in lib.rows("Causses")] == [one]
