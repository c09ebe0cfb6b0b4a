"""The item list (windows of light rows), full records, and stories told by several feeds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from veille.core.library import clusters
from veille.core.library.base import ROW_COLUMNS, dt
from veille.core.library.database import LibraryError, placeholders
from veille.core.library.feeds import FeedsLayer
from veille.core.library.plans import (
    PROBE_CHECK,
    PROBE_WINDOW,
    WALK_FTS,
    WITHOUT,
    complementing_exclusions,
    few_hits,
    index_count,
    most_items,
    probed_words,
    probing_exclusions,
    resolving_feed_sets,
    source,
)
from veille.core.library.views import Condition, View, build_where
from veille.core.model import (
    Enclosure,
    Item,
    ItemRow,
)


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
    )


class ReadingLayer(FeedsLayer):
    # Stories told by several feeds ----------------------------------------------------------

    def cluster(self, new_ids: Sequence[int]) -> int:
        """Group new items with the stories they belong to (see `clusters`)."""
        return clusters.cluster_new_items(self.db, new_ids)

    def cluster_members(self, item_id: int) -> list[int]:
        return clusters.cluster_members(self.conn, item_id)

    # Items --------------------------------------------------------------------------------

    def _where(self, query: str, view: View | None, *, collapse: bool = False) -> Condition:
        extra: tuple[str, ...] = ()
        if view is not None and view.saved_search_id is not None:
            row = self.conn.execute(
                "SELECT query FROM saved_searches WHERE id = ?", (view.saved_search_id,)
            ).fetchone()
            extra = (row[0],) if row else ("id:0",)
        if view is not None and view.rule_id is not None:
            row = self.conn.execute(
                "SELECT query FROM rules WHERE id = ?", (view.rule_id,)
            ).fetchone()
            extra = (row[0],) if row else ("id:0",)
        return build_where(query, view, extra_queries=extra, collapse=collapse)

    def count(self, query: str = "", *, view: View | None = None, collapse: bool = True) -> int:
        cond = self._where(query, view, collapse=collapse)
        if cond.index is not None:  # nothing but words, languages and which items show
            return index_count(self.conn, cond.index)
        if cond.lead is not None:  # every result matches free words
            match, rest, params = cond.lead
            where, params = resolving_feed_sets(self.conn, rest, params)
            if most_items(self.conn, match):
                # Each hit would be checked against the rest; the few items of the list
                # without the words are fewer to set aside.
                sql = f"SELECT count(*) FROM {source(where)} WHERE {where} AND {WITHOUT}"
                found = self.conn.execute(sql, (*params, f"{cond.scope} NOT ({match})"))
                return int(found.fetchone()[0])
            feeds = " JOIN feeds f ON f.id = i.feed_id" if "f." in where else ""
            sql = (
                f"SELECT count(*) FROM items_fts CROSS JOIN items i ON i.id = items_fts.rowid"
                f"{feeds} WHERE items_fts MATCH ? AND {where}"
            )
            return int(self.conn.execute(sql, (match, *params)).fetchone()[0])
        where, params = resolving_feed_sets(self.conn, cond.sql, cond.params)
        where = probing_exclusions(self.conn, where, params)
        where, params = complementing_exclusions(self.conn, where, params, cond.scope)
        sql = f"SELECT count(*) FROM {source(where)} WHERE {where}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def rows(
        self, query: str = "", *, view: View | None = None, offset: int = 0, limit: int = 100
    ) -> list[ItemRow]:
        """A window of the item list, newest first; a story from several feeds shows once."""
        cond = self._where(query, view, collapse=True)
        rare = False
        where, params = cond.sql, cond.params
        if cond.lead is not None:
            match, rest, rest_params = cond.lead
            words = probed_words(match)
            if words is not None and offset + limit <= PROBE_WINDOW // 3:
                found, slow = self._probed_rows(*words, rest, rest_params, offset, limit)
                if found is not None:
                    return found
                rare = slow and few_hits(self.conn, match, offset + limit)
            elif words is None and most_items(self.conn, match):
                # A prefix or a phrase that most items have, which the index answers slowly
                # row by row: the list is walked past the few items without it (`algo*` on
                # 100,000 items: its 95,000 hits gathered, ~25 ms; the 4,500 others, ~8).
                where = f"{rest} AND {WITHOUT}"
                params = (*rest_params, f"{cond.scope} NOT ({match})")
        # Walking the list in order and testing each item against the search's id set (`+`
        # keeps SQLite from looking up every hit by id instead) stops after a window: ~20 ms
        # whether a word is in ten items or in all of them. Looking hits up by id and sorting
        # them cost up to 150 ms for a word found in nearly every item, but next to nothing
        # for a rare one (`few_hits`): those drive the plan. An excluded word (`NOT (…)`)
        # never does; `plans` decides how it is tested.
        where, params = resolving_feed_sets(self.conn, where, params)
        where = probing_exclusions(self.conn, where, params)
        if not rare:
            where = WALK_FTS.sub(r"+\g<0>", where)
        where, params = complementing_exclusions(
            self.conn, where, params, cond.scope, offset + limit
        )
        # CROSS JOIN keeps the items outermost whatever the statistics say: driven from the
        # feeds, the window is a sort of every matching item (250 ms for the whole library).
        rows = self.conn.execute(
            f"SELECT {ROW_COLUMNS} FROM items i CROSS JOIN feeds f ON f.id = i.feed_id "
            f"WHERE {where} ORDER BY i.sort_ts DESC, i.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return self._with_sizes(rows)

    def _probed_rows(
        self,
        match: str,
        excluded: list[str],
        rest: str,
        params: tuple[object, ...],
        offset: int,
        limit: int,
    ) -> tuple[list[ItemRow] | None, bool]:
        """The window of a search for common words, or None when they are not common enough,
        and whether the walk gave up early for want of hits (see `PROBE_CHECK`).

        The list's first rows are read in order and each is asked of the search index, which
        for a word found in most items answers a window in a few milliseconds, where collecting
        every hit first takes 20. Each question costs ~50 µs, so the walk stops at
        `PROBE_WINDOW` rows, or at `PROBE_CHECK` rows when it goes at less than half the pace
        it needs; a window it did not fill goes to the general plan. A row that has the words is
        then asked about each excluded word (`securite -climat`).
        """
        rest, params = resolving_feed_sets(self.conn, rest, params)
        # Other index tests are sets each row is looked up in: driven by one, SQLite would
        # gather and sort all its hits before the walk could begin.
        rest = WALK_FTS.sub(r"+\g<0>", rest)
        walk = self.conn.execute(
            f"SELECT {ROW_COLUMNS} FROM items i CROSS JOIN feeds f ON f.id = i.feed_id "
            f"WHERE {rest} ORDER BY i.sort_ts DESC, i.id DESC LIMIT {PROBE_WINDOW}",
            params,
        )
        probe = "SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND rowid = ?"
        rows: list[Any] = []
        skip = offset
        walked = 0
        ask = self.conn.cursor()
        for row in walk:
            walked += 1
            if walked == PROBE_CHECK and 2 * (len(rows) + offset - skip) * PROBE_WINDOW < (
                (offset + limit) * PROBE_CHECK
            ):
                walk.close()
                return None, True  # too few so far to fill the window within the bound
            if ask.execute(probe, (match, row[0])).fetchone() is None:
                continue
            if any(ask.execute(probe, (out, row[0])).fetchone() for out in excluded):
                continue
            if skip:
                skip -= 1
                continue
            rows.append(row)
            if len(rows) == limit:
                walk.close()
                return self._with_sizes(rows), False
        if walked < PROBE_WINDOW:  # the whole list was walked: this is all there is
            return self._with_sizes(rows), False
        return None, False  # the bound came first

    def _with_sizes(self, rows: list[Any]) -> list[ItemRow]:
        clusters = [r[11] for r in rows if r[11] is not None]
        sizes: dict[int, int] = {}
        if clusters:
            sizes = dict(
                self.conn.execute(
                    f"SELECT cluster_id, count(*) FROM items WHERE cluster_id IN "
                    f"({placeholders(clusters)}) GROUP BY cluster_id",
                    clusters,
                ).fetchall()
            )
        return [_row(r, sizes) for r in rows]

    def item_ids(self, query: str = "", *, view: View | None = None) -> list[int]:
        cond = self._where(query, view)
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT i.id FROM {source(cond.sql)} WHERE {cond.sql} "
                "ORDER BY i.sort_ts DESC, i.id DESC",
                cond.params,
            )
        ]

    def position(self, item_id: int, query: str = "", *, view: View | None = None) -> int | None:
        """Where `item_id` stands in the list of `query`/`view`, or None if it is not there."""
        row = self.conn.execute("SELECT sort_ts FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            return None
        cond = self._where(query, view, collapse=True)
        present = self.conn.execute(
            f"SELECT 1 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ? AND {cond.sql}",
            (item_id, *cond.params),
        ).fetchone()
        if not present:
            return None
        before = self.conn.execute(
            f"SELECT count(*) FROM {source(cond.sql)} WHERE {cond.sql} "
            "AND (i.sort_ts > ? OR (i.sort_ts = ? AND i.id > ?))",
            (*cond.params, row[0], row[0], item_id),
        ).fetchone()
        return int(before[0])

    def items(
        self, query: str = "", *, view: View | None = None, limit: int | None = None
    ) -> list[Item]:
        """Full records (bodies, tags, notes) for exports and the command line."""
        ids = self.item_ids(query, view=view)
        if limit is not None:
            ids = ids[:limit]
        return self.items_by_id(ids)

    def items_by_id(self, ids: Sequence[int]) -> list[Item]:
        found: dict[int, Item] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for item in self._load_items(chunk):
                found[item.id] = item
        return [found[i] for i in ids if i in found]

    def full_text_flags(self, ids: Sequence[int]) -> list[tuple[int, int, bool]]:
        """(id, feed id, truncated) of the items `ids`: enough to decide whether an item wants
        its full text, without loading every new item's body to find out."""
        found: list[tuple[int, int, bool]] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            found.extend(
                (int(i), int(f), bool(t))
                for i, f, t in self.conn.execute(
                    f"SELECT id, feed_id, truncated FROM items WHERE id IN ({placeholders(chunk)})",
                    chunk,
                )
            )
        return found

    def item(self, item_id: int) -> Item:
        """One item in full; its full text comes from the cache when the library has none."""
        items = self._load_items([item_id])
        if not items:
            raise LibraryError(f"no item with id {item_id}")
        item = items[0]
        if not item.full_text and self._cache is not None:
            article = self._cache.article(item_id)
            if article is not None:
                item.full_text = article.html
        return item

    def _load_items(self, ids: list[int]) -> list[Item]:
        if not ids:
            return []
        marks = placeholders(ids)
        conn = self.conn
        tags: dict[int, list[str]] = {}
        for item_id, name in conn.execute(
            f"SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({marks}) ORDER BY t.name",
            ids,
        ):
            tags.setdefault(item_id, []).append(name)
        rows = conn.execute(
            f"""SELECT i.id, i.feed_id, i.guid, i.url, i.title, i.author, i.summary, i.content,
                   i.published, i.updated, i.sort_ts, i.categories, i.enclosures, i.language,
                   i.read, i.starred, i.hidden, i.truncated, i.full_text, i.full_text_error,
                   COALESCE(n.body, ''), COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''),
                   veille_redact(f.url)), f.url, i.cluster_id, f.language
                FROM items i JOIN feeds f ON f.id = i.feed_id
                LEFT JOIN notes n ON n.item_id = i.id WHERE i.id IN ({marks})""",
            ids,
        ).fetchall()
        clusters = [r[23] for r in rows if r[23] is not None]
        sizes: dict[int, int] = {}
        if clusters:
            sizes = dict(
                conn.execute(
                    f"SELECT cluster_id, count(*) FROM items WHERE cluster_id IN "
                    f"({placeholders(clusters)}) GROUP BY cluster_id",
                    clusters,
                ).fetchall()
            )
        items = []
        for r in rows:
            items.append(
                Item(
                    id=r[0],
                    feed_id=r[1],
                    guid=r[2],
                    url=r[3],
                    title=r[4],
                    author=r[5],
                    summary=r[6],
                    content=r[7],
                    published=dt(r[8]),
                    updated=dt(r[9]),
                    sort_date=dt(r[10]),
                    categories=json.loads(r[11] or "[]"),
                    enclosures=[Enclosure(**e) for e in json.loads(r[12] or "[]")],
                    language=r[13] or r[24] or "",
                    read=bool(r[14]),
                    starred=bool(r[15]),
                    hidden=bool(r[16]),
                    truncated=bool(r[17]),
                    full_text=r[18],
                    full_text_error=r[19],
                    note=r[20],
                    feed_title=r[21],
                    feed_url=r[22],
                    tags=tags.get(r[0], []),
                    cluster_id=r[23],
                    cluster_size=sizes.get(r[23], 1) if r[23] is not None else 1,
                )
            )
        return items
