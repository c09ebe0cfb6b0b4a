"""A search's hits gathered first and written into the query that lists them.

A rare word's few hits, written as ids, drive the query: SQLite looks them up and sorts them
instead of walking the list for them (`few_hits`). On a large library the whole condition's
hits are gathered in halves (`veille.core.library._halves`) and kept for the count asked next,
then written as ids or as a set the list is walked against (`gathered_hits`).
"""

from __future__ import annotations

import json
import math
import sqlite3

from veille.core.library import _halves
from veille.core.query.condition import Part, Sql


def few_hits(conn: sqlite3.Connection, match: str, rows: int) -> list[int] | None:
    """The hits of `match`, when they are so few that gathering and sorting them all beats
    walking the list for `rows` of them; None otherwise.

    Gathering costs about a microsecond a hit; a walk, a fifth of that per row, and it covers
    `rows` / density rows: the two meet near hits = √(rows × items / 4), about 1,600 hits for
    100 rows of 100,000 items. The hits are read no further than that: a rare word's in well
    under a millisecond, and a word in one item of twenty, which a walk finds too few of, in a
    few (its 44,000 hits in 1,000,000 items took 35 ms to count whole). Few, they are written
    into the query as ids (see `hits_test`), which the index then need not be asked again.
    """
    items = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0  # ids count items
    bound = math.isqrt(rows * items // 4) + 1
    if items >= _halves.SPLIT_FROM:  # and kept, for a count of the same words next
        found = _halves.hits(conn, match, most=bound)
        if found is None:
            return None
        hits: list[int] = json.loads(found)
    else:
        asked = conn.execute(
            "SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?", (match, bound)
        )
        hits = [int(row[0]) for row in asked]
    return hits if 4 * len(hits) * len(hits) < rows * items else None


def hits_test(hits: list[int]) -> Sql:
    """The items among `hits` (search rows are items' ids)."""
    return Sql(f"i.id IN ({','.join(map(str, hits))})" if hits else "0")


def gathered_hits(conn: sqlite3.Connection, question: str, rows: int) -> Part | None:
    """The items of the index question `question` (the whole condition), gathered in halves
    on a large library (`_halves.hits`, kept for the count asked next) and written into the
    query: as ids when they are few (see `few_hits`), else as a set the list is walked
    against. None on a smaller library, where a question takes a few milliseconds.

    A phrase of two words most items hold, on 1,000,000 items: SQLite gathering the hits for
    the window, then the count asking again, cost two full passes over the positions.
    """
    items = int(conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0)
    if items < _halves.SPLIT_FROM:
        return None
    found = _halves.hits(conn, question) or "[]"
    many = _halves.hit_count(found)
    if 4 * many * many < rows * items:
        return hits_test(json.loads(found))
    return Sql("+i.id IN (SELECT value FROM json_each(?))", (found,))
