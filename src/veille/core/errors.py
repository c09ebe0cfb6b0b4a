"""Every error a user can meet, under one base: `VeilleError`.

A `VeilleError`'s message is one sentence in plain words, meant to be shown as it is (`veille:
message` on the command line, a notification in the app); `status` is the exit status the
command line gives it. Anything else that escapes the core is a bug.

The children live beside the code that raises them (the library's own, the query language's, the
settings'…) and are re-exported here, resolved on first use: a refresh's parser processes import
`veille.core` and must not pay for SQLite to do so.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veille.core.fulltext.cache import CacheUnavailable
    from veille.core.fulltext.page import ExtractionError
    from veille.core.ingest.discover import DiscoveryError
    from veille.core.ingest.opml import SubscriptionFileError
    from veille.core.library import DiskFull, LibraryBusy, LibraryDamaged, LibraryError
    from veille.core.outfile import OutputError
    from veille.core.query.syntax import QueryError
    from veille.core.settings import ConfigError, PathError

__all__ = [
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
    "Stopped",
    "SubscriptionFileError",
    "UsageError",
    "VeilleError",
    "describe_os_error",
    "explain",
    "failure_words",
]


class VeilleError(Exception):
    """A failure the user can act on, told in one plain sentence."""

    status: int = 1

    def __init__(self, message: str = "", status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class NotFound(VeilleError):
    """What was named (an item, a feed, a saved search) is not in the library."""


class UsageError(VeilleError):
    """The request cannot be carried out as asked (offline, nothing to do, both or neither…)."""


class Stopped(VeilleError):
    """A read given up because the one who asked for it said it was no longer needed (a count
    of the search typed before the last one); nobody is told."""


def explain(error: BaseException, library: Path, backups: Path | None = None) -> VeilleError | None:
    """`error` (SQLite's, or text that does not decode) in plain words when it is the library
    file's problem — full, busy, read-only, damaged — else None."""
    from veille.core.library import explain as known

    return known(error, library, backups)


def describe_os_error(error: OSError, path: Path | str) -> str:
    """What happened to `path`, in words a user can act on."""
    from veille.core.outfile import describe

    return describe(error, path)


def failure_words(stored: str) -> str:
    """A fetch or parse failure (a feed's last error, say), kept in English, in the user's
    language."""
    from veille.core.failure_words import failure_words as told

    return told(stored)


_HOMES = {
    "CacheUnavailable": "veille.core.fulltext.cache",
    "ConfigError": "veille.core.settings",
    "DiscoveryError": "veille.core.ingest.discover",
    "DiskFull": "veille.core.library",
    "ExtractionError": "veille.core.fulltext.page",
    "LibraryBusy": "veille.core.library",
    "LibraryDamaged": "veille.core.library",
    "LibraryError": "veille.core.library",
    "OutputError": "veille.core.outfile",
    "PathError": "veille.core.settings",
    "QueryError": "veille.core.query.syntax",
    "SubscriptionFileError": "veille.core.ingest.opml",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
