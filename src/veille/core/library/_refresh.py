"""What a refresh learns about each feed, written in batches: its entries, its validators, its
failures and when to try it again.

A refresh hands the library one `Outcome` per feed (`Fetched`, `NotModified` or `Failed`) and
`record_refresh` writes a batch of them in one transaction. It is the only way refresh results
enter the library; the tests store feeds through it too.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from veille.core.ingest.entries import PreparedEntry
from veille.core.library._db import Database
from veille.core.library._store import (
    StoreResult,
    insert_search_rows,
    restate_search_rows,
    store_entries,
)
from veille.core.library._stories import group_by_shared
from veille.core.model import ParsedFeed
from veille.core.text import clean_line

WRITER_CACHE_KIB = 65_536  # page cache of the connection that stores a refresh


@dataclass(frozen=True, slots=True)
class Fetched:
    """A feed that answered with a document. `meta` holds its title, site and language only:
    the entries travel as `prepared`, already turned into rows by a parser process."""

    feed_id: int
    meta: ParsedFeed
    prepared: list[PreparedEntry]
    status: int | None
    etag: str = ""
    last_modified: str = ""
    moved_to: str = ""
    # When it answered, which new items count as first seen; None: when it is written. A
    # library built for a test or a demo sets it, so that its items have known dates.
    at: float | None = None
    elapsed: float | None = None  # seconds the fetch took, for the feed's health
    max_age: float | None = None  # Cache-Control max-age of the answer


@dataclass(frozen=True, slots=True)
class NotModified:
    """A feed that answered 304: only its bookkeeping changes."""

    feed_id: int
    status: int | None = 304
    moved_to: str = ""
    elapsed: float | None = None
    max_age: float | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    """A feed that could not be fetched or read; `error` is the sentence the user sees."""

    feed_id: int
    status: int | None
    error: str
    retry_after: float | None = None
    gone: bool = False
    elapsed: float | None = None


Outcome = Fetched | NotModified | Failed


def record_refresh(
    db: Database, outcomes: Sequence[Outcome]
) -> list[StoreResult | float | Exception | None]:
    """Write several feeds' refresh outcomes in one transaction, in order.

    One commit for many feeds instead of one each: the search index is flushed (and its
    segments merged) once per commit, which is most of what a feed's commit costs. Each feed
    is written in a savepoint: one that fails (an unexpected value) is rolled back alone and
    its exception is returned in its place, the others land. A failure of the file itself
    (full disk, busy beyond the timeout) fails the whole batch, as `LibraryError`, and
    nothing of it is written. New items that carry another site's dispatch join its story
    here (the rest of story grouping waits for the whole refresh: `Library.cluster`). Returns, per
    outcome, the `StoreResult` of a stored feed, the next retry time of a failed one (or None),
    None for a 304.
    """
    fetched = [o.feed_id for o in outcomes if isinstance(o, Fetched)]
    if len(set(fetched)) == len(fetched):
        try:
            return _record(db, outcomes, search_at_end=True)
        except _SearchRowsRefused:
            pass  # written again feed by feed, so that the feed at fault fails alone
    return _record(db, outcomes, search_at_end=False)


class _SearchRowsRefused(Exception):
    """The batch's search rows could not be written together: the batch is rolled back."""


def _record(
    db: Database, outcomes: Sequence[Outcome], *, search_at_end: bool
) -> list[StoreResult | float | Exception | None]:
    results: list[StoreResult | float | Exception | None] = []
    waiting: list[tuple[object, ...]] = []  # search rows of the feeds stored so far
    # A feed's savepoint and each statement of many rows keep the pages they change in a
    # journal of their own, a temporary file: in memory each page costs a copy, not two system
    # calls (a statement's journal ends with it, a feed's with the feed). Only outside a
    # transaction can it be set.
    writer = db.connection()
    if not writer.in_transaction:
        writer.execute("PRAGMA temp_store = MEMORY")
    with db.write() as conn:
        # Storing touches nine item indexes and merges search-index segments just written:
        # with SQLite's default 2 MB page cache those pages are read back from the file again
        # and again (1,000 feeds: 12.6 s of writing instead of about 7). The cache fills only
        # as it is used, and only the refreshing connection asks for it.
        conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        for outcome in outcomes:
            rows: list[tuple[object, ...]] | None = [] if search_at_end else None
            conn.execute("SAVEPOINT feed_outcome")
            try:
                results.append(_apply(conn, outcome, rows))
            except sqlite3.OperationalError:
                raise
            except Exception as problem:  # this feed's data, not the file: it fails alone
                conn.execute("ROLLBACK TO feed_outcome")
                results.append(problem)
                rows = None
            conn.execute("RELEASE feed_outcome")
            waiting.extend(rows or ())
        new_ids = [i for r in results if isinstance(r, StoreResult) for i in r.new_ids]
        changed = _grouped(conn, new_ids)
        if changed and waiting:
            waiting = restate_search_rows(conn, waiting, changed)
        # The search index writes what it holds at every savepoint's end, as a segment that
        # its merges then fold into the larger ones, each page of it through the savepoint's
        # journal: the new items' rows are written after the feeds' savepoints instead, once
        # for the batch (a million-item library has five levels of segments to merge into).
        try:
            insert_search_rows(conn, waiting)
        except sqlite3.OperationalError:
            raise
        except Exception as problem:
            raise _SearchRowsRefused from problem
    return results


