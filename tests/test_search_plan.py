"""Search plans: the fast paths return exactly what the plain ones do, and stay fast ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.storing import ingest
from veille.core.library import Library, View
from veille.core.library._lists import condition
from veille.core.library._plans import PROBE_WINDOW, source
from veille.core.model import Enclosure, ParsedEntry, ParsedFeed
from veille.core.query.condition import render

BASE = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)
WORDS = ("sécurité", "climat", "énergie", "données", "transparence", "algorithme")


def _fill(lib: Library, items: int = 240) -> None:
    for f in range(3):
        folder = ("Presse", "Presse/Climat", "")[f]
        feed = lib.add_feed(f"https://f{f}.example.org/rss", title=f"Source {f}", folder=folder)
        entries = []
        for n in range(items // 3):
            number = f * 1000 + n
            # Every item has the common word; a few have the rare ones.
            words = ["sécurité", WORDS[number % len(WORDS)]]
            if number % 37 == 0:
                words.append("rarissime")
            entries.append(
                ParsedEntry(
                    guid=f"g{number}",
                    link=f"https://f{f}.example.org/{number}",
                    title=f"Article {number} " + " ".join(words),
                    content=f"<p>{' '.join(words)}</p>",
                    published=BASE - timedelta(minutes=number),
                    language="en" if number % 2 else "fr",
                )
            )
        ingest(lib, feed.id, ParsedFeed(title=f"Source {f}", entries=entries), status=200)
    lib.tag(range(1, 40), add=["à-lire"])
    lib.set_read(range(1, items, 3))


def plain_ids(lib: Library, query: str, view: View | None = None) -> list[int]:
    """The ids `query` lists in `view`, by the plainest plan: every match, sorted."""
    cond = condition(lib.conn, query, view, collapse=True)
    return [
        row[0]
        for row in lib.conn.execute(
            f"SELECT i.id FROM {source(cond.sql)} WHERE {cond.sql} "
            "ORDER BY i.sort_ts DESC, i.id DESC",
            cond.params,
        )
    ]


QUERIES = (
    "securite",
    "rarissime",
    "climat OR énergie",
    "securite -climat",
    "(climat OR énergie) -tag:à-lire",
    "lang:en transparence",
    "feed:source -données",
    "is:unread securite",
    "algo*",
    '"securite climat"',
    "nothing-like-this",
    "folder:presse",
    "folder:presse/climat is:unread",
    'feed:"source 1"',
    "lang:fr",
    "securite OR is:starred",
    "rarissime OR tag:à-lire",
    "-securite",
    "title:article rarissime",
    "(climat OR énergie) folder:presse",
    "tag:à-lire -climat",
    "tag:à-lire -climat -énergie",
    "tag:à-lire -algo*",
    "-(tag:à-lire -climat)",
    "folder:presse/climat is:unread -(climat OR énergie)",
    "tag:à-lire OR -climat",
    "title:article securite",
    'securite -"a) NOT (b"',
    "securite -title:article",
    "climat -(securite OR données) -rarissime",
    "algo* -climat",
    "securite author:nobody",
    "climat title:article is:unread -énergie",
    "feed:example",
    "-feed:example",
    "feed:f1.example climat",
    "feed:nowhere OR rarissime",
    "lang:en feed:source -(folder:presse/climat)",
)


@pytest.mark.parametrize("query", QUERIES)
def test_the_list_window_matches_the_plain_plan(lib: Library, query: str) -> None:
    _fill(lib)
    plain = plain_ids(lib, query)
    shown = [row.id for row in lib.rows(query, limit=1000)]
    assert shown == plain
    assert lib.count(query) == len(plain)
    window = [row.id for row in lib.rows(query, offset=5, limit=7)]
    assert window == plain[5:12]


def test_statistics_are_renewed_when_the_library_grows(lib: Library) -> None:
    _fill(lib, items=60)
    assert lib.tune()  # a first look
    assert not lib.tune()  # nothing changed since
    _fill_more = ParsedFeed(
        title="More",
        entries=[
            ParsedEntry(guid=f"m{n}", title=f"more {n}", link=f"https://m.org/{n}")
            for n in range(30)
        ],
    )
    feed = lib.add_feed("https://m.org/rss", title="More")
    ingest(lib, feed.id, _fill_more, status=200)
    assert lib.tune()  # half as many items again: looked at anew


def test_a_common_word_is_counted_from_the_narrow_index(lib: Library) -> None:
    _fill(lib)
    lib.tune()
    cond = condition(lib.conn, "securite", None, collapse=True)
    plan = " ".join(
        str(step[3])
        for step in lib.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT count(*) FROM {source(cond.sql)} WHERE {cond.sql}",
            cond.params,
        )
    )
    assert "items_flags" in plan


def test_a_folder_is_counted_from_a_covering_index(lib: Library) -> None:
    """A folder of many feeds is a set each item is tested against: looking items up feed by
    feed would visit every item row for the flags the feed index lacks."""
    from veille.core.library._plans import resolving_feed_sets

    _fill(lib)
    lib.tune()
    cond = condition(lib.conn, "", View(folder="Presse"), collapse=True)
    where, params = render(resolving_feed_sets(lib.conn, cond.part))
    plan = " ".join(
        str(step[3])
        for step in lib.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT count(*) FROM {source(where)} WHERE {where}", params
        )
    )
    assert "COVERING INDEX" in plan and "feeds f" not in plan
    assert lib.count(view=View(folder="Presse")) == 160  # Presse and Presse/Climat
    assert lib.count(view=View(folder="Presse/Climat")) == 80


def test_feed_counts_come_from_their_own_index_in_feed_order(lib: Library) -> None:
    _fill(lib)
    plan = " ".join(
        str(step[3])
        for step in lib.conn.execute(
            "EXPLAIN QUERY PLAN SELECT feed_id, count(*), sum(read = 0 AND hidden = 0) "
            "FROM items GROUP BY feed_id"
        )
    )
    assert "COVERING INDEX items_feed_flags" in plan and "TEMP B-TREE" not in plan
    counts = {f.title: (f.total, f.unread) for f in lib.feeds()}
    assert counts == {"Source 0": (80, 53), "Source 1": (80, 53), "Source 2": (80, 54)}


def test_an_index_without_statistics_is_analysed_and_never_drives_the_list(lib: Library) -> None:
    """A migration that adds an index leaves it unknown to the planner; unknown, it looked cheap
    enough to drive the list window from the feeds, sorting every item for 100 rows."""
    _fill(lib)
    lib.tune()
    with lib.db.write() as writer:
        writer.execute("DELETE FROM sqlite_stat1 WHERE idx = 'items_feed_flags'")
    lib.conn.execute("ANALYZE sqlite_schema")  # the planner rereads the statistics
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        assert len(lib.rows("", limit=100)) == 100
    finally:
        lib.conn.set_trace_callback(None)
    window = next(sql for sql in seen if "ORDER BY" in sql)
    plan = " ".join(str(step[3]) for step in lib.conn.execute(f"EXPLAIN QUERY PLAN {window}"))
    assert "TEMP B-TREE" not in plan
    assert lib.tune()  # the unknown index is looked at
    assert not lib.tune()


@pytest.mark.parametrize(
    ("query", "probed"),
    [
        ("securite", True),
        ("climat OR énergie", True),
        ("rarissime", False),
        ('"securite climat"', False),
        ("securite -climat", True),
    ],
)
def test_a_common_word_walks_the_list_and_a_rare_one_falls_back(
    lib: Library, query: str, probed: bool
) -> None:
    """The first window of a search for common words asks the index about each row in list
    order; a rare word gives up after the bound and takes the general plan. Same rows."""
    _fill(lib, items=900)
    plain = plain_ids(lib, query)
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        shown = [row.id for row in lib.rows(query, limit=100)]
        later = [row.id for row in lib.rows(query, offset=20, limit=30)]
    finally:
        lib.conn.set_trace_callback(None)
    assert shown == plain[:100] and later == plain[20:50]
    ours = [sql for sql in seen if not sql.startswith("--")]  # not the index's own statements
    asked = sum("MATCH" in sql and "rowid =" in sql for sql in ours)
    complete = sum(
        "ORDER BY i.sort_ts" in sql and f"LIMIT {PROBE_WINDOW}" not in sql for sql in ours
    )
    assert (asked > 0 and complete == 0) if probed else complete == 2


@pytest.mark.parametrize(
    "query",
    [
        "securite (climat OR énergie)",
        "(climat OR énergie) (données OR rarissime)",
        "(climat OR énergie) -tag:à-lire",
        "(climat OR is:starred) securite",
    ],
)
def test_alternative_words_join_the_match_and_mean_the_same(lib: Library, query: str) -> None:
    """Groups of alternative words join the other words' MATCH; the results are what the
    words mean taken one by one."""
    _fill(lib)

    def ids(q: str) -> set[int]:
        return {row.id for row in lib.rows(q, limit=10_000)}

    expected = {
        "securite (climat OR énergie)": ids("securite") & (ids("climat") | ids("énergie")),
        "(climat OR énergie) (données OR rarissime)": (ids("climat") | ids("énergie"))
        & (ids("données") | ids("rarissime")),
        "(climat OR énergie) -tag:à-lire": (ids("climat") | ids("énergie")) - ids("tag:à-lire"),
        "(climat OR is:starred) securite": (ids("climat") | ids("is:starred")) & ids("securite"),
    }[query]
    assert ids(query) == expected and lib.count(query) == len(expected) and expected


def test_free_words_within_a_view_are_counted_from_the_index_alike(lib: Library) -> None:
    """The leading words come from the search box or a saved search; the view keeps its part."""

    _fill(lib)
    search = lib.save_search("sécurité non lue", "securite is:unread")
    for query, view in (
        ("climat", View(folder="Presse")),
        ("", View(saved_search_id=search.id)),
        ("énergie", View(saved_search_id=search.id)),
        ("rarissime", View(tag="à-lire")),
    ):
        cond = condition(lib.conn, query, view, collapse=True)
        assert cond.lead is not None
        plain = lib.conn.execute(
            f"SELECT count(*) FROM {source(cond.sql)} WHERE {cond.sql}", cond.params
        ).fetchone()[0]
        assert lib.count(query, view=view) == plain > 0


@pytest.mark.parametrize(
    ("query", "probed"),
    [
        ("tag:à-lire -climat", True),  # 39 items, each asked of the index
        ("tag:à-lire -climat -(données OR énergie)", True),
        ("-climat", False),  # every item would be asked: the set of hits is built once
        ("tag:à-lire -algo*", True),  # a prefix of few words is asked as those words
        ("-(tag:à-lire -climat)", False),  # the inner test reaches every other item
        ("tag:à-lire OR -climat", False),
        ("tag:à-lire securite -climat", False),  # driven by the word it must have
    ],
)
def test_excluded_words_are_asked_item_by_item_only_of_a_few_items(
    lib: Library, query: str, probed: bool
) -> None:
    from veille.core.library._plans import EXCLUDED_PROBE, FEW, probing_exclusions

    _fill(lib, items=3 * FEW)
    cond = condition(lib.conn, query, None, collapse=True)
    where, params = render(probing_exclusions(lib.conn, cond.part))
    assert (EXCLUDED_PROBE in where) is probed
    assert where.count("?") == len(params) == len(cond.params)


def test_sets_of_feeds_are_asked_first_and_planned_by_their_size(lib: Library) -> None:
    """`feed:`, `folder:` and `lang:` become the ids of their feeds before SQLite plans the
    query: a set of every feed tests nothing, one feed among many is looked up in the feed
    index, and the rows and counts stay those of the plain plan."""
    from veille.core.library._plans import resolving_feed_sets

    for f in range(40):
        feed = lib.add_feed(f"https://f{f}.example.org/rss", title=f"Journal {f}")
        entries = [
            ParsedEntry(
                guid=f"{f}-{n}",
                link=f"https://f{f}.example.org/{n}",
                title=f"Brève {f}-{n}",
                published=BASE - timedelta(minutes=f * 40 + n),
            )
            for n in range(20)
        ]
        ingest(lib, feed.id, ParsedFeed(entries=entries), status=200)
    lib.tune()

    def resolved(query: str) -> tuple[str, str]:
        cond = condition(lib.conn, query, None, collapse=True)
        where, params = render(resolving_feed_sets(lib.conn, cond.part))
        plan = " ".join(
            str(step[3])
            for step in lib.conn.execute(
                f"EXPLAIN QUERY PLAN SELECT count(*) FROM {source(where)} WHERE {where}", params
            )
        )
        return where, plan

    where, _ = resolved("feed:example.org")
    assert "feed_id" not in where  # every feed: nothing to test
    where, plan = resolved('feed:"f17.example"')
    assert "SELECT id FROM feeds" not in where and "(feed_id=?)" in plan
    where, _ = resolved("feed:nowhere")
    assert "feed_id" not in where and lib.count("feed:nowhere") == 0
    for query in ("feed:example.org", 'feed:"f17.example"', "feed:journal -feed:f1", "feed:f3"):
        assert [r.id for r in lib.rows(query, limit=1000)] == plain_ids(lib, query), query
        assert lib.count(query) == len(plain_ids(lib, query)), query


def test_items_with_an_enclosure_are_found_through_their_own_index(lib: Library) -> None:
    """Enclosures live in the wide item rows: without the partial index, `has:enclosure` read
    every row of the library."""
    feed = lib.add_feed("https://podcast.example/rss", title="Balado")
    entries = [
        ParsedEntry(
            guid=f"e{n}",
            link=f"https://podcast.example/{n}",
            title=f"Épisode {n}",
            published=BASE - timedelta(hours=n),
            enclosures=[Enclosure(url=f"https://podcast.example/{n}.mp3", type="audio/mpeg")]
            if n % 4 == 0
            else [],
        )
        for n in range(40)
    ]
    ingest(lib, feed.id, ParsedFeed(entries=entries), status=200)
    lib.tune()
    cond = condition(lib.conn, "has:enclosure", None, collapse=True)
    for sql in (
        f"SELECT i.id FROM items i WHERE {cond.sql} ORDER BY i.sort_ts DESC, i.id DESC LIMIT 5",
        f"SELECT count(*) FROM items i WHERE {cond.sql}",
    ):
        plan = " ".join(str(s[3]) for s in lib.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "items_enclosed" in plan, plan
    assert [r.title for r in lib.rows("has:enclosure", limit=3)] == [
        "Épisode 0",
        "Épisode 4",
        "Épisode 8",
    ]
    assert lib.count("has:enclosure") == 10


def test_a_walk_asks_about_the_words_to_find_and_the_excluded_ones_apart() -> None:
    """Excluded words join the MATCH for counting, but asked of one row at a time FTS5's NOT
    costs several times a plain word: the walk asks about each separately."""
    from veille.core.query import compile_query

    def probe(query: str) -> tuple[str, tuple[str, ...]] | None:
        compiled = compile_query(query)
        assert compiled.lead is not None
        return compiled.lead.probe

    assert probe("securite (a OR b) -climat -title:brève") == (
        '"securite" AND ("a" OR "b")',
        ('"climat"', 'title : "brève"*'),
    )
    assert compile_query("securite (a OR b) -climat -title:brève").params[0] == (
        '("securite" AND ("a" OR "b")) NOT ("climat") NOT (title : "brève"*)'
    )
    assert probe("securite") == ('"securite"', ())
    for query in ('securite -"a) NOT (b"', '"reconnaissance faciale"', "algo*"):
        assert probe(query) is None


def test_a_walk_for_a_rare_word_gives_up_early(lib: Library) -> None:
    """A walk asking row by row only pays for words found in most items: for a rare one it
    stops after `PROBE_CHECK` rows rather than the full bound. A common word with an excluded
    one asks about each apart, never about FTS5's NOT of the two."""
    from veille.core.library._plans import PROBE_CHECK

    _fill(lib, items=900)

    seen: list[str] = []

    def probes(query: str) -> list[str]:
        seen.clear()
        lib.conn.set_trace_callback(seen.append)
        try:
            assert [r.id for r in lib.rows(query, limit=100)] == plain_ids(lib, query)[:100]
        finally:
            lib.conn.set_trace_callback(None)
        return [sql for sql in seen if "MATCH" in sql and "rowid =" in sql]

    assert 0 < len(probes("rarissime")) < PROBE_CHECK
    # A few dozen hits: gathered and sorted, rather than a walk of the whole list.
    window = [sql for sql in seen if "ORDER BY i.sort_ts" in sql and "LIMIT 100 " in sql]
    assert window and "+i.id IN" not in window[-1]
    asked = probes("securite -rarissime")
    assert any("'\"securite\"'" in sql for sql in asked)
    assert any("'\"rarissime\"'" in sql for sql in asked)
    assert not any("NOT" in sql for sql in asked)


def test_a_prefix_of_few_words_is_searched_as_those_words(lib: Library) -> None:
    """The index gathers every hit of a prefix before it answers anything; the words it covers,
    as alternatives, it reads lazily. Too many words: the prefix stays. Same rows and counts."""
    _fill(lib, items=300)
    feed = lib.add_feed("https://many.example.org/rss", title="Many")
    entries = [
        ParsedEntry(
            guid=f"m{n}", link=f"https://many.example.org/{n}", title=f"zeta{n} algorithmes"
        )
        for n in range(20)
    ]
    ingest(lib, feed.id, ParsedFeed(title="Many", entries=entries), status=200)
    for query, expanded in (("algo*", True), ("Algo*", True), ("zeta*", False), ("éner*", True)):
        cond = condition(lib.conn, query, None, collapse=True)
        asked = " ".join(map(str, cond.params))
        assert ('"algo"*' not in asked and '"zeta"*' not in asked) is expanded, query
        plain = plain_ids(lib, query)
        assert [r.id for r in lib.rows(query, limit=100)] == plain[:100], query
        assert lib.count(query) == len(plain), query
    assert '"algorithme" OR "algorithmes"' in str(condition(lib.conn, "algo*", None).params)
