"""Feed parsing: formats, normalisation, French dates, hostile documents, and the two paths agreeing."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core.ingest.parse import NotAFeedError, parse_date, parse_feed
from veille.core.ingest.xml_fields import MAX_ENTRIES
from veille.core.model import Enclosure

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xml:base="https://www.example.fr/">
<channel><title>Le Quotidien &amp; fils</title><link>https://www.example.fr/</link>
<language>fr-FR</language>
<item>
  <title><![CDATA[La CNIL &laquo; sanctionne &raquo;]]></title>
  <link>/articles/cnil</link>
  <guid isPermaLink="false">article-1</guid>
  <description>&lt;p&gt;Il reste 88 % de l'article à découvrir&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Le <b>texte</b> complet.</p>]]></content:encoded>
  <pubDate>mar., 13 sept. 2022 16:41:30 +0000</pubDate>
  <dc:creator>Martine Dupont</dc:creator>
  <category>Numérique</category><category>CNIL</category><category>CNIL</category>
  <enclosure url="/audio/1.mp3" type="audio/mpeg" length="1234"/>
</item>
<item><title>Sans lien</title><guid>https://www.example.fr/2</guid>
  <pubDate>Sat, 07 Feb 2026 10:00:00 +0100</pubDate><author>jo@example.fr (Jo Martin)</author></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title type="html">Tech &amp;amp; Society</title><link href="https://example.org/"/>
<author><name>Newsroom</name></author>
<entry><id>urn:uuid:1</id><title>First</title>
  <link rel="alternate" type="text/html" href="https://example.org/first"/>
  <link rel="enclosure" href="https://example.org/a.mp3" type="audio/mpeg" length="10"/>
  <updated>2026-02-05T16:20:00Z</updated><published>2026-02-05T15:00:00+01:00</published>
  <summary>Short &lt;b&gt;summary&lt;/b&gt;</summary>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <em>world</em></p></div></content>
  <category term="privacy" label="Privacy"/>
</entry></feed>"""


def test_rss_fields_are_normalised() -> None:
    feed = parse_feed(RSS, "https://www.example.fr/rss.xml")
    assert (feed.title, feed.site_url, feed.language, feed.kind) == (
        "Le Quotidien & fils",
        "https://www.example.fr/",
        "fr-FR",
        "rss",
    )
    first, second = feed.entries
    assert first.title == "La CNIL « sanctionne »"
    assert first.link == "https://www.example.fr/articles/cnil"
    assert first.guid == "article-1"
    assert first.published == datetime(2022, 9, 13, 16, 41, 30, tzinfo=UTC)
    assert first.author == "Martine Dupont"
    assert first.categories == ["Numérique", "CNIL"]
    assert first.enclosures == [Enclosure("https://www.example.fr/audio/1.mp3", "audio/mpeg", 1234)]
    assert first.content == "<p>Le <b>texte</b> complet.</p>"
    assert "Il reste 88 %" in first.summary
    assert second.link == "https://www.example.fr/2"  # a permalink guid stands in for the link
    assert second.author == "Jo Martin"
    assert second.published == datetime(2026, 2, 7, 9, 0, tzinfo=UTC)


def test_atom_fields_are_normalised() -> None:
    feed = parse_feed(ATOM, "https://example.org/atom.xml")
    assert (feed.title, feed.kind, feed.language) == ("Tech & Society", "atom", "en")
    [entry] = feed.entries
    assert entry.guid == "urn:uuid:1" and entry.link == "https://example.org/first"
    assert entry.author == "Newsroom"  # inherited from the feed
    assert entry.published == datetime(2026, 2, 5, 14, 0, tzinfo=UTC)
    assert entry.updated == datetime(2026, 2, 5, 16, 20, tzinfo=UTC)
    assert "<em>world</em>" in entry.content and "xmlns" not in entry.content
    assert entry.categories == ["Privacy"]
    assert entry.enclosures[0].url == "https://example.org/a.mp3"


