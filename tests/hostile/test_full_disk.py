"""A full disk gives a clear error and leaves the library as it was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.storing import ingest
from veille.core.library import Library, LibraryError
from veille.core.model import ParsedEntry, ParsedFeed


def big_feed(n: int) -> ParsedFeed:
    return ParsedFeed(
        title="Gros flux",
        entries=[
            ParsedEntry(
                guid=f"g{k}",
                link=f"https://example.org/{k}",
                title=f"Article {k}",
                content="<p>" + "texte long " * 2000 + "</p>",
                published=datetime(2026, 11, 20, tzinfo=UTC),
            )
            for k in range(n)
        ],
    )


def test_full_disk_is_reported_and_nothing_is_lost(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    first = ingest(lib, feed.id, big_feed(3), status=200).new_ids
    lib.set_starred(first[:1])
    lib.tag(first, add=["garder"])
    lib.set_note(first[0], "note précieuse")
    pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
    # The disk "fills up": SQLite may not grow the file past a few more pages.
    lib.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(LibraryError, match=r"the disk is full \(.*\); nothing was changed"):
        ingest(lib, feed.id, big_feed(200), status=200)
    assert lib.count() == 3
    item = lib.item(first[0])
    assert (item.starred, item.tags, item.note) == (True, ["garder"], "note précieuse")
    assert lib.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lib.conn.execute("PRAGMA max_page_count = 1073741823")
    assert len(ingest(lib, feed.id, big_feed(5), status=200).new_ids) == 2
