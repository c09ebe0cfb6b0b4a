"""Feed documents to `ParsedFeed`: JSON Feed, a fast lxml path, and feedparser for the rest.

Order of attempts, and why:
1. JSON Feed 1.0/1.1 is read with `json` (feedparser 6 does not know it).
2. Well-formed RSS/RDF/Atom goes through `parse_xml` (lxml). feedparser spends its time in
   pure-Python SAX callbacks; on the 123 KB, 50-item French feed of `bench/parse.py` it takes
   about 38 ms against 4.6 ms here (lxml itself is 0.5 ms; the rest is our normalisation), and a
   refresh parses hundreds of feeds.
3. Anything else (undefined HTML entities such as `&eacute;`, wrong encodings, unclosed tags,
   odd roots) goes to feedparser, whose loose parser is the robustness reference. Its `bozo`
   flag becomes a warning in plain words, not a failure. Its dates are re-read with our own
   `parse_date` so French dates survive and both paths agree; `sanitize_html` is off so both
   paths keep the same HTML (nothing in veille renders feed HTML as HTML: the reader turns it
   into terminal text with an allow-list of link schemes).

Before either XML parser sees the document, internal DTD subsets and entity declarations are
cut out (UTF-16/32 documents are turned into UTF-8 first so the cut sees them): declarations are
how "billion laughs" and external-entity (`SYSTEM "file:///etc/passwd"`) attacks work, no real
feed needs them, and removing them protects feedparser's expat as well as lxml, which is also
told not to resolve entities, load DTDs or use the network.

Every text field leaves here without control characters (one-line fields through `clean_line`).
Entries are capped at 10,000: a hostile or broken feed of 100,000 items would otherwise become
100,000 rows written, indexed and shown at every refresh. Titles are capped at 2,000 characters
and bodies at 2 MB. Thread-safe: no shared mutable state (one lxml parser per call), because
the refresh pipeline calls it from a thread pool.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from veille.core.ingest.addresses import web_link
from veille.core.ingest.dates import parse_date
from veille.core.ingest.entries import entry_guid
from veille.core.ingest.parse_xml import Unsupported, parse_duration, parse_xml, with_duration
from veille.core.ingest.xml_fields import (
    MAX_BODY,
    MAX_ENTRIES,
    MAX_TITLE,
    author_name,
    join_authors,
    one_line,
)
from veille.core.model import Enclosure, NotAFeedError, ParsedEntry, ParsedFeed
from veille.core.redact import link_base
from veille.core.text import clean_line, html_to_text, strip_controls

__all__ = ["NotAFeedError", "parse_date", "parse_feed"]

# `<!DOCTYPE name [ … ]>`: the bracketed internal subset is where entities are declared.
_DTD_SUBSET = re.compile(rb"<!DOCTYPE([^\[>]*)\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
# Any entity declaration left over (a second DOCTYPE, a `]>` inside a value): cut it too, so
# feedparser's expat never gets to expand one either.
_DECLARATION = re.compile(rb"<!(?i:doctype|entity)")
_ENTITY = re.compile(rb"""<!ENTITY\s(?:[^"'>]|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
# An HTML (or XHTML) page, possibly behind an XML declaration and comments.
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed document fetched from `url`; raises NotAFeedError in plain words."""
    url = link_base(url)  # the feed's own keys stay out of its items' addresses
    head = body[:512].lstrip()
    for bom in _BOMS:
        head = head.removeprefix(bom)
    if not head.strip():
        raise NotAFeedError("the server sent an empty document")
    kind = content_type.split(";")[0].strip().lower()
    if head.startswith(b"{") or kind in ("application/feed+json", "application/json"):
        return _json_feed(body, url)
    if head.startswith(b"%PDF"):
        raise NotAFeedError("this is a PDF document, not a feed")
    if head[:4] in (b"\x89PNG", b"GIF8") or head[:3] == b"\xff\xd8\xff":
        raise NotAFeedError("this is an image, not a feed")
    body = _without_entities(body)
    try:
        return _finish(parse_xml(body, url), clean=True)
    except (etree.XMLSyntaxError, Unsupported, ValueError):
        pass
    if _HTML_START.match(body[:4096]):
        raise NotAFeedError("this is an HTML page, not a feed")
    return _finish(_feedparser(body, url, content_type))


# UTF-32/UTF-16 by byte-order mark, or by how `<?` or `<` looks without one.
_WIDE = (
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00", "utf-16-le", 0),
    (b"\x00<", "utf-16-be", 0),
)
_DECLARED = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


def _narrow(body: bytes) -> bytes:
    """UTF-16/32 documents as UTF-8, so that the byte patterns below see their declarations."""
    for mark, codec, skip in _WIDE:
        if body.startswith(mark):
            text = body[skip:].decode(codec, errors="replace").encode("utf-8")
            return _DECLARED.sub(rb'\1"utf-8"', text, count=1)
    return body


def _without_entities(body: bytes) -> bytes:
    body = _narrow(body)
    if not _DECLARATION.search(body):  # most feeds have CDATA sections, few have declarations
        return body
    return _ENTITY.sub(b"", _DTD_SUBSET.sub(rb"<!DOCTYPE\1>", body))


def _finish(feed: ParsedFeed, *, clean: bool = False) -> ParsedFeed:
    """Last touches; `clean` when the bodies hold no control character already (the lxml path
    strips every text it reads, and the addresses it writes into bodies)."""
    for entry in feed.entries:
        # An entry dated only by its last update is sorted by that rather than by first sight.
        entry.published = entry.published or entry.updated
        if not clean:
            entry.summary = strip_controls(entry.summary)
            entry.content = strip_controls(entry.content)
        entry.summary = entry.summary[:MAX_BODY]
        entry.content = entry.content[:MAX_BODY]
        if not entry.title:
            if not (entry.guid or "").strip() and not (entry.link or "").strip():
                # Known by a hash of its title and date: the one it had untitled, kept.
                entry.guid = entry_guid(entry)
            entry.title = untitled(entry)
    return feed


TITLE_WORDS = 80  # characters of an untitled item's text that make its title


def untitled(entry: ParsedEntry) -> str:
    """A title for an item that has none (a Mastodon post, a microblog): the first words of
    its text, cut at a word, else its link; "" when it has neither."""
    text = " ".join(html_to_text(entry.content or entry.summary, clean=True).split())
    if len(text) > TITLE_WORDS:
        cut = text[: TITLE_WORDS + 1]
        text = (cut[: cut.rfind(" ")] if " " in cut else cut[:TITLE_WORDS]).rstrip(" ,;:") + "…"
    return clean_line(text, MAX_TITLE) or clean_line(entry.link or "", MAX_TITLE)


# JSON Feed -------------------------------------------------------------------------------------


def _json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError):
        raise NotAFeedError("the document is neither a feed nor valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise NotAFeedError("this JSON document is not a JSON Feed (no list of items)")
    version = str(data.get("version", ""))
    feed = ParsedFeed(
        title=clean_line(_str(data.get("title")), MAX_TITLE),
        site_url=_str(data.get("home_page_url")).strip(),
        language=clean_line(_str(data.get("language")), 35),
        kind="json",
        warning=""
        if version.startswith("https://jsonfeed.org/version/")
        else "the JSON Feed does not say which version it follows",
    )
    feed_author = _json_author(data)
    for raw in data["items"][:MAX_ENTRIES]:
        if isinstance(raw, dict):
            feed.entries.append(_json_item(raw, url, feed_author))
    return _finish(feed)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_author(data: dict[str, Any]) -> str:
    authors = data.get("authors")
    if isinstance(authors, list) and authors:
        return join_authors([_str(a.get("name")) for a in authors if isinstance(a, dict)])
    author = data.get("author")  # JSON Feed 1.0
    if isinstance(author, dict):
        return clean_line(_str(author.get("name")), 300)
    return ""


def _json_item(raw: dict[str, Any], url: str, feed_author: str) -> ParsedEntry:
    # The first of `url` and `external_url` that is a web address: a `file:` one is dropped.
    given = (strip_controls(_str(raw.get(key))).strip() for key in ("url", "external_url"))
    link = next((web_link(urljoin(url, v)) for v in given if v and web_link(urljoin(url, v))), "")
    ident = raw.get("id")
    entry = ParsedEntry(
        guid=clean_line(str(ident), 2000)
        if isinstance(ident, (str, int)) and ident != ""
        else None,
        link=link or None,
        title=clean_line(_str(raw.get("title")), MAX_TITLE),
        author=_json_author(raw) or feed_author,
        summary=_str(raw.get("summary")),
        published=parse_date(_str(raw.get("date_published"))),
        updated=parse_date(_str(raw.get("date_modified"))),
        language=clean_line(_str(raw.get("language")), 35),
    )
    html = _str(raw.get("content_html"))
    text = _str(raw.get("content_text"))
    if html:
        entry.content = html
    elif text:
        from html import escape

        entry.content = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    if entry.summary:
        from html import escape

        entry.summary = escape(entry.summary)  # JSON Feed summaries are plain text
    tags = raw.get("tags")
    if isinstance(tags, list):
        entry.categories = list(dict.fromkeys(clean_line(_str(t), 200) for t in tags if _str(t)))
    attachments = raw.get("attachments")
    if isinstance(attachments, list):
        for attachment in attachments[:50]:
            if isinstance(attachment, dict) and _str(attachment.get("url")):
                size = attachment.get("size_in_bytes")
                playing = attachment.get("duration_in_seconds")
                entry.enclosures.append(
                    Enclosure(
                        urljoin(url, _str(attachment["url"]).strip()),
                        clean_line(_str(attachment.get("mime_type")), 200),
                        size if isinstance(size, int) and size >= 0 else None,
                        parse_duration(str(playing)) if isinstance(playing, int | float) else None,
                    )
                )
    return entry


# feedparser ------------------------------------------------------------------------------------


def _feedparser(body: bytes, url: str, content_type: str) -> ParsedFeed:
    # Imported here: most feeds never need it, and it takes longer to import than a refresh
    # worker takes to read a feed.
    import feedparser

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    try:
        result = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    except Exception as error:  # feedparser's own bugs must not look like the feed's fault
        raise NotAFeedError(f"the feed could not be read ({type(error).__name__})") from None
    info = result.get("feed", {})
    version = result.get("version", "")
    if not result.entries and not info.get("title"):
        raise NotAFeedError("the document is not a feed (no RSS, Atom or JSON Feed found)")
    feed = ParsedFeed(
        title=_text_line(info.get("title", ""), MAX_TITLE),
        site_url=_str(info.get("link")),
        language=clean_line(_str(info.get("language")), 35),
        kind="atom"
        if version.startswith("atom")
        else "rdf"
        if version.startswith("rss1") or version == "rss090"
        else "rss",
        warning=f"the feed is malformed but was read anyway ({_why(result)})"
        if result.get("bozo")
        else "",
    )
    detail = info.get("author_detail") or {}
    feed_author = clean_line(
        _str(detail.get("name")) or _str(detail.get("email")) or _str(info.get("author")), 300
    )
    for raw in result.entries[:MAX_ENTRIES]:
        feed.entries.append(_feedparser_entry(raw, feed_author, url))
    return feed


def _why(result: Any) -> str:
    """feedparser's bozo exception in words a reader can act on (or pass on to the publisher)."""
    import feedparser

    error = result.get("bozo_exception")
    if isinstance(error, feedparser.CharacterEncodingOverride):
        return "its character encoding is declared wrongly"
    if isinstance(error, feedparser.CharacterEncodingUnknown):
        return "its character encoding is unknown"
    if isinstance(error, feedparser.NonXMLContentType):
        return "the server does not label it as a feed"
    if isinstance(error, feedparser.UndeclaredNamespace):
        return "it uses an undeclared XML namespace"
    return "it is not well-formed XML"  # feedparser's line numbers count its own rewrite


def _text_line(value: Any, limit: int) -> str:
    return one_line(_str(value), limit)


def _when(raw: Any, key: str) -> datetime | None:
    """The entry's date: our own reading of the raw string first, so both paths agree to the
    microsecond and French dates (which feedparser drops) survive; feedparser's as a last resort.

    `dict.get` on purpose: feedparser's own `get("updated")` silently answers with the published
    date (and warns), which would invent an update time the feed never gave.
    """
    moment = parse_date(_str(dict.get(raw, key)))
    parsed = dict.get(raw, f"{key}_parsed")
    if moment is None and parsed:  # feedparser's struct_time is already in UTC
        try:
            year, month, day, hour, minute, second = parsed[:6]
            moment = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
        except (TypeError, ValueError, OverflowError):
            pass
    return moment


def _feedparser_authors(raw: Any) -> str:
    """Every author of the entry; an RSS `Name (role)` as written, an `email (Name)` as Name."""
    names = []
    for person in raw.get("authors") or [raw.get("author_detail") or {}]:
        if not isinstance(person, dict):
            continue
        email, name = _str(person.get("email")), _str(person.get("name"))
        names.append(name if email and name else name or email)
    if len(names) <= 1 and not _str((raw.get("author_detail") or {}).get("email")):
        # feedparser reads `Name (role)` as a broken address and keeps half of it.
        names = [author_name(_str(raw.get("author")))] if raw.get("author") else names
    return join_authors(names)


def _feedparser_entry(raw: Any, feed_author: str, url: str) -> ParsedEntry:
    content = raw.get("content") or []
    body = ""
    if content and isinstance(content[0], dict):
        body = _str(content[0].get("value"))
    player = raw.get("media_player") or {}
    link = _str(raw.get("link")).strip()
    if link and link == _str(raw.get("id")).strip() and _str(player.get("url")).strip():
        link = ""  # a link feedparser made of the guid: the media page is the better one
    entry = ParsedEntry(
        guid=clean_line(_str(raw.get("id")), 2000) or None,
        link=link or _str(player.get("url")).strip() or None,
        title=_text_line(raw.get("title", ""), MAX_TITLE),
        author=_feedparser_authors(raw) or feed_author,
        # feedparser copies an Atom entry's only content into its summary; undo that.
        summary="" if body and body == _str(raw.get("summary")) else _str(raw.get("summary")),
        content=body,
        published=_when(raw, "published"),
        updated=_when(raw, "updated"),
        language=clean_line(_str((raw.get("title_detail") or {}).get("language")), 35),
    )
    for tag in raw.get("tags") or []:
        name = clean_line(_str(tag.get("label")) or _str(tag.get("term")), 200)
        if name and name not in entry.categories:
            entry.categories.append(name)
    # The fast path counts media:content as enclosures too; feedparser keeps them apart.
    media = [
        (m.get("url"), m.get("type"), m.get("fileSize"), m.get("duration"))
        for m in raw.get("media_content") or []
    ]
    links = [
        (e.get("href"), e.get("type"), e.get("length"), None) for e in raw.get("enclosures") or []
    ]
    for href, kind, length, playing in links + media:
        target = urljoin(url, strip_controls(_str(href)).strip()) if _str(href).strip() else ""
        if target and len(entry.enclosures) < 50 and all(e.url != target for e in entry.enclosures):
            size = _str(length).strip()
            entry.enclosures.append(
                Enclosure(
                    target,
                    clean_line(_str(kind), 200),
                    int(size) if size.isdigit() and len(size) < 19 else None,
                    parse_duration(_str(playing)),
                )
            )
    episode = parse_duration(_str(raw.get("itunes_duration")))
    if episode is not None:
        entry.enclosures = with_duration(entry.enclosures, episode)
    if not entry.link and media and _str(media[0][0]).strip():  # a bare Media RSS item
        entry.link = urljoin(url, strip_controls(_str(media[0][0])).strip())
    return entry
