"""Pieces of SQL every part of the library shares: the columns a list row and a feed are read
with, `IN (…)` placeholders, and timestamps read back as dates."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

ROW_COLUMNS = """i.id, i.feed_id, i.title, COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''),
    veille_redact(f.url)), i.sort_ts, i.read, i.starred, i.truncated, i.has_full_text, i.url,
    (SELECT group_concat(t.name, char(31)) FROM item_tags it JOIN tags t ON t.id = it.tag_id
     WHERE it.item_id = i.id), i.cluster_id,
    COALESCE((SELECT ft.state FROM full_texts ft WHERE ft.item_id = i.id), '')"""

FEED_COLUMNS = """f.id, f.url, COALESCE(NULLIF(f.user_title, ''), f.title), f.site_url,
    COALESCE(d.path, ''), f.etag, f.last_modified, f.last_status, f.last_error, f.failures,
    f.next_retry, f.last_fetched, f.full_text, f.gone, f.moved_to, f.language"""


def placeholders(values: Sequence[object]) -> str:
    """`?,?,?` for an `IN (…)` of `values`."""
    return ",".join("?" * len(values))


def story_sizes(conn: sqlite3.Connection, stories: Sequence[int]) -> dict[int, int]:
    """How many items tell each of `stories` (cluster ids), for the "+N sources" marks."""
    if not stories:
        return {}
    return dict(
        conn.execute(
            f"SELECT cluster_id, count(*) FROM items WHERE cluster_id IN "
            f"({placeholders(stories)}) GROUP BY cluster_id",
            stories,
        ).fetchall()
    )


def chunks(ids: Sequence[int], size: int = 500) -> list[list[int]]:
    """`ids` in runs short enough for one `IN (…)` each."""
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def dt(value: float | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
