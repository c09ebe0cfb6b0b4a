"""Subscriptions and folders, both ways, three-way against `remote_feeds`.

A `remote_feeds` row is the base of one server feed: its folder and title as last agreed. A
local feed removed leaves its row with `feed_id` NULL (a foreign key does it in the removal's
own transaction): the server is asked to unsubscribe. A feed the server dropped is marked gone:
its items stay, frozen, with their stars and tags (Q7). Folders are flat names on the server
(`Presse/Climat` is one name, as it is one path here); its default folder, whose name depends on
the server's language (Q8), is veille's "no folder". Titles come back with full-width look-alikes
(Q10): they are turned back, and a title the user gave wins.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from veille.core.library._db import Database
from veille.core.library._feeds import folder_id
from veille.core.redact import is_secret_url
from veille.core.sync.client import GReaderClient, SyncError
from veille.core.sync.names import DEFAULT_FOLDERS, true_title
from veille.core.text import clean_line


@dataclass(slots=True)
class ServerFeed:
    stream: str
    url: str
    title: str
    folder: str  # "" for the default folder


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _url_key(url: str) -> tuple[str, str] | None:
    """(scheme, the rest) of a web feed's address as a server may write it back: scheme and
    host in lower case, a default port dropped, a trailing slash ignored, path and query as
    they are (`/Feed` and `/feed` are two feeds). None for an address that is not http(s): a
    command or a local file is never the feed a server holds."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    path = parts.path.rstrip("/")
    return scheme, f"{netloc}{path}" + (f"?{parts.query}" if parts.query else "")


class _Unlinked:
    """Local feeds not yet linked to a server feed, found by address: the same scheme first,
    then the other of http and https (a site served both ways is one feed)."""

    def __init__(self, local: dict[int, tuple[str, str, str, str]], linked: set[int]) -> None:
        self._by_place: dict[str, dict[str, int]] = {}
        for feed_id, row in local.items():
            key = _url_key(row[0])
            if feed_id not in linked and key is not None:
                self._by_place.setdefault(key[1], {}).setdefault(key[0], feed_id)

    def take(self, url: str) -> int | None:
        key = _url_key(url)
        schemes = self._by_place.get(key[1]) if key is not None else None
        if key is None or not schemes:
            return None
        scheme = key[0] if key[0] in schemes else next(iter(schemes))
        return schemes.pop(scheme)


def server_feeds(subscriptions: list[dict[str, Any]], default: str) -> dict[str, ServerFeed]:
    found: dict[str, ServerFeed] = {}
    for sub in subscriptions:
        stream = str(sub.get("id") or "")
        if not stream.startswith("feed/"):
            continue
        cats = sub.get("categories") or []
        folder = ""
        if cats and isinstance(cats[0], dict):
            folder = str(cats[0].get("label") or "")
        if folder == default or folder in DEFAULT_FOLDERS:
            folder = ""
        url = str(sub.get("url") or "").strip()
        if _url_key(url) is None:
            continue  # a server's word is not enough to make veille read a local file
        title = clean_line(true_title(str(sub.get("title") or "")), 300)
        found[stream] = ServerFeed(stream, url, title, clean_line(folder, 2000))
    return found


def _local_feeds(conn: sqlite3.Connection) -> dict[int, tuple[str, str, str, str]]:
    return {
        r[0]: (r[1], r[2] or "", r[3], r[4])
        for r in conn.execute(
            "SELECT f.id, f.url, d.path, f.user_title, f.title FROM feeds f "
            "LEFT JOIN folders d ON d.id = f.folder_id"
        )
    }


def _set_folder(conn: sqlite3.Connection, feed_id: int, folder: str) -> None:
    conn.execute("UPDATE feeds SET folder_id = ? WHERE id = ?", (folder_id(conn, folder), feed_id))