def _grouped(conn: sqlite3.Connection, new_ids: list[int]) -> set[int]:
    """Group the batch's new items that carry a dispatch (`group_by_shared`); returns the items
    whose story was written. It only saves the refresh's end some work (that grouping sees
    every signal again): one that fails on unexpected values is rolled back alone, and the
    feeds' items land all the same."""
    if not new_ids:
        return set()
    conn.execute("SAVEPOINT grouping")
    try:
        changed = group_by_shared(conn, new_ids)
    except sqlite3.OperationalError:
        raise
    except Exception:
        conn.execute("ROLLBACK TO grouping")
        changed = set()
    conn.execute("RELEASE grouping")
    return changed


def _apply(
    conn: sqlite3.Connection, outcome: Outcome, search_rows: list[tuple[object, ...]] | None
) -> StoreResult | float | None:
    now = time.time()
    if isinstance(outcome, Fetched):
        now = outcome.at or now
        update_feed_meta(conn, outcome.feed_id, outcome.meta)
        result = store_entries(
            conn, outcome.feed_id, outcome.prepared, now=now, search_rows=search_rows
        )
        tag_new_items(conn, outcome.feed_id, result.new_ids)
        note_fetch(conn, outcome.feed_id, now, ok=True, elapsed=outcome.elapsed)
        note_schedule(conn, outcome.feed_id, outcome.meta, outcome.max_age)
        record_success(
            conn,
            outcome.feed_id,
            now=now,
            status=outcome.status,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            moved_to=outcome.moved_to,
        )
        return result
    if isinstance(outcome, NotModified):
        note_fetch(conn, outcome.feed_id, now, ok=True, elapsed=outcome.elapsed)
        if outcome.max_age is not None:
            conn.execute(
                "UPDATE feed_schedule SET max_age = ? WHERE feed_id = ?",
                (outcome.max_age, outcome.feed_id),
            )
        record_not_modified(
            conn, outcome.feed_id, now=now, status=outcome.status, moved_to=outcome.moved_to
        )
        return None
    note_fetch(conn, outcome.feed_id, now, ok=False, elapsed=outcome.elapsed, error=outcome.error)
    return record_failure(
        conn,
        outcome.feed_id,
        now=now,
        status=outcome.status,
        error=outcome.error,
        retry_after=outcome.retry_after,
        gone=outcome.gone,
    )


FETCH_LOG_DAYS = 30


def note_fetch(
    conn: sqlite3.Connection,
    feed_id: int,
    now: float,
    *,
    ok: bool,
    elapsed: float | None,
    error: str = "",
) -> None:
    """One line of the feed's health: when, whether it worked, how long it took, and what a
    failure said."""
    conn.execute(
        "INSERT INTO fetch_log (feed_id, at, ok, elapsed) VALUES (?, ?, ?, ?)",
        (feed_id, now, int(ok), elapsed),
    )
    if not ok and error:
        conn.execute(
            "INSERT INTO fetch_errors (feed_id, at, error) VALUES (?, ?, ?)",
            (feed_id, now, error[:500]),
        )
    horizon = now - FETCH_LOG_DAYS * 86400
    conn.execute("DELETE FROM fetch_log WHERE feed_id = ? AND at < ?", (feed_id, horizon))
    conn.execute("DELETE FROM fetch_errors WHERE feed_id = ? AND at < ?", (feed_id, horizon))


def note_schedule(
    conn: sqlite3.Connection, feed_id: int, meta: ParsedFeed, max_age: float | None
) -> None:
    """What the feed says of how often to read it (RSS ttl, skipHours; HTTP max-age)."""
    conn.execute(
        "INSERT OR REPLACE INTO feed_schedule (feed_id, ttl, skip_hours, max_age)"
        " VALUES (?, ?, ?, ?)",
        (
            feed_id,
            meta.ttl * 60.0 if meta.ttl else None,
            ",".join(str(h) for h in meta.skip_hours),
            max_age,
        ),
    )


def tag_new_items(conn: sqlite3.Connection, feed_id: int, new_ids: list[int]) -> None:
    """Give new items the tags their feed gives (set at import: newsboat tags, OPML categories)."""
    if not new_ids:
        return
    names = [r[0] for r in conn.execute("SELECT name FROM feed_tags WHERE feed_id = ?", (feed_id,))]
    for name in names:
        conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        (tag_id,) = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        conn.executemany(
            "INSERT OR IGNORE INTO item_tags (item_id, tag_id) VALUES (?, ?)",
            [(item_id, tag_id) for item_id in new_ids],
        )


