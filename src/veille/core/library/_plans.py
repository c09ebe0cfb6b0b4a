"""How a search's list window and count are asked of SQLite.

The compiler (`veille.core.query`) writes one condition whatever the library holds; which way SQLite
should answer it depends on how many items each part selects, which only the library knows. The
rewrites here keep the condition's meaning and change only the plan: a set of feeds is worked out
first and written as its ids, so that SQLite knows how many there are (`resolving_feed_sets`);
`+` in front of a set test keeps SQLite from driving the query by that set (gathering its items,
then sorting them) and makes it walk the list in order instead, which a rare word's few hits do
not need (`few_hits`); the first rows of a search for common words are found by asking the index
about each row of the list (`probed_words`); an excluded word with no words to find is either
collected once into the set of its hits, or asked of the index item by item
(`probing_exclusions`).
"""

from __future__ import annotations

import re
import sqlite3

from veille.core.library._db import Database
from veille.core.query.compile import FTS

PROBE_WINDOW = 300  # list rows a search for common words asks the index about, at most
# After this many rows, a walk that has found less than half its pace gives up: most words are
# rare, and a walk that comes back short has spent its questions for nothing.
PROBE_CHECK = PROBE_WINDOW // 5
FEW = 300  # items the rest of a query may select for its excluded words to be probed one by one
# A set of feeds holding more than this share of the library's feeds is tested item by item as
# the list is walked; a smaller one is looked up feed by feed in the feed index.
WALK_FEEDS_FROM = 1 / 16

# Quoted single words joined by AND/OR: a phrase or a prefix costs the index far more per
# question (a prefix is expanded anew each time), and a phrase is rarely common anyway.
_WORD = r'"[^"\s]+"'
_ALTERNATIVES = rf"{_WORD}(?: OR {_WORD})*"
_ITEM = rf"(?:{_WORD}|\({_ALTERNATIVES}\))"
_WORDS = rf"{_ITEM}(?: (?:AND|OR) {_ITEM})*"
SINGLE_WORDS = re.compile(_WORDS)
# Such words with words or a column's words excluded (`securite -climat -title:brève`), as the
# compiler joins them.
_OUT = rf'(?:{_ALTERNATIVES}|(?:title|author|note) : "[^"]*"\*?)'
_EXCLUDING = re.compile(rf"\(({_WORDS})\)((?: NOT \({_OUT}\))+)")
_EXCLUDED_ONE = re.compile(rf" NOT \(({_OUT})\)")

FEED_SET = re.compile(r"\+?i\.feed_id IN \((?=SELECT id FROM feeds WHERE )")
WALK_FTS = re.compile(rf"(?<!NOT \(){re.escape(FTS)}")
EXCLUDED = f"NOT ({FTS})"
# Items of the list outside a (small) set of search hits; `+`: the set never drives the query.
WITHOUT = "+i.id NOT IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"
EXCLUDED_PROBE = "NOT EXISTS (SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND rowid = i.id)"


def probed_words(match: str) -> tuple[str, list[str]] | None:
    """The words a walk down the list can ask the index about row by row, and the words it
    excluded; None when the MATCH is not plain words.

    Asked of one row, FTS5's `"securite" NOT "données"` costs four times `"securite"` (~200 µs),
    so the words to find and each excluded one are asked apart (~50 µs each), the latter only of
    rows that have the former. Counting, the joined expression is the fastest there is.
    """
    if SINGLE_WORDS.fullmatch(match):
        return match, []
    found = _EXCLUDING.fullmatch(match)
    if found is None:
        return None
    return found.group(1), _EXCLUDED_ONE.findall(found.group(2))


def few_hits(conn: sqlite3.Connection, match: str, rows: int) -> bool:
    """Whether `match` has so few hits that gathering and sorting them all beats walking the
    list for `rows` of them.

    Gathering costs about a microsecond a hit; a walk, a fifth of that per row, and it covers
    `rows` / density rows: the two meet near hits = √(rows × items / 4), about 1,600 hits for
    100 rows of 100,000 items. Asked only of words a walk found too few of: the index counts
    a rare word's hits in well under a millisecond.
    """
    hits = index_count(conn, match)
    items = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0  # ids count items
    return 4 * hits * hits < rows * items


def index_count(conn: sqlite3.Connection, match: str) -> int:
    """How many search rows `match` finds: one item each."""
    found = conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH ?", (match,))
    return int(found.fetchone()[0])


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


def resolving_feed_sets(
    conn: sqlite3.Connection, where: str, params: tuple[object, ...]
) -> tuple[str, tuple[object, ...]]:
    """`where` and its parameters with every set of feeds (`feed:`, `folder:`, `lang:`) replaced
    by the ids it holds.

    Behind a subquery, SQLite cannot tell a set of one feed from a set of every feed, and plans
    both alike: `feed:site` (every feed) gathered and sorted the whole library for its first
    rows (230 ms on 100,000 items), and `feed:site12.` (one feed) counted by walking every item
    (16 ms). Asking the feeds table first costs a millisecond or two. A set of every feed tests
    nothing and goes; a large one is walked (see `WALK_FEEDS_FROM`); a small one is looked up.
    """
    out: list[str] = []
    kept: list[object] = []
    done = 0  # characters of `where` handled
    used = 0  # parameters handled
    every: int | None = None
    for found in FEED_SET.finditer(where):
        opened = found.end() - 1
        closed = _closing(where, opened)
        before = where[done : found.start()]
        ahead = before.count("?")
        kept.extend(params[used : used + ahead])
        used += ahead
        subquery = where[opened + 1 : closed]
        taken = subquery.count("?")
        ids = [int(row[0]) for row in conn.execute(subquery, params[used : used + taken])]
        used += taken
        if every is None:
            every = int(conn.execute("SELECT count(*) FROM feeds").fetchone()[0])
        out.append(before + _feeds_test(ids, every))
        done = closed + 1
    if not out:
        return where, params
    out.append(where[done:])
    kept.extend(params[used:])
    return "".join(out), tuple(kept)


