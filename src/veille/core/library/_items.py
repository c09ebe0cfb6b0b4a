"""Items in full — bodies, tags, notes, full texts — for exports, the reader and scripts; and
the library's totals."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Protocol

from veille.core.library._lists import item_ids
from veille.core.library._problems import LibraryError
from veille.core.library._sql import dt, placeholders, story_sizes
from veille.core.library._views import View
from veille.core.model import Enclosure, Item, Stats
from veille.core.translations import _


class CachedText(Protocol):
    @property
    def html(self) -> str: ...


class FullTextSource(Protocol):
    def article(self, item_id: int) -> CachedText | None: ...


def items(
    conn: sqlite3.Connection,
    query: str = "",
    *,
    view: View | None = None,
    limit: int | None = None,
) -> list[Item]:
    """Full records (bodies, tags, notes) for exports and the command line."""
    ids = item_ids(conn, query, view=view)
    if limit is not None:
        ids = ids[:limit]
    return items_by_id(conn, ids)


def items_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Item]:
    found: dict[int, Item] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for item in _load_items(conn, chunk):
            found[item.id] = item
    return [found[i] for i in ids if i in found]


def full_text_flags(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[int, int, bool]]:
    """(id, feed id, truncated) of the items `ids`: enough to decide whether an item wants
    its full text, without loading every new item's body to find out."""
    found: list[tuple[int, int, bool]] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        found.extend(
            (int(i), int(f), bool(t))
            for i, f, t in conn.execute(
                f"SELECT id, feed_id, truncated FROM items WHERE id IN ({placeholders(chunk)})",
                chunk,
            )
        )
    return found


def newest_ids(conn: sqlite3.Connection, feed_id: int, limit: int) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM items WHERE feed_id = ? ORDER BY sort_ts DESC, id DESC LIMIT ?",
            (feed_id, limit),
        )
    ]


def item(conn: sqlite3.Connection, item_id: int, cache: FullTextSource | None) -> Item:
    """One item in full; its full text comes from the cache when the library has none."""
    items = _load_items(conn, [item_id])
    if not items:
        raise LibraryError(_("no item with id {item_id}").format(item_id=item_id))
    item = items[0]
    if not item.full_text and cache is not None:
        article = cache.article(item_id)
        if article is not None:
            item.full_text = article.html
    return item


def _load_items(conn: sqlite3.Connection, ids: list[int]) -> list[Item]:
    if not ids:
        return []
    marks = placeholders(ids)
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
               veille_redact(f.url)), f.url, i.cluster_id, f.language, COALESCE(ft.state, '')
            FROM items i JOIN feeds f ON f.id = i.feed_id
            LEFT JOIN notes n ON n.item_id = i.id
            LEFT JOIN full_texts ft ON ft.item_id = i.id WHERE i.id IN ({marks})""",
        ids,
    ).fetchall()
    sizes = story_sizes(conn, [r[23] for r in rows if r[23] is not None])
    items = []
    for r in rows:
        items.append(
            Item(
                id=r[0],
                feed_id=r[1],
                guid=r[2],
                url=r[3],
                title=r[4],
                author=r[5],
                summary=r[6],
                content=r[7],
                published=dt(r[8]),
                updated=dt(r[9]),
                sort_date=dt(r[10]),
                categories=json.loads(r[11] or "[]"),
                enclosures=[Enclosure(**e) for e in json.loads(r[12] or "[]")],
                language=r[13] or r[24] or "",
                read=bool(r[14]),
                starred=bool(r[15]),
                hidden=bool(r[16]),
                truncated=bool(r[17]),
                full_text=r[18],
                full_text_error=r[19],
                note=r[20],
                feed_title=r[21],
                feed_url=r[22],
                tags=tags.get(r[0], []),
                cluster_id=r[23],
                cluster_size=sizes.get(r[23], 1) if r[23] is not None else 1,
                full_text_state=r[25] or "",
            )
        )
    return items


def stats(conn: sqlite3.Connection) -> Stats:
    feeds, failing = conn.execute(
        "SELECT count(*), coalesce(sum(last_error != ''), 0) FROM feeds"
    ).fetchone()
    # Kept by triggers (schema step 11): counting them reads every item's index entry.
    items, unread, starred, tagged = conn.execute(
        "SELECT items, unread, starred, tagged FROM item_totals"
    ).fetchone()
    return Stats(
        feeds=feeds,
        items=items,
        unread=unread,
        starred=starred,
        tagged=tagged,
        failing_feeds=failing,
    )
