"""Full text the user can trust, from the command line, on a local French news site over https.

The site's feed cuts its items (« Il reste 88 % de l'article à découvrir », « Lire la suite »);
one article page is open to all, one serves its teaser unless the subscriber's session cookie
comes with the request (cookies from config.toml travel over https only, hence the local
certificate). Every assertion is on what `veille` prints.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import LocalServer, Request, Response, self_signed
from veille.cli import main
from veille.core.ingest.client import tls_context

OPEN_WORD = "Millau"  # only in the open article, never in the feed
SECRET_WORD = "Rodez"  # only in the subscribers' article
SESSION = "abonne-42"

CHANTIER = [
    "Les travaux de consolidation du grand viaduc ont repris lundi, après trois mois "
    "d'interruption dus aux intempéries de l'automne et à un désaccord sur le financement.",
    f"À {OPEN_WORD}, les riverains s'inquiètent du bruit des engins de nuit ; la préfecture "
    "promet des horaires encadrés et une réunion publique avant la fin du mois.",
    "Le département rappelle que l'ouvrage, inauguré il y a plus de vingt ans, fait l'objet "
    "d'une surveillance continue de ses haubans et de ses piles par des capteurs.",
    "Les entreprises retenues devront achever le chantier avant l'été prochain, sous peine de "
    "pénalités prévues au contrat, a précisé le président du conseil départemental.",
]
CHAPO = (
    "Le conseil régional a voté jeudi une enveloppe exceptionnelle pour les lignes de train "
    "du quotidien, après un an de suppressions de dessertes qui ont exaspéré les usagers et "
    "les élus des petites villes. Le plan, présenté comme le plus ambitieux depuis la "
    "régionalisation du rail, prévoit la réouverture de deux lignes fermées depuis les années "
    "1990, le renfort des cadences aux heures de pointe et une tarification unique pour les "
    "abonnés de moins de vingt-six ans. Reste à savoir qui paiera : l'État, sollicité depuis "
    "des mois, n'a toujours pas répondu aux courriers de la présidente de région."
)
SUITE = [
    f"À {SECRET_WORD}, la gare doit retrouver six allers-retours quotidiens vers la capitale "
    "régionale dès le printemps, contre deux aujourd'hui, selon le document voté jeudi.",
    "Le coût total est estimé à trois cent quarante millions d'euros sur six ans, dont la "
    "moitié pour la rénovation des voies et des ouvrages d'art de la ligne des Causses.",
    "Les syndicats de cheminots saluent un signal, mais demandent des embauches de "
    "contrôleurs et de conducteurs pour que les nouveaux horaires soient tenus.",
    "L'opposition dénonce un plan électoral, financé par l'emprunt, et réclame un audit "
    "indépendant de l'état du réseau avant tout engagement de la collectivité.",
    "Les associations d'usagers, elles, attendent de voir les premiers trains : elles "
    "rappellent que les annonces de l'an dernier n'ont été suivies d'aucun effet.",
    "La présidente de région a promis un premier bilan public à l'automne, ligne par ligne, "
    "avec les chiffres de fréquentation et de ponctualité de chaque desserte.",
    "Une consultation en ligne sera ouverte aux habitants des communes desservies pour "
    "choisir l'ordre des travaux, une première pour un projet de cette taille.",
]


def page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
        "</head><body><header><nav><a href='/'>Accueil</a> <a href='/abonnement'>S'abonner"
        f"</a></nav></header><main><article><h1>{title}</h1>{body}</article></main>"
        "<footer>© La Dépêche des Causses</footer></body></html>"
    )


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def feed(server: LocalServer, items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{title}</title><link>{server.url(f'/articles/{slug}')}</link>"
        f"<guid>{slug}</guid><pubDate>Sat, 21 Nov 2026 0{n}:00:00 +0000</pubDate>"
        f"<description>{description}</description></item>"
        for n, (slug, title, description) in enumerate(items)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>La Dépêche des Causses</title><link>{server.url('/')}</link>{body}"
        "</channel></rss>"
    )


def news_site(server: LocalServer) -> None:
    server.add(
        "/feed.xml",
        feed(
            server,
            [
                (
                    "viaduc",
                    "Viaduc : le chantier reprend",
                    "&lt;p&gt;Les travaux ont repris lundi.&lt;/p&gt;"
                    "&lt;p&gt;Il reste 88 % de l'article à découvrir.&lt;/p&gt;",
                ),
                (
                    "trains",
                    "Trains régionaux : le plan voté",
                    "&lt;p&gt;Le conseil régional a voté jeudi une enveloppe.&lt;/p&gt;"
                    "&lt;p&gt;Lire la suite&lt;/p&gt;",
                ),
            ],
        ),
    )
    server.add(
        "/articles/viaduc",
        page("Viaduc : le chantier reprend", paragraphs(CHANTIER)),
        content_type="text/html; charset=utf-8",
    )

    def trains(request: Request) -> Response:
        if f"session={SESSION}" in request.header("Cookie"):
            # Subscribers keep the badge above the article, which they get whole.
            body = "<p class='badge'>Article réservé aux abonnés</p>" + paragraphs([CHAPO, *SUITE])
        else:
            body = (
                paragraphs([CHAPO])
                + "<div class='paywall'><p>Il vous reste 80 % de l'article à découvrir.</p>"
                "<p>Article réservé aux abonnés</p><a href='/abonnement'>Je m'abonne</a></div>"
            )
        return Response(
            200,
            page("Trains régionaux : le plan voté", body),
            content_type="text/html; charset=utf-8",
        )

    server.handle("/articles/trains", trains)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    folder = Path(tmp_path_factory.mktemp("tls"))
    server, _client = self_signed(folder)
    return server, folder / "cert.pem"


@pytest.fixture
def site(
    tls: tuple[ssl.SSLContext, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalServer]:
    """The news site over https, its certificate trusted the way a user's system would."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls[1]))
    tls_context.cache_clear()
    with LocalServer(tls=tls[0]) as server:
        news_site(server)
        yield server
    tls_context.cache_clear()