def test_rss_1_0() -> None:
    rdf = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
    <channel rdf:about="https://e.org/"><title>RDF news</title><link>https://e.org/</link></channel>
    <item rdf:about="https://e.org/1"><title>One</title><link>https://e.org/1</link>
    <dc:date>2026-02-05T10:00:00+01:00</dc:date></item></rdf:RDF>"""
    feed = parse_feed(rdf, "https://e.org/rss")
    assert feed.kind == "rdf" and feed.title == "RDF news"
    assert feed.entries[0].guid == "https://e.org/1"
    assert feed.entries[0].published == datetime(2026, 2, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "version", ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"]
)
def test_json_feed(version: str) -> None:
    body = (
        '{"version": "%s", "title": "Carnet", "home_page_url": "https://c.example/",'
        ' "authors": [{"name": "Léa"}], "items": ['
        '{"id": 7, "url": "/p/7", "title": "Sept", "content_text": "Un.\\n\\nDeux <b>",'
        ' "date_published": "2026-02-05T16:20:00+01:00", "tags": ["a", "b"],'
        ' "attachments": [{"url": "https://c.example/f.pdf", "mime_type": "application/pdf"}]}]}'
    ).replace("%s", version)
    feed = parse_feed(body.encode(), "https://c.example/feed.json", "application/feed+json")
    [entry] = feed.entries
    assert (feed.kind, feed.title, entry.guid, entry.link) == (
        "json",
        "Carnet",
        "7",
        "https://c.example/p/7",
    )
    assert entry.content == "<p>Un.</p><p>Deux &lt;b&gt;</p>"
    assert entry.author == "Léa" and entry.categories == ["a", "b"]
    assert entry.published == datetime(2026, 2, 5, 15, 20, tzinfo=UTC)


def test_fast_path_and_feedparser_agree_on_a_well_formed_feed() -> None:
    fast = parse_feed(RSS, "https://www.example.fr/rss.xml")
    # An undefined HTML entity makes the XML invalid, which sends the same feed to feedparser.
    slow = parse_feed(
        RSS.replace(b"<title>Sans lien", b"<title>Sans&nbsp;lien"), "https://www.example.fr/rss.xml"
    )
    assert slow.warning  # bozo is a warning, not a failure
    for a, b in zip(fast.entries, slow.entries, strict=True):
        assert (a.guid, a.link, a.published, a.author, a.categories) == (
            b.guid,
            b.link,
            b.published,
            b.author,
            b.categories,
        )
        assert a.title.replace("\xa0", " ") == b.title.replace("\xa0", " ")
        assert a.enclosures == b.enclosures


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mar., 13 sept. 2022 16:41:30 +0000", datetime(2022, 9, 13, 16, 41, 30)),
        ("lun, 5 févr 2026 10:00:00 +0100", datetime(2026, 2, 5, 9, 0)),
        ("jeu., 5 févr. 2026 16:20:00 GMT", datetime(2026, 2, 5, 16, 20)),
        ("5 février 2026 16:20", datetime(2026, 2, 5, 16, 20)),
        ("jeudi 5 février 2026 à 16h20", datetime(2026, 2, 5, 16, 20)),
        ("1er mars 2026", datetime(2026, 3, 1)),
        ("dim. 1 déc. 2024 08:00:00 +0100", datetime(2024, 12, 1, 7, 0)),
        ("Mercredi 12 août 2026 09:30:00 CEST", datetime(2026, 8, 12, 7, 30)),
        ("ven, 24 juil 2026 18:00:00 +0200", datetime(2026, 7, 24, 16, 0)),
        ("Sat, 07 Feb 2026 01:00:00 +0000", datetime(2026, 2, 7, 1, 0)),
        ("07 Feb 2026 01:00 EST", datetime(2026, 2, 7, 6, 0)),
        ("2026-02-05T16:20:00+0100", datetime(2026, 2, 5, 15, 20)),
        ("2026-02-05T16:20:00.5Z", datetime(2026, 2, 5, 16, 20, 0, 500000)),
        ("2026-02-05", datetime(2026, 2, 5)),
        ("Fri, 31 Dec 9999 23:59:59 +0000", datetime(9999, 12, 31, 23, 59, 59)),
    ],
)
def test_dates_french_and_english(raw: str, expected: datetime) -> None:
    assert parse_date(raw) == expected.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "raw", ["", "demain", "32 janvier 2026", "Fri, 31 Dec 9999 23:59:59 -2359"]
)
def test_unreadable_dates_are_none(raw: str) -> None:
    assert parse_date(raw) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_date_never_raises(raw: str) -> None:
    result = parse_date(raw)
    assert result is None or result.tzinfo is not None


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", "HTML page"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "image"),
        (b'{"hello": "world"}', "not a JSON Feed"),
        (b"<note><to>x</to></note>", "not a feed"),
    ],
)
def test_documents_that_are_not_feeds_say_what_they_are(body: bytes, words: str) -> None:
    with pytest.raises(NotAFeedError, match=words):
        parse_feed(body, "https://example.org/feed")


def test_entity_bombs_and_external_entities_stay_inert(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    laughs = "".join(
        f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 1}{("&l" + str(i - 1) + ";") * 9}">'
        for i in range(1, 10)
    )
    bombs = [
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}]>'
        '<rss version="2.0"><channel><title>&l9;</title><item><title>t</title></item>'
        "</channel></rss>",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        '<rss version="2.0"><channel><title>&x;</title><item><title>&x;</title>'
        "<description>&x;</description></item></channel></rss>",
    ]
    for body in bombs:
        started = time.monotonic()
        try:
            feed = parse_feed(body.encode(), "https://example.org/feed")
        except NotAFeedError:
            continue
        assert time.monotonic() - started < 2
        fields = [feed.title] + [f"{e.title}{e.summary}{e.content}" for e in feed.entries]
        assert not any("TOP-SECRET" in f or "lollollol" in f for f in fields)


def test_control_characters_are_stripped_and_titles_capped() -> None:
    title = "Bon\x1b]0;pwned\x07jour\x00 " + "x" * 100_000
    body = (
        f'<rss version="2.0"><channel><title>Flux\x1b[2J</title><item><title>{title}</title>'
        "<guid>1</guid></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, "https://example.org/feed")
    entry = feed.entries[0]
    assert "\x1b" not in feed.title and "\x1b" not in entry.title and "\x00" not in entry.title
    assert entry.title.startswith("Bon ]0;pwned jour")
    assert len(entry.title) <= 2000


def test_huge_feeds_are_capped() -> None:
    items = b"".join(
        b"<item><guid>%d</guid><title>t</title></item>" % n for n in range(MAX_ENTRIES + 500)
    )
    feed = parse_feed(
        b'<rss version="2.0"><channel><title>big</title>' + items + b"</channel></rss>",
        "https://example.org/feed",
    )
    assert len(feed.entries) == MAX_ENTRIES


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: f"<rss><channel>{t}".encode()))
def test_arbitrary_bytes_parse_or_are_refused_in_plain_words(body: bytes) -> None:
    try:
        parse_feed(body, "https://example.org/feed")
    except NotAFeedError as error:
        assert str(error)
