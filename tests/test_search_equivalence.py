"""Every fast plan lists and counts exactly what the plainest plan does, for generated queries.

`veille.core.library._plans` rewrites a search's SQL by what the library holds (sets of feeds become
ids, excluded words join or leave the MATCH, rare words drive the window, common ones are asked
row by row); each rewrite must keep the meaning. Queries are drawn from the words and filters of
a small library in which some words are in every item, some in a few, and one in none.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.storing import ingest
from tests.test_search_plan import plain_ids
from veille.core.library import Library, View, _halves, open_library
from veille.core.model import Enclosure, ParsedEntry, ParsedFeed

pytestmark = pytest.mark.slow

BASE = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)
COMMON = ("sécurité", "climat", "énergie", "données")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    home = tmp_path_factory.mktemp("equivalence")
    lib = open_library(Path(home) / "library.sqlite")
    for f in range(6):
        folder = ("Presse", "Presse/Climat", "", "Blogs", "Presse", "")[f]
        feed = lib.add_feed(f"https://f{f}.example.org/rss", title=f"Source {f}", folder=folder)
        entries = []
        for n in range(120):
            number = f * 1000 + n
            words = ["sécurité", COMMON[number % 4], COMMON[(number // 7) % 4]]
            if number % 41 == 0:
                words.append("rarissime")
            entries.append(
                ParsedEntry(
                    guid=f"g{number}",
                    link=f"https://f{f}.example.org/{number}",
                    title=f"Article {number} " + " ".join(words[1:]),
                    content=f"<p>{' '.join(words)}</p>",
                    author=("Dupont", "Martin", "")[number % 3],
                    published=BASE - timedelta(hours=number % 400, minutes=f),
                    language=("en", "fr", "")[number % 3],
                    enclosures=[Enclosure(url=f"https://f{f}.example.org/{n}.mp3")]
                    if number % 9 == 0
                    else [],
                )
            )
        ingest(
            lib,
            feed.id,
            ParsedFeed(title=f"Source {f}", language="fr", entries=entries),
            status=200,
        )
    lib.tag(range(1, 200, 3), add=["à-lire"])
    lib.set_read(range(1, 720, 4))
    lib.set_starred(range(5, 720, 11), True)
    # Hidden items, stories' other sources, and a feed whose items take its language: the
    # search index counts from its own words for these (`veille.core.query.statewords`).
    lib.set_hidden(range(3, 720, 17))
    with lib.db.write() as conn:
        conn.execute("UPDATE items SET cluster_id = id - 1, cluster_head = 0 WHERE id % 13 = 0")
        conn.execute("UPDATE items SET cluster_id = id WHERE id % 13 = 12")
        conn.execute("UPDATE items SET language = '' WHERE feed_id = 3")
        conn.execute(
            "INSERT OR REPLACE INTO full_texts (item_id, state) "
            "SELECT id, 'paywalled' FROM items WHERE id % 7 = 2"
        )
        conn.execute(
            "INSERT OR REPLACE INTO full_texts (item_id, state) "
            "SELECT id, 'failed' FROM items WHERE id % 9 = 4"
        )
        conn.execute("UPDATE items SET has_full_text = 1 WHERE id % 5 = 1")
        conn.execute("UPDATE feeds SET language = 'en-GB' WHERE id = 3")
    lib.tune()
    yield lib
    lib.close()


WORDS = st.sampled_from(
    [*COMMON, "securite", "rarissime", "absent", "algo*", "donn*", '"sécurité climat"', "article"]
)
FILTERS = st.sampled_from(
    [
        "is:unread",
        "is:starred",
        "is:read",
        "tag:à-lire",
        "has:enclosure",
        "feed:source",
        "feed:f1.example",
        "feed:nowhere",
        "folder:presse",
        "folder:blogs",
        "lang:en",
        "lang:fr",
        "title:article",
        "title:climat",
        "author:dupont",
        "since:5d",
        "before:10d",
        "is:hidden",
        "is:paywalled",
        "is:failed",
        "is:fulltext",
    ]
)


@st.composite
def queries(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            part = draw(WORDS)
        elif kind == 1:
            part = draw(FILTERS)
        elif kind == 2:
            part = f"({draw(WORDS)} OR {draw(st.one_of(WORDS, FILTERS))})"
        else:
            part = draw(WORDS)
        if draw(st.booleans()) and draw(st.booleans()):
            part = "-" + part
        parts.append(part)
    return " ".join(parts)


VIEWS = st.sampled_from(
    [
        None,
        View(feed_id=2),
        View(folder="Presse"),
        View(tag="à-lire"),
        View(unread_only=True),
        View(starred_only=True),
    ]
)


# The autouse home fixture is per test; this library is shared and never written to.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries(), view=VIEWS)
def test_rows_and_counts_match_the_plain_plan(
    library: Library, query: str, view: View | None
) -> None:
    plain = plain_ids(library, query, view)
    shown = [r.id for r in library.rows(query, view=view, limit=100)]
    assert shown == plain[:100], (query, view)
    window = [r.id for r in library.rows(query, view=view, offset=7, limit=20)]
    assert window == plain[7:27], (query, view)
    if len(plain) > 27:  # the next window, read from the last row of this one
        after = [r.id for r in library.rows(query, view=view, offset=27, limit=20, after=plain[26])]
        assert after == plain[27:47], (query, view)
    assert library.count(query, view=view) == len(plain), (query, view)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries(), view=VIEWS)
def test_rows_and_counts_asked_in_halves_match_the_plain_plan(
    library: Library, query: str, view: View | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, the library taken as large enough to ask the index in halves (`_halves`)."""
    monkeypatch.setattr(_halves, "SPLIT_FROM", 0)
    plain = plain_ids(library, query, view)
    shown = [r.id for r in library.rows(query, view=view, limit=100)]
    assert shown == plain[:100], (query, view)
    assert library.count(query, view=view) == len(plain), (query, view)
    window = [r.id for r in library.rows(query, view=view, offset=7, limit=20)]
    assert window == plain[7:27], (query, view)
