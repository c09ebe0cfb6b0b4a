"""Items the account has and the library has not linked yet: read by id, in chunks, then
matched with the library's own (link, then title and date) or inserted.

A matched item keeps what both sides say (read = either, starred = either, tags = union) and
what the server lacks is left dirty, to be pushed at once; the base is the server's state.
Inserted items go through the library's one item writer (`store_entries`), search index and
all, and take the server's state in a few statements.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from veille.core.library._db import Database
from veille.core.library._sql import placeholders
from veille.core.library._store import store_entries
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.sync import merge
from veille.core.sync.client import GReaderClient
from veille.core.sync.items import PullReport, set_flag, set_tags
from veille.core.sync.journal import Labels, item_tags, load_labels, mark_dirty, save_labels
from veille.core.sync.names import LABEL, READ, STARRED, short_id, true_title
from veille.core.sync.names import runs as chunks


def _href(item: dict[str, Any], key: str) -> str:
    links = item.get(key)
    if isinstance(links, list) and links and isinstance(links[0], dict):
        return str(links[0].get("href") or "")
    return ""


def _entry(item: dict[str, Any], rid: str) -> ParsedEntry:
    url = _href(item, "canonical") or _href(item, "alternate")
    published = item.get("published")
    when = (
        datetime.fromtimestamp(float(published), UTC)
        if isinstance(published, int | float)
        else None
    )
    summary = item.get("summary") or item.get("content") or {}
    cats = [
        c for c in item.get("categories", []) if isinstance(c, str) and not c.startswith("user/")
    ]
    return ParsedEntry(
        guid=url or f"greader:{rid}",
        link=url or None,
        title=true_title(str(item.get("title") or "")),
        author=str(item.get("author") or ""),
        summary=str(summary.get("content") or "") if isinstance(summary, dict) else "",
        published=when,
        categories=cats,
    )


def _server_state(
    item: dict[str, Any], labels: Labels | None, folders: set[str]
) -> tuple[bool, bool, set[str]]:
    cats = {c for c in item.get("categories", []) if isinstance(c, str)}
    names = set()
    if labels is not None:
        names = {c[len(LABEL) :] for c in cats if c.startswith(LABEL)} - folders
    return READ in cats, STARRED in cats, names


def add_unknown(
    db: Database,
    account_id: int,
    client: GReaderClient,
    unknown: list[str],
    feed_of: dict[str, int],
    labels_on: bool,
    folders: set[str],
    on_progress: Callable[[int, int], None] | None = None,
) -> PullReport:
    """Read the items `unknown` and link each to a local item (matched, or new)."""
    report = PullReport()
    done = 0
    for batch in client.contents(unknown):
        done += len(batch)
        with db.write() as conn:
            labels = load_labels(conn, account_id) if labels_on else None
            _link_batch(conn, account_id, batch, feed_of, labels, folders, report)
            if labels is not None:
                save_labels(conn, account_id, labels)
        if on_progress is not None:
            on_progress(done, len(unknown))
    return report


def _local_index(conn: sqlite3.Connection, account_id: int, feed_id: int) -> merge.LocalIndex:
    index = merge.LocalIndex()
    for item_id, url, canonical, title, published in conn.execute(
        "SELECT id, url, canonical_url, title, published FROM items i WHERE feed_id = ? AND "
        "NOT EXISTS (SELECT 1 FROM remote_items r WHERE r.item_id = i.id AND r.account_id = ?)",
        (feed_id, account_id),
    ):
        index.add(item_id, url, canonical, title, published)
    return index


def _link_batch(
    conn: sqlite3.Connection,
    account_id: int,
    batch: list[dict[str, Any]],
    feed_of: dict[str, int],
    labels: Labels | None,
    folders: set[str],
    report: PullReport,
) -> None:
    by_feed: dict[int, list[tuple[str, dict[str, Any]]]] = {}
    for item in batch:
        origin = item.get("origin") or {}
        feed_id = (
            feed_of.get(str(origin.get("streamId") or "")) if isinstance(origin, dict) else None
        )
        if feed_id is None:
            continue  # a feed not (yet) linked: read again at the next sync
        by_feed.setdefault(feed_id, []).append((short_id(str(item.get("id"))), item))
    now = time.time()
    inserted: list[tuple[str, int, tuple[bool, bool, set[str]]]] = []
    for feed_id, pairs in by_feed.items():
        index = _local_index(conn, account_id, feed_id)
        fresh: list[tuple[str, dict[str, Any], ParsedEntry]] = []
        for rid, item in pairs:
            entry = _entry(item, rid)
            stamp = entry.published.timestamp() if entry.published else None
            found = index.match(entry.link or "", entry.title, stamp)
            if found is None:
                fresh.append((rid, item, entry))
                continue
            _link(
                conn,
                account_id,
                rid,
                found,
                _server_state(item, labels, folders),
                labels,
                matched=True,
                report=report,
            )
        if fresh:
            from veille.core.ingest.entries import prepare_entries

            prepared = prepare_entries(ParsedFeed(entries=[e for _, _, e in fresh]))
            stored = store_entries(conn, feed_id, prepared, now=now)
            report.new_ids += stored.new_ids
            ids = _ids_by_guid(conn, feed_id, [e.guid or "" for _, _, e in fresh])
            new = set(stored.new_ids)
            for rid, item, entry in fresh:
                item_id = ids.get(entry.guid or "")
                if item_id is None:
                    continue
                state = _server_state(item, labels, folders)
                if item_id in new:
                    inserted.append((rid, item_id, state))
                else:  # stored before under that guid: matched after all
                    _link(conn, account_id, rid, item_id, state, labels, matched=True,
                          report=report)  # fmt: skip
    _link_new(conn, account_id, inserted, labels, report)
    report.counts["new items"] = len(report.new_ids)


def _ids_by_guid(conn: sqlite3.Connection, feed_id: int, guids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(guids):
        for guid, item_id in conn.execute(
            f"SELECT guid, id FROM items WHERE feed_id = ? AND guid IN ({placeholders(chunk)})",
            (feed_id, *chunk),
        ):
            found[guid] = item_id
    return found


def _link(
    conn: sqlite3.Connection,
    account_id: int,
    rid: str,
    item_id: int,
    server: tuple[bool, bool, set[str]],
    labels: Labels | None,
    *,
    matched: bool,
    report: PullReport,
) -> None:
    """Link the local item to the server's: base = the server's state; the local item takes
    the union of both, and what the server lacks is left dirty, to be pushed."""
    read, starred, names = server
    local_read, local_starred = conn.execute(
        "SELECT read, starred FROM items WHERE id = ?", (item_id,)
    ).fetchone()
    tags = item_tags(conn, [item_id]).get(item_id, set())
    if read and not local_read:
        set_flag(conn, item_id, "read", True)
        report.counts["read"] += matched
    if starred and not local_starred:
        set_flag(conn, item_id, "starred", True)
        report.counts["star"] += matched
    server_tags = {labels.tag(n) for n in names} if labels is not None else set()
    if server_tags - tags:
        set_tags(conn, item_id, server_tags - tags, set())
        report.counts["tag"] += len(server_tags - tags) if matched else 0
    conn.execute(
        "INSERT OR IGNORE INTO remote_items (account_id, remote_id, item_id, base_read, "
        "base_starred) VALUES (?, ?, ?, ?, ?)",
        (account_id, rid, item_id, int(read), int(starred)),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO remote_item_labels (account_id, remote_name, remote_id) VALUES (?,?,?)",
        [(account_id, n, rid) for n in names],
    )
    if labels is not None:
        for n in names:
            labels.by_remote.setdefault(n, labels.tag(n))
    ahead = (local_read and not read) or (local_starred and not starred)
    if ahead or (labels is not None and tags - server_tags):
        mark_dirty(conn, account_id, [item_id])
        report.counts["to push"] += 1
    report.counts["matched" if matched else "inserted"] += 1


def _link_new(conn: sqlite3.Connection, account_id: int,
              inserted: list[tuple[str, int, tuple[bool, bool, set[str]]]],
              labels: Labels | None, report: PullReport) -> None:  # fmt: skip
    """Link items just inserted: they take the server's state as it is, in a few statements
    (one per item and column would be most of a first sync's time)."""
    read = [item_id for _, item_id, (r, _, _) in inserted if r]
    starred = [item_id for _, item_id, (_, s, _) in inserted if s]
    for chunk in chunks(read):
        conn.execute(f"UPDATE items SET read = 1 WHERE id IN ({placeholders(chunk)})", chunk)
    for chunk in chunks(starred):
        conn.execute(
            f"UPDATE items SET starred = 1, starred_at = ? WHERE id IN ({placeholders(chunk)})",
            (time.time(), *chunk),
        )
    if labels is not None:
        pairs = {(labels.tag(n), item_id) for _, item_id, (_, _, names) in inserted for n in names}
        conn.executemany("INSERT OR IGNORE INTO tags (name) VALUES (?)", {(t,) for t, _ in pairs})
        conn.executemany(
            "INSERT OR IGNORE INTO item_tags (item_id, tag_id) "
            "SELECT ?, id FROM tags WHERE name = ?",
            [(item_id, t) for t, item_id in pairs],
        )
        for _, _, (_, _, names) in inserted:
            for n in names:
                labels.by_remote.setdefault(n, labels.tag(n))
    conn.executemany(
        "INSERT OR IGNORE INTO remote_items (account_id, remote_id, item_id, base_read, "
        "base_starred) VALUES (?, ?, ?, ?, ?)",
        [(account_id, rid, item_id, int(r), int(s)) for rid, item_id, (r, s, _) in inserted],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO remote_item_labels (account_id, remote_name, remote_id) "
        "VALUES (?, ?, ?)",
        [(account_id, n, rid) for rid, _, (_, _, names) in inserted for n in names],
    )
    report.counts["inserted"] += len(inserted)
