"""What every export format shares: options, grouping, dates, excerpts and safe links.

Exports leave veille and are opened elsewhere (a Markdown viewer, a browser, a spreadsheet, another
reader), so each decision about untrusted feed text is made once here: which URLs may become
links, what an excerpt is, how items are grouped and in which order. Nothing reads the clock:
the same items and options always give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from veille.core.i18n import format_date, french_typography, label, text_language
from veille.core.ingest.entries import TRACKING_PARAMS, TRACKING_PREFIXES
from veille.core.model import EXPORT_EXTENSIONS as EXTENSIONS
from veille.core.model import EXPORT_FORMATS as FORMATS
from veille.core.model import Item
from veille.core.redact import redact_url
from veille.core.text import clean_line, html_to_text, strip_controls

__all__ = [
    "EXCERPT_LENGTH",
    "EXTENSIONS",
    "FORMATS",
    "ExportOptions",
    "clean_line",
    "cut_text",
    "first_tag",
    "group_items",
    "item_date",
    "item_excerpt",
    "item_id",
    "item_language",
    "item_tags",
    "item_text",
    "newest_date",
    "rfc3339",
    "safe_link",
    "source_name",
    "tag_rank",
    "title_of",
    "tracking_free",
    "typeset",
    "xml_safe",
]

EXCERPT_LENGTH = 400
GROUPINGS = ("tag", "feed", "day", "none")


@dataclass
class ExportOptions:
    title: str = ""  # "" gives the localized "Press review" / « Revue de presse »
    lang: str = "en"
    group_by: str = "none"  # "tag", "feed", "day" or "none"
    generated: datetime | None = None  # the review's date; None: the newest item's date
    query: str = ""  # what was selected; printed under the title only with `show_query`
    self_url: str = ""  # where the exported feed will live (Atom/JSON Feed), if known
    subtitle: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()  # the order of tag sections; tags not named follow, by name
    show_query: bool = False
    excerpt_length: int = EXCERPT_LENGTH

    def resolved_title(self) -> str:
        return clean_line(self.title) or label("press_review", self.lang)


def item_date(item: Item) -> datetime | None:
    return item.published or item.sort_date or item.updated


def newest_date(items: Sequence[Item]) -> datetime | None:
    dates = [d for d in map(item_date, items) if d is not None]
    return max(dates, key=_utc) if dates else None


def _utc(d: datetime) -> datetime:
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)


def rfc3339(d: datetime) -> str:
    """`d` in UTC as RFC 3339 (`2026-02-05T16:20:00Z`), the form JSON Feed and Atom expect."""
    return _utc(d).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def item_id(item: Item) -> str:
    """A stable identifier: the article's URL when it is a web URL, else a veille URN."""
    link = safe_link(item.url, schemes=("http", "https"))
    return link or f"urn:veille:item:{item.id}"


def title_of(item: Item, lang: str) -> str:
    return clean_line(item.title) or label("untitled", lang)


def source_name(item: Item) -> str:
    """The item's feed as a reader names it: its title, else its URL with secrets hidden."""
    return clean_line(item.feed_title) or clean_line(redact_url(item.feed_url))


