"""The item list in other orders than newest first: oldest first, by title, by feed.

The newest-first list is the one the planner (`_plans`) makes fast on any library; the other
orders are asked of SQLite as the plain condition, sorted. A window costs one sort of the
matching items (tens of milliseconds on 100,000), which a reader choosing an order accepts.
"""

from __future__ import annotations

import sqlite3

from veille.core.library._sql import ROW_COLUMNS

_FEED_TITLE = "COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''), f.url) COLLATE NOCASE"
_ORDER_BY: dict[str, str] = {
    "oldest": "i.sort_ts ASC, i.id ASC",
    "title": "i.title COLLATE NOCASE ASC, i.sort_ts DESC, i.id DESC",
    "feed": f"{_FEED_TITLE} ASC, i.sort_ts DESC, i.id DESC",
}


def ordered_rows(
    conn: sqlite3.Connection,
    where: str,
    params: tuple[object, ...],
    order: str,
    offset: int,
    limit: int,
) -> list[tuple[object, ...]]:
    """The raw rows of a window of the list in `order` (not "newest")."""
    return conn.execute(
        f"SELECT {ROW_COLUMNS} FROM items i CROSS JOIN feeds f ON f.id = i.feed_id "
        f"WHERE {where} ORDER BY {_ORDER_BY[order]} LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()


def ordered_position(
    conn: sqlite3.Connection, item_id: int, where: str, params: tuple[object, ...], order: str
) -> int | None:
    """Where `item_id` stands in the list in `order`, or None if it is not there."""
    found = conn.execute(
        f"SELECT i.id FROM items i CROSS JOIN feeds f ON f.id = i.feed_id "
        f"WHERE {where} ORDER BY {_ORDER_BY[order]}",
        params,
    )
    for index, (row_id,) in enumerate(found):
        if row_id == item_id:
            found.close()
            return index
    return None
