"""A large library's searches ask the index in two halves at once, and a window's hits serve
the count that follows: the same rows and numbers as the plain plan, whatever changed between
the two."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.storing import ingest
from tests.test_search_plan import plain_ids
from tests.test_search_subtract import BASE, _fill
from veille.core.library import Library, View, _halves, open_library
from veille.core.model import ParsedEntry, ParsedFeed

PHRASE = '"climat sécurité"'  # in about one item of four

QUERIES = (
    '"sécurité climat"',
    '"climat sécurité"',
    "articl*",
    "sécu*",
    "securite",
    "securite -climat",
    "-securite",  # the few items without a word nearly all have, gathered once
    "feed:f1 -securite",
    "climat -securite",
    "climat OR données",
    '"nulle part ailleurs"',
    "lang:en transparence",
    '"climat sécurité" is:unread',
    '"données sécurité" -tag:à-lire',
)


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every library is large enough to be asked in halves."""
    monkeypatch.setattr(_halves, "SPLIT_FROM", 0)


@pytest.fixture
def filled(lib: Library, split: None) -> Iterator[Library]:
    _fill(lib)
    yield lib


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("view", [None, View(feed_id=2), View(unread_only=True)])
def test_windows_and_counts_asked_in_halves_are_the_plain_plans(
    filled: Library, query: str, view: View | None
) -> None:
    expected = plain_ids(filled, query, view)
    for offset in (0, 40):
        window = [r.id for r in filled.rows(query, view=view, offset=offset, limit=40)]
        assert window == expected[offset : offset + 40], (query, offset)
        assert filled.count(query, view=view) == len(expected), query
    assert filled.count(query, view=view) == len(expected), "a count on its own"


def test_the_count_after_a_window_takes_its_hits_and_asks_no_more(filled: Library) -> None:
    seen: list[str] = []
    filled.rows(PHRASE, limit=20)
    filled.conn.set_trace_callback(seen.append)
    try:
        total = filled.count(PHRASE)
    finally:
        filled.conn.set_trace_callback(None)
    assert total == len(plain_ids(filled, PHRASE))
    # (The index is asked about the newest items only, to choose a plan.)
    asked = [s for s in seen if "items_fts MATCH" in s and ("rowid <=" in s or "rowid >=" in s)]
    assert not asked, asked
    # The hits served that count: the next one asks the index again, in halves.
    filled.conn.set_trace_callback(seen.append)
    try:
        assert filled.count(PHRASE) == total
    finally:
        filled.conn.set_trace_callback(None)
    asked = [s for s in seen if "items_fts MATCH" in s and "rowid <=" in s]
    assert asked, "the lower half, asked on this connection"


def test_a_change_between_the_window_and_its_count_is_counted(filled: Library) -> None:
    query = PHRASE
    before = len(plain_ids(filled, query))
    shown = [r.id for r in filled.rows(query, limit=200)]
    filled.set_hidden(shown[:3])
    assert filled.count(query) == before - 3


def test_a_change_by_another_process_between_window_and_count_is_counted(
    filled: Library,
) -> None:
    query = PHRASE
    before = len(plain_ids(filled, query))
    shown = [r.id for r in filled.rows(query, limit=200)]
    other = open_library(filled.db.path)
    try:
        other.set_hidden(shown[:2])
    finally:
        other.close()
    assert filled.count(query) == before - 2


def test_a_count_inside_a_write_sees_what_it_has_not_committed(filled: Library) -> None:
    query = PHRASE
    before = len(plain_ids(filled, query))
    shown = [r.id for r in filled.rows(query, limit=200)]
    with filled.db.write() as conn:
        conn.execute(f"UPDATE items SET hidden = 1 WHERE id IN ({shown[0]}, {shown[1]})")
        assert filled.count(query) == before - 2


