"""The journal of local changes, and the server state last seen (the merge's base).

Triggers (library schema) add an item to `sync_dirty` in the same transaction as the change of
its read mark, star or tags, for every account that knows the item: a crash loses no edit. A
push compares each dirty item with its base, groups the differences by tag change (one `a` or
`r` per request, Q5), and moves the base only once the server has answered, in one transaction
per answer; a kill between the answer and that commit only repeats a request that changes
nothing the second time. A dirty row goes when the item equals its base again.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from veille.core.library._db import Database
from veille.core.library._sql import placeholders
from veille.core.sync.client import GReaderClient
from veille.core.sync.names import LABEL, READ, STARRED, local_tag
from veille.core.sync.names import runs as chunks

# Kinds of change, as reports count them.
PUSH_KINDS = {
    ("a", READ): "read",
    ("r", READ): "unread",
    ("a", STARRED): "star",
    ("r", STARRED): "unstar",
}


@dataclass(slots=True)
class ItemState:
    item_id: int
    remote_id: str
    read: bool
    starred: bool
    tags: set[str]
    base_read: bool
    base_starred: bool
    base_labels: set[str]  # server spellings


@dataclass(slots=True)
class Labels:
    """Server label names ↔ local tags, for one account."""

    by_remote: dict[str, str] = field(default_factory=dict)  # remote name → tag
    folders: set[str] = field(default_factory=set)  # the server's folder names

    def tag(self, remote: str) -> str:
        return self.by_remote.get(remote) or local_tag(remote)

    def remote(self, tag: str) -> str:
        """The spelling to push a tag with: the one seen before, else the tag itself (as
        `#tag` when a server folder has that name: folders and labels share one namespace)."""
        for remote, known in self.by_remote.items():
            if known == tag:
                return remote
        name = f"#{tag}" if tag in {f.lower() for f in self.folders} else tag
        self.by_remote[name] = tag
        return name


def load_labels(conn: sqlite3.Connection, account_id: int) -> Labels:
    labels = Labels()
    for remote, tag in conn.execute(
        "SELECT remote_name, tag FROM remote_labels WHERE account_id = ? ORDER BY remote_name",
        (account_id,),
    ):
        labels.by_remote[remote] = tag
    return labels


def save_labels(conn: sqlite3.Connection, account_id: int, labels: Labels) -> None:
    conn.executemany(
        "INSERT INTO remote_labels (account_id, remote_name, tag) VALUES (?, ?, ?) "
        "ON CONFLICT (account_id, remote_name) DO UPDATE SET tag = excluded.tag",
        [(account_id, r, t) for r, t in labels.by_remote.items()],
    )


def item_tags(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for chunk in chunks(list(ids)):
        for item_id, name in conn.execute(
            "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({placeholders(chunk)})",
            chunk,
        ):
            found.setdefault(item_id, set()).add(name)
    return found


def base_labels(
    conn: sqlite3.Connection, account_id: int, remote_ids: Sequence[str]
) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for chunk in chunks(list(remote_ids)):
        for rid, name in conn.execute(
            "SELECT remote_id, remote_name FROM remote_item_labels WHERE account_id = ? "
            f"AND remote_id IN ({placeholders(chunk)})",
            (account_id, *chunk),
        ):
            found.setdefault(rid, set()).add(name)
    return found


def dirty_states(conn: sqlite3.Connection, account_id: int) -> list[ItemState]:
    rows = conn.execute(
        """SELECT i.id, r.remote_id, i.read, i.starred, r.base_read, r.base_starred
           FROM sync_dirty d JOIN remote_items r
                ON r.account_id = d.account_id AND r.item_id = d.item_id AND r.gone = 0
           JOIN items i ON i.id = d.item_id WHERE d.account_id = ?""",
        (account_id,),
    ).fetchall()
    tags = item_tags(conn, [r[0] for r in rows])
    bases = base_labels(conn, account_id, [r[1] for r in rows])
    return [
        ItemState(
            r[0],
            r[1],
            bool(r[2]),
            bool(r[3]),
            tags.get(r[0], set()),
            bool(r[4]),
            bool(r[5]),
            bases.get(r[1], set()),
        )
        for r in rows
    ]


def changes(state: ItemState, labels: Labels, *, tags: bool) -> list[tuple[str, str]]:
    """The tag changes that would bring the server's item to the local one: (a|r, tag)."""
    found: list[tuple[str, str]] = []
    if state.read != state.base_read:
        found.append(("a" if state.read else "r", READ))
    if state.starred != state.base_starred:
        found.append(("a" if state.starred else "r", STARRED))
    if tags:
        based = {labels.tag(r) for r in state.base_labels}
        for tag in sorted(state.tags - based):
            found.append(("a", LABEL + labels.remote(tag)))
        for remote in sorted(state.base_labels):
            if labels.tag(remote) not in state.tags:
                found.append(("r", LABEL + remote))
    return found


