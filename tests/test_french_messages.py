"""What the command line says in French: failures from the network and feed layers, imports,
counts and the program's name, under `LANG=fr_FR.UTF-8` as a French user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.translations import use_language

NBSP = "\u00a0"

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Obs</title><link>https://obs.example/</link>
<item><title>Un premier article</title><link>https://obs.example/1</link><guid>o-1</guid>
<pubDate>Thu, 19 Nov 2026 10:00:00 +0000</pubDate></item>
<item><title>Un second article</title><link>https://obs.example/2</link><guid>o-2</guid>
<pubDate>Fri, 20 Nov 2026 08:00:00 +0000</pubDate></item>
</channel></rss>"""


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_feeds_stored_error_is_shown_in_french_and_kept_in_english(
    french: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Bonjour</p></body></html>", encoding="utf-8")
    assert veille(capsys, "add", page.as_uri())[0] == 0
    _, out, _ = veille(capsys, "refresh")
    assert f"  [1] {page.as_uri()}{NBSP}: c’est une page HTML, pas un flux" in out, out
    _, out, _ = veille(capsys, "feeds", "--failing")
    assert "(0/0 non lu)  en erreur" in out, out
    assert f"dernière erreur{NBSP}: c’est une page HTML, pas un flux (1 d’affilée)" in out, out
    # The library keeps the English record: parser processes write it, whatever the language.
    [feed] = json.loads(veille(capsys, "feeds", "--json")[1])
    assert feed["error"] == "this is an HTML page, not a feed"


def test_a_fetch_that_cannot_start_is_told_in_french(
    french: None, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = veille(capsys, "add", "ftp://x")
    assert status == 1
    assert err == (
        f"veille{NBSP}: impossible d’ouvrir ftp://x{NBSP}: impossible de récupérer ftp://x{NBSP}: "
        "ce n’est ni une adresse web ni un fichier\n"
    )


def test_a_redirect_loop_is_told_in_french(
    french: None, capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    local_server.add(
        "/loop", b"", status=302, headers={"Location": "/loop"}, content_type="text/plain"
    )
    status, _, err = veille(capsys, "add", local_server.url("/loop"))
    assert status == 1 and err.endswith(f"{NBSP}: boucle de redirections\n"), err


def test_failures_read_back_in_french_their_values_kept() -> None:
    from veille.core.errors import failure_words

    use_language("fr")
    try:
        assert failure_words("could not resolve host nohost.invalid") == (
            "impossible de résoudre le nom d’hôte nohost.invalid"
        )
        assert failure_words(
            "the alert command alert-tool could not run: No such file or directory; "
            "the alert to https://h.example/hook was refused (HTTP 500)"
        ) == (
            f"la commande d’alerte alert-tool n’a pas pu être lancée{NBSP}: No such file or "
            f"directory{NBSP}; l’alerte vers https://h.example/hook a été refusée (HTTP 500)"
        )
        assert failure_words("a server's own words") == "a server's own words"
    finally:
        use_language("en")
    assert failure_words("redirect loop") == "redirect loop"


def test_imports_tell_their_problems_in_french(
    french: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "o1.opml"
    broken.write_text('<?xml version="1.0"?>\n<opml><body\n', encoding="utf-8")
    status, _, err = veille(capsys, "import", str(broken))
    assert status == 1
    assert f"pas un fichier OPML{NBSP}: le XML est mal formé à la ligne" in err, err
    urls = tmp_path / "urls"
    urls.write_text("https://a.example/feed\nfilter:rm\n", encoding="utf-8")
    _, out, _ = veille(capsys, "import", str(urls))
    assert (
        f"non importé{NBSP}: ligne 2{NBSP}: filter:rm "
        "(un flux de commande sans sa commande ni son URL)"
    ) in out, out
    [skipped] = json.loads(veille(capsys, "import", "--json", str(urls))[1])["skipped"]
    assert skipped["why"] == "un flux de commande sans sa commande ni son URL"


def test_import_help_is_french(french: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "afficher le compte rendu de l’importation en JSON" in capsys.readouterr().out


def test_a_state_import_counts_each_kind_in_french(
    french: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "obs.xml"
    feed.write_text(FEED, encoding="utf-8")
    veille(capsys, "add", feed.as_uri())
    veille(capsys, "refresh")
    veille(capsys, "star", "1")
    state = tmp_path / "state.json"
    assert veille(capsys, "export-state", "-o", str(state))[0] == 0
    _, out, _ = veille(capsys, "--home", str(tmp_path / "other"), "import-state", str(state))
    assert out == (f"importation{NBSP}: 1 flux, 1 élément, 0 recherche enregistrée, 0 règle\n"), out


def test_a_missing_review_profile_is_told_in_french(
    french: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = veille(capsys, "review", "nope")
    assert err == (
        f"veille{NBSP}: aucun profil de revue nommé nope (profils{NBSP}: aucun pour "
        f"l’instant{NBSP}: ajoutez une table [reviews.NAME] à config.toml)\n"
    )


def test_french_counts_verbs_and_searches_read_right(
    french: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "obs.xml"
    feed.write_text(FEED, encoding="utf-8")
    veille(capsys, "add", feed.as_uri())
    veille(capsys, "refresh")
    assert veille(capsys, "items", "is:paywalled")[1] == (
        "aucun élément ne correspond à cette recherche\n"
    )
    assert veille(capsys, "star", "1")[1] == f"mise en favori{NBSP}: 1 sur 1 élément modifié\n"
    assert veille(capsys, "unstar", "1", "2")[1] == (
        f"retrait des favoris{NBSP}: 1 sur 2 éléments modifiés\n"
    )
    veille(capsys, "tag", "1", "+cnil")
    veille(capsys, "read", "2")
    _, out, _ = veille(capsys, "tags")
    # The singular is padded to the plural's width, so the unread counts make one column.
    assert out == "cnil       1 élément        1 non lu\n", repr(out)
    veille(capsys, "search", "save", "lus", "is:read")
    veille(capsys, "search", "save", "tout", "article")
    _, out, _ = veille(capsys, "search", "list")
    assert f"lus{NBSP}: is:read  (0 non lu)" in out and f"tout{NBSP}: article  (1 non lu)" in out


def test_warnings_name_the_program_with_a_french_colon(
    french: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "obs.xml"
    feed.write_text(FEED, encoding="utf-8")
    veille(capsys, "add", feed.as_uri())
    veille(capsys, "refresh")
    out_file = tmp_path / "revue.md"
    _, _, err = veille(capsys, "export", "article", "--output", str(out_file))
    assert err.startswith(f"veille{NBSP}: "), err


def test_the_refresh_summary_counts_in_french_and_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    """« 1 flux actualisés … 0 nouveaux éléments, 0 inchangés »: each count agrees with its
    number, 0 and 1 singular in French."""
    local_server.add("/obs.xml", FEED)
    home = str(tmp_path / "home")
    assert veille(capsys, "--home", home, "add", local_server.url("/obs.xml"))[0] == 0
    _, out, _ = veille(capsys, "--home", home, "refresh")
    assert out.startswith("1 feed refreshed in ") and ": 2 new items, 0 unchanged, 0 failed" in out
    (tmp_path / "home" / "config.toml").write_text('lang = "fr"\n', encoding="utf-8")
    _, out, _ = veille(capsys, "--home", home, "refresh", "--force")
    assert out.startswith("1 flux actualisé en "), out
    assert f"{NBSP}: 0 nouvel élément, 0 inchangé, 0 en échec" in out, out


def test_every_failure_template_is_still_worded_so_by_its_producer() -> None:
    """`failure_words` reads stored English against templates copied from the code that words
    each failure: a template whose words no longer appear there would leave that failure in
    English, with no other test to notice."""
    import re

    from veille.core import failure_words

    source = Path(failure_words.__file__).parent
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in source.rglob("*.py")
        if path.name != "failure_words.py"
    )
    text = re.sub(r"[\"']\s*\n\s*f?[\"']", "", text)  # literals continued on the next line
    # Each run of words between values and brackets; short ones ("failed", "signal") may be
    # put together from parts (`f"{name} failed ({how})"`).
    lost = [
        (template, piece)
        for template in failure_words.TEMPLATES
        for piece in re.split(r"\{[^}]*\}|[()]", template)
        if len(piece.strip()) >= 12 and piece not in text
    ]
    assert lost == []
