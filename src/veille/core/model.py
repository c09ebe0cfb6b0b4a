"""Plain records shared by every part of veille.

These dataclasses are the vocabulary of the core: the parser produces `ParsedFeed`/`ParsedEntry`,
the library stores and returns `Feed`/`Item`, and the app, the command line and the exporters only
ever see these. None of them knows about SQLite, httpx or Textual.

Times are timezone-aware UTC `datetime`s; text fields are already free of control characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from veille.core.redact import redact_url

FullTextPolicy = Literal["auto", "always", "never"]
FULL_TEXT_POLICIES: tuple[FullTextPolicy, ...] = ("auto", "always", "never")
# A feed's own policy: one of those, or "" when it has none and follows config.toml's.
FeedPolicy = Literal["", "auto", "always", "never"]
# Where an item's full text stands: "" none tried, "fetched" (the article is in the library),
# "paywalled" (the page gave a teaser only), "failed" (the reason is the item's
# `full_text_error`).
FullTextState = Literal["", "fetched", "paywalled", "failed"]
# The orders of the item list: newest first (the default), oldest first, by title, by feed.
ITEM_ORDERS: tuple[str, ...] = ("newest", "oldest", "title", "feed")
LARGEST_ID = 2**63 - 1  # ids are SQLite integers: 64-bit signed
# What an export can be, and the file name ending each is saved under (the command line offers
# these as choices at start-up: they live here, where reading them costs nothing).
EXPORT_FORMATS: tuple[str, ...] = (
    "md", "html", "docx", "csl", "ris", "json", "csv", "atom", "bookmarks", "opml",
)  # fmt: skip
# Formats whose file is bytes, not text: never printed on a terminal.
BINARY_EXPORT_FORMATS: frozenset[str] = frozenset({"docx"})
EXPORT_EXTENSIONS: dict[str, str] = {
    "md": "md",
    "html": "html",
    "docx": "docx",
    "csl": "json",  # CSL-JSON, as Zotero and Pandoc read it
    "ris": "ris",
    "json": "json",
    "csv": "csv",
    "atom": "xml",  # an Atom feed is XML
    "bookmarks": "html",  # Netscape bookmarks are a page
    "opml": "opml",
}


@dataclass(frozen=True, slots=True)
class Enclosure:
    url: str
    type: str = ""
    length: int | None = None
    duration: int | None = None
    """Seconds of playing time, where the feed gives them (itunes:duration, media:content)."""


@dataclass(slots=True)
class ParsedEntry:
    """One entry as a feed describes it, normalised but not yet stored."""

    guid: str | None
    link: str | None
    title: str = ""
    author: str = ""
    summary: str = ""  # HTML (or text) of the entry's summary/description
    content: str = ""  # HTML of the entry's full content, when the feed gives one
    published: datetime | None = None
    updated: datetime | None = None
    categories: list[str] = field(default_factory=list)
    enclosures: list[Enclosure] = field(default_factory=list)
    language: str = ""


class NotAFeedError(ValueError):
    """A document that is not a feed; the message says what it looks like instead. Kept here,
    with the parsed forms, so that a refresh catches it without importing the parser."""


@dataclass(slots=True)
class ParsedFeed:
    """A parsed feed document: its own metadata and its entries."""

    title: str = ""
    site_url: str = ""
    language: str = ""
    kind: str = ""  # "rss", "atom", "rdf", "json"
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str = ""  # a non-fatal problem (feedparser's bozo), in plain words
    ttl: int | None = None  # RSS <ttl>: minutes the feed may be cached
    skip_hours: tuple[int, ...] = ()  # RSS <skipHours>: UTC hours it asks not to be read in


@dataclass(slots=True)
class Feed:
    id: int
    url: str
    title: str = ""
    site_url: str = ""
    folder: str = ""  # folder path, "" for top level; nested folders joined with "/"
    etag: str = ""
    last_modified: str = ""
    last_status: int | None = None
    last_error: str = ""
    failures: int = 0
    next_retry: datetime | None = None
    last_fetched: datetime | None = None
    full_text: FeedPolicy = ""  # its own policy; "" follows config.toml (see fulltext.policy)
    gone: bool = False
    moved_to: str = ""
    language: str = ""
    unread: int = 0
    total: int = 0

    @property
    def display_title(self) -> str:
        """The title, else the address with any key or password hidden."""
        return self.title or redact_url(self.url)

    @property
    def failing(self) -> bool:
        return bool(self.last_error)


@dataclass(slots=True)
class Item:
    id: int
    feed_id: int
    guid: str
    url: str = ""
    title: str = ""
    author: str = ""
    summary: str = ""
    content: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    sort_date: datetime | None = None  # published, else first seen: the list's order
    categories: list[str] = field(default_factory=list)
    enclosures: list[Enclosure] = field(default_factory=list)
    language: str = ""
    read: bool = False
    starred: bool = False
    hidden: bool = False
    truncated: bool = False
    full_text: str = ""  # the fetched article (HTML) kept in the library, "" when none
    full_text_error: str = ""  # why the last fetch gave no article, in plain words
    full_text_state: FullTextState = ""
    note: str = ""
    tags: list[str] = field(default_factory=list)
    feed_title: str = ""
    feed_url: str = ""
    cluster_id: int | None = None
    cluster_size: int = 1

    @property
    def body(self) -> str:
        """The best HTML the library holds for this item."""
        return self.full_text or self.content or self.summary


@dataclass(frozen=True, slots=True)
class ItemRow:
    """The light record the item list shows: no bodies, so a window of rows is cheap."""

    id: int
    feed_id: int
    title: str
    feed_title: str
    sort_date: datetime | None
    read: bool
    starred: bool
    truncated: bool
    has_full_text: bool
    tags: tuple[str, ...] = ()
    url: str = ""
    cluster_size: int = 1
    full_text_state: FullTextState = ""


@dataclass(slots=True)
class SavedSearch:
    id: int
    name: str
    query: str
    unread: int = 0


@dataclass(slots=True)
class Rule:
    """A watch rule: items matching `query` get `actions` applied."""

    id: int
    name: str
    query: str
    add_tags: list[str] = field(default_factory=list)
    star: bool = False
    mark_read: bool = False
    hide: bool = False
    enabled: bool = True
    unread: int = 0


@dataclass(frozen=True, slots=True)
class TagCount:
    name: str
    items: int
    unread: int


@dataclass(frozen=True, slots=True)
class Stats:
    feeds: int
    items: int
    unread: int
    starred: int
    tagged: int
    failing_feeds: int
