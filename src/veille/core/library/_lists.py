"""The item list as SQLite answers it: a window of rows, a count, an item's place, the ids.

A view and a query become a `Condition` (`_views`); `_plans` decides how each part is asked
of SQLite, from what the library holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from veille.core.library._hits import few_hits, gathered_hits, hits_test
from veille.core.library._orders import ordered_position, ordered_rows
from veille.core.library._plans import (
    PROBE_CHECK,
    PROBE_WINDOW,
    WITHOUT,
    complement_of,
    complementing_exclusions,
    index_question,
    index_total,
    most_items,
    probing_exclusions,
    resolving_feed_sets,
    source,
    walking,
)
from veille.core.library._sql import ROW_COLUMNS, dt, story_sizes
from veille.core.library._subtract import likely_few, subtracted_count
from veille.core.library._views import Condition, View, build_where
from veille.core.library._vocabulary import forms_in
from veille.core.model import ItemRow
from veille.core.query.condition import Part, Sql, conjunction, render, rewrite


def _row(row: Sequence[object], cluster_sizes: dict[int, int]) -> ItemRow:
    cluster = row[11]
    return ItemRow(
        id=int(row[0]),  # type: ignore[call-overload]
        feed_id=int(row[1]),  # type: ignore[call-overload]
        title=str(row[2]),
        feed_title=str(row[3]),
        sort_date=dt(row[4]),  # type: ignore[arg-type]
        read=bool(row[5]),
        starred=bool(row[6]),
        truncated=bool(row[7]),
        has_full_text=bool(row[8]),
        url=str(row[9]),
        tags=tuple(str(row[10]).split("\x1f")) if row[10] else (),
        cluster_size=cluster_sizes.get(cluster, 1) if isinstance(cluster, int) else 1,
        full_text_state=str(row[12] or ""),  # type: ignore[arg-type]
    )


def condition(
    conn: sqlite3.Connection, query: str, view: View | None, *, collapse: bool = False
) -> Condition:
    extra: tuple[str, ...] = ()
    if view is not None and view.saved_search_id is not None:
        row = conn.execute(
            "SELECT query FROM saved_searches WHERE id = ?", (view.saved_search_id,)
        ).fetchone()
        extra = (row[0],) if row else ("id:0",)
    if view is not None and view.rule_id is not None:
        row = conn.execute("SELECT query FROM rules WHERE id = ?", (view.rule_id,)).fetchone()
        extra = (row[0],) if row else ("id:0",)
    return build_where(query, view, extra_queries=extra, collapse=collapse, forms=forms_in(conn))


def count(
    conn: sqlite3.Connection, query: str = "", *, view: View | None = None, collapse: bool = True
) -> int:
    cond = condition(conn, query, view, collapse=collapse)
    if cond.index is not None:  # nothing but words, languages and which items show
        return index_total(conn, cond.index, cond.scope, cond.words)
    if cond.lead is not None:  # every result matches free words
        match = cond.lead.match.expression
        rest = resolving_feed_sets(conn, cond.lead.rest, walk=False)
        where, params = render(rest)
        if most_items(conn, match):
            # Each hit would be checked against the rest; the few items of the list
            # without the words are fewer to set aside.
            without = f"{cond.scope} NOT {complement_of(match)}"
            found = subtracted_count(conn, rest, [without]) if likely_few(conn, without) else None
            if found is not None:
                return found
            sql = f"SELECT count(*) FROM {source(where)} WHERE {where} AND {WITHOUT}"
            return int(conn.execute(sql, (*params, without)).fetchone()[0])
        feeds = " JOIN feeds f ON f.id = i.feed_id" if "f." in where else ""
        sql = (
            f"SELECT count(*) FROM items_fts CROSS JOIN items i ON i.id = items_fts.rowid"
            f"{feeds} WHERE items_fts MATCH ? AND {where}"
        )
        return int(conn.execute(sql, (match, *params)).fetchone()[0])
    part = probing_exclusions(conn, resolving_feed_sets(conn, cond.part, walk=False))
    part = complementing_exclusions(conn, part, cond.scope)
    subtracted = subtracted_count(conn, part)
    if subtracted is not None:
        return subtracted
    where, params = render(part)
    sql = f"SELECT count(*) FROM {source(where)} WHERE {where}"
    return int(conn.execute(sql, params).fetchone()[0])


def rows(
    conn: sqlite3.Connection,
    query: str = "",
    *,
    view: View | None = None,
    offset: int = 0,
    limit: int = 100,
    order: str = "newest",
    after: int | None = None,
) -> list[ItemRow]:
    """A window of the item list, newest first; a story from several feeds shows once.

    `after` is the id of the row the caller holds at `offset - 1`: the window is then read
    from that row's place in the list, as quickly at any depth as at the top (`OFFSET` would
    step past every row before it, and a search's walk could not reach them). An item no
    longer in the library leaves `offset` alone to say where the window starts.
    """
    cond = condition(conn, query, view, collapse=True)
    if order != "newest":
        return _with_sizes(conn, ordered_rows(conn, cond.sql, cond.params, order, offset, limit))
    part, rest = cond.part, cond.lead.rest if cond.lead is not None else None
    below = _below(conn, after) if after is not None else None
    if below is not None:
        part, offset = conjunction([part, below]), 0
        rest = None if rest is None else conjunction([rest, below])
    if cond.lead is not None and rest is not None:
        lead = cond.lead.match
        if lead.probe is not None and offset + limit <= PROBE_WINDOW // 3:
            found, slow = _probed_rows(conn, lead.probe, rest, offset, limit)
            if found is not None:
                return found
            # Too few hits near the top for the walk: gathered whole on a large library
            # (and kept for the count), else only when they are few.
            gathered = None
            if slow and cond.index is not None:
                question = index_question(conn, cond.index, cond.scope, cond.words)
                gathered = gathered_hits(conn, question, offset + limit)
            if gathered is None and slow:
                hits = few_hits(conn, lead.expression, offset + limit)
                gathered = None if hits is None else hits_test(hits)
            if gathered is not None:
                part = rewrite(part, lambda inner, _: gathered if inner is lead else None)
        elif lead.probe is None and most_items(conn, lead.expression):
            # A prefix or a phrase that most items have, which the index answers slowly
            # row by row: the list is walked past the few items without it (`algo*` on
            # 100,000 items: its 95,000 hits gathered, ~25 ms; the 4,500 others, ~8).
            without = Sql(WITHOUT, (f"{cond.scope} NOT ({lead.expression})",))
            part = conjunction([rest, without])
        elif lead.probe is None and cond.index is not None:
            # A phrase or a prefix, the index alone answering the whole condition.
            question = index_question(conn, cond.index, cond.scope, cond.words)
            gathered = gathered_hits(conn, question, offset + limit)
            if gathered is not None:
                part = rewrite(part, lambda inner, _: gathered if inner is lead else None)
    # Walking the list in order and testing each item against the search's id set (`+`
    # keeps SQLite from looking up every hit by id instead) stops after a window: ~20 ms
    # whether a word is in ten items or in all of them. Looking hits up by id and sorting
    # them cost up to 150 ms for a word found in nearly every item, but next to nothing
    # for a rare one (`few_hits`): its hits, written as ids, drive the plan. An excluded
    # word (`NOT (…)`) never does; `_plans` decides how it is tested.
    part = walking(probing_exclusions(conn, resolving_feed_sets(conn, part)))
    part = complementing_exclusions(conn, part, cond.scope, offset + limit)
    where, params = render(part)
    # CROSS JOIN keeps the items outermost whatever the statistics say: driven from the
    # feeds, the window is a sort of every matching item (250 ms for the whole library).
    found_rows = conn.execute(
        f"SELECT {ROW_COLUMNS} FROM items i CROSS JOIN feeds f ON f.id = i.feed_id "
        f"WHERE {where} ORDER BY i.sort_ts DESC, i.id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return _with_sizes(conn, found_rows)


def _below(conn: sqlite3.Connection, item_id: int) -> Sql | None:
    """The rows that come after item `item_id` in the list's order (None: no such item)."""
    row = conn.execute("SELECT sort_ts FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        return None
    # A row value: SQLite seeks the list's index to the place and walks on from there.
    return Sql("(i.sort_ts, i.id) < (?, ?)", (row[0], item_id))


def _probed_rows(
    conn: sqlite3.Connection,
    probe: tuple[str, tuple[str, ...]],
    rest: Part,
    offset: int,
    limit: int,
) -> tuple[list[ItemRow] | None, bool]:
    """The window of a search for common words, or None when they are not common enough,
    and whether the walk gave up early for want of hits (see `PROBE_CHECK`).

    The list's first rows are read in order and each is asked of the search index, which
    for a word found in most items answers a window in a few milliseconds, where collecting
    every hit first takes 20. Each question costs ~50 µs, so the walk stops at
    `PROBE_WINDOW` rows, or at `PROBE_CHECK` rows when it goes at less than half the pace
    it needs; a window it did not fill goes to the general plan. A row that has the words
    (`probe`'s first half) is then asked about each excluded word (`securite -climat`).
    """
    match, excluded = probe
    # Other index tests are sets each row is looked up in: driven by one, SQLite would
    # gather and sort all its hits before the walk could begin.
    where, params = render(walking(resolving_feed_sets(conn, rest)))
    walk = conn.execute(
        f"SELECT {ROW_COLUMNS} FROM items i CROSS JOIN feeds f ON f.id = i.feed_id "
        f"WHERE {where} ORDER BY i.sort_ts DESC, i.id DESC LIMIT {PROBE_WINDOW}",
        params,
    )
    question = "SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND rowid = ?"
    found: list[Any] = []
    skip = offset
    walked = 0
    ask = conn.cursor()
    for row in walk:
        walked += 1
        if walked == PROBE_CHECK and 2 * (len(found) + offset - skip) * PROBE_WINDOW < (
            (offset + limit) * PROBE_CHECK
        ):
            walk.close()
            return None, True  # too few so far to fill the window within the bound
        if ask.execute(question, (match, row[0])).fetchone() is None:
            continue
        if any(ask.execute(question, (out, row[0])).fetchone() for out in excluded):
            continue
        if skip:
            skip -= 1
            continue
        found.append(row)
        if len(found) == limit:
            walk.close()
            return _with_sizes(conn, found), False
    if walked < PROBE_WINDOW:  # the whole list was walked: this is all there is
        return _with_sizes(conn, found), False
    return None, False  # the bound came first


def _with_sizes(conn: sqlite3.Connection, rows: list[Any]) -> list[ItemRow]:
    sizes = story_sizes(conn, [r[11] for r in rows if r[11] is not None])
    return [_row(r, sizes) for r in rows]


def item_ids(conn: sqlite3.Connection, query: str = "", *, view: View | None = None) -> list[int]:
    cond = condition(conn, query, view)
    return [
        r[0]
        for r in conn.execute(
            f"SELECT i.id FROM {source(cond.sql)} WHERE {cond.sql} "
            "ORDER BY i.sort_ts DESC, i.id DESC",
            cond.params,
        )
    ]


def position(
    conn: sqlite3.Connection,
    item_id: int,
    query: str = "",
    *,
    view: View | None = None,
    order: str = "newest",
) -> int | None:
    """Where `item_id` stands in the list of `query`/`view`, or None if it is not there."""
    if order != "newest":
        cond = condition(conn, query, view, collapse=True)
        return ordered_position(conn, item_id, cond.sql, cond.params, order)
    row = conn.execute("SELECT sort_ts FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        return None
    cond = condition(conn, query, view, collapse=True)
    present = conn.execute(
        f"SELECT 1 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ? AND {cond.sql}",
        (item_id, *cond.params),
    ).fetchone()
    if not present:
        return None
    before = conn.execute(
        f"SELECT count(*) FROM {source(cond.sql)} WHERE {cond.sql} "
        "AND (i.sort_ts > ? OR (i.sort_ts = ? AND i.id > ?))",
        (*cond.params, row[0], row[0], item_id),
    ).fetchone()
    return int(before[0])
