"""How a search's list window and count are asked of SQLite.

The compiler (`veille.core.query`) writes one condition whatever the library holds, as parts
(`veille.core.query.condition`); which way SQLite should answer it depends on how many items each
part selects, which only the library knows. The rewrites here replace parts by parts of the same
meaning and change only the plan: a set of feeds is worked out first and written as its ids, so
that SQLite knows how many there are (`resolving_feed_sets`); `+` in front of a set test
(`walking`) keeps SQLite from driving the query by that set (gathering its items, then sorting
them) and makes it walk the list in order instead, which a rare word's few hits do not need
(`_hits.few_hits`); the first rows of a search for common words are found by asking the index about
each row of the list (`Match.probe`); an excluded word with no words to find is either collected
once into the set of its hits, asked of the index item by item (`probing_exclusions`), or turned
round into the set of items without it (`complementing_exclusions`). Last, the library's
statistics, which SQLite plans with (`tune`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from veille.core.library import _halves
from veille.core.library._db import Database
from veille.core.library._hits import few_hits, hits_test
from veille.core.query.condition import (
    TRUE,
    FeedSet,
    Match,
    Not,
    Part,
    Sql,
    render,
    rewrite,
    walk,
)
from veille.core.query.statewords import EVERY, KEPT, SHOWN, phrase

PROBE_WINDOW = 300  # list rows a search for common words asks the index about, at most
# After this many rows, a walk that has found less than half its pace gives up: most words are
# rare, and a walk that comes back short has spent its questions for nothing.
PROBE_CHECK = PROBE_WINDOW // 5
FEW = 300  # items the rest of a query may select for its excluded words to be probed one by one
# A set of feeds holding more than this share of the library's feeds is tested item by item as
# the list is walked; a smaller one is looked up feed by feed in the feed index.
WALK_FEEDS_FROM = 1 / 16

# Items of the list outside a (small) set of search hits; `+`: the set never drives the query.
WITHOUT = "+i.id NOT IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"
EXCLUDED_PROBE = "NOT EXISTS (SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND rowid = i.id)"


def _excluded(part: Part) -> Match | None:
    """The index test `part` excludes, when it is `NOT (an index test)`."""
    if isinstance(part, Not) and isinstance(part.child, Match):
        return part.child
    return None


def index_count(conn: sqlite3.Connection, match: str) -> int:
    """How many search rows `match` finds: one item each (asked in halves on a large library,
    see `_halves`)."""
    return _halves.count(conn, match)


# The maintained number of items in each list scope (see `veille.core.query.statewords`).
_TOTALS = {
    phrase(EVERY): "SELECT items FROM item_totals",
    phrase(KEPT): "SELECT kept FROM list_totals",
    phrase(SHOWN): "SELECT shown FROM list_totals",
}


def scope_total(conn: sqlite3.Connection, scope: str) -> int | None:
    """How many items `scope` (a state word's phrase) holds, from the totals triggers keep
    (schema steps 15 → 16 and 17 → 18): counting them read a million index entries (~60 ms)."""
    question = _TOTALS.get(scope)
    if question is None:
        return None
    row = conn.execute(question).fetchone()
    return None if row is None else int(row[0])


def index_total(conn: sqlite3.Connection, index: str, scope: str, words: str | None) -> int:
    """How many items the index question `index` (`scope` AND `words`) finds.

    Words that most items have are counted the other way round: the scope's total less its
    items without them, which the index gives by walking one long list of hits instead of two
    (`securite` on 1,000,000 items: ~65 → ~40 ms).
    """
    total = scope_total(conn, scope) if _index_in_step(conn) else None
    if total is None:
        return index_count(conn, index)
    if words is None:
        return total
    if most_items(conn, words):
        return total - index_count(conn, f"{scope} NOT {complement_of(words)}")
    return index_count(conn, index_question(conn, index, scope, words))


def index_question(conn: sqlite3.Connection, index: str, scope: str, words: str | None) -> str:
    """`index` (`scope` AND `words`), or `words` alone when the scope holds every item: the
    list then shows the whole library (nothing hidden, no story told by several feeds), and
    the index need not match each hit against the scope's million entries too (a phrase on
    1,000,000 items: ~190 → ~150 ms of one core)."""
    if words is None or scope == phrase(EVERY) or not _index_in_step(conn):
        return index
    everything = scope_total(conn, phrase(EVERY))
    return words if everything is not None and scope_total(conn, scope) == everything else index


def _index_in_step(conn: sqlite3.Connection) -> bool:
    """Whether the search index holds one row per item, as every write keeps it: only then is
    a total of items a total of search rows.

    FTS5 keeps its number of rows in its averages record (row 1 of `items_fts_data`, a varint
    first), read in microseconds where counting the rows reads them all.
    """
    row = conn.execute("SELECT block FROM items_fts_data WHERE id = 1").fetchone()
    items = conn.execute("SELECT items FROM item_totals").fetchone()
    if row is None or items is None or not isinstance(row[0], bytes):
        return False
    return _varint(row[0]) == int(items[0])


def _varint(data: bytes) -> int | None:
    """SQLite's variable-length integer at the start of `data` (None if cut short)."""
    value = 0
    for at, byte in enumerate(data[:9]):
        if at == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return None


