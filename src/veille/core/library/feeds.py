"""Subscriptions and what refresh learns about them."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence

from veille.core.ingest.entries import PreparedEntry, TruncationCheck
from veille.core.library import store
from veille.core.library.base import FEED_COLUMNS, LibraryBase, Subscribable, dt
from veille.core.library.database import LibraryError, placeholders
from veille.core.library.store import StoreResult
from veille.core.model import (
    FULL_TEXT_POLICIES,
    Feed,
    FeedPolicy,
    ParsedFeed,
)
from veille.core.redact import is_secret_url, redact_url
from veille.core.text import clean_line

TITLE_LIMIT = 300  # a feed title the user gives; longer ones are cut with "…"

WRITER_CACHE_KIB = 65_536  # page cache of the connection that stores a refresh


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


class FeedsLayer(LibraryBase):
    # Feeds and folders -------------------------------------------------------------------

    def _folder_id(self, conn: sqlite3.Connection, folder: str) -> int | None:
        folder = "/".join(p for p in (clean_line(part, 200) for part in folder.split("/")) if p)
        if not folder:
            return None
        conn.execute("INSERT OR IGNORE INTO folders (path) VALUES (?)", (folder,))
        return int(conn.execute("SELECT id FROM folders WHERE path = ?", (folder,)).fetchone()[0])

    def add_feed(self, url: str, *, title: str = "", folder: str = "") -> Feed:
        url = url.strip()
        if not url:
            raise LibraryError("a feed needs a URL")
        with self.db.write() as conn:
            known = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
            if known:
                raise LibraryError(f"already subscribed: {url}")
            cursor = conn.execute(
                "INSERT INTO feeds (url, title, user_title, folder_id, added) VALUES (?, ?, ?, ?, ?)",
                (
                    url,
                    _stand_in_title(url),
                    clean_line(title, TITLE_LIMIT),
                    self._folder_id(conn, folder),
                    time.time(),
                ),
            )
        return self.feed(int(cursor.lastrowid or 0))

    def add_feeds(self, subscriptions: Iterable[Subscribable]) -> tuple[int, int]:
        """Subscribe to many feeds in one transaction; returns (added, already there)."""
        added = known = 0
        with self.db.write() as conn:
            for sub in subscriptions:
                url = sub.url.strip()
                if not url:
                    continue
                if conn.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone():
                    known += 1
                    continue
                conn.execute(
                    "INSERT INTO feeds (url, title, user_title, folder_id, added) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        url,
                        clean_line(sub.title, TITLE_LIMIT) or _stand_in_title(url),
                        "",
                        self._folder_id(conn, sub.folder),
                        time.time(),
                    ),
                )
                added += 1
        return added, known

    def remove_feed(self, feed_id: int) -> None:
        with self.db.write() as conn:
            store.remember_removed_ids(conn)
            ids = [r[0] for r in conn.execute("SELECT id FROM items WHERE feed_id = ?", (feed_id,))]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(f"DELETE FROM items_fts WHERE rowid IN ({placeholders(chunk)})", chunk)
            conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def feed(self, feed_id: int) -> Feed:
        row = self.conn.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id "
            "WHERE f.id = ?",
            (feed_id,),
        ).fetchone()
        if row is None:
            raise LibraryError(f"no feed with id {feed_id}")
        return _feed(row)

    def feed_by_url(self, url: str) -> Feed | None:
        row = self.conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        return self.feed(row[0]) if row else None

    def feeds(self, *, counts: bool = True) -> list[Feed]:
        """Every feed, by folder and title; with its item counts unless `counts` is False (the
        counts read the whole feed index: a tenth of a second at 50,000 items, which a refresh
        would spend before its first request)."""
        totals: dict[int, tuple[int, int]] = {}
        if counts:
            totals = {
                row[0]: (row[1], row[2])
                for row in self.conn.execute(
                    # Answered from `items_feed_flags` alone, already in feed order.
                    "SELECT feed_id, count(*), sum(read = 0 AND hidden = 0) FROM items "
                    "GROUP BY feed_id"
                )
            }
        feeds = []
        for row in self.conn.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id "
            "ORDER BY COALESCE(d.path, ''), COALESCE(NULLIF(f.user_title, ''), f.title, f.url) "
            "COLLATE NOCASE, f.id"
        ):
            feed = _feed(row)
            feed.total, feed.unread = totals.get(feed.id, (0, 0))
            feed.unread = int(feed.unread or 0)
            feeds.append(feed)
        return feeds

    def folders(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT path FROM folders ORDER BY path")]

    def set_feed_folder(self, feed_id: int, folder: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "UPDATE feeds SET folder_id = ? WHERE id = ?",
                (self._folder_id(conn, folder), feed_id),
            )

    def set_feed_title(self, feed_id: int, title: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "UPDATE feeds SET user_title = ? WHERE id = ?",
                (clean_line(title, TITLE_LIMIT), feed_id),
            )

    def set_feed_policy(self, feed_id: int, policy: FeedPolicy) -> None:
        """Give the feed a full-text policy of its own, or with "" none: it follows config.toml."""
        if policy and policy not in FULL_TEXT_POLICIES:
            raise LibraryError(
                f'full-text policy must be auto, always, never or default, not "{policy}"'
            )
        with self.db.write() as conn:
            conn.execute("UPDATE feeds SET full_text = ? WHERE id = ?", (policy, feed_id))

    # Refresh results --------------------------------------------------------------------

    def ingest(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        status: int | None,
        etag: str = "",
        last_modified: str = "",
        moved_to: str = "",
        is_truncated: TruncationCheck | None = None,
        now: float | None = None,
        prepared: list[PreparedEntry] | None = None,
    ) -> StoreResult:
        """Store a fetched feed and its entries in one transaction.

        `prepared` is `veille.core.ingest.entries.prepare_entries(parsed, …)` when the caller already computed it
        (refresh does, off the writer thread).
        """
        moment = now or time.time()
        with self.db.write() as conn:
            store.update_feed_meta(conn, feed_id, parsed)
            result = store.store_entries(
                conn, feed_id, parsed, now=moment, is_truncated=is_truncated, prepared=prepared
            )
            store.record_success(
                conn,
                feed_id,
                now=moment,
                status=status,
                etag=etag,
                last_modified=last_modified,
                moved_to=moved_to,
            )
        return result

    def ingest_not_modified(
        self, feed_id: int, *, status: int | None = 304, moved_to: str = ""
    ) -> None:
        with self.db.write() as conn:
            store.record_not_modified(
                conn, feed_id, now=time.time(), status=status, moved_to=moved_to
            )

    def record_refresh(
        self, outcomes: Sequence[store.Outcome]
    ) -> list[StoreResult | float | Exception | None]:
        """Write several feeds' refresh outcomes in one transaction, in order.

        One commit for many feeds instead of one each: the search index is flushed (and its
        segments merged) once per commit, which is most of what a feed's commit costs. Each feed
        is written in a savepoint: one that fails (an unexpected value) is rolled back alone and
        its exception is returned in its place, the others land. A failure of the file itself
        (full disk, busy beyond the timeout) fails the whole batch, as `LibraryError`, and
        nothing of it is written. Returns, per outcome, the `StoreResult` of a stored feed, the
        next retry time of a failed one (or None), None for a 304.
        """
        results: list[StoreResult | float | Exception | None] = []
        with self.db.write() as conn:
            # Storing touches nine item indexes and merges search-index segments just written:
            # with SQLite's default 2 MB page cache those pages are read back from the file again
            # and again (1,000 feeds: 12.6 s of writing instead of about 7). The cache fills only
            # as it is used, and only the refreshing connection asks for it.
            conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            for outcome in outcomes:
                conn.execute("SAVEPOINT feed_outcome")
                try:
                    results.append(_apply(conn, outcome))
                except sqlite3.OperationalError:
                    raise
                except Exception as problem:  # this feed's data, not the file: it fails alone
                    conn.execute("ROLLBACK TO feed_outcome")
                    results.append(problem)
                conn.execute("RELEASE feed_outcome")
        return results

    def ingest_failure(
        self,
        feed_id: int,
        *,
        status: int | None,
        error: str,
        retry_after: float | None = None,
        gone: bool = False,
    ) -> float | None:
        with self.db.write() as conn:
            return store.record_failure(
                conn,
                feed_id,
                now=time.time(),
                status=status,
                error=error,
                retry_after=retry_after,
                gone=gone,
            )


def _apply(conn: sqlite3.Connection, outcome: store.Outcome) -> StoreResult | float | None:
    now = time.time()
    if isinstance(outcome, store.Fetched):
        store.update_feed_meta(conn, outcome.feed_id, outcome.meta)
        result = store.store_entries(
            conn, outcome.feed_id, outcome.meta, now=now, prepared=outcome.prepared
        )
        store.record_success(
            conn,
            outcome.feed_id,
            now=now,
            status=outcome.status,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            moved_to=outcome.moved_to,
        )
        return result
    if isinstance(outcome, store.NotModified):
        store.record_not_modified(
            conn, outcome.feed_id, now=now, status=outcome.status, moved_to=outcome.moved_to
        )
        return None
    return store.record_failure(
        conn,
        outcome.feed_id,
        now=now,
        status=outcome.status,
        error=outcome.error,
        retry_after=outcome.retry_after,
        gone=outcome.gone,
    )
