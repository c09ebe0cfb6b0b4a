"""What the front door's verbs give back, beyond the library's own records (`veille.core.model`).

Plain dataclasses, light to import: the reports they carry from the network side are named for
the type checker only, so a script that reads its library never loads httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from veille.core.model import Feed, Item, ParsedEntry, Rule, SavedSearch, TagCount

if TYPE_CHECKING:
    from veille.core.fulltext.service import PrefetchReport
    from veille.core.ingest.discover import Candidate
    from veille.core.ingest.refresh import RefreshReport


@dataclass(slots=True)
class Refreshed:
    """A whole refresh: the feeds' report, and the full-text prefetch that followed (if any)."""

    report: RefreshReport
    full_text: PrefetchReport | None = None


@dataclass(slots=True)
class Opened:
    """An item as the reader shows it: the item, and the other items telling the same story."""

    item: Item
    others: list[Item] = field(default_factory=list)
    marked_read: list[int] = field(default_factory=list)  # the ids this opening marked read


@dataclass(slots=True)
class Snapshot:
    """Everything the feeds pane counts, read together: feeds, tags, searches, watches, totals."""

    feeds: list[Feed]
    tags: list[TagCount]
    searches: list[SavedSearch]
    watches: list[Rule]
    unread: int
    starred: int
    total: int


@dataclass(slots=True)
class Discovery:
    """Where `subscribe` would go: `url` as typed (completed), and the feeds found there.

    No candidates means the address is subscribed to as it is (a `file://` feed, or offline).
    """

    url: str
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(slots=True)
class Exported:
    """An export: how many items it holds, and the text (or the bytes of a DOCX), or the file
    it was written to. `stories` is how many entries a review of them holds: items telling one
    story are one entry."""

    count: int
    text: str = ""
    path: Path | None = None
    data: bytes = b""
    stories: int = 0
    sent_to: list[str] = field(default_factory=list)  # who it was mailed to, if it was


@dataclass(slots=True)
class Reviewed:
    """A named review made: where it was written, what it holds, and who it was mailed to."""

    name: str
    path: Path
    count: int  # items
    stories: int  # entries: items telling one story are one
    fmt: str
    sent_to: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Restored:
    """A restore: the backup put in place, and where the library it replaced was kept."""

    source: Path
    kept: Path | None = None


@dataclass(slots=True)
class Imported:
    """What an import of a subscription file did, line by line: nothing is left out unsaid.

    `skipped` holds (where in the file, what, why) for each line or outline not imported;
    `refused_commands` the command feeds left out because commands were not allowed.
    """

    added: int = 0
    known: int = 0  # feeds already subscribed to
    searches: list[str] = field(default_factory=list)  # saved searches made of query feeds
    commands: list[str] = field(default_factory=list)  # command feeds subscribed to
    refused_commands: list[str] = field(default_factory=list)  # as the file wrote them
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(slots=True)
class PagePreview:
    """What a page feed's selectors find in its page, before subscribing."""

    url: str
    title: str
    items: list[ParsedEntry]
    found: int  # elements the item selector matched
    empty: list[str] = field(default_factory=list)  # selectors that found nothing: "--date"
    without_link: int = 0  # items left out: no link to know them by
