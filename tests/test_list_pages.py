"""Deep pages of the item list read from the row before them (`rows(after=…)`).

The app reads a list page by page as the reader scrolls; each page after the first is read from
the last row of the one before, not by stepping past every row above it. These tests hold that
reading to what the list is: the same rows as by offset, dates that tie included, and, when the
list changed meanwhile, the rows that follow the one the reader saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.storing import ingest
from veille.core.library import Library, View, open_library
from veille.core.model import ParsedEntry, ParsedFeed

BASE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = open_library(tmp_path / "library.sqlite")
    for f in range(3):
        feed = lib.add_feed(f"https://p{f}.example.org/rss", title=f"Pages {f}")
        entries = [
            ParsedEntry(
                guid=f"p{f}-{n}",
                link=f"https://p{f}.example.org/{n}",
                title=f"Note {f}-{n}" + (" climat" if n % 2 else ""),
                content=f"<p>sécurité {'climat' if n % 3 == 0 else 'énergie'}"
                f"{' rarissime' if n % 17 == 0 else ''}</p>",
                # Five items of a feed, and the three feeds, share each date: the list's
                # order between them is the id's.
                published=BASE - timedelta(hours=n // 5),
            )
            for n in range(150)
        ]
        ingest(lib, feed.id, ParsedFeed(title=f"Pages {f}", entries=entries))
    lib.set_read(range(1, 450, 4))
    yield lib
    lib.close()


QUERIES = [
    "",
    "sécurité",
    "climat",
    "sécurité -climat",
    "rarissime",
    "climat OR rarissime",
    '"sécurité climat"',
    "séc*",
    "is:unread sécurité",
    "title:climat",
]
VIEWS = [None, View(feed_id=2), View(unread_only=True)]


@pytest.mark.parametrize("view", VIEWS, ids=["all", "feed", "unread"])
@pytest.mark.parametrize("query", QUERIES)
def test_pages_read_from_the_row_before_are_the_list(
    library: Library, query: str, view: View | None
) -> None:
    whole = [r.id for r in library.rows(query, view=view, limit=10_000)]
    assert whole, query  # every query here finds something
    read: list[int] = []
    after = None
    while True:
        page = library.rows(query, view=view, offset=len(read), limit=40, after=after)
        read += [r.id for r in page]
        if len(page) < 40:
            break
        after = page[-1].id
    assert read == whole, (query, view)


def test_an_item_no_longer_there_leaves_the_offset_to_say_where(library: Library) -> None:
    by_offset = [r.id for r in library.rows("sécurité", offset=120, limit=40)]
    gone = [r.id for r in library.rows("sécurité", offset=120, limit=40, after=10**9)]
    assert gone == by_offset and len(gone) == 40


def test_a_page_after_rows_since_read_skips_none_of_the_unread(library: Library) -> None:
    """Read items leave an unread list while the reader is on its first page: by offset, the
    next page would start that many rows too far on; from the row held, it starts after it."""
    unread = View(unread_only=True)
    first = library.rows("sécurité", view=unread, limit=40)
    library.set_read([r.id for r in first[:10]])
    after_held = library.rows("sécurité", view=unread, offset=40, limit=40, after=first[-1].id)
    still = [r.id for r in library.rows("sécurité", view=unread, limit=10_000)]
    assert [r.id for r in after_held] == still[30:70]
    by_offset = library.rows("sécurité", view=unread, offset=40, limit=40)
    assert [r.id for r in by_offset] == still[40:80]  # ten unread rows never shown
