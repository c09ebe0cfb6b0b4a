"""Counting a list that leaves out small sets of items as the list less the items they hold.

"Not one of the 8,000 items tagged `à-lire`", tested on each of the 200,000 items of the last
90 days, is a lookup in that set for each (~50 ms at a million items); the same count is the 90
days' own, which their index answers alone, less the tagged items among them, found from the
set itself, one item lookup for each of its members. So are the few items of a list without
the words most items have (`_lists.count`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from veille.core.library import _halves
from veille.core.library._plans import SAMPLE, at_most, source
from veille.core.query.condition import Group, IdSet, Match, Not, Part, conjunction, render

# The sets are subtracted when they hold at most this many items together…
MOST = 20_000
# …and the list without them holds this many times as many: a short list is cheaper tested.
RATIO = 4

IdSelect = tuple[str, tuple[object, ...]]


def conjuncts(part: Part) -> list[Part]:
    """The parts that must all be true for `part` to be (its AND groups opened)."""
    if isinstance(part, Group) and part.op == " AND ":
        return [inner for child in part.children for inner in conjuncts(child)]
    return [part]


def likely_few(conn: sqlite3.Connection, match: str) -> bool:
    """Whether the search `match` likely finds few enough items to be subtracted, judged by
    the newest items' hits: a fraction of a millisecond, where reading a common complement's
    hits up to `MOST` costs ~20 ms at a million items, spent for nothing when they are more.
    Only a plan depends on the answer."""
    top = int(conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0)
    start = max(top - SAMPLE, 0)
    items = conn.execute("SELECT count(*) FROM items WHERE id > ?", (start,)).fetchone()[0]
    found = conn.execute(
        "SELECT count(*) FROM items_fts WHERE items_fts MATCH ? AND rowid > ?", (match, start)
    ).fetchone()[0]
    return int(found) * top <= MOST * max(int(items), 1)


def subtracted_count(
    conn: sqlite3.Connection, part: Part, searches: Sequence[str] = ()
) -> int | None:
    """How many items `part` selects, less the hits of any of `searches` (FTS5 expressions),
    when the sets left out (those hits and `part`'s own `NOT (IdSet)` tests) are small beside
    the rest; None otherwise.

    Every set's select gives item ids, never NULL: `NOT (i.id IN (…))` is then true exactly
    for the items outside it, which the subtraction counts. A rest that must match a set of
    its own (`has:note -tag:cnil`) is left to SQLite: driven by that set, it tests few rows.
    """
    kept: list[Part] = []
    sets: list[IdSelect] = []
    for inner in conjuncts(part):
        if isinstance(inner, Not) and isinstance(inner.child, IdSet):
            sets.append((inner.child.select, inner.child.params))
        elif isinstance(inner, (IdSet, Match)):
            return None
        else:
            kept.append(inner)
    if not (sets or searches):
        return None
    # A search's hits are gathered in halves on a large library: "the shown items without
    # « climat » or « énergie »" walks two lists of nearly every item.
    left_out: set[int] = set()
    for search in searches:
        hits = _halves.hits(conn, search, most=MOST + 1)
        if hits is None:
            return None
        left_out.update(json.loads(hits))
    if sets:
        union = " UNION ".join(select for select, _ in sets)
        found = conn.execute(
            f"SELECT * FROM ({union}) LIMIT {MOST + 1}", tuple(p for _, ps in sets for p in ps)
        )
        left_out.update(int(row[0]) for row in found)
    if len(left_out) > MOST:
        return None
    members = sorted(left_out)
    where, params = render(conjunction(kept))
    if members and at_most(conn, where, params, RATIO * len(members) + 1) <= RATIO * len(members):
        return None
    total = conn.execute(f"SELECT count(*) FROM {source(where)} WHERE {where}", params)
    whole = int(total.fetchone()[0])
    if not members:
        return whole
    # The members written as ids: the set is read once, and its items drive the query.
    feeds = " CROSS JOIN feeds f ON f.id = i.feed_id" if "f." in where else ""
    inside = conn.execute(
        f"SELECT count(*) FROM items i{feeds} "
        f"WHERE i.id IN ({','.join(map(str, members))}) AND {where}",
        params,
    )
    return whole - int(inside.fetchone()[0])
