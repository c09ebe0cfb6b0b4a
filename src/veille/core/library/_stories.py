"""One story, many sources: grouping items from different feeds that tell the same story.

Three signals, from the most to the least certain:
- the same link once tracking parameters are gone (`canonical_url`, indexed);
- the same wire copy: the opening of the text, folded, hashes the same (`lead_hash`, indexed);
- a near-identical title within a few days (`_titles`).

Only new items are compared, against items from other feeds in a window around their dates. Each
value a new item holds is read once, and each new title meets a bounded number of others, so the
grouping costs time in proportion to the new items however often outlets repeat each other, and
is cheap enough to run at every refresh. A cluster's id is its oldest member's id; that member is the
`cluster_head` the item list shows, with « +N sources ».

A refresh groups the agency dispatches among its new items as it stores each batch of feeds
(`group_by_shared`), before their search rows are written, then everything once every feed is
stored: the window of titles is read once for all of them, and whether a value many items hold
is boilerplate is only known then.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from veille.core.library._db import Database
from veille.core.library._sql import placeholders
from veille.core.library._titles import WINDOW, match_titles

MAX_SOURCES = 30  # more items than this sharing a link or an opening are a site's boilerplate…
SPREAD = 2  # …unless they come from at least one site in `SPREAD` of them: a dispatch
HOLDERS_READ = 2000  # items read per shared value, the newest first (older ones are grouped)


class _Groups:
    """Union-find over item ids; the smallest id names the group."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def cluster_new_items(db: Database, new_ids: Sequence[int]) -> int:
    """Group `new_ids` with the stories they belong to; returns how many items joined one."""
    if not new_ids:
        return 0
    conn = db.connection()
    # The dates of the new items, from the narrow flags index: they bound the window of items a
    # title is compared with, and that window (which holds the new items) is then read once.
    low = high = None
    for start in range(0, len(new_ids), 500):
        chunk = list(new_ids[start : start + 500])
        first, last = conn.execute(
            f"SELECT min(sort_ts), max(sort_ts) FROM items WHERE id IN ({placeholders(chunk)})",
            chunk,
        ).fetchone()
        if first is not None:
            low = first if low is None else min(low, first)
            high = last if high is None else max(high, last)
    if low is None or high is None:
        return 0
    wanted = set(new_ids)
    window = conn.execute(
        f"SELECT {_ROW} FROM items WHERE sort_ts BETWEEN ? AND ?",
        (low - WINDOW, high + WINDOW),
    ).fetchall()
    groups = _Groups()
    cluster_of: dict[int, int | None] = {row[0]: row[6] for row in window}
    _join_shared(conn, [row for row in window if row[0] in wanted], groups, cluster_of)
    match_titles(((row[0], row[1], row[2], row[3]) for row in window), wanted, groups.union)
    with db.write() as writing:
        return len(_write_groups(writing, groups, cluster_of))


def group_by_shared(conn: sqlite3.Connection, new_ids: Sequence[int]) -> set[int]:
    """Group `new_ids` with the items of other sites that carry the same dispatch (the same
    opening), inside the caller's write transaction; returns the items whose story was written.

    The refresh's store calls this before it writes the new items' search rows: an item that
    joins a story there is written once as one of its sources, where grouping it afterwards
    rewrites its search row (a search row holds whether its item heads its story).
    """
    rows: list[tuple[int, str]] = []
    for start in range(0, len(new_ids), 500):
        chunk = list(new_ids[start : start + 500])
        rows.extend(
            conn.execute(
                f"SELECT id, lead_hash FROM items WHERE id IN ({placeholders(chunk)})"
                " AND lead_hash != ''",
                chunk,
            )
        )
    groups = _Groups()
    cluster_of: dict[int, int | None] = {}
    # Only openings that several sites carry: a value may turn out to be boilerplate once the
    # refresh's later feeds are stored, and links are one site's own; those are grouped at the
    # refresh's end (`cluster_new_items`).
    _join_shared(conn, rows, groups, cluster_of, columns=(("lead_hash", 1),), dispatches=True)
    return _write_groups(conn, groups, cluster_of)


_ROW = "id, feed_id, sort_ts, title, canonical_url, lead_hash, cluster_id"


def _join_shared(
    conn: sqlite3.Connection,
    new: Sequence[tuple[object, ...]],
    groups: _Groups,
    cluster_of: dict[int, int | None],
    *,
    columns: Sequence[tuple[str, int]] = (("canonical_url", 4), ("lead_hash", 5)),
    dispatches: bool = False,
) -> None:
    """Join each new item to the items of other feeds that hold its link or its opening
    (`columns`: each column and where the new rows hold its value)."""
    for column, at in columns:
        for holders in _same_value(conn, column, new, at, dispatches=dispatches):
            # Holders from one feed only are one outlet repeating itself, not several sources;
            # otherwise joining each to the first is enough, the groups being transitive.
            if len({feed for _, feed, _ in holders}) < 2:
                continue
            first = holders[0][0]
            for item_id, _feed, cluster in holders:
                cluster_of.setdefault(item_id, cluster)
                groups.union(first, item_id)


Holder = tuple[int, int, int | None]  # (item id, its feed, its cluster)