def complement_of(words: str) -> str:
    """`words` ready to follow `NOT`: a plain `(a OR b OR …)` becomes `a NOT b NOT …`'s tail,
    which the index answers by skipping along each list (`NOT (climat OR énergie)`: ~115 →
    ~60 ms on 1,000,000 items) rather than merging them first."""
    terms = _or_terms(words)
    if terms is None:
        return f"({words})"
    return " NOT ".join(terms)


def _or_terms(words: str) -> list[str] | None:
    """The quoted terms of `words` when it is nothing but `"a" OR "b" …` (within parentheses)."""
    inner = words.strip()
    while inner.startswith("(") and inner.endswith(")") and _balanced(inner[1:-1]):
        inner = inner[1:-1].strip()
    terms = inner.split(" OR ")
    if len(terms) < 2:
        return None
    for term in terms:
        body = term.strip()
        if not (len(body) >= 2 and body[0] == body[-1] == '"' and '"' not in body[1:-1]):
            return None
        if " " in body:  # a phrase: answered alike either way
            return None
    return [term.strip() for term in terms]


def _balanced(text: str) -> bool:
    depth = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quoted


SAMPLE = 2000  # newest items whose hits tell whether a search finds most items


def most_items(conn: sqlite3.Connection, match: str) -> bool:
    """Whether `match` is found in more than half the newest items: then, most likely, in
    most of the library.

    Asked of a range of item ids, which the index seeks to, so that a rare phrase costs a
    fiftieth of its whole count (`"reconnaissance faciale"`, 7,000 hits in 100,000 items:
    11 ms counted whole, well under 1 ms sampled). Only a plan depends on the answer.
    """
    row = conn.execute("SELECT max(id) FROM items").fetchone()
    top = int(row[0] or 0)
    start = max(top - SAMPLE, 0)
    items = conn.execute("SELECT count(*) FROM items WHERE id > ?", (start,)).fetchone()[0]
    found = conn.execute(
        "SELECT count(*) FROM items_fts WHERE items_fts MATCH ? AND rowid > ?", (match, start)
    ).fetchone()[0]
    return 2 * int(found) > int(items)


def source(where: str) -> str:
    """The tables a condition needs: feeds only when it names them.

    Without the join, SQLite answers counts from the `items_list` covering index instead of
    visiting every (wide) item row through the feeds table.
    """
    return "items i JOIN feeds f ON f.id = i.feed_id" if "f." in where else "items i"


def at_most(conn: sqlite3.Connection, where: str, params: tuple[object, ...], bound: int) -> int:
    """How many items `where` selects, counting no further than `bound`."""
    row = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {source(where)} WHERE {where} LIMIT {bound})",
        params,
    ).fetchone()
    return int(row[0])


def resolving_feed_sets(conn: sqlite3.Connection, part: Part, *, walk: bool = True) -> Part:
    """`part` with every set of feeds (`feed:`, `folder:`, `lang:`) replaced by the ids it holds.

    Behind a subquery, SQLite cannot tell a set of one feed from a set of every feed, and plans
    both alike: `feed:site` (every feed) gathered and sorted the whole library for its first
    rows (230 ms on 100,000 items), and `feed:site12.` (one feed) counted by walking every item
    (16 ms). Asking the feeds table first costs a millisecond or two. A set of every feed tests
    nothing and goes; a large one is walked (see `WALK_FEEDS_FROM`); a small one is looked up.
    Not `walk` (a count, which has no order to keep): every one is looked up, feed by feed in
    the feed index, which holds what a count tests (`feed:site1`, 111 feeds of 1,000: 270 → 5
    ms on 1,000,000 items).
    """
    every: int | None = None

    def resolved(inner: Part, _: bool) -> Part | None:
        nonlocal every
        if not isinstance(inner, FeedSet):
            return None
        found = conn.execute(f"SELECT id FROM feeds WHERE {inner.where}", inner.params)
        ids = [int(row[0]) for row in found]
        if every is None:
            every = int(conn.execute("SELECT count(*) FROM feeds").fetchone()[0])
        return Sql(_feeds_test(ids, every, walk))

    return rewrite(part, resolved)


