"""Full text end to end: a local news site, refresh with prefetch, subscriber cookies, the cache.

The site serves a feed whose items are cut (« Il reste 88 % de l'article à découvrir », « Lire la
suite ») or complete, article pages behind them (one only for subscribers, checked by its session
cookie), and pages that are not articles at all. Everything goes through the real fetcher, the
real extractor and a real library and cache on disk.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.httpserver import LocalServer, Request, Response
from tests.prefetching import prefetch_now
from veille.core.fulltext.cache import CachedArticle, FullTextCache, open_cache
from veille.core.library import Library
from veille.core.pipeline import refresh_all
from veille.core.settings import Paths, Settings, SiteSettings

PARAGRAPHS = [
    "La commission a rendu public mardi un rapport de cent vingt pages sur la surveillance "
    "des espaces publics par des caméras dites intelligentes, après dix-huit mois d'enquête.",
    "Les rapporteurs y décrivent des expérimentations menées dans six villes sans évaluation "
    "indépendante, et des marchés publics passés sans que les conseils municipaux en débattent.",
    "Ils recommandent un moratoire sur la reconnaissance faciale en temps réel, un registre "
    "national des dispositifs et un contrôle préalable par l'autorité de protection des données.",
    "Le gouvernement doit répondre d'ici la fin du mois ; plusieurs associations ont déjà "
    "annoncé qu'elles saisiraient le Conseil d'État si le texte restait en l'état.",
]
SECRET_PARAGRAPH = (
    "Réservé aux abonnés : le rapport cite nommément trois entreprises dont les contrats "
    "prévoyaient une extension automatique de la durée de conservation des images."
)


def article_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
        "</head><body><header><nav><a href='/'>Accueil</a> <a href='/abonnement'>S'abonner"
        f"</a></nav></header><main><article><h1>{title}</h1>{body}</article></main>"
        "<aside><h2>Lire aussi</h2><ul><li><a href='/autre'>Un autre sujet</a></li></ul></aside>"
        "<footer>© Le Guetteur — mentions légales</footer></body></html>"
    )


def feed(server: LocalServer, items: list[tuple[str, str, str]]) -> str:
    """RSS with (slug, title, description) items linking to /articles/<slug>."""
    body = "".join(
        f"<item><title>{title}</title><link>{server.url(f'/articles/{slug}')}</link>"
        f"<guid>{slug}</guid><pubDate>Sat, 21 Nov 2026 0{n}:00:00 +0000</pubDate>"
        f"<description>{description}</description></item>"
        for n, (slug, title, description) in enumerate(items)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Le Guetteur</title><link>{server.url('/')}</link>{body}</channel></rss>"
    )


TEASER = "&lt;p&gt;La commission a rendu public mardi un rapport.&lt;/p&gt;"
PAYWALL = TEASER + "&lt;p&gt;Il reste 88 % de l'article à découvrir.&lt;/p&gt;"
READ_MORE = TEASER + "&lt;p&gt;Lire la suite&lt;/p&gt;"
COMPLETE = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in PARAGRAPHS * 3)


def news_site(server: LocalServer) -> None:
    server.add(
        "/feed.xml",
        feed(
            server,
            [
                ("paywall", "Caméras : le rapport qui dérange", PAYWALL),
                ("complete", "Un article complet", COMPLETE),
                ("subscribers", "Les contrats des caméras", READ_MORE),
            ],
        ),
    )
    server.add(
        "/articles/paywall",
        article_page("Caméras : le rapport qui dérange", PARAGRAPHS),
        content_type="text/html; charset=utf-8",
    )
    server.add(
        "/articles/complete",
        article_page("Un article complet", PARAGRAPHS),
        content_type="text/html; charset=utf-8",
    )

    def subscribers(request: Request) -> Response:
        # The whole article for a subscriber's session, the teaser for anybody else.
        paragraphs = PARAGRAPHS[:1]
        if "session=abonne-42" in request.header("Cookie"):
            paragraphs = [*PARAGRAPHS, SECRET_PARAGRAPH]
        page = article_page("Les contrats des caméras", paragraphs)
        return Response(200, page, content_type="text/html; charset=utf-8")

    server.handle("/articles/subscribers", subscribers)


def settings_for(server: LocalServer, *, cookie: bool = True) -> Settings:
    settings = Settings()
    settings.refresh.connect_timeout = 2
    settings.refresh.read_timeout = 2
    settings.refresh.total_timeout = 4
    if cookie:
        settings.sites["127.0.0.1"] = SiteSettings(cookies={"session": "abonne-42"})
    return settings


def refresh(lib: Library, settings: Settings, cache: FullTextCache) -> object:
    report, fetched = asyncio.run(refresh_all(lib, settings, cache))
    assert not report.errors, report.errors
    return fetched


@pytest.fixture
def cache(paths: Paths, lib: Library) -> FullTextCache:
    opened = open_cache(paths, Settings())
    lib.attach_cache(opened)
    yield opened  # type: ignore[misc]
    opened.close()


def by_title(lib: Library) -> dict[str, int]:
    return {row.title: row.id for row in lib.rows(limit=50)}


def test_refresh_fetches_what_the_feed_cut_and_only_that(
    lib: Library, cache: FullTextCache, local_server: LocalServer
) -> None:
    news_site(local_server)
    lib.add_feed(local_server.url("/feed.xml"))
    fetched = refresh(lib, settings_for(local_server), cache)
    assert fetched.fetched == 1  # type: ignore[attr-defined]
    assert len(fetched.paywalled) == 1  # type: ignore[attr-defined]
    assert local_server.requests_to("/articles/complete") == []  # auto: complete items stay
    ids = by_title(lib)
    paywalled = lib.item(ids["Caméras : le rapport qui dérange"])
    assert paywalled.truncated and paywalled.full_text
    article = cache.article(paywalled.id)
    assert article is not None and "moratoire sur la reconnaissance faciale" in article.html
    assert "Lire aussi" not in article.html and "mentions légales" not in article.html
    assert "Il reste 88 %" not in lib.item(paywalled.id).body  # the reader gets the article
    # The subscriber's cookie is for https only: over this http server it stays home, and the
    # page gives its teaser.
    request = local_server.requests_to("/articles/subscribers")[-1]
    assert request.header("Cookie") == ""
    # Its teaser is seen for what it is, and never passed off as the article.
    subscribers = lib.item(ids["Les contrats des caméras"])
    assert subscribers.full_text_state == "paywalled" and not subscribers.full_text
    assert cache.article(subscribers.id) is None


def test_without_the_cookie_a_subscriber_page_gives_only_its_teaser(
    lib: Library, cache: FullTextCache, local_server: LocalServer
) -> None:
    news_site(local_server)
    lib.add_feed(local_server.url("/feed.xml"))
    refresh(lib, settings_for(local_server, cookie=False), cache)
    request = local_server.requests_to("/articles/subscribers")[-1]
    assert "abonne" not in request.header("Cookie")
    article = cache.article(by_title(lib)["Les contrats des caméras"])
    assert article is None or "extension automatique" not in article.html


def test_feed_policies_never_and_always(
    lib: Library, cache: FullTextCache, local_server: LocalServer
) -> None:
    news_site(local_server)
    source = lib.add_feed(local_server.url("/feed.xml"))
    lib.set_feed_policy(source.id, "never")
    fetched = refresh(lib, settings_for(local_server), cache)
    assert fetched.fetched == 0 and not local_server.requests_to("/articles/paywall")  # type: ignore[attr-defined]
    lib.set_feed_policy(source.id, "always")
    ids = list(by_title(lib).values())
    report = prefetch_now(lib, cache, settings_for(local_server), ids)
    assert report.fetched == 2 and len(report.paywalled) == 1  # complete items too
    assert local_server.requests_to("/articles/complete")


def test_starring_keeps_the_text_when_the_cache_is_gone(
    lib: Library, cache: FullTextCache, local_server: LocalServer
) -> None:
    news_site(local_server)
    lib.add_feed(local_server.url("/feed.xml"))
    refresh(lib, settings_for(local_server), cache)
    ids = by_title(lib)
    starred = ids["Caméras : le rapport qui dérange"]
    other = ids["Les contrats des caméras"]
    lib.set_starred([starred])
    lib.tag([starred], add=["surveillance"])
    lib.set_note(starred, "Pour la revue de lundi")
    lib.set_read([other])
    assert cache.clear() > 0  # `veille cache clear`
    kept = lib.item(starred)
    assert "moratoire sur la reconnaissance faciale" in kept.full_text
    assert kept.starred and kept.tags == ["surveillance"] and kept.note == "Pour la revue de lundi"
    assert starred in {r.id for r in lib.rows("moratoire")}  # its full text is still searched
    gone = lib.item(other)
    assert gone.read and not gone.full_text
    assert "Lire la suite" in gone.body  # back to what the feed gave, nothing else lost


def test_the_cache_stays_within_its_size_limit(tmp_path: Path) -> None:
    limit = 256 * 1024
    cache = FullTextCache(tmp_path / "fulltext", limit)
    try:
        page = "<p>" + "texte " * 2000 + "</p>"  # about 12 KB per article
        for item_id in range(200):  # about 2.4 MB written in all
            cache.put_article(item_id, CachedArticle(url=f"https://a.fr/{item_id}", html=page))
        stats = cache.stats()
        assert stats.size <= limit * 1.5  # culling runs as entries are added
        assert stats.articles < 200
        assert cache.article(199) is not None  # the newest are kept
        assert cache.article(0) is None  # the oldest went first
    finally:
        cache.close()


def test_the_cache_opens_at_first_use_and_a_damaged_one_reads_as_empty(tmp_path: Path) -> None:
    folder = tmp_path / "fulltext"
    cache = FullTextCache(folder, 1024 * 1024)
    assert not folder.exists()  # a command that reads no full text makes and opens nothing
    cache.put_article(7, CachedArticle(url="https://a.fr/7", html="<p>texte</p>"))
    assert cache.article(7) is not None
    cache.close()
    cache.close()  # closing twice, or a cache never opened, is harmless
    FullTextCache(folder, 1024).close()

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "cache.db").write_bytes(b"not a database at all" * 100)
    broken = FullTextCache(damaged, 1024 * 1024)
    assert broken.article(7) is None  # reading goes on without full texts
    with pytest.raises(Exception, match="not a database"):
        broken.open()  # the app opens it at start-up, to say so


def test_pages_that_are_not_articles_leave_a_reason_and_the_feed_text(
    lib: Library, cache: FullTextCache, local_server: LocalServer
) -> None:
    # The items arrive after the feed's first refresh, which fetches only the newest few.
    local_server.add("/feed.xml", feed(local_server, []))
    lib.add_feed(local_server.url("/feed.xml"))
    refresh(lib, settings_for(local_server), cache)
    local_server.add(
        "/feed.xml",
        feed(
            local_server,
            [
                ("pdf", "Un rapport en PDF", PAYWALL),
                ("missing", "Une page disparue", PAYWALL),
                ("loop", "Une boucle", PAYWALL),
                ("image", "Une image", PAYWALL),
            ],
        ),
    )
    local_server.add(
        "/articles/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="application/pdf"
    )
    local_server.add("/articles/missing", "gone", status=404, content_type="text/plain")
    local_server.add(
        "/articles/loop", "", status=302, headers={"Location": local_server.url("/articles/loop")}
    )
    local_server.add(
        "/articles/image", b"\x89PNG\r\n\x1a\n" + bytes(2000), content_type="image/png"
    )
    fetched = refresh(lib, settings_for(local_server), cache)
    assert fetched.fetched == 0 and len(fetched.errors) == 4  # type: ignore[attr-defined]
    for item_id in by_title(lib).values():
        item = lib.item(item_id)
        assert item.full_text_error and not item.full_text
        assert "Il reste 88 %" in item.body  # the feed's text is still there to read
    errors = {lib.item(i).title: lib.item(i).full_text_error for i in by_title(lib).values()}
    assert "404" in errors["Une page disparue"]
    assert "redirect" in errors["Une boucle"].lower()
    assert "pdf" in errors["Un rapport en PDF"].lower()


@pytest.mark.slow
def test_cache_commands_and_offline_reading(tmp_path: Path, local_server: LocalServer) -> None:
    """`veille cache stats|clear` from the command line, and `--offline` refusing the network
    while the library still reads."""
    news_site(local_server)
    home = tmp_path / "home"
    veille = [sys.executable, "-m", "veille", "--home", str(home)]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*veille, *args], capture_output=True, text=True, check=False)

    assert run("add", local_server.url("/feed.xml")).returncode == 0
    assert run("refresh").returncode == 0
    stats = run("cache", "stats")
    assert stats.returncode == 0 and re.search(r"articles\s+1\b", stats.stdout)
    offline = run("--offline", "refresh")
    assert offline.returncode != 0 and "--offline" in offline.stderr
    assert "Traceback" not in offline.stderr
    listed = run("--offline", "items", "caméras")
    assert listed.returncode == 0 and "rapport qui dérange" in listed.stdout
    cleared = run("cache", "clear")
    assert cleared.returncode == 0 and "every item keeps its text" in cleared.stdout


def test_pages_are_extracted_in_worker_processes_when_given(
    lib: Library, cache: FullTextCache, local_server: LocalServer
) -> None:
    # After a refresh of many feeds its parser processes extract the articles: the page goes
    # to a worker and the article comes back, as the threads would have made it.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from veille.core.fulltext.service import FullTextService
    from veille.core.ingest.refresh import make_fetcher

    news_site(local_server)
    feed_id = lib.add_feed(local_server.url("/feed.xml")).id
    settings = settings_for(local_server)
    lib.set_feed_policy(feed_id, "never")
    refresh(lib, settings, cache)
    item_id = by_title(lib)["Caméras : le rapport qui dérange"]
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as workers:
        service = FullTextService(lib, cache, settings, extractors=workers)

        async def go() -> object:
            async with make_fetcher(settings, [local_server.url("/feed.xml")]) as fetcher:
                return await service.prefetch([item_id], fetcher, only_wanted=False)

        try:
            fetched = asyncio.run(go())
        finally:
            service.close()
    assert fetched.fetched == 1  # type: ignore[attr-defined]
    article = cache.article(item_id)
    assert article is not None and "moratoire sur la reconnaissance faciale" in article.html
    assert "Lire aussi" not in article.html


@pytest.mark.slow
def test_a_refresh_of_many_feeds_extracts_in_its_parser_processes(
    lib: Library, cache: FullTextCache, local_server: LocalServer
) -> None:
    from veille.core.ingest.workers import PROCESS_POOL_FROM

    for n in range(PROCESS_POOL_FROM):
        local_server.add(
            f"/feed{n}.xml",
            feed(local_server, [(f"a{n}", f"Caméras, épisode {n}", PAYWALL)]),
        )
        local_server.add(
            f"/articles/a{n}",
            article_page(f"Caméras, épisode {n}", PARAGRAPHS),
            content_type="text/html; charset=utf-8",
        )
        lib.add_feed(local_server.url(f"/feed{n}.xml"))
    fetched = refresh(lib, settings_for(local_server), cache)
    assert fetched.fetched == PROCESS_POOL_FROM  # type: ignore[attr-defined]
    assert all(
        "moratoire" in (cache.article(row.id).html)  # type: ignore[union-attr]
        for row in lib.rows(limit=100)
    )
