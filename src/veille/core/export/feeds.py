"""Exports other readers subscribe to: JSON Feed 1.1 and Atom 1.0.

A selection (a tag, a watch rule, starred items) becomes a feed someone else can follow. Bodies
are exported as plain text only, so whatever markup a source feed carried is not republished;
veille's own state (note, star, read) rides along in JSON Feed's `_veille` extension. Feed URLs
pass through `redact_url`, since a private feed's URL is a credential.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from veille.core.export.common import (
    ExportOptions,
    clean_line,
    item_date,
    item_excerpt,
    item_id,
    item_text,
    newest_date,
    rfc3339,
    safe_link,
    title_of,
    xml_safe,
)
from veille.core.model import Item
from veille.core.redact import redact_url
from veille.core.text import strip_controls

__all__ = ["render_atom", "render_json_feed"]

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _tags(item: Item) -> list[str]:
    return [t for t in (clean_line(t) for t in item.tags) if t]


def _json_item(item: Item, lang: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": item_id(item)}
    link = safe_link(item.url, schemes=("http", "https"))
    if link:
        entry["url"] = link
    entry["title"] = title_of(item, lang)
    text = strip_controls(item_text(item))
    entry["content_text"] = text
    summary = item_excerpt(item)
    if summary:
        entry["summary"] = summary
    first_seen = item.published or item.sort_date
    if first_seen is not None:
        entry["date_published"] = rfc3339(first_seen)
    if item.updated:
        entry["date_modified"] = rfc3339(item.updated)
    if clean_line(item.author):
        entry["authors"] = [{"name": clean_line(item.author)}]
    tags = _tags(item)
    if tags:
        entry["tags"] = tags
    if item.language:
        entry["language"] = clean_line(item.language, 35)
    attachments = [
        {"url": url, "mime_type": clean_line(e.type, 200) or "application/octet-stream",
         **({"size_in_bytes": e.length} if e.length else {}),
         **({"duration_in_seconds": e.duration} if e.duration else {})}
        for e in item.enclosures
        if (url := safe_link(e.url, schemes=("http", "https")))
    ]  # fmt: skip
    if attachments:
        entry["attachments"] = attachments
    entry["_veille"] = {
        "note": strip_controls(item.note),
        "starred": item.starred,
        "read": item.read,
        "feed_title": clean_line(item.feed_title),
        "feed_url": redact_url(item.feed_url),
    }
    return entry


def render_json_feed(items: Sequence[Item], options: ExportOptions) -> str:
    doc: dict[str, Any] = {"version": JSON_FEED_VERSION, "title": options.resolved_title()}
    self_url = safe_link(options.self_url, schemes=("http", "https"))
    if self_url:
        doc["feed_url"] = self_url
    if options.query.strip():
        doc["description"] = clean_line(options.query)
    doc["language"] = options.lang
    doc["items"] = [_json_item(item, options.lang) for item in items]
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _feed_id(options: ExportOptions) -> str:
    """The same selection always gets the same id, so readers recognise the feed over time."""
    if options.self_url:
        link = safe_link(options.self_url, schemes=("http", "https"))
        if link:
            return link
    digest = hashlib.sha256(f"{options.resolved_title()}\n{options.query}".encode()).hexdigest()
    return f"urn:veille:export:{digest[:24]}"


def render_atom(items: Sequence[Item], options: ExportOptions) -> str:
    from lxml import etree  # lazily: keeps `import veille` light

    names: dict[str, str] = {}

    def sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        name = names.get(tag) or names.setdefault(tag, f"{{{ATOM_NS}}}{tag}")
        if attrs:
            el = etree.SubElement(parent, name, {k: xml_safe(v) for k, v in attrs.items()})
        else:
            el = etree.SubElement(parent, name)
        if text is not None:
            el.text = xml_safe(text)
        return el

    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    if options.lang:
        feed.set("{http://www.w3.org/XML/1998/namespace}lang", xml_safe(options.lang))
    sub(feed, "id", _feed_id(options))
    sub(feed, "title", options.resolved_title(), type="text")
    if options.query.strip():
        sub(feed, "subtitle", clean_line(options.query), type="text")
    generated = options.generated or newest_date(items) or _EPOCH
    sub(feed, "updated", rfc3339(generated))
    self_url = safe_link(options.self_url, schemes=("http", "https"))
    if self_url:
        sub(feed, "link", rel="self", href=self_url)
    sub(feed, "generator", "veille")
    for item in items:
        entry = sub(feed, "entry")
        sub(entry, "id", item_id(item))
        sub(entry, "title", title_of(item, options.lang), type="text")
        link = safe_link(item.url, schemes=("http", "https"))
        if link:
            sub(entry, "link", rel="alternate", href=link)
        when = item.updated or item_date(item) or generated
        sub(entry, "updated", rfc3339(when))
        if item.published:
            sub(entry, "published", rfc3339(item.published))
        if clean_line(item.author):
            author = sub(entry, "author")
            sub(author, "name", clean_line(item.author))
        for tag in _tags(item):
            sub(entry, "category", term=tag)
        if item.feed_title or item.feed_url:
            source = sub(entry, "source")
            if item.feed_title:
                sub(source, "title", clean_line(item.feed_title), type="text")
            if item.feed_url:
                sub(source, "id", redact_url(item.feed_url))
        text = item_excerpt(item)
        if text:
            sub(entry, "content", text, type="text")
    data: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data.decode("utf-8")