def test_a_library_put_in_the_place_of_another_is_read_afresh(
    filled: Library, tmp_path: Path
) -> None:
    """The other half's connection is kept between questions, and let go of when the library
    closes: the file put in its place (a restore) is read, not the one it had open."""
    path = filled.db.path
    before = filled.count(PHRASE)
    assert before > 0
    filled.close()
    other = open_library(tmp_path / "other.sqlite")
    try:
        _fill(other)
        other.set_hidden([r.id for r in other.rows(PHRASE, limit=10)])
        expected = len(plain_ids(other, PHRASE))
    finally:
        other.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp_path / "other.sqlite", path)
    again = open_library(path)
    try:
        assert expected == before - 10
        assert again.count(PHRASE) == expected
    finally:
        again.close()


def _feed(lib: Library, name: str, titles: list[str], minutes: int = 0) -> None:
    """A feed of one item a title, an hour apart, newest first."""
    feed = lib.add_feed(f"https://{name}.example.org/rss", title=name)
    entries = [
        ParsedEntry(
            guid=f"{name}-{n}",
            link=f"https://{name}.example.org/{n}",
            title=title,
            content="<p>rien de plus</p>",
            published=BASE - timedelta(hours=n, minutes=minutes),
        )
        for n, title in enumerate(titles)
    ]
    ingest(lib, feed.id, ParsedFeed(title=name, entries=entries), status=200)


def _plain_library(lib: Library) -> None:
    _feed(
        lib,
        "plain",
        [
            f"Note {n} " + ("climat sécurité" if n % 3 == 0 else "sécurité climat")
            for n in range(90)
        ],
    )


def _questions(lib: Library, query: str) -> tuple[list[int], int, list[str]]:
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        window = [r.id for r in lib.rows(query, limit=20)]
        total = lib.count(query)
    finally:
        lib.conn.set_trace_callback(None)
    return window, total, [s for s in seen if "rowid <=" in s]


def test_a_list_of_every_item_asks_the_index_without_its_scope(lib: Library, split: None) -> None:
    """Nothing hidden, no story told twice: the list is the whole library, and matching each
    hit against the list's scope too would only cost time."""
    _plain_library(lib)
    window, total, asked = _questions(lib, PHRASE)
    assert (window, total) == (plain_ids(lib, PHRASE)[:20], 30)
    assert asked and all("state" not in s for s in asked), asked
    lib.set_hidden([window[0]])
    window, total, asked = _questions(lib, PHRASE)
    assert (window, total) == (plain_ids(lib, PHRASE)[:20], 29)
    assert asked and all("state" in s for s in asked), asked


def _wide_library(lib: Library) -> None:
    """Lists longer than a walk asks about item by item, nearly every item saying one word."""
    for f in range(2):
        titles = [f"Dépêche {n} " + ("climat" if n % 31 == 0 else "sécurité") for n in range(400)]
        _feed(lib, f"source{f}", titles, minutes=f)
    lib.set_hidden(range(3, 800, 97))


@pytest.mark.parametrize("query", ["feed:source -securite", "is:unread -securite"])
def test_the_few_items_without_a_common_word_are_gathered_once(
    lib: Library, split: None, query: str
) -> None:
    _wide_library(lib)
    expected = plain_ids(lib, query)
    assert 0 < len(expected) < 40
    window, total, asked = _questions(lib, query)
    assert (window, total) == (expected[:20], len(expected))
    assert len(asked) == 1, asked  # the window's; the count took its hits


@pytest.mark.parametrize("query", ["securite is:unread", "(securite OR climat) -tag:à-lire"])
def test_a_count_less_the_items_without_common_words_gathers_them_in_halves(
    lib: Library, split: None, query: str
) -> None:
    """Counted as the list less its few items without the words, whose hits the index finds
    by walking two lists of nearly every item: that walk is shared by the two halves."""
    _wide_library(lib)
    lib.tag(range(1, 800, 5), add=["à-lire"])
    lib.set_read(range(2, 800, 3))
    expected = plain_ids(lib, query)
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        total = lib.count(query)
    finally:
        lib.conn.set_trace_callback(None)
    assert total == len(expected)
    asked = [s for s in seen if "rowid <=" in s and " NOT " in s]
    assert asked, "the lower half of the items without the words, asked on this connection"
