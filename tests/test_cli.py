"""The command line end to end, on a real library in a temporary home."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Observatoire des libertés</title>
<link>https://obs.example/</link><language>fr</language>
<item><title>La CNIL sanctionne un courtier en données</title><link>https://obs.example/1</link>
<guid>obs-1</guid><pubDate>Sat, 21 Nov 2026 08:00:00 +0000</pubDate>
<description>Une amende pour défaut de sécurité.</description></item>
<item><title>Reconnaissance faciale : un nouveau rapport</title><link>https://obs.example/2</link>
<guid>obs-2</guid><pubDate>Fri, 20 Nov 2026 08:00:00 +0000</pubDate>
<description>La biométrie dans l'espace public.</description></item>
</channel></rss>"""


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def subscribed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> list[int]:
    feed = tmp_path / "obs.xml"
    feed.write_text(FEED, encoding="utf-8")
    assert veille(capsys, "add", feed.as_uri(), "--folder", "Institutions")[0] == 0
    assert veille(capsys, "refresh")[0] == 0
    status, out, _ = veille(capsys, "items", "--json")
    assert status == 0
    return [item["id"] for item in json.loads(out)]


def test_items_search_and_stats(capsys: pytest.CaptureFixture[str], subscribed: list[int]) -> None:
    status, out, _ = veille(capsys, "items", "securite")
    assert status == 0 and "La CNIL sanctionne" in out and "Reconnaissance" not in out
    status, out, _ = veille(capsys, "stats", "--json")
    assert json.loads(out)["items"] == 2 and json.loads(out)["unread"] == 2


def test_stats_count_starred_tagged_and_unread_items(
    capsys: pytest.CaptureFixture[str], subscribed: list[int]
) -> None:
    first, second = subscribed
    assert veille(capsys, "star", str(first))[0] == 0
    assert veille(capsys, "tag", str(first), str(second), "+cnil", "+à-lire")[0] == 0
    assert veille(capsys, "read", str(second))[0] == 0
    stats = json.loads(veille(capsys, "stats", "--json")[1])
    assert (stats["items"], stats["unread"], stats["starred"], stats["tagged"]) == (2, 1, 1, 2)


def test_actions_as_commands(capsys: pytest.CaptureFixture[str], subscribed: list[int]) -> None:
    first, second = subscribed
    assert veille(capsys, "star", str(first))[0] == 0
    assert veille(capsys, "tag", str(first), str(second), "+CNIL/Sanctions", "+à-lire")[0] == 0
    assert veille(capsys, "tag", str(second), "-à-lire")[0] == 0
    assert veille(capsys, "note", str(first), "À citer dans la revue")[0] == 0
    assert veille(capsys, "read", "--query", "biométrie")[0] == 0
    items = {i["id"]: i for i in json.loads(veille(capsys, "items", "--json")[1])}
    assert items[first]["starred"] and items[first]["note"] == "À citer dans la revue"
    assert items[first]["tags"] == ["cnil/sanctions", "à-lire"]
    assert items[second]["tags"] == ["cnil/sanctions"] and items[second]["read"]
    status, out, _ = veille(capsys, "tags")
    assert status == 0 and "cnil/sanctions" in out and "2 items" in out
    assert veille(capsys, "tags", "rename", "cnil", "autorités/cnil")[0] == 0
    assert "autorités/cnil/sanctions" in veille(capsys, "tags")[1]
    assert veille(capsys, "note", str(first))[1].strip() == "À citer dans la revue"


def test_export_markdown_press_review(
    capsys: pytest.CaptureFixture[str], subscribed: list[int]
) -> None:
    veille(capsys, "star", str(subscribed[0]))
    status, out, _ = veille(capsys, "export", "--format", "md", "--lang", "fr")
    assert status == 0
    assert "La CNIL sanctionne un courtier en données" in out
    assert "Reconnaissance faciale" not in out  # the default selection is is:starred


