"""The base of the `Library` facade: the database handle and the helpers every part shares.

The facade is built in layers, one module each, every layer extending the one before:
`base` → `feeds` (subscriptions, refresh results) → `reading` (the item list, full records,
stories) → `marks` (the user's judgement and full texts) → `core.Library` (saved searches, watch
rules, app state, backups). Methods are synchronous and thread-safe (one SQLite connection per
thread); the app calls them from thread workers.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from veille.core.library.database import Database


class CachedText(Protocol):
    @property
    def html(self) -> str: ...


class FullTextSource(Protocol):
    def article(self, item_id: int) -> CachedText | None: ...


class Subscribable(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def folder(self) -> str: ...


def dt(value: float | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


ROW_COLUMNS = """i.id, i.feed_id, i.title, COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''),
    veille_redact(f.url)), i.sort_ts, i.read, i.starred, i.truncated, i.has_full_text, i.url,
    (SELECT group_concat(t.name, char(31)) FROM item_tags it JOIN tags t ON t.id = it.tag_id
     WHERE it.item_id = i.id), i.cluster_id"""

FEED_COLUMNS = """f.id, f.url, COALESCE(NULLIF(f.user_title, ''), f.title), f.site_url,
    COALESCE(d.path, ''), f.etag, f.last_modified, f.last_status, f.last_error, f.failures,
    f.next_retry, f.last_fetched, f.full_text, f.gone, f.moved_to, f.language"""


class LibraryBase:
    """The library file and its per-thread connections."""

    def __init__(
        self, path: Path, *, backups: Path | None = None, verify_writes: bool = False
    ) -> None:
        self.db = Database(path, backups=backups, verify_writes=verify_writes)
        self.path = path
        self._cache: FullTextSource | None = None

    def close(self) -> None:
        self.db.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.connection()
