"""Subscriptions: feeds, their folders, titles and full-text policies."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Protocol

from veille.core.library._db import Database
from veille.core.library._problems import LibraryError
from veille.core.library._sql import FEED_COLUMNS, dt, placeholders
from veille.core.library._store import remember_removed_ids
from veille.core.model import FULL_TEXT_POLICIES, Feed, FeedPolicy
from veille.core.query import normalize_tag
from veille.core.redact import is_secret_url, redact_url
from veille.core.text import clean_line, collation_key
from veille.core.translations import _


class Subscribable(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def folder(self) -> str: ...


TITLE_LIMIT = 300  # a feed title the user gives; longer ones are cut with "…"


def _stand_in_title(url: str) -> str:
    """A title for a feed that has not named itself yet, when its address holds a secret.

    Every listing falls back to the URL for an untitled feed (a feed that never answered, or
    one without a title element); giving such a feed its redacted address as a title keeps the
    key out of those listings. The feed's own title replaces it at the first good refresh.
    """
    return redact_url(url) if is_secret_url(url) else ""


def _feed(row: Sequence[object]) -> Feed:
    return Feed(
        id=int(row[0]),  # type: ignore[call-overload]
        url=str(row[1]),
        title=str(row[2] or ""),
        site_url=str(row[3] or ""),
        folder=str(row[4] or ""),
        etag=str(row[5] or ""),
        last_modified=str(row[6] or ""),
        last_status=row[7],  # type: ignore[arg-type]
        last_error=str(row[8] or ""),
        failures=int(row[9] or 0),  # type: ignore[call-overload]
        next_retry=dt(row[10]),  # type: ignore[arg-type]
        last_fetched=dt(row[11]),  # type: ignore[arg-type]
        full_text=str(row[12] or ""),  # type: ignore[arg-type]
        gone=bool(row[13]),
        moved_to=str(row[14] or ""),
        language=str(row[15] or ""),
    )


def folder_id(conn: sqlite3.Connection, folder: str) -> int | None:
    folder = "/".join(p for p in (clean_line(part, 200) for part in folder.split("/")) if p)
    if not folder:
        return None
    conn.execute("INSERT OR IGNORE INTO folders (path) VALUES (?)", (folder,))
    return int(conn.execute("SELECT id FROM folders WHERE path = ?", (folder,)).fetchone()[0])


def add_feed(db: Database, url: str, *, title: str = "", folder: str = "") -> Feed:
    url = url.strip()
    if not url:
        raise LibraryError(_("a feed needs a URL"))
    with db.write() as conn:
        known = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        if known:
            raise LibraryError(_("already subscribed: {url}").format(url=url))
        cursor = conn.execute(
            "INSERT INTO feeds (url, title, user_title, folder_id, added) VALUES (?, ?, ?, ?, ?)",
            (
                url,
                _stand_in_title(url),
                clean_line(title, TITLE_LIMIT),
                folder_id(conn, folder),
                time.time(),
            ),
        )
    return feed(db.connection(), int(cursor.lastrowid or 0))


def add_feeds(db: Database, subscriptions: Iterable[Subscribable]) -> tuple[int, int]:
    """Subscribe to many feeds in one transaction; returns (added, already there)."""
    added = known = 0
    with db.write() as conn:
        for sub in subscriptions:
            url = sub.url.strip()
            if not url:
                continue
            if conn.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone():
                known += 1
                continue
            # A title the file gives is the user's (their old reader's, their `~Title`): it
            # wins over the feed's own at every refresh, as a title typed here does.
            cursor = conn.execute(
                "INSERT INTO feeds (url, title, user_title, folder_id, added) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    url,
                    _stand_in_title(url),
                    clean_line(sub.title, TITLE_LIMIT),
                    folder_id(conn, sub.folder),
                    time.time(),
                ),
            )
            tags = {t for t in (normalize_tag(t) for t in getattr(sub, "tags", ())) if t}
            conn.executemany(
                "INSERT OR IGNORE INTO feed_tags (feed_id, name) VALUES (?, ?)",
                [(cursor.lastrowid, name) for name in sorted(tags)],
            )
            added += 1
    return added, known


def remove_feed(db: Database, feed_id: int) -> None:
    with db.write() as conn:
        remember_removed_ids(conn)
        ids = [r[0] for r in conn.execute("SELECT id FROM items WHERE feed_id = ?", (feed_id,))]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(f"DELETE FROM items_fts WHERE rowid IN ({placeholders(chunk)})", chunk)
        conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))


def feed(conn: sqlite3.Connection, feed_id: int) -> Feed:
    row = conn.execute(
        f"SELECT {FEED_COLUMNS} FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id "
        "WHERE f.id = ?",
        (feed_id,),
    ).fetchone()
    if row is None:
        raise LibraryError(_("no feed with id {feed_id}").format(feed_id=feed_id))
    return _feed(row)


def feed_by_url(conn: sqlite3.Connection, url: str) -> Feed | None:
    row = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
    return feed(conn, row[0]) if row else None


def feeds(conn: sqlite3.Connection, *, counts: bool = True) -> list[Feed]:
    """Every feed, by folder and title; with its item counts unless `counts` is False (the
    counts read the whole feed index: a tenth of a second at 50,000 items, which a refresh
    would spend before its first request)."""
    totals: dict[int, tuple[int, int]] = {}
    if counts:
        totals = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                # Answered from `items_feed_flags` alone, already in feed order.
                "SELECT feed_id, count(*), sum(read = 0 AND hidden = 0) FROM items GROUP BY feed_id"
            )
        }
    found = []
    # Sorted here, each name's collation key made once: ORDER BY … COLLATE veille called the
    # collation for every comparison, two keys each (1,200 feeds: 0.3 s a listing, and a
    # refresh lists them three times).
    rows = conn.execute(
        "SELECT COALESCE(d.path, ''), COALESCE(NULLIF(f.user_title, ''), f.title, f.url), "
        f"{FEED_COLUMNS} FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id"
    ).fetchall()
    rows.sort(key=lambda r: (collation_key(r[0]), collation_key(r[1]), r[2]))
    for row in rows:
        one = _feed(row[2:])
        one.total, one.unread = totals.get(one.id, (0, 0))
        one.unread = int(one.unread or 0)
        found.append(one)
    return found


def folders(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT path FROM folders ORDER BY path COLLATE veille")]


def set_feed_folder(db: Database, feed_id: int, folder: str) -> None:
    with db.write() as conn:
        conn.execute(
            "UPDATE feeds SET folder_id = ? WHERE id = ?",
            (folder_id(conn, folder), feed_id),
        )


def set_feed_title(db: Database, feed_id: int, title: str) -> None:
    with db.write() as conn:
        conn.execute(
            "UPDATE feeds SET user_title = ? WHERE id = ?",
            (clean_line(title, TITLE_LIMIT), feed_id),
        )


def set_feed_policy(db: Database, feed_id: int, policy: FeedPolicy) -> None:
    """Give the feed a full-text policy of its own, or with "" none: it follows config.toml."""
    if policy and policy not in FULL_TEXT_POLICIES:
        raise LibraryError(
            _('full-text policy must be auto, always, never or default, not "{policy}"').format(
                policy=policy
            )
        )
    with db.write() as conn:
        conn.execute("UPDATE feeds SET full_text = ? WHERE id = ?", (policy, feed_id))
