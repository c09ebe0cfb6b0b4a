"""The `Library` facade: everything the app, the command line and the exporters ask of the store.

Methods are synchronous and thread-safe (one SQLite connection per thread); the app calls them
from thread workers. Writes are short transactions, so a refresh running in another process only
ever waits for milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from veille.library import clusters, store, userstate
from veille.library.database import Database, LibraryError
from veille.library.database import placeholders
from veille.library.store import StoreResult, TruncationCheck
from veille.library.views import Condition, View, build_where
from veille.model import (
    FULL_TEXT_POLICIES,
    Enclosure,
    Feed,
    FullTextPolicy,
    Item,
    ItemRow,
    ParsedFeed,
    SavedSearch,
    Stats,
)

ROW_COLUMNS = """i.id, i.feed_id, i.title, COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''),
    f.url), i.sort_ts, i.read, i.starred, i.truncated, i.has_full_text, i.url,
    (SELECT group_concat(t.name, char(31)) FROM item_tags it JOIN tags t ON t.id = it.tag_id
     WHERE it.item_id = i.id), i.cluster_id"""

FEED_COLUMNS = """f.id, f.url, COALESCE(NULLIF(f.user_title, ''), f.title), f.site_url,
    COALESCE(d.path, ''), f.etag, f.last_modified, f.last_status, f.last_error, f.failures,
    f.next_retry, f.last_fetched, f.full_text, f.gone, f.moved_to, f.language"""


class Subscribable(Protocol):
    url: str
    title: str
    folder: str


def _dt(value: float | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


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
        next_retry=_dt(row[10]),  # type: ignore[arg-type]
        last_fetched=_dt(row[11]),  # type: ignore[arg-type]
        full_text=row[12],  # type: ignore[arg-type]
        gone=bool(row[13]),
        moved_to=str(row[14] or ""),
        language=str(row[15] or ""),
    )


def _row(row: Sequence[object], cluster_sizes: dict[int, int]) -> ItemRow:
    cluster = row[11]
    return ItemRow(
        id=int(row[0]),  # type: ignore[call-overload]
        feed_id=int(row[1]),  # type: ignore[call-overload]
        title=str(row[2]),
        feed_title=str(row[3]),
        sort_date=_dt(row[4]),  # type: ignore[arg-type]
        read=bool(row[5]),
        starred=bool(row[6]),
        truncated=bool(row[7]),
        has_full_text=bool(row[8]),
        url=str(row[9]),
        tags=tuple(str(row[10]).split("\x1f")) if row[10] else (),
        cluster_size=cluster_sizes.get(cluster, 1) if isinstance(cluster, int) else 1,
    )


class Library:
    """A veille library: one SQLite file."""

    def __init__(self, path: Path, *, backups: Path | None = None) -> None:
        self.db = Database(path, backups=backups)
        self.path = path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.connection()

    # Feeds and folders -------------------------------------------------------------------

    def _folder_id(self, conn: sqlite3.Connection, folder: str) -> int | None:
        folder = "/".join(part.strip() for part in folder.split("/") if part.strip())
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
                "INSERT INTO feeds (url, user_title, folder_id, added) VALUES (?, ?, ?, ?)",
                (url, title.strip(), self._folder_id(conn, folder), time.time()),
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
                    "INSERT INTO feeds (url, user_title, folder_id, added) VALUES (?, ?, ?, ?)",
                    (url, "", self._folder_id(conn, sub.folder), time.time()),
                )
                if sub.title:
                    conn.execute("UPDATE feeds SET title = ? WHERE url = ?", (sub.title, url))
                added += 1
        return added, known

    def remove_feed(self, feed_id: int) -> None:
        with self.db.write() as conn:
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

    def feeds(self) -> list[Feed]:
        counts = {
            row[0]: (row[1], row[2])
            for row in self.conn.execute(
                "SELECT feed_id, count(*), sum(read = 0 AND hidden = 0) FROM items GROUP BY feed_id"
            )
        }
        feeds = []
        for row in self.conn.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id "
            "ORDER BY COALESCE(d.path, ''), COALESCE(NULLIF(f.user_title, ''), f.title, f.url) "
            "COLLATE NOCASE, f.id"
        ):
            feed = _feed(row)
            feed.total, feed.unread = counts.get(feed.id, (0, 0))
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
            conn.execute("UPDATE feeds SET user_title = ? WHERE id = ?", (title.strip(), feed_id))

    def set_feed_policy(self, feed_id: int, policy: FullTextPolicy) -> None:
        if policy not in FULL_TEXT_POLICIES:
            raise LibraryError(f'full-text policy must be auto, always or never, not "{policy}"')
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
    ) -> StoreResult:
        """Store a fetched feed and its entries in one transaction."""
        moment = now or time.time()
        with self.db.write() as conn:
            store.update_feed_meta(conn, feed_id, parsed)
            result = store.store_entries(conn, feed_id, parsed, now=moment, is_truncated=is_truncated)
            store.record_success(conn, feed_id, now=moment, status=status, etag=etag,
                                 last_modified=last_modified, moved_to=moved_to)
        return result

    def ingest_not_modified(self, feed_id: int, *, status: int | None = 304,
                            moved_to: str = "") -> None:
        with self.db.write() as conn:
            conn.execute(
                """UPDATE feeds SET last_status = ?, last_error = '', failures = 0,
                       next_retry = NULL, last_fetched = ?,
                       moved_to = CASE WHEN ? != '' THEN ? ELSE moved_to END WHERE id = ?""",
                (status, time.time(), moved_to, moved_to, feed_id),
            )

    def ingest_failure(self, feed_id: int, *, status: int | None, error: str,
                       retry_after: float | None = None, gone: bool = False) -> float | None:
        with self.db.write() as conn:
            return store.record_failure(conn, feed_id, now=time.time(), status=status,
                                        error=error, retry_after=retry_after, gone=gone)

    # Stories told by several feeds ----------------------------------------------------------

    def cluster(self, new_ids: Sequence[int]) -> int:
        """Group new items with the stories they belong to (see `clusters`)."""
        return clusters.cluster_new_items(self.db, new_ids)

    def cluster_members(self, item_id: int) -> list[int]:
        return clusters.cluster_members(self.conn, item_id)

    # Items --------------------------------------------------------------------------------

    def _where(self, query: str, view: View | None, *, collapse: bool = False) -> Condition:
        extra: tuple[str, ...] = ()
        if view is not None and view.saved_search_id is not None:
            row = self.conn.execute(
                "SELECT query FROM saved_searches WHERE id = ?", (view.saved_search_id,)
            ).fetchone()
            extra = (row[0],) if row else ("id:0",)
        if view is not None and view.rule_id is not None:
            row = self.conn.execute(
                "SELECT query FROM rules WHERE id = ?", (view.rule_id,)
            ).fetchone()
            extra = (row[0],) if row else ("id:0",)
        return build_where(query, view, extra_queries=extra, collapse=collapse)

    def count(self, query: str = "", *, view: View | None = None, collapse: bool = True) -> int:
        cond = self._where(query, view, collapse=collapse)
        sql = f"SELECT count(*) FROM items i JOIN feeds f ON f.id = i.feed_id WHERE {cond.sql}"
        return int(self.conn.execute(sql, cond.params).fetchone()[0])

    def rows(
        self, query: str = "", *, view: View | None = None, offset: int = 0, limit: int = 100
    ) -> list[ItemRow]:
        """A window of the item list, newest first; a story from several feeds shows once."""
        cond = self._where(query, view, collapse=True)
        rows = self.conn.execute(
            f"SELECT {ROW_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id "
            f"WHERE {cond.sql} ORDER BY i.sort_ts DESC, i.id DESC LIMIT ? OFFSET ?",
            (*cond.params, limit, offset),
        ).fetchall()
        clusters = [r[11] for r in rows if r[11] is not None]
        sizes: dict[int, int] = {}
        if clusters:
            sizes = dict(
                self.conn.execute(
                    f"SELECT cluster_id, count(*) FROM items WHERE cluster_id IN "
                    f"({placeholders(clusters)}) GROUP BY cluster_id",
                    clusters,
                ).fetchall()
            )
        return [_row(r, sizes) for r in rows]

    def item_ids(self, query: str = "", *, view: View | None = None) -> list[int]:
        cond = self._where(query, view)
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id WHERE {cond.sql} "
                "ORDER BY i.sort_ts DESC, i.id DESC",
                cond.params,
            )
        ]

    def position(self, item_id: int, query: str = "", *, view: View | None = None) -> int | None:
        """Where `item_id` stands in the list of `query`/`view`, or None if it is not there."""
        row = self.conn.execute(
            "SELECT sort_ts FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            return None
        cond = self._where(query, view, collapse=True)
        present = self.conn.execute(
            f"SELECT 1 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ? AND {cond.sql}",
            (item_id, *cond.params),
        ).fetchone()
        if not present:
            return None
        before = self.conn.execute(
            f"SELECT count(*) FROM items i JOIN feeds f ON f.id = i.feed_id WHERE {cond.sql} "
            "AND (i.sort_ts > ? OR (i.sort_ts = ? AND i.id > ?))",
            (*cond.params, row[0], row[0], item_id),
        ).fetchone()
        return int(before[0])

    def items(
        self, query: str = "", *, view: View | None = None, limit: int | None = None
    ) -> list[Item]:
        """Full records (bodies, tags, notes) for exports and the command line."""
        ids = self.item_ids(query, view=view)
        if limit is not None:
            ids = ids[:limit]
        return self.items_by_id(ids)

    def items_by_id(self, ids: Sequence[int]) -> list[Item]:
        found: dict[int, Item] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for item in self._load_items(chunk):
                found[item.id] = item
        return [found[i] for i in ids if i in found]

    def item(self, item_id: int) -> Item:
        items = self._load_items([item_id])
        if not items:
            raise LibraryError(f"no item with id {item_id}")
        return items[0]

    def _load_items(self, ids: list[int]) -> list[Item]:
        if not ids:
            return []
        marks = placeholders(ids)
        conn = self.conn
        tags: dict[int, list[str]] = {}
        for item_id, name in conn.execute(
            f"SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({marks}) ORDER BY t.name",
            ids,
        ):
            tags.setdefault(item_id, []).append(name)
        rows = conn.execute(
            f"""SELECT i.id, i.feed_id, i.guid, i.url, i.title, i.author, i.summary, i.content,
                   i.published, i.updated, i.sort_ts, i.categories, i.enclosures, i.language,
                   i.read, i.starred, i.hidden, i.truncated, i.full_text, i.full_text_error,
                   COALESCE(n.body, ''), COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''),
                   f.url), f.url, i.cluster_id, f.language
                FROM items i JOIN feeds f ON f.id = i.feed_id
                LEFT JOIN notes n ON n.item_id = i.id WHERE i.id IN ({marks})""",
            ids,
        ).fetchall()
        clusters = [r[23] for r in rows if r[23] is not None]
        sizes: dict[int, int] = {}
        if clusters:
            sizes = dict(
                conn.execute(
                    f"SELECT cluster_id, count(*) FROM items WHERE cluster_id IN "
                    f"({placeholders(clusters)}) GROUP BY cluster_id",
                    clusters,
                ).fetchall()
            )
        items = []
        for r in rows:
            items.append(
                Item(
                    id=r[0], feed_id=r[1], guid=r[2], url=r[3], title=r[4], author=r[5],
                    summary=r[6], content=r[7], published=_dt(r[8]), updated=_dt(r[9]),
                    sort_date=_dt(r[10]), categories=json.loads(r[11] or "[]"),
                    enclosures=[Enclosure(**e) for e in json.loads(r[12] or "[]")],
                    language=r[13] or r[24] or "", read=bool(r[14]), starred=bool(r[15]),
                    hidden=bool(r[16]), truncated=bool(r[17]), full_text=r[18],
                    full_text_error=r[19], note=r[20], feed_title=r[21], feed_url=r[22],
                    tags=tags.get(r[0], []), cluster_id=r[23],
                    cluster_size=sizes.get(r[23], 1) if r[23] is not None else 1,
                )
            )
        return items

    # User state: read, star, tags, notes (the parts that must never be lost) ---------------

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        return userstate.set_flag(self.db, "read", list(ids), read)

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int:
        return userstate.set_flag(self.db, "starred", list(ids), starred)

    def set_hidden(self, ids: Iterable[int], hidden: bool = True) -> int:
        return userstate.set_flag(self.db, "hidden", list(ids), hidden)

    def tag(self, ids: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        userstate.tag(self.db, list(ids), list(add), list(remove))

    def set_note(self, item_id: int, text: str) -> None:
        userstate.set_note(self.db, item_id, text)

    def tags(self) -> list[userstate.TagCount]:
        return userstate.tag_counts(self.conn)

    def stats(self) -> Stats:
        conn = self.conn
        feeds, failing = conn.execute(
            "SELECT count(*), coalesce(sum(last_error != ''), 0) FROM feeds"
        ).fetchone()
        items, unread, starred = conn.execute(
            "SELECT count(*), coalesce(sum(read = 0 AND hidden = 0), 0), "
            "coalesce(sum(starred), 0) FROM items"
        ).fetchone()
        tagged = conn.execute("SELECT count(DISTINCT item_id) FROM item_tags").fetchone()[0]
        return Stats(feeds=feeds, items=items, unread=unread, starred=starred, tagged=tagged,
                     failing_feeds=failing)

    # Saved searches and small state --------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        searches = []
        for sid, name, query in self.conn.execute(
            "SELECT id, name, query FROM saved_searches ORDER BY position, name"
        ).fetchall():
            search = SavedSearch(id=sid, name=name, query=query)
            try:
                search.unread = self.count(query, view=View(unread_only=True))
            except ValueError:  # a query that no longer parses still shows, with no count
                search.unread = 0
            searches.append(search)
        return searches

    def save_search(self, name: str, query: str) -> SavedSearch:
        build_where(query, None)  # refuse a query that does not compile, before saving it
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO saved_searches (name, query) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                (name.strip(), query.strip()),
            )
            sid = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (name.strip(),))
            return SavedSearch(id=sid.fetchone()[0], name=name.strip(), query=query.strip())

    def delete_search(self, search_id: int) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))

    def get_state(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_state(self, key: str, value: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def backup(self, target: Path) -> None:
        self.db.backup_to(target)


def open_library(path: Path, *, backups: Path | None = None) -> Library:
    """Open (creating or migrating) the library at `path`."""
    return Library(path, backups=backups)
