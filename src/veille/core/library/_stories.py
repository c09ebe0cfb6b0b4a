"""One story, many sources: grouping items from different feeds that tell the same story.

Three signals, from the most to the least certain:
- the same link once tracking parameters are gone (`canonical_url`, indexed);
- the same wire copy: the opening of the text, folded, hashes the same (`lead_hash`, indexed);
- a near-identical title within a few days: most significant words shared (Jaccard ≥ 0.7 and at
  least four words in common), so that two different stories on the same subject stay apart.

Only new items are compared, against items from other feeds in a window around their dates, and
titles are compared through an in-memory word index built once per run, so the grouping is cheap
enough to run at every refresh. A cluster's id is its oldest member's id; that member is the
`cluster_head` the item list shows, with « +N sources ».
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence

from veille.core.library._db import Database
from veille.core.library._sql import placeholders
from veille.core.text import fold

WINDOW = 3 * 24 * 3600
TITLE_JACCARD = 0.7
TITLE_MIN_SHARED = 4
MAX_SOURCES = 30  # more items than this sharing a link or an opening are not one story

STOPWORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "dans",
        "pour",
        "par",
        "sur",
        "avec",
        "sans",
        "sous",
        "aux",
        "que",
        "qui",
        "quoi",
        "dont",
        "est",
        "sont",
        "ont",
        "ete",
        "etre",
        "fait",
        "plus",
        "moins",
        "tout",
        "tous",
        "toute",
        "cette",
        "ces",
        "son",
        "ses",
        "leur",
        "leurs",
        "mais",
        "donc",
        "car",
        "pas",
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "not",
        "but",
        "its",
        "their",
        "about",
        "into",
        "over",
        "after",
        "before",
        "under",
        "will",
        "would",
        "could",
        "should",
        "than",
        "then",
        "them",
        "they",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "how",
        "new",
        "nouveau",
        "nouvelle",
    ]
)
_WORD = re.compile(r"\w+")


def title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(fold(title)) if len(w) >= 3 and w not in STOPWORDS)


def similar_titles(a: frozenset[str], b: frozenset[str]) -> bool:
    shared = len(a & b)
    return shared >= TITLE_MIN_SHARED and shared / len(a | b) >= TITLE_JACCARD


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
        "SELECT id, feed_id, sort_ts, title, canonical_url, lead_hash, cluster_id FROM items"
        " WHERE sort_ts BETWEEN ? AND ?",
        (low - WINDOW, high + WINDOW),
    ).fetchall()
    new = [row for row in window if row[0] in wanted]
    groups = _Groups()
    feed_of: dict[int, int] = {item_id: feed_id for item_id, feed_id, *_ in new}
    cluster_of: dict[int, int | None] = {row[0]: row[6] for row in new}
    for column, at in (("canonical_url", 4), ("lead_hash", 5)):
        for item_id, other, other_feed, other_cluster in _same_value(conn, column, new, at):
            if other_feed != feed_of[item_id]:
                groups.union(item_id, other)
                feed_of[other] = other_feed
                cluster_of[other] = other_cluster
    _match_titles(window, new, groups, feed_of, cluster_of)
    return _write_groups(db, groups, cluster_of)


def _same_value(
    conn: sqlite3.Connection,
    column: str,
    new: Sequence[tuple[int, int, float, str, str, str, int | None]],
    at: int,
) -> Iterable[tuple[int, int, int, int | None]]:
    """(new item, other item, its feed, its cluster) for each other item holding the same
    `column` value as a new one, a few hundred values per query.

    A value more than `MAX_SOURCES` other items hold is a site's boilerplate (a paywall teaser,
    a cookie notice), not one story: it is skipped, which also keeps the work linear.
    """
    holders: dict[str, list[int]] = defaultdict(list)
    for row in new:
        if row[at]:
            holders[str(row[at])].append(row[0])
    wanted = _shared_values(conn, column, list(holders))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found: dict[str, list[tuple[int, int, int | None]]] = defaultdict(list)
        for other, other_feed, other_cluster, value in conn.execute(
            f"SELECT id, feed_id, cluster_id, {column} FROM items "
            f"WHERE {column} IN ({placeholders(chunk)}) AND {column} != ''",
            chunk,
        ):
            found[value].append((other, other_feed, other_cluster))
        for value, others in found.items():
            for item_id in holders[value]:
                for other, other_feed, other_cluster in others:
                    if other != item_id:
                        yield item_id, other, other_feed, other_cluster


# From this share of the library on, the values of new items are checked against one pass over
# the whole column's index rather than a look-up each (the first refresh of 1,000 feeds: 50,000
# look-ups per column, 120-130 ms, against 15-22 ms for the pass).
WHOLE_INDEX_SHARE = 8


def _shared_values(conn: sqlite3.Connection, column: str, values: list[str]) -> list[str]:
    """The `values` that 2 to `MAX_SOURCES` + 1 items hold in `column`."""
    held = range(2, MAX_SOURCES + 2)
    # `!= ''` lets SQLite use the partial index on lead_hash (a bound value alone cannot prove
    # the row is in it); without it every lookup scans the table.
    size = conn.execute("SELECT COALESCE(max(id), 0) FROM items").fetchone()[0]
    if len(values) * WHOLE_INDEX_SHARE >= size:
        mine = set(values)
        return [
            value
            for value, count in conn.execute(
                f"SELECT {column}, count(*) FROM items WHERE {column} != '' GROUP BY {column}"
                " HAVING count(*) > 1"
            )
            if count in held and value in mine
        ]
    shared: list[str] = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        shared.extend(
            value
            for value, count in conn.execute(
                f"SELECT {column}, count(*) FROM items WHERE {column} IN ({placeholders(chunk)}) "
                f"AND {column} != '' GROUP BY {column}",
                chunk,
            )
            if count in held
        )
    return shared


def _match_titles(
    window: Sequence[tuple[int, int, float, str, str, str, int | None]],
    new: Sequence[tuple[int, int, float, str, str, str, int | None]],
    groups: _Groups,
    feed_of: dict[int, int],
    cluster_of: dict[int, int | None],
) -> None:
    """Join each new item to the items of other feeds in `window` whose titles are alike."""
    index: dict[str, list[int]] = defaultdict(list)
    # How many titles of each feed hold each word: only other feeds' titles can be the same
    # story, so a word is as selective as the titles of *other* feeds holding it.
    feeds_of_word: dict[str, dict[int, int]] = defaultdict(dict)
    words_of: dict[int, frozenset[str]] = {}
    time_of: dict[int, float] = {}
    for item_id, feed_id, ts, title, _url, _lead, cluster in window:
        words = title_words(title)
        if len(words) < TITLE_MIN_SHARED:
            continue
        words_of[item_id] = words
        time_of[item_id] = ts
        feed_of.setdefault(item_id, feed_id)
        cluster_of.setdefault(item_id, cluster)
        for word in words:
            index[word].append(item_id)
            counts = feeds_of_word[word]
            counts[feed_id] = counts.get(feed_id, 0) + 1
    for item_id, feed_id, ts, *_ in new:
        own = words_of.get(item_id)
        if not own:
            continue
        words = own
        # A title alike enough shares at least `need` of this one's words (Jaccard ≥ 0.7 over
        # a union at least this title's size), so it holds at least one of any `len - need + 1`
        # of them: only those words' lists are scanned, the ones fewest other feeds' titles
        # hold, and a list with none at all is skipped. Titles of common words would otherwise
        # make every item of the window a candidate of every other.
        need = max(TITLE_MIN_SHARED, math.ceil(TITLE_JACCARD * len(words) - 1e-9))

        def elsewhere(word: str, feed_id: int = feed_id) -> int:
            return len(index[word]) - feeds_of_word[word].get(feed_id, 0)

        rare = sorted(words, key=elsewhere)[: len(words) - need + 1]
        shortest, longest = len(words) * TITLE_JACCARD - 1e-9, len(words) / TITLE_JACCARD + 1e-9
        candidates = {other for w in rare if elsewhere(w) for other in index[w]}
        for other in candidates:
            if feed_of.get(other) == feed_id:
                continue
            theirs = words_of[other]
            if not shortest <= len(theirs) <= longest or abs(time_of[other] - ts) > WINDOW:
                continue
            if similar_titles(words, theirs):
                groups.union(item_id, other)


def _write_groups(db: Database, groups: _Groups, cluster_of: dict[int, int | None]) -> int:
    members: dict[int, set[int]] = defaultdict(set)
    for item_id in list(groups.parent):
        members[groups.find(item_id)].add(item_id)
    joined = 0
    with db.write() as conn:
        for group in members.values():
            if len(group) < 2:
                continue
            # Existing clusters the group touches merge into one, named by the oldest member.
            existing = {c for i in group if (c := cluster_of.get(i)) is not None}
            everyone = set(group)
            for cluster in existing:
                everyone.update(
                    r[0]
                    for r in conn.execute("SELECT id FROM items WHERE cluster_id = ?", (cluster,))
                )
            head = min(everyone)
            ids = sorted(everyone)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(
                    f"UPDATE items SET cluster_id = ?, cluster_head = (id = ?) "
                    f"WHERE id IN ({placeholders(chunk)})",
                    (head, head, *chunk),
                )
            joined += len(everyone)
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
