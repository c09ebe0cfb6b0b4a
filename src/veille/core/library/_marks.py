"""The user's judgement — read marks, stars, hidden items, tags, notes — and full texts.

These are the rows a refresh never touches and a crash must never lose; each change is one
short transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from veille.core.library._db import Database
from veille.core.library._fulltexts import record_fetched
from veille.core.library._items import FullTextSource
from veille.core.library._problems import LibraryError
from veille.core.library._sql import chunks, placeholders
from veille.core.library._store import reindex
from veille.core.model import TagCount
from veille.core.query import normalize_tag
from veille.core.text import NOTE_LIMIT, clean_note
from veille.core.translations import _

FLAGS = {"read", "starred", "hidden"}


def set_flag(db: Database, flag: str, ids: Sequence[int], value: bool) -> int:
    if flag not in FLAGS:
        raise ValueError(flag)
    changed = 0
    with db.write() as conn:
        for chunk in chunks(ids):
            extra = ", starred_at = ?" if flag == "starred" else ""
            params: list[object] = [int(value)]
            if extra:
                params.append(time.time() if value else None)
            cursor = conn.execute(
                f"UPDATE items SET {flag} = ?{extra} WHERE id IN ({placeholders(chunk)}) "
                f"AND {flag} != ?",
                (*params, *chunk, int(value)),
            )
            changed += cursor.rowcount
    return changed


def _tag_id(conn: sqlite3.Connection, name: str) -> int:
    conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
    return int(conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0])


def tag(db: Database, ids: Sequence[int], add: Sequence[str], remove: Sequence[str]) -> None:
    to_add = sorted({normalize_tag(name) for name in add} - {""})
    to_remove = sorted({normalize_tag(name) for name in remove} - {""})
    if not ids or not (to_add or to_remove):
        return
    with db.write() as conn:
        # In id order, many at a time: a watch applied to a million items tags them in one
        # pass down the item and tag tables rather than a jump to each.
        ordered = sorted(set(ids)) if to_add else []
        for name in to_add:
            tag_id = _tag_id(conn, name)
            for chunk in chunks(ordered):
                conn.execute(
                    "INSERT OR IGNORE INTO item_tags (item_id, tag_id) "
                    f"SELECT id, ? FROM items WHERE id IN ({placeholders(chunk)}) ORDER BY id",
                    (tag_id, *chunk),
                )
        for name in to_remove:
            row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
            if row is None:
                continue
            for chunk in chunks(ids):
                conn.execute(
                    f"DELETE FROM item_tags WHERE tag_id = ? AND item_id IN ({placeholders(chunk)})",
                    (row[0], *chunk),
                )
        _drop_unused_tags(conn)


def _drop_unused_tags(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM item_tags)")


def _family(conn: sqlite3.Connection, name: str) -> list[tuple[int, str]]:
    """The tag `name` and its children (`name/…`)."""
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return conn.execute(
        "SELECT id, name FROM tags WHERE name = ? OR name LIKE ? ESCAPE '\\' ORDER BY name",
        (name, escaped + "/%"),
    ).fetchall()


def rename_tag(db: Database, old: str, new: str) -> int:
    """Rename `old` (and its children) to `new`, merging into tags that already exist."""
    old, new = normalize_tag(old), normalize_tag(new)
    if not old or not new:
        raise ValueError("a tag name cannot be empty")
    touched: set[int] = set()
    with db.write() as conn:
        family = _family(conn, old)
        if not family:
            raise LibraryError(_("no tag named {old!r}").format(old=old))
        for tag_id, name in family:
            target = new + name[len(old) :]
            touched.update(
                r[0]
                for r in conn.execute("SELECT item_id FROM item_tags WHERE tag_id = ?", (tag_id,))
            )
            if target == name:
                continue
            target_id = _tag_id(conn, target)
            conn.execute(
                "INSERT OR IGNORE INTO item_tags (item_id, tag_id) "
                "SELECT item_id, ? FROM item_tags WHERE tag_id = ?",
                (target_id, tag_id),
            )
            conn.execute("DELETE FROM item_tags WHERE tag_id = ?", (tag_id,))
        _drop_unused_tags(conn)
    return len(touched)


def delete_tag(db: Database, name: str) -> int:
    name = normalize_tag(name)
    touched: set[int] = set()
    with db.write() as conn:
        family = _family(conn, name)
        if not family:
            raise LibraryError(_("no tag named {name!r}").format(name=name))
        for tag_id, _name in family:
            touched.update(
                r[0]
                for r in conn.execute("SELECT item_id FROM item_tags WHERE tag_id = ?", (tag_id,))
            )
            conn.execute("DELETE FROM item_tags WHERE tag_id = ?", (tag_id,))
        _drop_unused_tags(conn)
    return len(touched)


def set_note(db: Database, item_id: int, text: str) -> None:
    text = clean_note(text)
    if len(text) > NOTE_LIMIT:
        raise LibraryError(
            _(
                "a note holds at most {NOTE_LIMIT:,} characters; this one has {n_text:,} (nothing was saved)"
            ).format(NOTE_LIMIT=NOTE_LIMIT, n_text=len(text))
        )
    with db.write() as conn:
        if conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
            raise LibraryError(_("no item with id {item_id}").format(item_id=item_id))
        if text.strip():
            conn.execute(
                "INSERT INTO notes (item_id, body, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(item_id) DO UPDATE SET body = excluded.body, updated = excluded.updated",
                (item_id, text, time.time()),
            )
        else:
            conn.execute("DELETE FROM notes WHERE item_id = ?", (item_id,))
        reindex(conn, item_id)


def tag_counts(conn: sqlite3.Connection) -> list[TagCount]:
    return [
        TagCount(name=name, items=items, unread=unread or 0)
        for name, items, unread in conn.execute(
            """SELECT t.name, count(*), sum(i.read = 0 AND i.hidden = 0)
               FROM tags t JOIN item_tags it ON it.tag_id = t.id JOIN items i ON i.id = it.item_id
               GROUP BY t.id ORDER BY t.name COLLATE veille"""
        )
    ]


def pin_full_texts(db: Database, cache: FullTextSource | None, ids: Sequence[int]) -> None:
    """Copy starred items' full texts from the cache into the library, where a library written
    by an earlier version left them in the cache only (every new one is kept there)."""
    if cache is None or not ids:
        return
    conn = db.connection()
    for item_id in ids:
        row = conn.execute(
            "SELECT has_full_text, full_text FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None or not row[0] or row[1]:
            continue
        article = cache.article(item_id)
        if article is not None:
            record_fetched(db, item_id, article.html, "")