def _feeds_test(ids: list[int], every: int) -> str:
    if len(ids) >= every:  # every item belongs to one of the library's feeds
        return "1"
    if not ids:
        return "0"
    walk = "+" if len(ids) > every * WALK_FEEDS_FROM else ""
    return f"{walk}i.feed_id IN ({','.join(map(str, ids))})"


def _closing(sql: str, opened: int) -> int:
    """Where the parenthesis opened at `opened` closes (the compiled SQL has no literal ones)."""
    depth = 0
    for at in range(opened, len(sql)):
        if sql[at] == "(":
            depth += 1
        elif sql[at] == ")":
            depth -= 1
            if depth == 0:
                return at
    raise ValueError(f"unbalanced parentheses in {sql!r}")


def probing_exclusions(conn: sqlite3.Connection, where: str, params: tuple[object, ...]) -> str:
    """`where` with its excluded words asked item by item when the rest selects few items.

    The set of a common word's hits costs ~20 ms to build; asking the index whether one item
    has the word costs 20–50 µs, so up to `FEW` items are cheaper asked (`is:starred tag:cnil
    -securite` on 100,000 items: 28 → 9 ms for its window and count). Every excluded MATCH
    must be plain words (a prefix is expanded anew at each question, milliseconds each) and
    stand outside any other negation (whose rest says nothing of how many items reach the
    test); a query with words to find subtracts its excluded words inside its own MATCH. The
    rest is counted up to `FEW` only, so a broad one costs a short walk of the list to find out.
    """
    if EXCLUDED not in where:
        return where
    rest = _without_exclusions(where, params)
    if rest is None or at_most(conn, *rest, FEW + 1) > FEW:
        return where
    return where.replace(EXCLUDED, EXCLUDED_PROBE)


def complementing_exclusions(
    conn: sqlite3.Connection,
    where: str,
    params: tuple[object, ...],
    scope: str,
    rows: int | None = None,
) -> tuple[str, tuple[object, ...]]:
    """`where` with each word it excludes that most items have asked the other way round:
    the items in `scope` (every item `where` can select) without the word.

    "Not one of the 95,000 items that say « données »" built the set of those 95,000 (~40 ms
    on 100,000 items) to test the list against; "one of the 180 shown items that do not" is
    a set the index gives in a few milliseconds, small enough to drive the query. For a
    window of `rows` (None: a count), such a set drives the query when it holds few items
    (`few_hits`), and is tested as the list is walked otherwise.
    """
    out: list[str] = []
    kept = list(params)
    done = 0
    for found in re.finditer(re.escape(EXCLUDED), where):
        at = where.count("?", 0, found.start())
        match = params[at]
        if not isinstance(match, str) or not most_items(conn, match):
            continue
        complement = f"{scope} NOT ({match})"
        kept[at] = complement
        walk = "" if rows is None or few_hits(conn, complement, rows) else "+"
        out.append(where[done : found.start()] + walk + FTS)
        done = found.end()
    if not out:
        return where, params
    out.append(where[done:])
    return "".join(out), tuple(kept)


_FTS_PARTS = re.compile(rf"{re.escape(EXCLUDED)}|{re.escape(FTS)}|NOT \(|\(|\)")


def _without_exclusions(
    where: str, params: tuple[object, ...]
) -> tuple[str, tuple[object, ...]] | None:
    """`where` with its excluded words taken as true, and the parameters left.

    None when it has words to find, or an excluded MATCH is not plain words or sits inside
    another negation. The compiled SQL holds no `?` but its parameters' (see
    `veille.core.query.compile`), so parameters are matched to the SQL by counting them.
    """
    out: list[str] = []
    kept: list[object] = []
    negations: list[bool] = []  # for each open parenthesis: whether it opened a NOT
    at = 0
    done = 0
    for found in _FTS_PARTS.finditer(where):
        part = found.group()
        if part in ("(", "NOT ("):
            negations.append(part == "NOT (")
            continue
        if part == ")":
            if negations:
                negations.pop()
            continue
        before = where[done : found.start()]
        used = before.count("?")
        kept.extend(params[at : at + used])
        at += used
        match = params[at]
        at += 1
        if part != EXCLUDED or any(negations):
            return None
        if not isinstance(match, str) or not SINGLE_WORDS.fullmatch(match):
            return None
        out.append(before + "1")
        done = found.end()
    out.append(where[done:])
    kept.extend(params[at:])
    return "".join(out), tuple(kept)


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
