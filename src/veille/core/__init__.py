"""veille's headless core: everything the app and the command line do, without a screen.

This is its face. `open_veille()` gives the front door, `Veille`, whose verbs are all a client
needs; the records it hands back (`veille.core.model`, `veille.core.outcomes`) and the errors a
user can meet (`veille.core.errors`, all `VeilleError`s) are here too, with the few helpers a
screen uses (text cleaning, the query check, the export formats). Clients import this package,
or `veille.core.model`, `errors`, `settings`, `text`, `redact` and `i18n`; never the rooms
behind (`library`, `query`, `ingest`, `fulltext`, `export`, `outfile`, `pipeline`).

Names are resolved on first use: a refresh's parser processes import `veille.core` (it is the
parent of the parser's module) and must not pay for SQLite, httpx or the exporters to do so.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veille.core.downloads import DownloadFailed
    from veille.core.errors import (
        CacheUnavailable,
        ConfigError,
        DiscoveryError,
        DiskFull,
        ExtractionError,
        LibraryBusy,
        LibraryDamaged,
        LibraryError,
        NotFound,
        OutputError,
        PathError,
        QueryError,
        SubscriptionFileError,
        UsageError,
        VeilleError,
    )
    from veille.core.export import ExportOptions, review_date
    from veille.core.fulltext.cache import CacheStats
    from veille.core.fulltext.extract import Article
    from veille.core.fulltext.markdown import html_to_markdown
    from veille.core.fulltext.policy import EffectivePolicy
    from veille.core.fulltext.report import PrefetchReport
    from veille.core.fulltext.service import FullTextResult
    from veille.core.fulltext.words import full_text_status, list_mark
    from veille.core.ingest.discover import Candidate
    from veille.core.ingest.refresh import RefreshProgress, RefreshReport
    from veille.core.library import View
    from veille.core.mail import MailError
    from veille.core.model import EXPORT_EXTENSIONS as EXTENSIONS
    from veille.core.model import EXPORT_FORMATS as FORMATS
    from veille.core.model import (
        FULL_TEXT_POLICIES,
        Enclosure,
        Feed,
        FeedPolicy,
        FullTextPolicy,
        Item,
        ItemRow,
        Rule,
        SavedSearch,
        Stats,
        TagCount,
    )
    from veille.core.outcomes import (
        Discovery,
        Exported,
        Opened,
        Refreshed,
        Restored,
        Reviewed,
        Snapshot,
    )
    from veille.core.pictures import PictureUnavailable
    from veille.core.piping import Piped, PipeFailed
    from veille.core.query import normalize_tag, parse, unparse
    from veille.core.reviewsettings import ReviewProfile
    from veille.core.settings import (
        DEFAULT_CONFIG,
        Paths,
        Settings,
        load_settings,
        parse_settings,
        resolve_paths,
    )
    from veille.core.sync.client import SyncError
    from veille.core.sync.run import SyncReport
    from veille.core.text import (
        NOTE_LIMIT,
        clean_line,
        clean_note,
        html_to_text,
        strip_controls,
        terminal_safe,
        too_deep,
    )
    from veille.core.veille import Veille, open_veille

# The face's name for what its home module calls otherwise.
_RENAMED = {"FORMATS": "EXPORT_FORMATS", "EXTENSIONS": "EXPORT_EXTENSIONS"}
_HOMES: dict[str, str] = {
    **dict.fromkeys(_RENAMED, "veille.core.model"),
    **dict.fromkeys(("Veille", "open_veille"), "veille.core.veille"),
    **dict.fromkeys(
        (
            "CacheUnavailable",
            "ConfigError",
            "DiscoveryError",
            "DiskFull",
            "ExtractionError",
            "LibraryBusy",
            "LibraryDamaged",
            "LibraryError",
            "NotFound",
            "OutputError",
            "PathError",
            "QueryError",
            "SubscriptionFileError",
            "UsageError",
            "VeilleError",
        ),
        "veille.core.errors",
    ),
    **dict.fromkeys(("ExportOptions", "review_date"), "veille.core.export"),
    "CacheStats": "veille.core.fulltext.cache",
    "Article": "veille.core.fulltext.extract",
    "html_to_markdown": "veille.core.fulltext.markdown",
    "EffectivePolicy": "veille.core.fulltext.policy",
    "PrefetchReport": "veille.core.fulltext.report",
    "FullTextResult": "veille.core.fulltext.service",
    **dict.fromkeys(("full_text_status", "list_mark"), "veille.core.fulltext.words"),
    "Candidate": "veille.core.ingest.discover",
    **dict.fromkeys(("RefreshProgress", "RefreshReport"), "veille.core.ingest.refresh"),
    "View": "veille.core.library",
    "SyncError": "veille.core.sync.client",
    "SyncReport": "veille.core.sync.run",
    "MailError": "veille.core.mail",
    "ReviewProfile": "veille.core.reviewsettings",
    **dict.fromkeys(
        (
            "FULL_TEXT_POLICIES",
            "Enclosure",
            "Feed",
            "FeedPolicy",
            "FullTextPolicy",
            "Item",
            "ItemRow",
            "Rule",
            "SavedSearch",
            "Stats",
            "TagCount",
        ),
        "veille.core.model",
    ),
    **dict.fromkeys(
        (
            "Discovery",
            "Exported",
            "Imported",
            "Opened",
            "PagePreview",
            "Refreshed",
            "Restored",
            "Reviewed",
            "Snapshot",
        ),
        "veille.core.outcomes",
    ),
    **dict.fromkeys(("PipeFailed", "Piped"), "veille.core.piping"),
    "DownloadFailed": "veille.core.downloads",
    "PictureUnavailable": "veille.core.pictures",
    **dict.fromkeys(("normalize_tag", "parse", "unparse"), "veille.core.query"),
    "FeedHealth": "veille.core.health",
    **dict.fromkeys(
        (
            "DEFAULT_CONFIG",
            "Paths",
            "Settings",
            "load_settings",
            "parse_settings",
            "resolve_paths",
        ),
        "veille.core.settings",
    ),
    **dict.fromkeys(
        (
            "NOTE_LIMIT",
            "clean_line",
            "clean_note",
            "html_to_text",
            "strip_controls",
            "terminal_safe",
            "too_deep",
        ),
        "veille.core.text",
    ),
}

__all__ = [
    "DEFAULT_CONFIG",
    "EXTENSIONS",
    "FORMATS",
    "FULL_TEXT_POLICIES",
    "NOTE_LIMIT",
    "Article",
    "CacheStats",
    "CacheUnavailable",
    "Candidate",
    "ConfigError",
    "Discovery",
    "DiscoveryError",
    "DiskFull",
    "DownloadFailed",
    "EffectivePolicy",
    "Enclosure",
    "ExportOptions",
    "Exported",
    "ExtractionError",
    "Feed",
    "FeedPolicy",
    "FullTextPolicy",
    "FullTextResult",
    "Item",
    "ItemRow",
    "LibraryBusy",
    "LibraryDamaged",
    "LibraryError",
    "MailError",
    "NotFound",
    "Opened",
    "OutputError",
    "PathError",
    "Paths",
    "PictureUnavailable",
    "PipeFailed",
    "Piped",
    "PrefetchReport",
    "QueryError",
    "RefreshProgress",
    "RefreshReport",
    "Refreshed",
    "Restored",
    "ReviewProfile",
    "Reviewed",
    "Rule",
    "SavedSearch",
    "Settings",
    "Snapshot",
    "Stats",
    "SubscriptionFileError",
    "SyncError",
    "SyncReport",
    "TagCount",
    "UsageError",
    "Veille",
    "VeilleError",
    "View",
    "clean_line",
    "clean_note",
    "full_text_status",
    "html_to_markdown",
    "html_to_text",
    "list_mark",
    "load_settings",
    "normalize_tag",
    "open_veille",
    "parse",
    "parse_settings",
    "resolve_paths",
    "review_date",
    "strip_controls",
    "terminal_safe",
    "too_deep",
    "unparse",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), _RENAMED.get(name, name))
    globals()[name] = value  # the next use is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
