"""The totals a list's count is read from stay equal to counting the items, whatever changes them;
and the counts that use them equal a plain COUNT."""

from __future__ import annotations

from tests.storing import ingest
from tests.test_search_plan import _fill, plain_ids
from veille.core.library import Library, _rules, _vocabulary
from veille.core.library._plans import complement_of
from veille.core.library._views import build_where
from veille.core.model import ParsedEntry, ParsedFeed


def totals(lib: Library) -> tuple[int, int]:
    kept, shown = lib.conn.execute("SELECT kept, shown FROM list_totals").fetchone()
    return int(kept), int(shown)


def counted(lib: Library) -> tuple[int, int]:
    kept, shown = lib.conn.execute(
        "SELECT count(*), coalesce(sum(cluster_head = 1), 0) FROM items WHERE hidden = 0"
    ).fetchone()
    return int(kept), int(shown)


QUERIES = (
    "",
    "securite",
    "-securite",
    "sécurité climat",
    "climat OR énergie",
    "(climat OR énergie) -tag:à-lire",
    "is:hidden",
    "is:hidden securite",
    "lang:en securite",
    "feed:source is:unread",
    "is:starred",
)


def test_totals_follow_every_change_and_counts_stay_plain(lib: Library) -> None:
    _fill(lib)
    assert totals(lib) == counted(lib)
    lib.set_hidden(range(3, 200, 7))
    lib.set_hidden([10, 17], hidden=False)
    with lib.db.write() as conn:
        conn.execute("UPDATE items SET cluster_id = id - 1, cluster_head = 0 WHERE id % 11 = 0")
        conn.execute("UPDATE items SET cluster_head = 1 WHERE id = 22")
        # A hidden item, a story's other source and a plain one, with their search rows.
        conn.execute("DELETE FROM items WHERE id IN (5, 44, 45)")
        conn.execute("DELETE FROM items_fts WHERE rowid IN (5, 44, 45)")
    assert totals(lib) == counted(lib)
    for query in QUERIES:
        assert lib.count(query) == len(plain_ids(lib, query)), query
    first = lib.feeds()[0]
    lib.remove_feed(first.id)
    assert totals(lib) == counted(lib)
    for query in QUERIES:
        assert lib.count(query) == len(plain_ids(lib, query)), query


def test_only_plain_alternatives_are_turned_round() -> None:
    assert complement_of('("climat" OR "énergie")') == '"climat" NOT "énergie"'
    assert complement_of('(("a" OR "b" OR "c"))') == '"a" NOT "b" NOT "c"'
    for kept in ('"climat"', '("a" OR "b") AND ("c")', '("a b" OR "c")', '(title : "a" OR "b")'):
        assert complement_of(kept) == f"({kept})"


def test_the_vocabulary_read_word_by_word_is_the_counted_one(lib: Library) -> None:
    _fill(lib)
    feed = lib.add_feed("https://words.example.org/rss", title="Mots")
    words = ["sécuritaire", "sécurités", "securitas", "sécurisé"] + [f"para{n}" for n in range(40)]
    entries = [
        ParsedEntry(guid=f"w{n}", link=f"https://words.example.org/{n}", title=word)
        for n, word in enumerate(words)
    ]
    ingest(lib, feed.id, ParsedFeed(title="Mots", entries=entries), status=200)
    with lib.db.write() as conn:  # a word whose only item is gone is no longer a form
        gone = conn.execute("SELECT id FROM items WHERE title = 'securitas'").fetchone()[0]
        conn.execute("DELETE FROM items_fts WHERE rowid = ?", (gone,))
    for prefix in ("secur", "securit", "para", "para1", "absent", "s"):
        stepped = _vocabulary._stepped(lib.conn, prefix)
        counted = _vocabulary._counted(lib.conn, prefix)
        if stepped is None:
            assert len(counted) > _vocabulary._STEPPED, prefix
        else:
            assert stepped == counted, prefix
    assert _vocabulary._stepped(lib.conn, "para") is None  # 40 words: counted instead
    assert "securitas" not in (_vocabulary._stepped(lib.conn, "secur") or [])
    assert lib.count("sécurités") == len(plain_ids(lib, "sécurités"))


def test_a_rule_over_the_whole_library_finds_what_its_plain_query_does(lib: Library) -> None:
    _fill(lib)
    lib.set_hidden(range(3, 200, 7))
    with lib.db.write() as conn:
        conn.execute("UPDATE items SET cluster_id = id - 1, cluster_head = 0 WHERE id % 11 = 0")
    for query in (
        "securite",
        "climat OR énergie",
        '"sécurité climat"',
        "-climat",
        "algo*",
        "lang:en securite",
        "tag:à-lire climat",
        "is:hidden securite",
    ):
        rule = _rules.save_rule(lib.db, "r", query, add_tags=["x"])
        cond = build_where(query, None)
        plain = {
            r[0]
            for r in lib.conn.execute(
                f"SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id WHERE {cond.sql}",
                cond.params,
            )
        }
        assert set(_rules.matching_ids(lib.conn, rule, None)) == plain, query
        assert plain