def test_bad_input_gets_one_clear_line(
    capsys: pytest.CaptureFixture[str], subscribed: list[int]
) -> None:
    status, _, err = veille(capsys, "star", "999999")
    assert status == 1 and err.startswith("veille: no item with id 999999")
    status, _, err = veille(capsys, "items", "tag:")
    assert status == 1 and "tag:" in err and "Traceback" not in err
    status, _, err = veille(capsys, "import", "/nonexistent/file.opml")
    assert status == 1 and "cannot read" in err


def test_import_refuses_a_broken_file_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.opml"
    broken.write_text(
        '<opml version="2.0"><body><outline xmlUrl="https://a.example/feed"/>'
        '<outline xmlUrl="https://b.example/feed">',
        encoding="utf-8",
    )
    status, _, err = veille(capsys, "import", str(broken))
    assert status == 1 and "nothing was imported" in err
    assert json.loads(veille(capsys, "feeds", "--json")[1]) == []


def test_opml_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="Presse"><outline text="Climat">'
        '<outline text="Gazette" xmlUrl="https://gazette.example/rss"/></outline>'
        '<outline text="Registre" xmlUrl="https://registre.example/feed"/></outline>'
        '<outline text="Seul" xmlUrl="https://seul.example/atom"/>'
        '<outline text="Doublon" xmlUrl="https://seul.example/atom"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert "imported 3 feeds" in veille(capsys, "import", str(opml))[1]
    out_file = tmp_path / "out.opml"
    assert veille(capsys, "export-opml", "-o", str(out_file))[0] == 0
    feeds = {f["url"]: f["folder"] for f in json.loads(veille(capsys, "feeds", "--json")[1])}
    assert feeds == {
        "https://gazette.example/rss": "Presse/Climat",
        "https://registre.example/feed": "Presse",
        "https://seul.example/atom": "",
    }
    assert "imported 0 feeds (3 already subscribed)" in veille(capsys, "import", str(out_file))[1]


def test_add_discovers_the_feed_of_a_site(
    capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    local_server.add(
        "/",
        '<html><head><link rel="alternate" type="application/rss+xml" '
        'href="/rss.xml" title="Le fil"></head><body>Accueil</body></html>',
        content_type="text/html",
    )
    local_server.add("/rss.xml", FEED, content_type="application/rss+xml")
    status, out, err = veille(capsys, "add", local_server.url("/"))
    assert status == 0, err
    assert local_server.url("/rss.xml") in out


def test_locate_and_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = veille(capsys, "--home", str(tmp_path / "h"), "locate", "library")
    assert status == 0
    assert out.strip() == str(tmp_path / "h" / "data" / "library.sqlite")
    assert "[refresh]" in veille(capsys, "config")[1]


def test_backup_restore_and_state_round_trip(
    capsys: pytest.CaptureFixture[str], subscribed: list[int], tmp_path: Path
) -> None:
    first = subscribed[0]
    veille(capsys, "star", str(first))
    veille(capsys, "tag", str(first), "+ia")
    veille(capsys, "note", str(first), "note à garder")
    backup = tmp_path / "b.sqlite"
    assert veille(capsys, "backup", str(backup))[0] == 0
    assert sqlite3.connect(backup).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    veille(capsys, "unstar", str(first))
    assert veille(capsys, "restore", str(backup))[0] == 0
    assert json.loads(veille(capsys, "items", "is:starred", "--json")[1])[0]["id"] == first
    state = tmp_path / "state.json"
    assert veille(capsys, "export-state", "-o", str(state))[0] == 0
    other = tmp_path / "other"
    assert veille(capsys, "--home", str(other), "import-state", str(state))[0] == 0
    [moved] = json.loads(veille(capsys, "--home", str(other), "items", "is:starred", "--json")[1])
    assert (moved["tags"], moved["note"]) == (["ia"], "note à garder")
    again = tmp_path / "again.json"
    veille(capsys, "--home", str(other), "export-state", "-o", str(again))
    assert json.loads(again.read_text())["items"] == json.loads(state.read_text())["items"]
    status, _, err = veille(capsys, "restore", str(state))
    assert status == 1 and "not a veille library" in err


def test_without_a_terminal_the_app_is_refused_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`veille > file` or `veille | less` would draw the app into a file and wait for keys."""
    status = main(["--home", str(tmp_path / "home")])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert "needs a terminal" in err and "veille --help" in err