def _same_value(
    conn: sqlite3.Connection,
    column: str,
    new: Sequence[tuple[object, ...]],
    at: int,
    *,
    dispatches: bool = False,
) -> Iterable[list[Holder]]:
    """The items holding each `column` value a new item holds and another item too.

    A value more than `MAX_SOURCES` items hold is a site's boilerplate (a paywall teaser, a
    cookie notice, a link to the subscription page), not one story, unless those items come from
    many sites: an agency dispatch that hundreds of outlets carry. Each value's holders are read
    once, whatever the number of new items holding it, which keeps the work linear.

    With `dispatches`, only values that several sites hold, and no site more than `SPREAD`
    times over, are answered: what more holders stored later cannot turn into boilerplate.
    """
    values = {str(row[at]) for row in new if row[at]}
    counts = _shared_values(conn, column, list(values))
    few = [value for value, count in counts.items() if count <= MAX_SOURCES + 1]
    for start in range(0, len(few), 500):
        chunk = few[start : start + 500]
        found: dict[str, list[tuple[int, int, int | None, str]]] = defaultdict(list)
        for other, other_feed, other_cluster, url, value in conn.execute(
            f"SELECT id, feed_id, cluster_id, canonical_url, {column} FROM items "
            f"WHERE {column} IN ({placeholders(chunk)}) AND {column} != ''",
            chunk,
        ):
            found[value].append((other, other_feed, other_cluster, url))
        for holders in found.values():
            if not dispatches or _spread(holders, least=2):
                yield [(item_id, feed_id, cluster) for item_id, feed_id, cluster, _ in holders]
    for value, count in counts.items():
        if count <= MAX_SOURCES + 1:
            continue
        rows = conn.execute(
            f"SELECT id, feed_id, cluster_id, canonical_url FROM items "
            f"WHERE {column} = ? AND {column} != '' ORDER BY id DESC LIMIT ?",
            (value, HOLDERS_READ),
        ).fetchall()
        if _spread(rows):
            yield [(item_id, feed_id, cluster) for item_id, feed_id, cluster, _ in rows]


def _spread(holders: Sequence[tuple[int, int, int | None, str]], least: int = 1) -> bool:
    """Whether `holders` come from `least` sites or more, each holding few of them: a dispatch."""
    sites = {urlsplit(url).hostname or url for *_, url in holders}
    return len(sites) >= least and len(sites) * SPREAD >= len(holders)


# From this share of the library on, the values of new items are checked against one pass over
# the whole column's index rather than a look-up each (the first refresh of 1,000 feeds: 50,000
# look-ups per column, 120-130 ms, against 15-22 ms for the pass).
WHOLE_INDEX_SHARE = 8


def _shared_values(conn: sqlite3.Connection, column: str, values: list[str]) -> dict[str, int]:
    """The `values` that two items or more hold in `column`, with how many hold each."""
    # `!= ''` lets SQLite use the partial index on lead_hash (a bound value alone cannot prove
    # the row is in it); without it every lookup scans the table.
    size = conn.execute("SELECT COALESCE(max(id), 0) FROM items").fetchone()[0]
    if len(values) * WHOLE_INDEX_SHARE >= size:
        mine = set(values)
        return {
            value: count
            for value, count in conn.execute(
                f"SELECT {column}, count(*) FROM items WHERE {column} != '' GROUP BY {column}"
                " HAVING count(*) > 1"
            )
            if value in mine
        }
    shared: dict[str, int] = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        shared.update(
            (value, count)
            for value, count in conn.execute(
                f"SELECT {column}, count(*) FROM items WHERE {column} IN ({placeholders(chunk)}) "
                f"AND {column} != '' GROUP BY {column} HAVING count(*) > 1",
                chunk,
            )
        )
    return shared


def _write_groups(
    conn: sqlite3.Connection, groups: _Groups, cluster_of: dict[int, int | None]
) -> set[int]:
    """Write each group as one story, inside the caller's transaction; returns its members."""
    members: dict[int, set[int]] = defaultdict(set)
    for item_id in list(groups.parent):
        members[groups.find(item_id)].add(item_id)
    joined: set[int] = set()
    for group in members.values():
        if len(group) < 2:
            continue
        # Existing clusters the group touches merge into one, named by the oldest member.
        existing = {c for i in group if (c := cluster_of.get(i)) is not None}
        everyone = set(group)
        for cluster in existing:
            everyone.update(
                r[0] for r in conn.execute("SELECT id FROM items WHERE cluster_id = ?", (cluster,))
            )
        head = min(everyone)
        ids = sorted(everyone)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            # Members already right are left alone: rewriting one, even with its own
            # values, rewrites its row and its entries in every index on the two columns.
            conn.execute(
                f"UPDATE items SET cluster_id = ?, cluster_head = (id = ?) "
                f"WHERE id IN ({placeholders(chunk)})"
                " AND (cluster_id IS NOT ? OR cluster_head != (id = ?))",
                (head, head, *chunk, head, head),
            )
        joined |= everyone
    return joined


def cluster_members(conn: sqlite3.Connection, item_id: int) -> list[int]:
    """Every item of `item_id`'s story, itself included, oldest first."""
    row = conn.execute("SELECT cluster_id FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None or row[0] is None:
        return [item_id]
    return [
        r[0]
        for r in conn.execute("SELECT id FROM items WHERE cluster_id = ? ORDER BY id", (row[0],))
    ]


def story_members(conn: sqlite3.Connection, stories: Sequence[int]) -> set[int]:
    """The ids of every item of the `stories` (cluster ids)."""
    found: set[int] = set()
    for start in range(0, len(stories), 500):
        chunk = list(stories[start : start + 500])
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM items WHERE cluster_id IN ({placeholders(chunk)})", chunk
            )
        )
    return found


def story_count(conn: sqlite3.Connection, ids: Sequence[int]) -> int:
    """How many stories the items `ids` tell: items of one story count once."""
    stories: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        stories.update(
            r[0] if r[0] is not None else -r[1]
            for r in conn.execute(
                f"SELECT cluster_id, id FROM items WHERE id IN ({placeholders(chunk)})", chunk
            )
        )
    return len(stories)
