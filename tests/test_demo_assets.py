"""The demo library is what a new user sees first, so its files are checked like code.

Every feed must parse, every `{DEMO}` link must lead to a file that exists, the OPML must list
each feed once, and the judgement in state.json must point at items that really exist. Without
these checks a typo in a hand-written feed would only show up as an empty pane in the app.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import html as lxml_html

DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo"
FEEDS = DEMO / "feeds"
PAGES = DEMO / "pages"
DEMO_URI = DEMO.as_uri()

# file name -> number of items; kept by hand so a lost item fails loudly
EXPECTED: dict[str, int] = {
    "le-guetteur-numerique.xml": 12,
    "observatoire-des-libertes.atom": 10,
    "policy-wire.json": 10,
}

FIRST_DAY = datetime(2026, 11, 10, tzinfo=UTC) - timedelta(hours=2)
LAST_DAY = datetime(2026, 11, 23, tzinfo=UTC)

FRENCH_MONTHS = {"nov.": 11}
FRENCH_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
FRENCH_DATE = re.compile(
    r"^(lun|mar|mer|jeu|ven|sam|dim)\., (\d{1,2}) (nov\.) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})$"
)
TRUNCATION_MARKERS = (
    "Il reste 72 % de l'article à découvrir.",
    "Lire la suite",
    "Continue reading…",
    "[…]",
)
DEMO_REF = re.compile(r"\{DEMO\}/([A-Za-z0-9_./-]+)")


def demo_text(path: Path) -> str:
    """A feed's text as the loader will see it, with {DEMO} pointing at the demo folder."""
    return path.read_text(encoding="utf-8").replace("{DEMO}", DEMO_URI)


def parse_french_date(value: str) -> datetime:
    match = FRENCH_DATE.match(value)
    assert match, f"not a French RFC 822 date: {value!r}"
    day_name, day, month, year, hh, mm, ss, offset = match.groups()
    sign = 1 if offset[0] == "+" else -1
    tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:])))
    when = datetime(int(year), FRENCH_MONTHS[month], int(day), int(hh), int(mm), int(ss), tzinfo=tz)
    assert FRENCH_DAYS[when.weekday()] == day_name + ".", f"wrong weekday in {value!r}"
    return when


def xml_entries(name: str) -> list[Any]:
    parsed = feedparser.parse(demo_text(FEEDS / name))
    assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
    return list(parsed.entries)


def json_items(name: str) -> list[dict[str, Any]]:
    feed = json.loads(demo_text(FEEDS / name))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"]
    items: list[dict[str, Any]] = feed["items"]
    return items


def entry_date(entry: Any) -> datetime:
    """The entry's date; French-localised dates are parsed here since feedparser cannot."""
    if entry.get("published_parsed"):
        return datetime(*entry.published_parsed[:6], tzinfo=UTC)
    return parse_french_date(entry.published)


def all_items() -> dict[str, list[dict[str, str]]]:
    """Every feed's items reduced to guid, title, link, body — the common denominator."""
    result: dict[str, list[dict[str, str]]] = {}
    for name in EXPECTED:
        if name.endswith(".json"):
            result[name] = [
                {
                    "guid": it["id"],
                    "title": it.get("title", ""),
                    "link": it.get("url", ""),
                    "body": it.get("content_html") or it.get("content_text", ""),
                }
                for it in json_items(name)
            ]
        else:
            rows = []
            for e in xml_entries(name):
                content = e.get("content") or [{"value": ""}]
                rows.append(
                    {
                        "guid": e.id,
                        "title": e.get("title", ""),
                        "link": e.get("link", ""),
                        "body": content[0]["value"] or e.get("summary", ""),
                    }
                )
            result[name] = rows
    return result


def test_every_feed_file_is_expected() -> None:
    assert sorted(p.name for p in FEEDS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if not n.endswith(".json")))
def test_xml_feed_parses_with_expected_entries(name: str) -> None:
    entries = xml_entries(name)
    assert len(entries) == EXPECTED[name]
    guids = [e.id for e in entries]
    assert len(set(guids)) == len(guids), "duplicate guids"
    for e in entries:
        assert e.get("title"), f"{name}: entry without title"
        assert e.get("link"), f"{name}: {e.id} has no link"
        assert e.get("author"), f"{name}: {e.id} has no author"
        assert e.get("tags"), f"{name}: {e.id} has no category"
        assert "{DEMO}" not in e.id, "guids must not depend on where the demo is copied"
        assert FIRST_DAY <= entry_date(e) < LAST_DAY, f"{name}: {e.id} dated out of range"


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".json")))
def test_json_feed_has_required_fields(name: str) -> None:
    items = json_items(name)
    assert len(items) == EXPECTED[name]
    ids = [it["id"] for it in items]
    assert len(set(ids)) == len(ids)
    for it in items:
        assert isinstance(it["id"], str) and it["id"]
        assert it.get("content_html") or it.get("content_text")
        assert it["title"] and it["url"] and it["authors"][0]["name"]
        assert FIRST_DAY <= datetime.fromisoformat(it["date_published"]) < LAST_DAY


def test_one_rss_feed_uses_french_localised_dates() -> None:
    text = (FEEDS / "le-guetteur-numerique.xml").read_text(encoding="utf-8")
    dates = re.findall(r"<pubDate>([^<]+)</pubDate>", text)
    french = [d for d in dates if FRENCH_DATE.match(d)]
    assert len(french) >= 6
    for d in french:
        assert FIRST_DAY <= parse_french_date(d) < LAST_DAY


def test_every_demo_reference_points_to_an_existing_file() -> None:
    referenced: set[str] = set()
    for path in FEEDS.iterdir():
        for ref in DEMO_REF.findall(path.read_text(encoding="utf-8")):
            assert (DEMO / ref).is_file(), f"{path.name} points to missing {ref}"
            referenced.add(ref)
    pages = {f"pages/{p.name}" for p in PAGES.glob("*.html")}
    assert pages <= referenced, f"pages no feed links to: {pages - referenced}"


def page_article(path: Path) -> dict[str, Any]:
    doc = lxml_html.fromstring(path.read_bytes())
    blocks = doc.xpath('//script[@type="application/ld+json"]/text()')
    assert len(blocks) == 1
    data: dict[str, Any] = json.loads(blocks[0])
    og = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert og["og:title"] == data["headline"]
    assert og["og:type"] == "article"
    assert doc.xpath("//header") and doc.xpath("//footer") and doc.xpath("//nav")
    return data


def test_truncated_items_tease_a_full_page() -> None:
    truncated: dict[str, int] = {}
    for name, items in all_items().items():
        for it in items:
            if "/pages/" not in it["link"]:
                continue
            # feedparser rewrites file:///a/b as file://a/b, so go by the file name
            page = PAGES / PurePosixPath(urlsplit(it["link"]).path).name
            teaser = lxml_html.fromstring(f"<div>{it['body']}</div>").text_content().strip()
            assert teaser.endswith(TRUNCATION_MARKERS), f"{it['guid']} does not look cut"
            article = page_article(page)
            assert article["@type"] == "NewsArticle"
            assert len(article["articleBody"]) > 4 * len(teaser)
            first_sentence = teaser.split(". ")[0]
            assert first_sentence in article["articleBody"]
            truncated[name] = truncated.get(name, 0) + 1
    assert sum(truncated.values()) >= 3
