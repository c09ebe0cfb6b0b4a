"""Feeds that are not feed documents: page feeds and command feeds, and what they are made of.

A feed's row holds its address (the page, or `exec:COMMAND`); what makes it a page or a
command lives here, written only by the user's own verbs (`add-page`, an import's `exec:` and
`filter:` lines). A refresh reads these once, and a feed without a row here is fetched and read
as a feed document, whatever its address says.
"""

from __future__ import annotations

import sqlite3

from veille.core.library._db import Database
from veille.core.library._problems import LibraryError

KINDS = ("page", "exec", "filter")


def set_source(db: Database, feed_id: int, kind: str, spec: str) -> None:
    if kind not in KINDS:
        raise LibraryError(f"not a kind of feed source: {kind!r}")
    with db.write() as conn:
        conn.execute(
            "INSERT INTO feed_sources (feed_id, kind, spec) VALUES (?, ?, ?)"
            " ON CONFLICT (feed_id) DO UPDATE SET kind = excluded.kind, spec = excluded.spec",
            (feed_id, kind, spec),
        )


def sources(conn: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    """feed id → (kind, spec) for every feed that is a page or a command."""
    return {int(r[0]): (str(r[1]), str(r[2])) for r in conn.execute("SELECT * FROM feed_sources")}


def health(
    conn: sqlite3.Connection, since: float
) -> dict[int, tuple[int, int, float | None, float | None]]:
    """feed id → (fetches, failures, mean seconds per fetch, last published) since `since`."""
    found: dict[int, tuple[int, int, float | None, float | None]] = {}
    for feed_id, fetches, failures, mean in conn.execute(
        "SELECT feed_id, count(*), sum(ok = 0), avg(elapsed) FROM fetch_log WHERE at >= ?"
        " GROUP BY feed_id",
        (since,),
    ):
        found[int(feed_id)] = (int(fetches), int(failures or 0), mean, None)
    for feed_id, published in conn.execute(
        "SELECT feed_id, max(published) FROM items GROUP BY feed_id"
    ):
        fetches, failures, mean, _ = found.get(int(feed_id), (0, 0, None, None))
        found[int(feed_id)] = (fetches, failures, mean, published)
    return found


def items_since(conn: sqlite3.Connection, since: float) -> dict[int, int]:
    """feed id → items it published (or was first seen with) since `since`."""
    return {
        int(r[0]): int(r[1])
        for r in conn.execute(
            "SELECT feed_id, count(*) FROM items WHERE COALESCE(published, first_seen) >= ?"
            " GROUP BY feed_id",
            (since,),
        )
    }


def recent_errors(conn: sqlite3.Connection, per_feed: int) -> dict[int, list[tuple[float, str]]]:
    """feed id → its latest failures (time, what was said), newest first, `per_feed` at most."""
    found: dict[int, list[tuple[float, str]]] = {}
    for feed_id, at, error in conn.execute(
        "SELECT feed_id, at, error FROM fetch_errors ORDER BY feed_id, at DESC"
    ):
        kept = found.setdefault(int(feed_id), [])
        if len(kept) < per_feed:
            kept.append((float(at), str(error)))
    return found
