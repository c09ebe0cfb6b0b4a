"""Subscriptions moving in: what another reader's file says survives the move, and every line
is either imported or named in the import's report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out + err


def feed(title: str, guid: str = "a") -> str:
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>"
        f"<item><guid>{guid}</guid><title>Billet {guid}</title></item></channel></rss>"
    )


def feeds_json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    status, out = veille(capsys, "feeds", "--json")
    assert status == 0
    data = json.loads(out)
    return data if isinstance(data, list) else data["feeds"]


def test_a_newsboat_urls_file_keeps_titles_tags_and_queries(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    local_server.add("/a.xml", feed("Le titre du flux"))
    local_server.add("/b.xml", feed("B", "b"))
    urls = tmp_path / "urls"
    urls.write_text(
        f'{local_server.url("/a.xml")} "presse" "~Mon titre" "cnil" "juridique"\n'
        f"{local_server.url('/b.xml')}\n"
        '"query:Non lus:unread = \\"yes\\" and tags # \\"cnil\\""\n'
        '"query:Compliqué:title =~ \\"^a.*b$\\" or unread = \\"no\\""\n'
        '"exec:~/bin/flux.sh" "scripts"\n'
        f'{local_server.url("/b.xml")} "encore"\n',
        encoding="utf-8",
    )
    status, out = veille(capsys, "import", str(urls))
    assert status == 0, out
    assert "imported 2 feeds" in out
    assert "saved searches: Non lus" in out
    assert "line 4: query:Compliqué" in out  # a query veille cannot say: named, with its line
    assert "1 command feed not imported" in out and "  exec:~/bin/flux.sh" in out
    assert f"line 6: {local_server.url('/b.xml')} (listed earlier in the file)" in out
    assert veille(capsys, "refresh")[0] == 0
    titles = {f["url"]: f["title"] for f in feeds_json(capsys)}
    assert titles[local_server.url("/a.xml")] == "Mon titre"  # the user's title wins
    assert titles[local_server.url("/b.xml")] == "B"
    status, out = veille(capsys, "items", "tag:juridique", "--json")
    assert [i["title"] for i in json.loads(out)] == ["Billet a"]
    status, out = veille(capsys, "search", "list")
    assert status == 0 and "Non lus" in out and "is:unread tag:cnil" in out


OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>Export</title></head><body>
  <outline text="Presse" title="Ancien nom">
    <outline type="rss" text="Le Journal" xmlUrl="{a}" category="/Actu/France,matin"/>
  </outline>
  <outline text="Sans flux"/>
  <outline type="link" text="Un site" url="https://site.example/"/>
  <outline type="rss" text="{b}" xmlUrl="{b}"/>
</body></opml>
"""


def test_an_opml_file_keeps_folder_text_categories_and_says_what_it_left(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    local_server.add("/a.xml", feed("Titre du serveur"))
    local_server.add("/b.xml", feed("Titre de B", "b"))
    a, b = local_server.url("/a.xml"), local_server.url("/b.xml")
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML.format(a=a, b=b), encoding="utf-8")
    status, out = veille(capsys, "import", str(opml), "--json")
    assert status == 0
    report = json.loads(out)
    assert report["added"] == 2
    assert {s["what"] for s in report["skipped"]} == {"Sans flux", "https://site.example/"}
    assert veille(capsys, "refresh")[0] == 0
    by_url = {f["url"]: f for f in feeds_json(capsys)}
    assert by_url[a]["folder"] == "Presse" and by_url[a]["title"] == "Le Journal"
    # An untitled feed written out by its address takes the feed's own title.
    assert by_url[b]["title"] == "Titre de B"
    status, out = veille(capsys, "items", "tag:actu/france", "--json")
    assert [i["title"] for i in json.loads(out)] == ["Billet a"]


def test_untitled_feeds_round_trip_through_opml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    local_server.add("/untitled.xml", "<rss version='2.0'><channel></channel></rss>")
    url = local_server.url("/untitled.xml")
    assert veille(capsys, "add", url)[0] == 0
    assert veille(capsys, "refresh")[0] == 0
    exported = tmp_path / "out.opml"
    assert veille(capsys, "export-opml", "-o", str(exported))[0] == 0
    local_server.add("/untitled.xml", feed("Enfin un titre"))
    other = tmp_path / "other-home"
    status, out = veille(capsys, "--home", str(other), "import", str(exported))
    assert status == 0, out
    assert veille(capsys, "--home", str(other), "refresh")[0] == 0
    status, out = veille(capsys, "--home", str(other), "feeds", "--json")
    data = json.loads(out)
    rows = data if isinstance(data, list) else data["feeds"]
    assert [f["title"] for f in rows] == ["Enfin un titre"]


@pytest.mark.parametrize(
    ("condition", "query"),
    [
        ('unread = "yes"', "is:unread"),
        ('unread != "yes" and tags # "cnil"', "is:read tag:cnil"),
        (
            'title =~ "données personnelles" and age < 7',
            "title:données title:personnelles since:7d",
        ),
        ('content # "reconnaissance faciale"', '"reconnaissance faciale"'),
        ('title =~ "^CNIL.*"', None),  # a regular expression
        ('unread = "yes" or flags # "s"', None),
        ('feedlink = "https://x"', None),
        ('title =~ "-moins"', None),  # would read as an exclusion
    ],
)
def test_newsboat_conditions_veille_can_say_and_those_it_cannot(
    condition: str, query: str | None
) -> None:
    from veille.core.ingest.newsboat import translate_query

    assert translate_query(condition) == query