def record_base(
    conn: sqlite3.Connection, account_id: int, change: tuple[str, str], remote_ids: Sequence[str]
) -> None:
    """The server now holds `change` on `remote_ids`: move their base."""
    action, tag = change
    on = int(action == "a")
    if tag in (READ, STARRED):
        column = "base_read" if tag == READ else "base_starred"
        for chunk in chunks(list(remote_ids)):
            conn.execute(
                f"UPDATE remote_items SET {column} = ? WHERE account_id = ? "
                f"AND remote_id IN ({placeholders(chunk)})",
                (on, account_id, *chunk),
            )
        return
    name = tag[len(LABEL) :]
    if on:
        conn.executemany(
            "INSERT OR IGNORE INTO remote_item_labels (account_id, remote_name, remote_id) "
            "VALUES (?, ?, ?)",
            [(account_id, name, rid) for rid in remote_ids],
        )
    else:
        conn.executemany(
            "DELETE FROM remote_item_labels WHERE account_id = ? AND remote_name = ? "
            "AND remote_id = ?",
            [(account_id, name, rid) for rid in remote_ids],
        )


def settle(conn: sqlite3.Connection, account_id: int, labels: Labels, *, tags: bool) -> int:
    """Drop the dirty rows of items that equal their base again; how many stay."""
    left = 0
    done: list[tuple[int, int]] = []
    for state in dirty_states(conn, account_id):
        if changes(state, labels, tags=tags):
            left += 1
        else:
            done.append((account_id, state.item_id))
    conn.executemany("DELETE FROM sync_dirty WHERE account_id = ? AND item_id = ?", done)
    # Rows of items the account no longer follows (gone, or no remote id) have nothing to push.
    conn.execute(
        "DELETE FROM sync_dirty WHERE account_id = ? AND item_id NOT IN "
        "(SELECT item_id FROM remote_items WHERE account_id = ? AND gone = 0)",
        (account_id, account_id),
    )
    return left


Hook = Callable[[tuple[str, str], list[str]], None]


def field_name(tag: str) -> str:
    if tag == READ:
        return "read"
    if tag == STARRED:
        return "starred"
    return "label:" + tag[len(LABEL) :]


def push(
    db: Database,
    account_id: int,
    client: GReaderClient,
    *,
    tags: bool,
    hook: Hook | None = None,
    folders: set[str] | frozenset[str] = frozenset(),
) -> tuple[Counter[str], set[tuple[int, str]]]:
    """Send every pending local change: the counts of what was sent, by kind, and the fields
    sent: (item id, "read" | "starred" | "label:NAME")."""
    conn = db.connection()
    labels = load_labels(conn, account_id)
    labels.folders = set(folders)
    groups: dict[tuple[str, str], list[str]] = {}
    fields: set[tuple[int, str]] = set()
    for state in dirty_states(conn, account_id):
        for change in changes(state, labels, tags=tags):
            groups.setdefault(change, []).append(state.remote_id)
            fields.add((state.item_id, field_name(change[1])))
    sent: Counter[str] = Counter()
    if groups:
        with db.write() as conn:
            save_labels(conn, account_id, labels)
    for change, ids in groups.items():
        action, tag = change

        def answered(done: list[str], change: tuple[str, str] = change) -> None:
            if hook is not None:
                hook(change, done)  # a test's kill between the answer and the commit
            with db.write() as conn:
                record_base(conn, account_id, change, done)

        if action == "a":
            client.edit_tag(ids, add=tag, on_done=answered)
        else:
            client.edit_tag(ids, remove=tag, on_done=answered)
        kind = PUSH_KINDS.get(change) or ("tag" if action == "a" else "untag")
        sent[kind] += len(ids)
    with db.write() as conn:
        settle(conn, account_id, labels, tags=tags)
    return sent, fields


def pending(conn: sqlite3.Connection, account_id: int, *, tags: bool) -> int:
    labels = load_labels(conn, account_id)
    return sum(1 for s in dirty_states(conn, account_id) if changes(s, labels, tags=tags))


def mark_dirty(conn: sqlite3.Connection, account_id: int, item_ids: Iterable[int]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO sync_dirty (account_id, item_id) VALUES (?, ?)",
        [(account_id, i) for i in item_ids],
    )


def held_feeds(conn: sqlite3.Connection) -> set[int]:
    """Feeds an account's server fetches (veille's refresh leaves them to it)."""
    return {
        r[0] for r in conn.execute("SELECT feed_id FROM remote_feeds WHERE feed_id IS NOT NULL")
    }
