"""An entry made ready for storage, away from the database: identity, links, text, fingerprints.

Storing an entry is half computing (its plain text for the search index, hashes, a canonical
link, whether it looks cut short) and half SQL. This module is the computing half. Refresh runs
it in worker processes beside parsing, so it imports nothing of the library or the network: a
worker that starts quickly starts parsing sooner. `veille.core.library._store` writes the result.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from veille.core.ingest.addresses import PLAIN_WEB_URL, web_link
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.text import clean_line, fold, html_to_text

FTS_TEXT_LIMIT = 100_000
LEAD_CHARS = 280
LEAD_MIN_CHARS = 160
_WORD = re.compile(r"\w+")

# (entry, the feed's typical body length, the plain text of the entry's body) → truncated?
TruncationCheck = Callable[[ParsedEntry, int | None, str], bool]


class PreparedEntry(NamedTuple):
    """One entry with everything computed that needs no database: made in a parser process.

    A named tuple rather than a dataclass: fifty of them come back from a worker per feed, and
    a tuple unpickles in C while a slotted dataclass sets its fields one by one in Python, in
    the refreshing process, beside its writer.
    """

    guid: str
    digest: str
    published: float | None
    fields: tuple[object, ...]  # the item's columns, in the order `store_entries` names them
    title: str
    author: str
    text: str  # plain text for the search index
    truncated: bool = False  # also in `fields`; read apart by the full-text prefetch
    # The guid the feed gave, when several distinct entries of the document share it and this
    # one's `guid` is therefore its own variant (see `distinct_entries`).
    shared_guid: str = ""


def prepare_entries(
    parsed: ParsedFeed, is_truncated: TruncationCheck | None = None
) -> list[PreparedEntry]:
    """The CPU-heavy half of storing (plain text, hashes, truncation), free of SQLite.

    Refresh runs it next to parsing, in worker processes when there are many feeds, so the one
    writer only has SQL left to do.
    """
    seen = distinct_entries(parsed.entries)
    lengths = [len(e.content or e.summary) for e, _ in seen.values()]
    typical = sorted(lengths)[len(lengths) // 2] if len(lengths) >= 4 else None
    prepared = []
    for guid, (entry, shared) in seen.items():
        published = _ts(entry.published)
        title = clean_line(entry.title, 1000)
        author = clean_line(entry.author, 300)
        url = web_link(entry.link)  # a `file:` or `javascript:` link is the feed's, not ours
        body = html_to_text(entry.content or entry.summary, clean=True)  # parsed: no controls
        truncated = int(bool(is_truncated and is_truncated(entry, typical, body)))
        text = body[:FTS_TEXT_LIMIT]
        digest = _content_hash(entry)
        fields = (
            url,
            canonical_url(url),
            title,
            author,
            entry.summary,
            entry.content,
            published,
            _ts(entry.updated),
            _json_list([clean_line(c, 200) for c in entry.categories]),
            _enclosures(entry),
            entry.language or parsed.language,
            digest,
            truncated,
            lead_hash(text),
        )
        prepared.append(
            PreparedEntry(
                guid, digest, published, fields, title, author, text, bool(truncated), shared
            )
        )
    return prepared


VARIANT_MARK = " #v"  # between a shared guid and the fingerprint of one of its posts


def distinct_entries(entries: list[ParsedEntry]) -> dict[str, tuple[ParsedEntry, str]]:
    """The document's entries by identity, in document order: guid → (entry, shared guid).

    Feeds do give one guid to several posts (a template bug, a podcast's reruns). An entry
    repeated as is (same link, title and date) is one item, the first copy kept; distinct posts
    under one guid each become an item, identified by the guid and a fingerprint of their link,
    title and date, with the shared guid beside it so that the library can still find the item
    it stored under the bare guid before the guid was shared (`_store.store_entries`).
    """
    variants: dict[str, dict[tuple[str, str, str], ParsedEntry]] = {}
    for entry in entries:
        variants.setdefault(entry_guid(entry), {}).setdefault(_variant(entry), entry)
    seen: dict[str, tuple[ParsedEntry, str]] = {}
    for entry in entries:
        guid = entry_guid(entry)
        group = variants[guid]
        if len(group) == 1:
            seen.setdefault(guid, (entry, ""))
            continue
        key = _variant(entry)
        if group.get(key) is entry:
            mark = hashlib.sha1("\x1f".join(key).encode("utf-8", "replace")).hexdigest()[:12]
            seen[f"{guid[:1980]}{VARIANT_MARK}{mark}"] = (entry, guid)
    return seen


def _variant(entry: ParsedEntry) -> tuple[str, str, str]:
    stamp = entry.published.isoformat() if entry.published else ""
    return ((entry.link or "").strip(), " ".join(entry.title.split()), stamp)


def entry_guid(entry: ParsedEntry) -> str:
    if entry.guid and entry.guid.strip():
        return entry.guid.strip()[:2000]
    if entry.link and entry.link.strip():
        return entry.link.strip()[:2000]
    stamp = entry.published.isoformat() if entry.published else ""
    digest = hashlib.sha1(f"{entry.title}\x1f{stamp}".encode()).hexdigest()
    return f"veille:{digest}"


def _content_hash(entry: ParsedEntry) -> str:
    parts = (
        entry.title,
        entry.link or "",
        entry.author,
        entry.summary,
        entry.content,
        json.dumps(entry.categories) if entry.categories else "[]",
        entry.published.isoformat() if entry.published else "",
    )
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def _ts(value: datetime | None) -> float | None:
    if value is None:
        return None
    try:
        return value.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def _enclosures(entry: ParsedEntry) -> str:
    return _json_list(
        [
            {"url": e.url, "type": e.type, "length": e.length}
            | ({"duration": e.duration} if e.duration is not None else {})
            for e in entry.enclosures
            if web_link(e.url)
        ]
    )


def _json_list(values: list[object]) -> str:
    # Most items have no category or enclosure: the encoder's set-up is most of its cost.
    return json.dumps(values, ensure_ascii=False) if values else "[]"


def lead_hash(text: str) -> str:
    """A fingerprint of the opening of a text, or "" when it is too short to mean anything."""
    if len(text) <= _LEAD_GLANCE:  # a summary: the glance would be all of it, folded twice
        words = _lead_words(text, whole=True)
    else:
        words = _lead_words(text[:_LEAD_GLANCE]) or _lead_words(text[: LEAD_CHARS * 3], whole=True)
    if len(words) < LEAD_MIN_CHARS:
        return ""
    return hashlib.sha1(words.encode()).hexdigest()[:20]


# Prose holds LEAD_CHARS of words within its first LEAD_CHARS × 1.25 characters: folding that
# much is enough for most texts, and folding runs for every new item.
_LEAD_GLANCE = LEAD_CHARS * 5 // 4


def _lead_words(head: str, *, whole: bool = False) -> str:
    """The opening words of `head`, folded, one space apart, LEAD_CHARS of them at most.

    Unless `whole`, `head` is a glance at the opening of a longer text and its last word may be
    cut: it is left out, and "" is returned when the words before it fall short of LEAD_CHARS
    (the caller then reads the opening up to LEAD_CHARS × 3, as it always did). Both ways give
    the same words, so the same fingerprint, for the same text.
    """
    words = _WORD.findall(fold(head))
    if not whole:
        words = words[:-1]
    joined = " ".join(words)
    if not whole and len(joined) < LEAD_CHARS:
        return ""
    return joined[:LEAD_CHARS]


TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "xtor",
        "at_medium",
        "at_campaign",
        "ocid",
        "cmpid",
        "_hsenc",
        "_hsmi",
        "igshid",
        "ref_src",
        "s_cid",
        "wt.mc_id",
    }
)


def canonical_url(url: str) -> str:
    """The link without tracking parameters, fragment or trailing slash, for matching stories."""
    if not url:
        return ""
    plain = url.strip()
    if PLAIN_WEB_URL.fullmatch(plain):  # no query nor fragment to drop: what urlunsplit gives
        host, slash, path = plain.partition("://")[2].partition("/")
        host = host.lower().removeprefix("www.")
        return f"https://{host}{(slash + path).rstrip('/') or '/'}"
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_PARAMS
    ]
    path = parts.path.rstrip("/") or "/"
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))
