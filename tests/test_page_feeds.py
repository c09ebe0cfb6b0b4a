"""Page feeds: a news page without a feed, followed by CSS selectors, previewed first, refreshed
like a feed, and telling which selector found nothing when the site changes its layout."""

from __future__ import annotations

import json

import pytest

from tests.httpserver import LocalServer
from veille.cli import main


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out + err


def news(*items: tuple[str, str, str], css: str = "actu") -> str:
    blocks = "".join(
        f'<article class="{css}"><h2><a href="/actualites/{slug}">{title}</a></h2>'
        f'<time datetime="{day}T09:00:00+01:00">le {day}</time>'
        f'<p class="chapo">Résumé de « {title} » <a href="/doc/{slug}.pdf">PDF</a></p></article>'
        for slug, title, day in items
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><title>Actualités — Autorité</title></head>'
        f'<body><nav><a href="/">Accueil</a></nav><main>{blocks}</main></body></html>'
    )


FIRST = (
    ("avis-2026-12", "Avis sur le traitement des données", "2026-11-30"),
    ("sanction-42", "Sanction d'un opérateur", "2026-11-28"),
    ("guide-ia", "Un guide pour l'IA", "2026-11-20"),
)
RECIPE = ["--item", "article.actu", "--summary", "p.chapo"]


def items_json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    status, out = veille(capsys, "items", "--json")
    assert status == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_preview_shows_the_items_and_subscribes_to_nothing(
    capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    local_server.add("/actualites", news(*FIRST), content_type="text/html")
    url = local_server.url("/actualites")
    status, out = veille(capsys, "add-page", url, *RECIPE, "--preview")
    assert status == 0, out
    assert "3 items found" in out and "(Actualités — Autorité)" in out
    assert "1. Avis sur le traitement des données  2026-11-30" in out
    assert local_server.url("/actualites/avis-2026-12") in out
    status, out = veille(capsys, "feeds", "--json")
    assert json.loads(out) in ([], {"feeds": []})


def test_a_page_feed_refreshes_like_a_feed_and_knows_its_items_by_link(
    capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    local_server.add("/actualites", news(*FIRST), content_type="text/html", etag='"v1"')
    url = local_server.url("/actualites")
    status, out = veille(capsys, "add-page", url, *RECIPE, "--folder", "Autorités")
    assert status == 0 and "as a page feed" in out, out
    assert veille(capsys, "refresh")[0] == 0
    stored = items_json(capsys)
    assert sorted(i["title"] for i in stored) == sorted(t for _, t, _ in FIRST)
    avis = next(i for i in stored if i["title"] == FIRST[0][1])
    assert avis["url"] == local_server.url("/actualites/avis-2026-12")
    assert str(avis["published"]).startswith("2026-11-30T08:00:00")
    assert local_server.url("/doc/avis-2026-12.pdf") in str(avis["summary"])
    assert veille(capsys, "star", str(avis["id"]))[0] == 0
    [feed] = json.loads(veille(capsys, "feeds", "--json")[1])
    assert feed["full_text"] == "always"  # a headline's text is its article, fetched as usual
    assert local_server.requests_to("/actualites/avis-2026-12")
    # Unchanged: a conditional request, answered 304.
    assert veille(capsys, "refresh")[0] == 0
    assert local_server.requests_to("/actualites")[-1].header("If-None-Match") == '"v1"'
    # A new item on top, the others moved down and retitled: known by their links.
    newer = (
        ("decision-7", "Décision nouvelle", "2026-12-01"),
        *tuple((slug, title + " (mis à jour)", day) for slug, title, day in FIRST),
    )
    local_server.add("/actualites", news(*newer), content_type="text/html", etag='"v2"')
    status, out = veille(capsys, "refresh")
    assert status == 0 and "1 new item," in out, out
    stored = items_json(capsys)
    assert len(stored) == 4
    assert next(i for i in stored if i["id"] == avis["id"])["starred"] is True


def test_a_layout_change_says_which_selector_found_nothing(
    capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    local_server.add("/actualites", news(*FIRST), content_type="text/html")
    url = local_server.url("/actualites")
    assert veille(capsys, "add-page", url, *RECIPE, "--date", ".date")[0] == 0
    assert veille(capsys, "refresh")[0] == 0
    local_server.add("/actualites", news(*FIRST, css="card"), content_type="text/html")
    _, out = veille(capsys, "refresh")
    assert "1 failed" in out
    assert "--item 'article.actu' matches nothing" in out
    _, out = veille(capsys, "add-page", url, *RECIPE, "--date", ".date", "--preview")
    assert "--item found nothing on the page" in out
    local_server.add("/actualites", news(*FIRST), content_type="text/html")
    _status, out = veille(capsys, "add-page", url, "--item", "article.actu", "--date", ".date",
                         "--preview")  # fmt: skip
    assert "--date found nothing in the 3 items" in out


def test_a_selector_that_is_not_css_is_refused_in_plain_words(
    capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    status, out = veille(
        capsys, "add-page", local_server.url("/"), "--item", "article[", "--preview"
    )
    assert status != 0 and "--item 'article[' is not a CSS selector" in out
    assert "Traceback" not in out


def test_xpath_works_as_well_as_css(
    capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    local_server.add("/actualites", news(*FIRST), content_type="text/html")
    url = local_server.url("/actualites")
    status, out = veille(
        capsys, "add-page", url, "--item", "//article[@class='actu']", "--title", ".//h2",
        "--preview",
    )  # fmt: skip
    assert status == 0 and "3 items found" in out and "Sanction d'un opérateur" in out
    status, out = veille(capsys, "add-page", url, "--item", "//article[", "--preview")
    assert status != 0 and "is not an XPath expression" in out