def _shorten(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:.-–— ") + "…"


def cut_text(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Plain `text` shortened to about `length` characters, on a word boundary.

    Only its opening is cleaned when that is enough: a long text cleaned whole would be cut
    all the same."""
    head = text[: 2 * length + 200]
    if len(head) < len(text):
        cleaned = clean_line(head, len(head) + 1)
        if len(cleaned) > length + 1:
            return _shorten(cleaned, length)
    return _shorten(clean_line(text, len(text) + 1), length)


# `french_typography` only changes a text holding one of these: the marks it spaces, the quotes
# it turns into guillemets, and the two private-use characters it reserves for itself.
_TYPOGRAPHY_MARKS = re.compile('[:;?!«»"\ue000\ue001€$£%]|\\d[ \u00a0\u202f]\\d|\\d{5}')


def typeset(text: str, lang: str) -> str:
    """`text` with French typography when `lang` is "fr"; skips texts it would leave as they are."""
    if lang != "fr" or not _TYPOGRAPHY_MARKS.search(text):
        return text
    return french_typography(text)


def item_language(item: Item) -> str:
    """The language the item's words are in: its own, else its feed's (the library gives the
    item the feed's when it has none), else the one its title and summary read as."""
    if item.language:
        return text_language(item.language, "")
    return text_language("", f"{item.title} {html_to_text(item.summary[:1500])}")


def item_text(item: Item) -> str:
    """The plain text of the item's body."""
    return html_to_text(item.body)


def item_excerpt(item: Item, length: int = EXCERPT_LENGTH) -> str:
    """The opening sentences of the item's best text, without page furniture (see `excerpts`)."""
    from veille.core.export.excerpts import excerpt_of

    return excerpt_of(item.body, length)


# Characters that may not appear raw in a link target in any of the formats: they would end the
# Markdown link, an HTML attribute, or the URL itself.
_UNSAFE_IN_URL = re.compile(r"[\s()<>\"'`\[\]{}|\\^]")
# A web address with a lower-case scheme, a host name of letters, digits, dots and hyphens, and
# then only visible ASCII: its scheme and host are plain to see, no need to ask `urlsplit`.
_PLAIN_WEB_URL = re.compile(r"(https?)://[A-Za-z0-9.-]+(?:[/?#][!-~]*)?")


def tracking_free(url: str) -> str:
    """`url` without the parameters that only tell a site where its reader came from (`utm_*`,
    `fbclid`, `xtor`…); every other part is kept exactly as written."""
    # The fragment first: a `?` after the `#` belongs to the fragment, not to the query.
    hash_at = url.find("#")
    head, fragment = (url[:hash_at], url[hash_at:]) if hash_at >= 0 else (url, "")
    start = head.find("?")
    if start < 0:
        return url
    kept = [pair for pair in head[start + 1 :].split("&") if pair and not _is_tracking(pair)]
    return head[:start] + ("?" + "&".join(kept) if kept else "") + fragment


def _is_tracking(pair: str) -> bool:
    key = pair.split("=", 1)[0].lower()
    return key.startswith(TRACKING_PREFIXES) or key in TRACKING_PARAMS


def safe_link(url: str, schemes: tuple[str, ...] = ("http", "https", "mailto")) -> str | None:
    """`url` ready to be a link target, or None when it must stay plain text.

    Only the given schemes pass (never `javascript:`, `data:`, `file:`); characters that could
    end a link early are percent-encoded, so a feed-provided URL can never break out of it.
    Tracking parameters are dropped: a review sent around should not tell sites who read it.
    """
    if url and "?" in url:
        url = tracking_free(url)
    plain = _PLAIN_WEB_URL.fullmatch(url) if url and len(url) <= 8192 else None
    if plain is not None:  # most links: nothing for `urlsplit` to find that this has not
        if plain[1] not in schemes:
            return None
        return _UNSAFE_IN_URL.sub(_percent, url) if _UNSAFE_IN_URL.search(url) else url
    url = strip_controls(url or "").strip()
    if not url or len(url) > 8192:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return None
    if scheme in ("http", "https") and not parts.hostname:
        return None
    return _UNSAFE_IN_URL.sub(_percent, url)


def _percent(match: re.Match[str]) -> str:
    return quote(match.group(), safe="")


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry at all."""
    if text.isprintable():  # no control, surrogate or non-character: the usual case, at once
        return text
    return _XML_INVALID.sub("", strip_controls(text or ""))


def _fold(text: str) -> str:
    return text.casefold()


def item_tags(item: Item) -> list[str]:
    return [t for t in dict.fromkeys(clean_line(t) for t in item.tags) if t]


def tag_rank(order: Sequence[str]) -> Callable[[str], tuple[int, str, str]]:
    """The sort key of tags: those of `order` first, in that order, then the others by name."""
    place = {clean_line(t).casefold(): n for n, t in enumerate(order)}
    last = len(place)

    def rank(tag: str) -> tuple[int, str, str]:
        return (place.get(tag.casefold(), last), _fold(tag), tag)

    return rank


def first_tag(tags: Sequence[str], order: Sequence[str]) -> tuple[str, list[str]]:
    """The tag a review files an entry under (the first of `tags` in `order`), and the others."""
    if not tags:
        return "", []
    ranked = sorted(tags, key=tag_rank(order))
    return ranked[0], ranked[1:]


def group_items(
    items: Sequence[Item], group_by: str, lang: str, tag_order: Sequence[str] = ()
) -> list[tuple[str, list[Item]]]:
    """Sections of the review, in reading order; items keep their given order inside each.

    - tag: an item under its first tag in `tag_order` (then by name), sections in that order;
      untagged last;
    - feed: one section per feed, alphabetical by name;
    - day: one section per day, newest first; undated items last;
    - none: a single untitled section.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}: use one of {', '.join(GROUPINGS)}")
    if group_by == "none":
        return [("", list(items))] if items else []
    groups: dict[str, list[Item]] = {}
    rest: list[Item] = []
    if group_by == "tag":
        for item in items:
            tag, _others = first_tag(item_tags(item), tag_order)
            if tag:
                groups.setdefault(tag, []).append(item)
            else:
                rest.append(item)
        rank = tag_rank(tag_order)
        ordered = sorted(groups.items(), key=lambda kv: rank(kv[0]))
        tail = label("untagged", lang)
    elif group_by == "feed":
        for item in items:
            name = source_name(item) or "?"
            groups.setdefault(name, []).append(item)
        ordered = sorted(groups.items(), key=lambda kv: (_fold(kv[0]), kv[0]))
        tail = ""
    else:
        keyed: dict[str, tuple[datetime, list[Item]]] = {}
        for item in items:
            d = item_date(item)
            if d is None:
                rest.append(item)
                continue
            day = _utc(d)
            key = day.date().isoformat()
            keyed.setdefault(key, (day, []))[1].append(item)
        ordered = [
            (format_date(day, lang), members)
            for _, (day, members) in sorted(keyed.items(), reverse=True)
        ]
        tail = label("undated", lang)
    if rest:
        ordered.append((tail, rest))
    return ordered
