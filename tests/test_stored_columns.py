"""Each field of a feed entry lands in its own column of the library.

Refresh prepares an item's columns in a worker process as one tuple (`PreparedEntry.fields`), and
the writer inserts that tuple under a list of column names written elsewhere: the two orders are
an invisible contract. This test gives every field a value no other field has and reads each one
back through what the user sees (`veille items --json`), so a column list and a tuple that drift
apart fail here rather than swap an author and a title in someone's library.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veille.cli import main

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Gazette des colonnes</title><link>https://colonnes.example/</link><language>fr</language>
<item><title>Un titre sans pareil</title><link>https://colonnes.example/article-unique</link>
<guid isPermaLink="false">guid-unique-42</guid><dc:creator>Autrice Singulière</dc:creator>
<pubDate>Sat, 21 Nov 2026 08:00:00 +0000</pubDate><category>catégorie-rare</category>
<enclosure url="https://colonnes.example/son.mp3" type="audio/mpeg" length="123"/>
<description>Un résumé que rien d'autre ne dit.</description></item>
</channel></rss>"""


def test_every_entry_field_is_stored_under_its_own_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "colonnes.xml"
    feed.write_text(FEED, encoding="utf-8")
    assert main(["add", feed.as_uri()]) == 0
    assert main(["refresh"]) == 0
    capsys.readouterr()
    assert main(["items", "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert item["title"] == "Un titre sans pareil"
    assert item["url"] == "https://colonnes.example/article-unique"
    assert item["author"] == "Autrice Singulière"
    assert "Un résumé que rien d'autre ne dit." in item["summary"]
    assert item["published"].startswith("2026-11-21")
    assert item["language"] == "fr"
    assert "catégorie-rare" in json.dumps(item["categories"], ensure_ascii=False)
    assert "son.mp3" in json.dumps(item["enclosures"])
    assert item["feed"] == "Gazette des colonnes"
