"""Exports as their readers see them: parseable, escaped, grouped, localized, reproducible."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import lxml.html
import pytest
from lxml import etree

from veille.core.export import FORMATS, ExportOptions, export_items, export_opml
from veille.core.model import Enclosure, Feed, Item

NBSP, NNBSP = "\u00a0", "\u202f"
GENERATED = datetime(2026, 2, 5, tzinfo=UTC)
HOSTILE_TITLE = "a[/i] <script>alert(1)</script> [@click=app.quit]"


def make_item(n: int, **fields: object) -> Item:
    base: dict[str, object] = {
        "id": n,
        "feed_id": 1,
        "guid": f"g{n}",
        "url": f"https://gazette.example/a/{n}",
        "title": f"Article {n}",
        "feed_title": "La Gazette",
        "feed_url": "https://gazette.example/rss",
        "published": datetime(2026, 2, n % 27 + 1, 9, 30, tzinfo=UTC),
    }
    base.update(fields)
    item = Item(**base)  # type: ignore[arg-type]
    item.sort_date = item.published
    return item


@pytest.fixture
def items() -> list[Item]:
    return [
        make_item(
            4,
            title="La CNIL sanctionne un courtier",
            author="Marie Curie",
            summary="<p>Une amende <b>record</b> : 5 M€ ?</p>",
            tags=["cnil", "données"],
            note="À citer dans la revue\nseconde ligne",
            starred=True,
        ),
        make_item(
            3,
            title=HOSTILE_TITLE,
            url="javascript:alert(1)",
            content="<script>alert(2)</script><img src=x onerror=alert(3)>Texte sûr",
            tags=["sécurité"],
            feed_title="Hostile\x1b]2;pwned\x07 feed",
            feed_url="https://evil.example/rss?token=SECRET123",
        ),
        make_item(
            2,
            title="](http://evil.example) *gras* `code` #titre",
            url="https://x.example/a b(c)",
            summary="Rien",
            tags=[],
            feed_title="Autre",
            feed_id=2,
            feed_url="https://autre.example/feed",
        ),
        make_item(
            1,
            title="=cmd|' /C calc'!A0",
            url="https://x.example/formula",
            author="+33 1 23",
            note="-2+3",
            tags=["cnil"],
            feed_title="Autre",
            feed_id=2,
            feed_url="https://autre.example/feed",
            enclosures=[Enclosure("https://x.example/a.mp3", "audio/mpeg", 123)],
        ),
    ]


def opts(**fields: object) -> ExportOptions:
    return ExportOptions(generated=GENERATED, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_byte_identical_on_a_second_run(items: list[Item], fmt: str) -> None:
    options = opts(lang="fr", group_by="tag", query="tag:cnil")
    assert export_items(items, fmt, options) == export_items(items, fmt, options)
    no_date = ExportOptions(lang="en")
    assert export_items(items, fmt, no_date) == export_items(list(items), fmt, no_date)


def test_unknown_format_is_refused(items: list[Item]) -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export_items(items, "pdf", opts())
    with pytest.raises(ValueError, match="unknown grouping"):
        export_items(items, "md", opts(group_by="weekday"))


def test_markdown_press_review_in_french(items: list[Item]) -> None:
    md = export_items(items, "md", opts(lang="fr", query="tag:cnil", show_query=True))
    assert md.startswith("# Revue de presse\n")
    assert "Établie le 5 février 2026 · 4 articles" in md
    assert f"Recherche{NBSP}: tag:cnil" in md
    assert "### [La CNIL sanctionne un courtier](https://gazette.example/a/4)" in md
    assert "La Gazette · 5 février 2026 · Marie Curie" in md
    assert f"Une amende record{NBSP}: 5 M€{NNBSP}?" in md
    assert f"Étiquettes{NBSP}: #cnil #données" in md
    assert "> À citer dans la revue\n> seconde ligne" in md
    assert "1er" not in md or "1er février 2026" in md
    # The query is the user's working detail: printed only when asked for.
    assert "Recherche" not in export_items(items, "md", opts(lang="fr", query="tag:cnil"))


def test_markdown_escapes_feed_text_and_keeps_links_closed(items: list[Item]) -> None:
    md = export_items(items, "md", opts())
    assert "# Press review" in md and "Generated on 5 February 2026 · 4 items" in md
    # The hostile title is text, not a link, and its javascript: URL is never a target.
    assert "javascript:" not in md
    assert r"### a\[/i\] \<script>alert(1)\</script> \[@click=app.quit\]" in md
    assert not re.search(r"(?<!\\)<script", md)  # only ever the escaped, inert form
    assert (
        r"### [\](http://evil.example) \*gras\* \`code\` #titre](https://x.example/a%20b%28c%29)"
        in md
    )
    assert "\x1b" not in md and "\x07" not in md
    assert "SECRET123" not in md  # a feed shown by its URL has its token hidden
    assert r"Hostile \]2;pwned feed" in md


def test_markdown_groups_by_tag_feed_and_day(items: list[Item]) -> None:
    md = export_items(items, "md", opts(group_by="tag"))
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    # Each item once, under its first tag; its other tags on a line of its own.
    assert heads == ["## cnil", "## sécurité", "## Untagged"]
    cnil = md.split("## cnil")[1].split("## sécurité")[0]
    assert "Tags: #données" in cnil
    assert "La CNIL sanctionne" in cnil and "calc" in cnil and "Rien" not in cnil
    by_feed = [
        line
        for line in export_items(items, "md", opts(group_by="feed")).splitlines()
        if line.startswith("## ")
    ]
    assert by_feed == ["## Autre", r"## Hostile \]2;pwned feed", "## La Gazette"]
    by_day = [
        line
        for line in export_items(items, "md", opts(group_by="day", lang="fr")).splitlines()
        if line.startswith("## ")
    ]
    assert by_day == [
        "## 5 février 2026",
        "## 4 février 2026",
        "## 3 février 2026",
        "## 2 février 2026",
    ]
    flat = export_items(items, "md", opts())
    assert "\n## " not in flat


def test_html_page_is_self_contained_and_inert(items: list[Item]) -> None:
    page = export_items(items, "html", opts(lang="fr", group_by="tag"))
    doc = lxml.html.document_fromstring(page)
    assert doc.xpath("//meta[@charset='utf-8']") and "@media print" in page
    assert not doc.xpath("//script") and not doc.xpath("//img") and "<script" not in page
    assert not doc.xpath("//link") and not doc.xpath("//*[@onerror]")
    hrefs = doc.xpath("//a/@href")
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    assert all(a.get("rel") == "noopener noreferrer" for a in doc.xpath("//a"))
    text = doc.text_content()
    assert HOSTILE_TITLE in text and "Revue de presse" in text
    assert "À citer dans la revue" in text and "données" in text
    assert [h.text_content() for h in doc.xpath("//h2")] == ["cnil", "sécurité", "Sans étiquette"]


def test_json_feed(items: list[Item]) -> None:
    doc = json.loads(export_items(items, "json", opts(self_url="https://me.example/feed.json")))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == "Press review" and doc["feed_url"] == "https://me.example/feed.json"
    first, hostile = doc["items"][0], doc["items"][1]
    assert first["id"] == first["url"] == "https://gazette.example/a/4"
    assert first["date_published"] == "2026-02-05T09:30:00Z"
    assert first["authors"] == [{"name": "Marie Curie"}]
    assert first["tags"] == ["cnil", "données"]
    assert first["content_text"] == "Une amende record : 5 M€ ?"
    assert first["_veille"]["note"] == "À citer dans la revue\nseconde ligne"
    assert first["_veille"]["starred"] is True
    assert hostile["id"] == "urn:veille:item:3" and "url" not in hostile
    assert hostile["title"] == HOSTILE_TITLE and "alert" not in hostile["content_text"]
    assert hostile["_veille"]["feed_url"] == "https://evil.example/rss?token=***"
    assert doc["items"][3]["attachments"][0]["url"] == "https://x.example/a.mp3"
    assert "content_html" not in json.dumps(doc)


def test_csv_opens_as_data_in_a_spreadsheet(items: list[Item]) -> None:
    text = export_items(items, "csv", opts())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "id",
        "date",
        "feed",
        "title",
        "url",
        "author",
        "tags",
        "starred",
        "read",
        "note",
    ]
    assert len(rows) == 5
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["tags"] == "cnil; données" and first["starred"] == "yes"
    assert first["note"] == "À citer dans la revue\nseconde ligne"
    assert first["date"] == "2026-02-05T09:30:00Z"
    formula = dict(zip(rows[0], rows[4], strict=True))
    assert formula["title"] == "'=cmd|' /C calc'!A0"
    assert formula["author"] == "'+33 1 23" and formula["note"] == "'-2+3"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert "SECRET123" not in text


def test_atom_feed(items: list[Item]) -> None:
    text = export_items(items, "atom", opts(query="tag:cnil"))
    root = etree.fromstring(text.encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.findtext("a:updated", namespaces=ns) == "2026-02-05T00:00:00Z"
    entries = root.findall("a:entry", ns)
    assert len(entries) == 4
    assert [e.findtext("a:id", namespaces=ns) for e in entries[:2]] == [
        "https://gazette.example/a/4",
        "urn:veille:item:3",
    ]
    assert [c.get("term") for c in entries[0].findall("a:category", ns)] == ["cnil", "données"]
    assert entries[1].findtext("a:title", namespaces=ns) == HOSTILE_TITLE
    assert not entries[1].findall("a:link", ns)
    assert all(
        e.find("a:content", ns) is None or e.find("a:content", ns).get("type") == "text"
        for e in entries
    )
    assert "<script" not in text and "javascript:" not in text and "SECRET123" not in text
    assert export_items(items, "atom", opts(query="tag:cnil")) == text


def test_bookmarks_file(items: list[Item]) -> None:
    text = export_items(items, "bookmarks", opts(group_by="tag"))
    assert text.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>")
    doc = lxml.html.document_fromstring(text)
    links = doc.xpath("//a")
    hrefs = [a.get("href") for a in links]
    assert "javascript:alert(1)" not in hrefs and all(h.startswith("https://") for h in hrefs)
    first = links[0]
    assert first.get("tags") == "cnil,données" and first.get("add_date") == "1770283800"
    assert "À citer dans la revue seconde ligne" in text
    assert "<script" not in text


def test_opml_of_the_items_feeds(items: list[Item]) -> None:
    feeds = [
        Feed(id=1, url="https://gazette.example/rss", title="La Gazette", folder="Presse/Climat"),
        Feed(id=2, url="https://autre.example/feed?key=abc", title="Autre", folder="Presse"),
        Feed(id=9, url="https://unrelated.example/rss", title="Pas dans la sélection"),
    ]
    text = export_items(items, "opml", opts(), feeds)
    root = etree.fromstring(text.encode())
    urls = root.xpath("//outline/@xmlUrl")
    assert urls == ["https://gazette.example/rss", "https://autre.example/feed?key=***"]
    assert root.xpath("//outline[@text='Climat']/outline/@title") == ["La Gazette"]


def test_export_opml_nests_folders_and_hides_secrets() -> None:
    feeds = [
        Feed(
            id=1,
            url="https://a.example/rss",
            title="A",
            folder="Presse/Climat",
            site_url="https://a.example/",
        ),
        Feed(id=2, url="https://user:pw@b.example/feed?token=T0K", title="B <&>", folder="Presse"),
        Feed(id=3, url="https://c.example/atom", title="", folder=""),
    ]
    text = export_opml(feeds)
    root = etree.fromstring(text.encode())
    assert root.get("version") == "2.0" and root.findtext("head/title") == "veille subscriptions"
    presse = root.find("body/outline")
    assert presse.get("text") == "Presse"
    assert presse.find("outline").get("text") == "Climat"
    assert presse.find("outline/outline").get("xmlUrl") == "https://a.example/rss"
    assert "T0K" not in text and "pw@" not in text
    assert root.xpath("//outline[@title='B <&>']/@xmlUrl") == [
        "https://***@b.example/feed?token=***"
    ]
    assert "token=T0K" in export_opml(feeds, include_secrets=True)
    assert root.xpath("//outline[@xmlUrl='https://c.example/atom']/@text") == [
        "https://c.example/atom"
    ]


def test_opml_export_reads_back_as_the_same_subscriptions() -> None:
    from veille.core.ingest.opml import read_subscriptions

    feeds = [
        Feed(id=1, url="https://a.example/rss", title="A", folder="Presse/Climat"),
        Feed(id=2, url="https://b.example/rss", title="B", folder=""),
    ]
    subs = read_subscriptions(export_opml(feeds).encode())
    assert [(s.url, s.title, s.folder) for s in subs] == [
        ("https://a.example/rss", "A", "Presse/Climat"),
        ("https://b.example/rss", "B", ""),
    ]


def test_empty_selection_gives_valid_documents() -> None:
    for fmt in FORMATS:
        text = export_items([], fmt, ExportOptions())
        assert text or fmt == "ris"  # a RIS file of no reference is empty
    assert json.loads(export_items([], "json", ExportOptions()))["items"] == []
    assert "0 items" in export_items([], "md", ExportOptions())


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://x.fr/a?utm_source=rss&id=4#top", "https://x.fr/a?id=4#top"),
        ("https://x.fr/a?fbclid=1", "https://x.fr/a"),
        # A `?` after the `#` is part of the fragment: a page's own route, kept as written.
        ("https://x.fr/#/page?utm_source=rss", "https://x.fr/#/page?utm_source=rss"),
        ("https://x.fr/a#frag?x=1", "https://x.fr/a#frag?x=1"),
    ],
)
def test_tracking_parameters_leave_the_query_only(url: str, clean: str) -> None:
    from veille.core.export.common import tracking_free

    assert tracking_free(url) == clean