def update_feed_meta(conn: sqlite3.Connection, feed_id: int, parsed: ParsedFeed) -> None:
    conn.execute(
        """UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END,
               site_url = CASE WHEN ? != '' THEN ? ELSE site_url END,
               language = CASE WHEN ? != '' THEN ? ELSE language END WHERE id = ?""",
        (
            parsed.title,
            clean_line(parsed.title, 300),
            parsed.site_url,
            parsed.site_url,
            parsed.language,
            parsed.language,
            feed_id,
        ),
    )


# A 429 without Retry-After still says "slow down": rest this long rather than ask again at the
# next refresh (a cron job every few minutes would otherwise hammer a server that said stop).
RATE_LIMITED_WAIT = 30 * 60.0


def backoff_seconds(failures: int) -> float:
    """How long a failing feed rests: nothing for a blip, then doubling up to a day."""
    if failures < 3:
        return 0.0
    return float(min(30 * 60 * 2 ** (failures - 3), 24 * 3600))


def record_success(
    conn: sqlite3.Connection,
    feed_id: int,
    *,
    now: float,
    status: int | None,
    etag: str,
    last_modified: str,
    moved_to: str = "",
    warning: str = "",
) -> None:
    conn.execute(
        """UPDATE feeds SET etag = ?, last_modified = ?, last_status = ?, last_error = '',
               failures = 0, next_retry = NULL, last_fetched = ?, gone = 0 WHERE id = ?""",
        (etag, last_modified, status, now, feed_id),
    )
    note_move(conn, feed_id, moved_to, now=now)


def record_not_modified(
    conn: sqlite3.Connection, feed_id: int, *, now: float, status: int | None, moved_to: str = ""
) -> None:
    conn.execute(
        """UPDATE feeds SET last_status = ?, last_error = '', failures = 0,
               next_retry = NULL, last_fetched = ? WHERE id = ?""",
        (status, now, feed_id),
    )
    note_move(conn, feed_id, moved_to, now=now)


# A permanent redirect is adopted (the feed's address becomes its target) once the same target
# has ended this many refreshes in a row, over at least this long: a site's move is for good,
# a misconfigured server or a captive portal is usually put right within a day.
MOVE_CONFIRMATIONS = 3
MOVE_CONFIRM_SPAN = 24 * 3600.0


def note_move(conn: sqlite3.Connection, feed_id: int, moved_to: str, *, now: float) -> None:
    """Count a refresh ending at `moved_to` (or at the feed's own address when ""), and adopt
    the move once it has been seen consistently. The fetcher only reports moves worth adopting:
    every hop permanent, none from https down to http, none onto a private address elsewhere."""
    if not moved_to:
        conn.execute("DELETE FROM feed_moves WHERE feed_id = ?", (feed_id,))
        conn.execute("UPDATE feeds SET moved_to = '' WHERE id = ? AND moved_to != ''", (feed_id,))
        return
    conn.execute("UPDATE feeds SET moved_to = ? WHERE id = ?", (moved_to, feed_id))
    row = conn.execute(
        "SELECT target, seen, since FROM feed_moves WHERE feed_id = ?", (feed_id,)
    ).fetchone()
    if row is None or row[0] != moved_to:
        conn.execute(
            "INSERT OR REPLACE INTO feed_moves (feed_id, target, seen, since) VALUES (?, ?, 1, ?)",
            (feed_id, moved_to, now),
        )
        return
    seen, since = int(row[1]) + 1, float(row[2])
    taken = conn.execute("SELECT 1 FROM feeds WHERE url = ? AND id != ?", (moved_to, feed_id))
    if seen >= MOVE_CONFIRMATIONS and now - since >= MOVE_CONFIRM_SPAN and not taken.fetchone():
        conn.execute("UPDATE feeds SET url = ?, moved_to = '' WHERE id = ?", (moved_to, feed_id))
        conn.execute("DELETE FROM feed_moves WHERE feed_id = ?", (feed_id,))
    else:
        conn.execute("UPDATE feed_moves SET seen = ? WHERE feed_id = ?", (seen, feed_id))


def record_failure(
    conn: sqlite3.Connection,
    feed_id: int,
    *,
    now: float,
    status: int | None,
    error: str,
    retry_after: float | None = None,
    gone: bool = False,
) -> float | None:
    """Note a failed fetch and push the next try back; returns the next retry time."""
    row = conn.execute("SELECT failures FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    failures = (row[0] if row else 0) + 1
    if retry_after is None and status == 429:
        retry_after = RATE_LIMITED_WAIT
    wait = max(backoff_seconds(failures), retry_after or 0.0)
    next_retry = now + wait if wait > 0 else None
    conn.execute(
        """UPDATE feeds SET last_status = ?, last_error = ?, failures = ?, next_retry = ?,
               last_fetched = ?, gone = ? WHERE id = ?""",
        (status, error, failures, next_retry, now, int(gone), feed_id),
    )
    return next_retry
