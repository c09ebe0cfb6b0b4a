"""Pulling the state of the items an account knows: id sets and the three-way merge.

The server has no "changed since" query (SYNC.md §2.6): state changes are found by comparing id
sets — every id, the unread ones, the starred ones, one set per label — with the base. An item
missing from every set was purged or its feed left the server: it is frozen (`gone`), never
marked read for its absence, and its stars and tags stay (Q7). Items never seen are
`incoming`'s.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from veille.core.library._db import Database
from veille.core.sync.client import GReaderClient
from veille.core.sync.journal import (
    Labels,
    base_labels,
    item_tags,
    load_labels,
    mark_dirty,
)
from veille.core.sync.names import LABEL, READ, READING_LIST, STARRED

DAY = 86400.0


@dataclass(slots=True)
class ServerSets:
    every: set[str]
    unread: set[str]
    starred: set[str]
    labels: dict[str, set[str]] | None  # None: labels are not synced with this account
    _by_item: dict[str, set[str]] | None = None

    def labels_of(self, rid: str) -> set[str]:
        if self._by_item is None:
            self._by_item = {}
            for name, members in (self.labels or {}).items():
                for member in members:
                    self._by_item.setdefault(member, set()).add(name)
        return self._by_item.get(rid, set())


@dataclass(slots=True)
class PullReport:
    counts: Counter[str] = field(default_factory=Counter)
    new_ids: list[int] = field(default_factory=list)


def read_sets(client: GReaderClient, label_names: Sequence[str] | None) -> ServerSets:
    every = client.ids(READING_LIST)
    unread = client.ids(READING_LIST, exclude=READ)
    starred = client.ids(STARRED)
    labels = None
    if label_names is not None:
        # Four at a time, as a sync of 50 labels would otherwise wait for 50 round trips.
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="veille-sync") as pool:
            found = pool.map(lambda name: set(client.ids(LABEL + name)), label_names)
            labels = dict(zip(label_names, found, strict=True))
    return ServerSets(set(every), set(unread), set(starred), labels)


def set_tags(conn: sqlite3.Connection, item_id: int, add: set[str], remove: set[str]) -> None:
    for name in sorted(add):
        conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        conn.execute(
            "INSERT OR IGNORE INTO item_tags (item_id, tag_id) "
            "SELECT ?, id FROM tags WHERE name = ?",
            (item_id, name),
        )
    for name in sorted(remove):
        conn.execute(
            "DELETE FROM item_tags WHERE item_id = ? AND tag_id = (SELECT id FROM tags WHERE name = ?)",
            (item_id, name),
        )


def set_flag(conn: sqlite3.Connection, item_id: int, flag: str, value: bool) -> None:
    if flag == "starred":
        conn.execute(
            "UPDATE items SET starred = ?, starred_at = ? WHERE id = ? AND starred != ?",
            (int(value), time.time() if value else None, item_id, int(value)),
        )
    else:
        conn.execute(
            "UPDATE items SET read = ? WHERE id = ? AND read != ?",
            (int(value), item_id, int(value)),
        )


def merge_known(
    db: Database, account_id: int, sets: ServerSets, *, pushed: set[tuple[int, str]]
) -> Counter[str]:
    """Adopt the server's changes on the items the account knows (not dirty ones).

    A field `pushed` moments ago (item id, "read" | "starred" | "label:NAME") that the server
    does not show as pushed was dropped by it (Q17 and the like): it is left dirty, to be sent
    again, rather than undone here.
    """
    counts: Counter[str] = Counter()
    with db.write() as conn:
        labels = load_labels(conn, account_id)
        dirty = {
            r[0]
            for r in conn.execute(
                "SELECT item_id FROM sync_dirty WHERE account_id = ?", (account_id,)
            )
        }
        rows = conn.execute(
            "SELECT r.remote_id, r.item_id, r.base_read, r.base_starred, i.read, i.starred "
            "FROM remote_items r JOIN items i ON i.id = r.item_id "
            "WHERE r.account_id = ? AND r.gone = 0",
            (account_id,),
        ).fetchall()
        gone = [(account_id, r[0]) for r in rows if r[0] not in sets.every]
        conn.executemany(
            "UPDATE remote_items SET gone = 1 WHERE account_id = ? AND remote_id = ?", gone
        )
        counts["gone"] += len(gone)
        live = [r for r in rows if r[0] in sets.every and r[1] not in dirty]
        bases = (
            base_labels(conn, account_id, [r[0] for r in live]) if sets.labels is not None else {}
        )
        tags = item_tags(conn, [r[1] for r in live]) if sets.labels is not None else {}
        touched: list[int] = []
        unconfirmed: set[int] = set()
        for rid, item_id, base_read, base_starred, read, starred in live:
            server_read = rid not in sets.unread
            server_starred = rid in sets.starred
            changed = False
            if server_read != bool(base_read) and (item_id, "read") in pushed:
                unconfirmed.add(item_id)
            elif server_read != bool(base_read):
                conn.execute(
                    "UPDATE remote_items SET base_read = ? WHERE account_id = ? AND remote_id = ?",
                    (int(server_read), account_id, rid),
                )
                if server_read != bool(read):
                    set_flag(conn, item_id, "read", server_read)
                    counts["read" if server_read else "unread"] += 1
                    changed = True
            if server_starred != bool(base_starred) and (item_id, "starred") in pushed:
                unconfirmed.add(item_id)
            elif server_starred != bool(base_starred):
                conn.execute(
                    "UPDATE remote_items SET base_starred = ? WHERE account_id = ? AND "
                    "remote_id = ?",
                    (int(server_starred), account_id, rid),
                )
                if server_starred != bool(starred):
                    set_flag(conn, item_id, "starred", server_starred)
                    counts["star" if server_starred else "unstar"] += 1
                    changed = True
            if sets.labels is not None:
                changed |= _merge_labels(
                    conn,
                    account_id,
                    labels,
                    sets,
                    rid,
                    item_id,
                    bases.get(rid, set()),
                    tags.get(item_id, set()),
                    counts,
                    pushed,
                    unconfirmed,
                )
            if changed:
                touched.append(item_id)
        # The writes above were the server's, not the user's: no push back to this account.
        conn.executemany(
            "DELETE FROM sync_dirty WHERE account_id = ? AND item_id = ?",
            [(account_id, i) for i in touched],
        )
        mark_dirty(conn, account_id, unconfirmed)
        counts["unconfirmed"] += len(unconfirmed)
        conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM item_tags)")
    return counts


def _merge_labels(
    conn: sqlite3.Connection,
    account_id: int,
    labels: Labels,
    sets: ServerSets,
    rid: str,
    item_id: int,
    base: set[str],
    local: set[str],
    counts: Counter[str],
    pushed: set[tuple[int, str]],
    unconfirmed: set[int],
) -> bool:
    server = sets.labels_of(rid)
    if server == base:
        return False
    dropped = {n for n in server ^ base if (item_id, "label:" + n) in pushed}
    if dropped:
        unconfirmed.add(item_id)
    added, removed = server - base - dropped, base - server - dropped
    conn.executemany(
        "INSERT OR IGNORE INTO remote_item_labels (account_id, remote_name, remote_id) VALUES (?,?,?)",
        [(account_id, n, rid) for n in added],
    )
    conn.executemany(
        "DELETE FROM remote_item_labels WHERE account_id = ? AND remote_name = ? AND remote_id = ?",
        [(account_id, n, rid) for n in removed],
    )
    still = {labels.tag(n) for n in server}
    add = {labels.tag(n) for n in added} - local
    remove = {labels.tag(n) for n in removed} & local - still
    set_tags(conn, item_id, add, remove)
    counts["tag"] += len(add)
    counts["untag"] += len(remove)
    return bool(add or remove)
