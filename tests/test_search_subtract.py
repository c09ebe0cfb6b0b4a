"""Counts that leave out small sets (`-tag:x`, `-has:note`, the few items without a common
word) are the list's count less the set's items in it: the same number as the plain plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.storing import ingest
from tests.test_search_plan import plain_ids
from veille.core.library import Library, View
from veille.core.model import ParsedEntry, ParsedFeed

BASE = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)
WORDS = ("climat", "énergie", "données", "transparence")


def _fill(lib: Library) -> None:
    for f in range(2):
        feed = lib.add_feed(f"https://f{f}.example.org/rss", title=f"Source {f}")
        entries = []
        for n in range(150):
            number = f * 1000 + n
            # Nearly every item says « sécurité »: the count sets the others aside.
            words = [WORDS[number % 4]] + ([] if number % 29 == 0 else ["sécurité"])
            entries.append(
                ParsedEntry(
                    guid=f"g{number}",
                    link=f"https://f{f}.example.org/{number}",
                    title=f"Article {number} " + " ".join(words),
                    content=f"<p>{' '.join(words)}</p>",
                    published=BASE - timedelta(hours=number % 200, minutes=f),
                )
            )
        ingest(lib, feed.id, ParsedFeed(title=f"Source {f}", entries=entries), status=200)
    # Some items carry a tag and its child tag both: the tag's set names them twice.
    lib.tag(range(1, 40), add=["à-lire"])
    lib.tag(range(20, 60, 2), add=["à-lire/vite"])
    lib.set_read(range(1, 300, 3))
    lib.set_hidden(range(5, 300, 37))
    with lib.db.write() as conn:
        conn.execute("UPDATE items SET cluster_id = id - 1, cluster_head = 0 WHERE id % 23 = 0")
        conn.execute("UPDATE items SET cluster_id = id WHERE id % 23 = 22")
        conn.execute("INSERT INTO notes (item_id, body, updated) VALUES (7, 'vu', 0)")
        conn.execute("INSERT INTO notes (item_id, body, updated) VALUES (21, 'lu', 0)")
    lib.tune()


QUERIES = (
    "-tag:à-lire",
    "-tag:à-lire -has:note",
    "securite -tag:à-lire",
    "securite is:unread -tag:à-lire/vite",
    "(climat OR securite) -tag:à-lire before:3d",
    "is:unread -has:tag",
    "is:hidden -tag:à-lire",
    "(is:unread OR -tag:à-lire)",
    "securite (is:unread OR -has:note)",
    "-(tag:à-lire -has:note)",
    "feed:f1 -tag:à-lire",
)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("view", [None, View(feed_id=2), View(unread_only=True)])
def test_a_count_less_its_excluded_sets_is_the_plain_count(
    lib: Library, query: str, view: View | None
) -> None:
    _fill(lib)
    assert lib.count(query, view=view) == len(plain_ids(lib, query, view)), query


def test_the_excluded_sets_are_subtracted_from_the_list(lib: Library) -> None:
    """The plan itself: the tagged items are looked up by id, and the list is counted
    without testing each of its items against them."""
    _fill(lib)
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        found = lib.count("securite -tag:à-lire")
    finally:
        lib.conn.set_trace_callback(None)
    assert found == len(plain_ids(lib, "securite -tag:à-lire"))
    counts = [sql for sql in seen if sql.startswith("SELECT count(*) FROM items i")]
    assert any("i.id IN (1," in sql for sql in counts), seen
    assert not any("NOT (i.id IN" in sql for sql in counts), seen