def sync_feeds(
    db: Database, account_id: int, client: GReaderClient, *, default: str, push_subscriptions: bool
) -> tuple[Counter[str], list[str]]:
    """Bring subscriptions, folders and titles in step; (counts, notes for the user)."""
    counts: Counter[str] = Counter()
    notes: list[str] = []
    server = server_feeds(client.subscriptions(), default)
    conn = db.connection()
    rows = {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in conn.execute(
            "SELECT remote_id, feed_id, base_folder, base_title, gone FROM remote_feeds "
            "WHERE account_id = ?",
            (account_id,),
        )
    }
    # Feeds removed here: unsubscribe there.
    for stream, (feed_id, _, _, gone) in rows.items():
        if feed_id is None and not gone:
            if stream in server:
                client.unsubscribe(stream)
                counts["unsubscribed on the server"] += 1
            with db.write() as conn:
                conn.execute(
                    "DELETE FROM remote_feeds WHERE account_id = ? AND remote_id = ?",
                    (account_id, stream),
                )
    with db.write() as conn:
        local = _local_feeds(conn)
        linked = {r[0] for r in rows.values() if r[0] is not None}
        for stream, (feed_id, base_folder, base_title, gone) in rows.items():
            if feed_id is None or gone:
                continue
            if stream not in server:  # the server dropped it: frozen here, not deleted (Q7)
                conn.execute(
                    "UPDATE remote_feeds SET gone = 1 WHERE account_id = ? AND remote_id = ?",
                    (account_id, stream),
                )
                conn.execute(
                    "UPDATE remote_items SET gone = 1 WHERE account_id = ? AND item_id IN "
                    "(SELECT id FROM items WHERE feed_id = ?)",
                    (account_id, feed_id),
                )
                counts["left the server"] += 1
                continue
            _three_way(
                conn,
                client,
                account_id,
                server[stream],
                feed_id,
                local[feed_id],
                base_folder,
                base_title,
                counts,
                default,
            )
        unlinked = _Unlinked(local, linked)
        for stream, feed in server.items():
            if stream in rows:
                continue
            feed_id = unlinked.take(feed.url)
            if feed_id is None:
                feed_id = _create(conn, feed)
                counts["added here"] += 1
            else:
                counts["linked"] += 1
                if not local[feed_id][1] and feed.folder:
                    _set_folder(conn, feed_id, feed.folder)
            conn.execute(
                "INSERT INTO remote_feeds (account_id, remote_id, feed_id, base_folder, "
                "base_title) VALUES (?, ?, ?, ?, ?)",
                (account_id, stream, feed_id, feed.folder, feed.title),
            )
            linked.add(feed_id)
            local = _local_feeds(conn)
            if local[feed_id][1] != feed.folder or (
                local[feed_id][2] and local[feed_id][2] != feed.title
            ):
                _three_way(
                    conn,
                    client,
                    account_id,
                    feed,
                    feed_id,
                    local[feed_id],
                    feed.folder,
                    feed.title,
                    counts,
                    default,
                )
    if push_subscriptions:
        _push_local(db, account_id, client, server, counts, notes)
    return counts, notes


def _create(conn: sqlite3.Connection, feed: ServerFeed) -> int:
    cursor = conn.execute(
        "INSERT INTO feeds (url, title, folder_id, added) VALUES (?, ?, ?, ?)",
        (feed.url, feed.title, folder_id(conn, feed.folder), time.time()),
    )
    return int(cursor.lastrowid or 0)


def _three_way(
    conn: sqlite3.Connection,
    client: GReaderClient,
    account_id: int,
    feed: ServerFeed,
    feed_id: int,
    local: tuple[str, str, str, str],
    base_folder: str,
    base_title: str,
    counts: Counter[str],
    default: str,
) -> None:
    _, folder, user_title, _ = local
    if folder != base_folder:
        client.edit_subscription(feed.stream, folder=folder or default, old_folder=feed.folder)
        base_folder = folder
        counts["moved on the server"] += 1
    elif feed.folder != base_folder:
        _set_folder(conn, feed_id, feed.folder)
        base_folder = feed.folder
        counts["moved here"] += 1
    if user_title and user_title != base_title:
        client.edit_subscription(feed.stream, title=user_title)
        base_title = user_title
        counts["renamed on the server"] += 1
    elif feed.title != base_title:
        column = "user_title" if user_title else "title"
        conn.execute(f"UPDATE feeds SET {column} = ? WHERE id = ?", (feed.title, feed_id))
        base_title = feed.title
        counts["renamed here"] += 1 if user_title else 0
    conn.execute(
        "UPDATE remote_feeds SET base_folder = ?, base_title = ? WHERE account_id = ? "
        "AND remote_id = ?",
        (base_folder, base_title, account_id, feed.stream),
    )


def _push_local(
    db: Database,
    account_id: int,
    client: GReaderClient,
    server: dict[str, ServerFeed],
    counts: Counter[str],
    notes: list[str],
) -> None:
    """Subscribe the server to the local feeds it lacks (it fetches them from then on)."""
    from veille.core.translations import _

    conn = db.connection()
    held = {
        r[0] for r in conn.execute("SELECT feed_id FROM remote_feeds WHERE feed_id IS NOT NULL")
    }
    for feed_id, (url, folder, user_title, _title) in _local_feeds(conn).items():
        if feed_id in held:
            continue
        if not url.startswith(("http://", "https://")) or is_secret_url(url):
            counts["kept local"] += 1
            continue
        try:
            stream = client.quickadd(url)
            if stream and (folder or user_title):
                client.edit_subscription(stream, folder=folder or None, title=user_title)
        except SyncError as error:
            notes.append(_("could not subscribe the server to a feed: {error}").format(error=error))
            continue
        counts["subscribed on the server"] += 1
        if not stream:
            continue  # a dry run
        with db.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO remote_feeds (account_id, remote_id, feed_id, "
                "base_folder, base_title) VALUES (?, ?, ?, ?, ?)",
                (account_id, stream, feed_id, folder, user_title),
            )