def _feeds_test(ids: list[int], every: int, walk: bool) -> str:
    if len(ids) >= every:  # every item belongs to one of the library's feeds
        return "1"
    if not ids:
        return "0"
    mark = "+" if walk and len(ids) > every * WALK_FEEDS_FROM else ""
    return f"{mark}i.feed_id IN ({','.join(map(str, ids))})"


def probing_exclusions(conn: sqlite3.Connection, part: Part) -> Part:
    """`part` with its excluded words asked item by item when the rest selects few items.

    The set of a common word's hits costs ~20 ms to build; asking the index whether one item
    has the word costs 20–50 µs, so up to `FEW` items are cheaper asked (`is:starred tag:cnil
    -securite` on 100,000 items: 28 → 9 ms for its window and count). Every excluded MATCH
    must be plain words (a prefix is expanded anew at each question, milliseconds each) and
    stand outside any other negation (whose rest says nothing of how many items reach the
    test); a query with words to find subtracts its excluded words inside its own MATCH. The
    rest is counted up to `FEW` only, so a broad one costs a short walk of the list to find out.
    """
    if not any(_excluded(inner) for inner, _ in walk(part)):
        return part
    rest = _without_exclusions(part)
    if rest is None or at_most(conn, *render(rest), FEW + 1) > FEW:
        return part

    def probed(inner: Part, _: bool) -> Part | None:
        out = _excluded(inner)
        return None if out is None else Sql(EXCLUDED_PROBE, (out.expression,))

    return rewrite(part, probed)


def complementing_exclusions(
    conn: sqlite3.Connection, part: Part, scope: str, rows: int | None = None
) -> Part:
    """`part` with each word it excludes that most items have asked the other way round:
    the items in `scope` (every item `part` can select) without the word.

    "Not one of the 95,000 items that say « données »" built the set of those 95,000 (~40 ms
    on 100,000 items) to test the list against; "one of the 180 shown items that do not" is
    a set the index gives in a few milliseconds, small enough to drive the query. For a
    window of `rows` (None: a count), such a set drives the query when it holds few items
    (`few_hits`), and is tested as the list is walked otherwise.
    """

    def complemented(inner: Part, _: bool) -> Part | None:
        out = _excluded(inner)
        if out is None:
            return None
        if not most_items(conn, out.expression):
            return inner
        complement = f"{scope} NOT {complement_of(out.expression)}"
        if rows is None:  # the window's, if it has just gathered them
            kept = _halves.taken(conn, complement)
            return Match(complement) if kept is None else hits_test(json.loads(kept))
        hits = few_hits(conn, complement, rows)
        return Match(complement, walk=True) if hits is None else hits_test(hits)

    return rewrite(part, complemented)


def walking(part: Part) -> Part:
    """`part` with every index test it must pass marked `walk` (`+`): the list is walked in
    order and each row tested against the set of hits, instead of SQLite gathering the hits
    and sorting them. Excluded words are not: `_plans` decides how each is tested."""

    def walked(inner: Part, _: bool) -> Part | None:
        if _excluded(inner) is not None:
            return inner
        return replace(inner, walk=True) if isinstance(inner, Match) else None

    return rewrite(part, walked)


def _without_exclusions(part: Part) -> Part | None:
    """`part` with its excluded words taken as true.

    None when it has words to find, or an excluded MATCH is not plain words or sits inside
    another negation.
    """
    sound = True

    def dropped(inner: Part, negated: bool) -> Part | None:
        nonlocal sound
        out = _excluded(inner)
        if out is not None:
            sound = sound and out.plain and not negated
            return TRUE
        if isinstance(inner, Match):
            sound = False
        return None

    rest = rewrite(part, dropped)
    return rest if sound else None


def tune(db: Database) -> bool:
    """Renew the query planner's statistics once the library has grown by a tenth.

    Search counts are fast only when SQLite knows the narrow `items_flags` index beats the
    item rows, which it learns from ANALYZE; a bounded ANALYZE takes ~0.1 s at 100,000 items.
    Also runs when an index has no statistics yet. Returns whether it ran.
    """
    conn = db.connection()
    try:
        stats = dict(
            conn.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'items'").fetchall()
        )
    except sqlite3.OperationalError:  # never analysed: no statistics table yet
        stats = {}
    # Partial indexes are left out: one over no rows yet (no starred item) gets no statistics.
    indexes = {r[1] for r in conn.execute("PRAGMA index_list(items)") if not r[4]}
    known = int(str(stats.get("items_list", "0")).split()[0])
    current = int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    # An index the statistics do not know (one a migration just added) counts as a change:
    # unknown, it looks cheap to the planner, which then walks the list through it and sorts
    # 100,000 items for a window of 100 (250 ms instead of 1).
    if known and abs(current - known) <= known // 10 and indexes <= stats.keys():
        return False
    with db.write() as writer:
        writer.execute("PRAGMA analysis_limit = 1000")
        writer.execute("ANALYZE")
    return True