class Veille:
    """`veille --home HOME …` in this process, its output as the user reads it."""

    def __init__(self, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.home = home
        self.capsys = capsys
        home.mkdir(parents=True, exist_ok=True)

    def config(self, text: str) -> None:
        (self.home / "config.toml").write_text(text, encoding="utf-8")

    def __call__(self, *args: str, code: int = 0) -> str:
        self.capsys.readouterr()
        assert main(["--home", str(self.home), *args]) == code, args
        return self.capsys.readouterr().out

    def json(self, *args: str) -> object:
        return json.loads(self(*args, "--json"))

    def titles(self, query: str) -> list[str]:
        return [i["title"] for i in self.json("items", query)]  # type: ignore[attr-defined]


@pytest.fixture
def veille(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Veille:
    return Veille(tmp_path / "home", capsys)


def cookie(site: LocalServer, value: str) -> str:
    return f'[sites."127.0.0.1:{site.port}"]\ncookies = {{ session = "{value}" }}\n'


WATCH = '[[watch]]\nname = "Viaduc"\nquery = "millau"\nadd_tags = ["ouvrages"]\n'


def test_a_word_only_in_the_article_is_found_and_watched_right_after_prefetch(
    site: LocalServer, veille: Veille
) -> None:
    veille.config(WATCH)
    veille("add", site.url("/feed.xml"))
    out = veille("refresh")
    # No star: the article's words are searched and watched as soon as it is fetched.
    assert veille.titles(OPEN_WORD) == ["Viaduc : le chantier reprend"]
    assert veille.titles("tag:ouvrages") == ["Viaduc : le chantier reprend"]
    assert "full text: 1 articles kept, 1 teasers only, 0 failed" in out
    [item] = veille.json("items", OPEN_WORD)  # type: ignore[misc]
    assert item["full_text_state"] == "fetched" and OPEN_WORD in item["full_text"]
    assert item["starred"] is False
    assert veille.titles(f"has:fulltext {OPEN_WORD}") == ["Viaduc : le chantier reprend"]
    # A saved search and an export see the article too.
    veille("search", "save", "Chantiers", OPEN_WORD)
    assert veille.titles("") and "Viaduc" in veille("export", "--saved", "Chantiers")
    exported = json.loads(veille("export", "--format", "json", OPEN_WORD))
    assert OPEN_WORD in json.dumps(exported, ensure_ascii=False)


def test_a_teaser_is_paywalled_until_the_cookie_changes(site: LocalServer, veille: Veille) -> None:
    veille.config(cookie(site, "visiteur"))
    veille("add", site.url("/feed.xml"))
    veille("refresh")
    trains = "Trains régionaux : le plan voté"
    assert veille.titles("is:paywalled") == [trains]
    assert trains not in veille.titles("is:fulltext")
    assert trains not in veille.titles("has:fulltext")
    [item] = veille.json("items", "is:paywalled")  # type: ignore[misc]
    assert item["full_text_state"] == "paywalled" and item["full_text"] == ""
    assert "Il vous reste 80 %" in item["full_text_error"]
    assert veille.titles(SECRET_WORD) == []
    # Asked the same way, the site gives the same teaser: not fetched again.
    asked = len(site.requests_to("/articles/trains"))
    assert "1 teasers only" in veille("fulltext", "is:paywalled")
    assert len(site.requests_to("/articles/trains")) == asked

    veille.config(cookie(site, SESSION))  # the user pastes the subscriber's cookie
    veille("refresh")  # no new item: the changed cookie alone brings the page back
    assert site.requests_to("/articles/trains")[-1].header("Cookie") == f"session={SESSION}"
    assert veille.titles("is:paywalled") == []
    assert veille.titles(SECRET_WORD) == [trains]
    [item] = veille.json("items", SECRET_WORD)  # type: ignore[misc]
    assert item["full_text_state"] == "fetched" and item["full_text_error"] == ""


def test_cache_clear_leaves_every_flag_true(site: LocalServer, veille: Veille) -> None:
    veille.config(cookie(site, SESSION))
    veille("add", site.url("/feed.xml"))
    veille("refresh")
    kept = veille.json("items", "has:fulltext")
    assert len(kept) == 2  # type: ignore[arg-type]
    veille("cache", "clear")
    for query in ("has:fulltext", "is:fulltext"):
        after = veille.json("items", query)
        assert [i["id"] for i in after] == [i["id"] for i in kept]  # type: ignore[index,union-attr,attr-defined]
        assert all(i["full_text"] and i["full_text_state"] == "fetched" for i in after)  # type: ignore[index,union-attr,attr-defined]
    assert veille.titles(SECRET_WORD) == ["Trains régionaux : le plan voté"]
    assert veille.titles(OPEN_WORD) == ["Viaduc : le chantier reprend"]


def test_refetch_fetches_again_what_is_kept(site: LocalServer, veille: Veille) -> None:
    veille.config(cookie(site, SESSION))
    veille("add", site.url("/feed.xml"))
    veille("refresh")
    assert len(site.requests_to("/articles/viaduc")) == 1
    assert "0 full texts fetched, 1 already kept" in veille("fulltext", OPEN_WORD)
    assert len(site.requests_to("/articles/viaduc")) == 1
    assert "1 full texts fetched" in veille("fulltext", "--refetch", OPEN_WORD)
    assert len(site.requests_to("/articles/viaduc")) == 2


def test_the_json_report_tells_prefetch_time_and_failures(
    site: LocalServer, veille: Veille
) -> None:
    site.add("/articles/viaduc", "gone", status=404, content_type="text/plain")
    veille("add", site.url("/feed.xml"))
    report = veille.json("refresh")
    full_text = report["full_text"]  # type: ignore[index]
    assert full_text["fetched"] == 0 and full_text["failed"] == 1 and full_text["paywalled"] == 1
    reasons = {f["state"]: f["reason"] for f in full_text["failures"]}
    assert "404" in reasons["failed"] and "Il vous reste 80 %" in reasons["paywalled"]
    assert 0 < full_text["elapsed"] <= report["elapsed"]  # type: ignore[index]
    assert veille.titles("is:failed") == ["Viaduc : le chantier reprend"]


def test_no_full_text_stores_the_feeds_and_fetches_no_page(
    site: LocalServer, veille: Veille
) -> None:
    veille("add", site.url("/feed.xml"))
    out = veille("refresh", "--no-full-text")
    assert "2 new items" in out and "full text:" not in out
    assert site.requests_to("/articles/viaduc") == [] and site.requests_to("/articles/trains") == []


def test_the_global_policy_reaches_imported_feeds(
    site: LocalServer, veille: Veille, tmp_path: Path
) -> None:
    veille.config('full_text = "never"\n')
    opml = tmp_path / "abonnements.opml"
    opml.write_text(
        "<?xml version='1.0'?><opml version='2.0'><body>"
        f"<outline type='rss' text='Dépêche' xmlUrl='{site.url('/feed.xml')}'/>"
        "</body></opml>",
        encoding="utf-8",
    )
    veille("import", str(opml))
    [feed] = veille.json("feeds")  # type: ignore[misc]
    assert feed["full_text"] == "never" and feed["full_text_from"] == "config"
    veille("refresh")
    assert site.requests_to("/articles/viaduc") == [] and site.requests_to("/articles/trains") == []
    veille.config('full_text = "always"\n')  # changed once, for every feed without its own
    veille("fulltext")
    assert len(site.requests_to("/articles/viaduc")) == 1


def backlog_site(server: LocalServer, count: int) -> None:
    """A feed of `count` cut items, newest first, each with its article page."""
    items = [
        (f"n{n}", f"Brève {n}", "&lt;p&gt;Début.&lt;/p&gt;&lt;p&gt;Lire la suite&lt;/p&gt;")
        for n in range(count)
    ]
    body = "".join(
        f"<item><title>{title}</title><link>{server.url(f'/articles/{slug}')}</link>"
        f"<guid>{slug}</guid><pubDate>{(21 - n // 24):02d} Nov 2026 {23 - n % 24:02d}:00:00 "
        f"+0000</pubDate><description>{text}</description></item>"
        for n, (slug, title, text) in enumerate(items)
    )
    server.add(
        "/backlog.xml",
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Fil</title><link>{server.url('/')}</link>{body}</channel></rss>",
    )
    for n in range(count):
        server.add(
            f"/articles/n{n}",
            page(f"Brève {n}", paragraphs(CHANTIER)),
            content_type="text/html; charset=utf-8",
        )


def fetched_pages(server: LocalServer, count: int) -> list[int]:
    return [n for n in range(count) if server.requests_to(f"/articles/n{n}")]


def test_a_first_refresh_fetches_the_newest_articles_only(
    site: LocalServer, veille: Veille
) -> None:
    from veille.core.fulltext.policy import FIRST_REFRESH_PREFETCH

    backlog_site(site, 30)
    veille("add", site.url("/backlog.xml"))
    out = veille("refresh")
    assert fetched_pages(site, 30) == list(range(FIRST_REFRESH_PREFETCH))  # the newest
    assert f"full text: {FIRST_REFRESH_PREFETCH} articles kept" in out
    # The rest on demand: `veille fulltext` fetches what its query names.
    veille("fulltext", "Brève 20")
    assert 20 in fetched_pages(site, 30)


def test_a_first_refresh_keeps_three_articles_and_offers_the_others(
    site: LocalServer, veille: Veille
) -> None:
    """A new feed's first refresh keeps the articles of its newest three items; its other cut
    items say, truthfully, that their article is not kept yet but can be fetched."""
    backlog_site(site, 30)
    veille("add", site.url("/backlog.xml"))
    veille("refresh")
    assert veille.titles("has:fulltext") == ["Brève 0", "Brève 1", "Brève 2"]
    others = veille.json("items", "-has:fulltext")
    assert len(others) == 27  # type: ignore[arg-type]
    for item in others:  # type: ignore[attr-defined]
        assert item["truncated"] and item["full_text_state"] == "none"
        assert not item["full_text"] and not item["full_text_error"]
    veille("fulltext", "Brève 7")
    assert "Brève 7" in veille.titles("has:fulltext")


def test_feeds_are_told_first_then_the_articles(site: LocalServer, veille: Veille) -> None:
    veille("add", site.url("/feed.xml"))
    lines = veille("refresh").splitlines()
    assert lines[0].startswith("1 feed refreshed in ") and "2 new items" in lines[0]
    assert lines[1].startswith("full text: ")


def test_new_items_are_in_the_library_before_their_articles_are_fetched(
    site: LocalServer, tmp_path: Path
) -> None:
    """What the app relies on to list new items while the prefetch runs."""
    from veille.core import open_veille

    seen: list[tuple[int, int]] = []
    with open_veille(tmp_path / "home") as v:
        v.subscribe(site.url("/feed.xml"))

        def stored(_report: object) -> None:
            articles = len(site.requests_to("/articles/viaduc"))
            seen.append((v.library.count("", collapse=False), articles))

        done = v.refresh(on_stored=stored)
    assert seen == [(2, 0)]  # both items stored, no article asked for yet
    assert done.full_text is not None and done.full_text.fetched == 1


@pytest.mark.slow
def test_the_feeds_line_comes_while_the_articles_are_fetched(
    local_server: LocalServer, tmp_path: Path
) -> None:
    """`veille refresh` says what the feeds brought before the prefetch is over: the article
    page answers only once the test has read that line."""
    import os
    import subprocess
    import sys
    import threading

    news_site(local_server)
    line_read = threading.Event()
    waited: list[bool] = []

    def slow_article(_request: Request) -> Response:
        waited.append(line_read.wait(15))
        return Response(
            200, page("Viaduc", paragraphs(CHANTIER)), content_type="text/html; charset=utf-8"
        )

    local_server.handle("/articles/viaduc", slow_article)
    home = str(tmp_path / "home")
    command = [sys.executable, "-m", "veille", "--home", home]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run([*command, "add", local_server.url("/feed.xml")], check=True, env=env)
    with subprocess.Popen(
        [*command, "refresh"], stdout=subprocess.PIPE, text=True, env=env
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        line_read.set()
        rest = process.stdout.read()
    assert first.startswith("1 feed refreshed in ") and "2 new items" in first
    assert waited == [True]  # the article was still being fetched when the line came
    assert rest.startswith("full text: ")
