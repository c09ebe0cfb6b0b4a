"""Where each item's full text stands, and the text itself: the library is its home.

A fetched article is kept in `items.full_text` and indexed for search in the same transaction,
so a search, a watch, a saved search or an export made the moment after sees the article's
words. The cache may hold a copy (with the page's title, byline, lead image) and evict it: what
the user can read and find never depends on it. Libraries written before kept most texts in the
cache only; `keep_cached` brings those home before the cache is cleared, and forgets the mark of
any the cache no longer has, so that `≡` and `has:fulltext` never promise a text that is gone.

A failed or paywalled attempt never replaces an article already fetched: the user keeps the
better text, and the new reason is kept beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from veille.core.library._db import Database
from veille.core.library._items import FullTextSource
from veille.core.library._sql import chunks, placeholders
from veille.core.library._store import reindex
from veille.core.model import FullTextState


def record_fetched(db: Database, item_id: int, html: str, site: str) -> bool:
    """Keep `html` as the item's article; True when it had none before (its words are new)."""
    return record_fetched_many(db, [(item_id, html, site)])[0]


def record_fetched_many(db: Database, articles: Sequence[tuple[int, str, str]]) -> list[bool]:
    """Keep each (item id, html, site) as that item's article, all in one transaction (a
    prefetch keeps hundreds: one commit each would write the search index's new rows as as
    many segments); for each, True when it had no article before. An item deleted meanwhile
    is skipped (False)."""
    news = []
    with db.write() as conn:
        for item_id, html, site in articles:
            if conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
                news.append(False)
                continue
            before = conn.execute(
                "SELECT state FROM full_texts WHERE item_id = ?", (item_id,)
            ).fetchone()
            conn.execute(
                "UPDATE items SET full_text = ?, has_full_text = 1, full_text_error = '' "
                "WHERE id = ?",
                (html, item_id),
            )
            conn.execute(
                "INSERT OR REPLACE INTO full_texts (item_id, state, site) VALUES (?, 'fetched', ?)",
                (item_id, site),
            )
            reindex(conn, item_id)
            news.append(before is None or before[0] != "fetched")
    return news


def record_missed(db: Database, item_id: int, state: FullTextState, reason: str, site: str) -> None:
    """A fetch that gave no article (`state` "paywalled" or "failed"), and why."""
    with db.write() as conn:
        row = conn.execute("SELECT full_text FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            return
        conn.execute("UPDATE items SET full_text_error = ? WHERE id = ?", (reason, item_id))
        if row[0]:
            # The article kept from an earlier fetch stays: it is better than nothing.
            conn.execute("UPDATE full_texts SET site = ? WHERE item_id = ?", (site, item_id))
            return
        conn.execute(
            "INSERT OR REPLACE INTO full_texts (item_id, state, site) VALUES (?, ?, ?)",
            (item_id, state, site),
        )


def missed(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """(id, link, site fingerprint) of the paywalled and failed items, for a refetch to judge."""
    return [
        (int(i), str(url), str(site))
        for i, url, site in conn.execute(
            "SELECT i.id, i.url, ft.site FROM full_texts ft JOIN items i ON i.id = ft.item_id "
            "WHERE ft.state IN ('paywalled', 'failed')"
        )
    ]


def keep_cached(db: Database, cache: FullTextSource | None) -> int:
    """Copy into the library every article the cache alone holds; unmark those it lost.

    Returns how many were copied. Run before the cache is cleared, so that clearing it changes
    nothing the user can read or find."""
    conn = db.connection()
    ids = [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM items WHERE has_full_text = 1 AND full_text = ''"
        ).fetchall()
    ]
    kept = 0
    lost: list[int] = []
    for item_id in ids:
        article = cache.article(item_id) if cache is not None else None
        if article is not None and article.html:
            record_fetched(db, item_id, article.html, "")
            kept += 1
        else:
            lost.append(item_id)
    forget(db, lost)
    return kept


def forget(db: Database, ids: Sequence[int]) -> None:
    """The items `ids` have no full text any more: back to their feed's text."""
    with db.write() as conn:
        for chunk in chunks(list(ids)):
            marks = placeholders(chunk)
            conn.execute(
                f"UPDATE items SET has_full_text = 0, full_text = '' WHERE id IN ({marks})", chunk
            )
            conn.execute(f"DELETE FROM full_texts WHERE item_id IN ({marks})", chunk)
            for item_id in chunk:
                reindex(conn, item_id)
