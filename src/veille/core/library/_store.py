"""Writing a parsed feed into the library: identity, update in place, search index.

An item's identity is the feed's guid/id, else its link, else a hash of its title and date. An
item that changes upstream is updated in place: its read mark, star, tags and note belong to the
user and are never touched here. One feed's items are written in one transaction; a refresh
writes several feeds' outcomes in one transaction, each feed in a savepoint of its own, so that a
feed that cannot be stored fails alone (see `_refresh.record_refresh`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from veille.core.ingest.entries import FTS_TEXT_LIMIT, VARIANT_MARK, PreparedEntry
from veille.core.query.statewords import state
from veille.core.text import html_to_text

# Dates further ahead than this are a feed's mistake (or mischief): such items sort by when they
# were first seen instead of floating above everything for years.
FUTURE_SLACK = 36 * 3600


@dataclass(slots=True)
class StoreResult:
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    truncated_ids: list[int] = field(default_factory=list)  # among the new ones


def _feed_search_fields(conn: sqlite3.Connection, feed_id: int) -> tuple[str, str]:
    """The feed's name as the search index holds it, and its language."""
    row = conn.execute(
        "SELECT COALESCE(NULLIF(user_title, ''), title, url), language FROM feeds WHERE id = ?",
        (feed_id,),
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else ("", "")


_ITEM_COLUMNS = (
    "id, url, canonical_url, title, author, summary, content, published, updated, categories,"
    " enclosures, language, content_hash, truncated, lead_hash, feed_id, guid, first_seen, sort_ts"
)
_LANGUAGE = _ITEM_COLUMNS.split(", ").index("language") - 1  # in `PreparedEntry.fields`
# Rows per INSERT: 19 columns × 32 rows stay under the 999 parameters older SQLite builds allow.
ROWS_PER_INSERT = 32


def store_entries(
    conn: sqlite3.Connection,
    feed_id: int,
    entries: list[PreparedEntry],
    *,
    now: float,
    search_rows: list[tuple[object, ...]] | None = None,
) -> StoreResult:
    """Insert new entries and update changed ones. Call inside a write transaction.

    The new items' search rows are written too, unless `search_rows` is given: they are then
    added to it, for the caller to write with `insert_search_rows` in the same transaction.

    New items are written many rows to a statement. The sqlite3 module lets go of the GIL for
    every step of a statement, and a thread taking it back while another is busy (the app's
    screen, a refresh's event loop) may wait a whole switch interval, 5 ms: with an INSERT per
    row, a 50-item feed took 100 such steps, now 4.
    """
    result = StoreResult()
    if not entries:
        return result
    existing = _known(conn, feed_id, [e.guid for e in entries])
    _known_under_shared_guids(conn, feed_id, entries, existing)
    feed_title, feed_language = _feed_search_fields(conn, feed_id)
    states: dict[object, str] = {}  # by language: a feed's items mostly share one
    new: list[tuple[object, ...]] = []
    searchable: list[tuple[object, ...]] = []
    next_id = 0
    for offset, entry in enumerate(entries):
        known = existing.get(entry.guid)
        if known and known[1] == entry.digest:
            continue
        published = entry.published
        if known is None:
            if not next_id:
                next_id = next_item_id(conn)
            item_id = next_id + len(new)
            # Later entries of a document are older, as feeds list newest first; keep that
            # order among undated items seen at the same moment.
            first_seen = now - offset * 1e-3
            sort_ts = (
                published
                if published is not None and published <= now + FUTURE_SLACK
                else first_seen
            )
            new.append((item_id, *entry.fields, feed_id, entry.guid, first_seen, sort_ts))
            language = entry.fields[_LANGUAGE]
            words = states.get(language)
            if words is None:
                words = states[language] = state(False, True, str(language) or feed_language)
            searchable.append(
                (item_id, entry.title, entry.text, entry.author, feed_title, "", words)
            )
            result.new_ids.append(item_id)
            if entry.truncated:
                result.truncated_ids.append(item_id)
        else:
            item_id = known[0]
            conn.execute(
                """UPDATE items SET url=?, canonical_url=?, title=?, author=?, summary=?,
                       content=?, published=?, updated=?, categories=?, enclosures=?, language=?,
                       content_hash=?, truncated=?, lead_hash=?,
                       sort_ts = CASE WHEN ? IS NOT NULL AND ? <= ? THEN ? ELSE first_seen END
                   WHERE id = ?""",
                (*entry.fields, published, published, now + FUTURE_SLACK, published, item_id),
            )
            reindex(conn, item_id)
            result.updated_ids.append(item_id)
    _insert_rows(conn, f"items ({_ITEM_COLUMNS})", new)
    if search_rows is None:
        insert_search_rows(conn, searchable)
    else:
        search_rows.extend(searchable)
    return result


def insert_search_rows(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    """Write new items' search rows, as `store_entries` makes them."""
    _insert_rows(conn, "items_fts (rowid, title, text, author, feed, note, state)", rows)


def restate_search_rows(
    conn: sqlite3.Connection, rows: list[tuple[object, ...]], changed: set[int]
) -> list[tuple[object, ...]]:
    """`rows` (not yet written) with the `state` of the `changed` items read again from the
    library: the state `store_entries` gave them no longer holds (a story took them in)."""
    ids = [row[0] for row in rows if row[0] in changed]
    states: dict[object, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        states.update(
            conn.execute(
                f"SELECT id, state FROM items_state WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    return [row if row[0] not in states else (*row[:6], states[row[0]]) for row in rows]


# The largest id an item removed from the library ever had (see `next_item_id`).
REMOVED_ID_KEY = "items_removed_up_to"


def next_item_id(conn: sqlite3.Connection) -> int:
    """The id for the next new item, inside a write transaction (nobody else inserts then).

    Past every id in use and every id a removed item had: the full-text cache keeps articles by
    item id, so an id given again would show a removed item's article for a new one (SQLite's
    own numbering takes the largest id in use plus one, and reuses the ids of the newest items
    when their feed is removed).
    """
    row = conn.execute(
        "SELECT max(COALESCE((SELECT max(id) FROM items), 0),"
        " COALESCE((SELECT CAST(value AS INTEGER) FROM state WHERE key = ?), 0)) + 1",
        (REMOVED_ID_KEY,),
    ).fetchone()
    return int(row[0])


def remember_removed_ids(conn: sqlite3.Connection) -> None:
    """Before items are removed: new items must be numbered past them (see `next_item_id`)."""
    conn.execute(
        "INSERT INTO state (key, value)"
        " SELECT ?, max(id) FROM items WHERE true HAVING max(id) IS NOT NULL"
        " ON CONFLICT (key) DO UPDATE SET"
        " value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
        (REMOVED_ID_KEY,),
    )


def _known(conn: sqlite3.Connection, feed_id: int, guids: list[str]) -> dict[str, tuple[int, str]]:
    """The feed's stored items among `guids`: guid → (id, content hash), read as one row of JSON
    (one statement step, not one per item: see `store_entries`)."""
    existing: dict[str, tuple[int, str]] = {}
    for start in range(0, len(guids), 500):
        chunk = guids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        (found,) = conn.execute(
            "SELECT json_group_array(json_array(guid, id, content_hash)) FROM items"
            f" WHERE feed_id = ? AND guid IN ({marks})",
            (feed_id, *chunk),
        ).fetchone()
        for guid, item_id, digest in json.loads(found):
            existing[guid] = (item_id, digest)
    return existing


def _known_under_shared_guids(
    conn: sqlite3.Connection,
    feed_id: int,
    entries: list[PreparedEntry],
    existing: dict[str, tuple[int, str]],
) -> None:
    """Add to `existing` the stored items that unknown entries are, though under another form of
    their guid: a post stored under its bare guid before the feed gave that guid to a second
    post (the entry now has its own variant), or one stored as a variant that is again alone
    under its guid. Told apart by link and title, so that each keeps its marks.
    """
    unknown = [e for e in entries if e.guid not in existing]
    if not unknown:
        return
    families = sorted({e.shared_guid or e.guid for e in unknown})
    (found,) = conn.execute(
        "SELECT json_group_array(json_array(i.guid, i.id, i.content_hash, i.url, i.title))"
        # CROSS JOIN keeps the guids outside, each a range of the (feed_id, guid) index; a
        # plain JOIN lets the planner walk every item of the feed instead.
        " FROM json_each(?) AS f CROSS JOIN items AS i ON i.feed_id = ?"
        " AND i.guid >= f.value AND i.guid <= f.value || ?",
        (json.dumps(families), feed_id, VARIANT_MARK + "~"),
    ).fetchone()
    rows = json.loads(found)
    if not rows:
        return
    claimed = {item_id for item_id, _ in existing.values()}
    by_family: dict[str, list[tuple[int, str, str, str]]] = {}
    for guid, item_id, digest, url, title in rows:
        family = guid.split(VARIANT_MARK, 1)[0] if VARIANT_MARK in guid else guid
        if item_id not in claimed:
            by_family.setdefault(family, []).append((item_id, digest, url or "", title or ""))
    for strictness in (2, 1, 0):
        for entry in unknown:
            if entry.guid in existing:
                continue
            url = str(entry.fields[0] or "")
            for candidate in by_family.get(entry.shared_guid or entry.guid, []):
                item_id, digest, stored_url, stored_title = candidate
                same_url = bool(url) and stored_url == url
                same_title = bool(entry.title) and stored_title == entry.title
                if item_id in claimed or not (
                    (same_url and same_title)
                    if strictness == 2
                    else same_url
                    if strictness == 1
                    else same_title
                ):
                    continue
                existing[entry.guid] = (item_id, digest)
                claimed.add(item_id)
                break


def _insert_rows(conn: sqlite3.Connection, target: str, rows: list[tuple[object, ...]]) -> None:
    """INSERT `rows` into `target` ("table (columns)"), many rows per statement."""
    if not rows:
        return
    row_marks = "(" + ",".join("?" * len(rows[0])) + ")"
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        conn.execute(
            f"INSERT INTO {target} VALUES " + ",".join([row_marks] * len(chunk)),
            [value for row in chunk for value in row],
        )


def reindex(conn: sqlite3.Connection, item_id: int) -> None:
    """Rewrite one item's search row from the library (after an edit, a note, a rename)."""
    row = conn.execute(
        """SELECT i.title, i.author, i.content, i.summary, i.full_text,
                  COALESCE(NULLIF(f.user_title, ''), f.title, f.url), COALESCE(n.body, ''),
                  i.hidden, i.cluster_head, COALESCE(NULLIF(i.language, ''), f.language)
           FROM items i JOIN feeds f ON f.id = i.feed_id
           LEFT JOIN notes n ON n.item_id = i.id WHERE i.id = ?""",
        (item_id,),
    ).fetchone()
    conn.execute("DELETE FROM items_fts WHERE rowid = ?", (item_id,))
    if row is None:
        return
    title, author, content, summary, full_text, feed, note, hidden, head, language = row
    text = html_to_text(full_text or content or summary)[:FTS_TEXT_LIMIT]
    conn.execute(
        "INSERT INTO items_fts (rowid, title, text, author, feed, note, state) "
        "VALUES (?,?,?,?,?,?,?)",
        (item_id, title, text, author, feed, note, state(bool(hidden), bool(head), language)),
    )
