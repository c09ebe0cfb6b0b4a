"""The search index's `state` words stay true to the library whatever changes an item.

Counts of free words, of excluded words and of `lang:` are answered by the index alone from
these words (`veille.core.query.statewords`); a word left stale would count a hidden item, miss a
story's other source or put an item in the wrong language, silently. Each step below changes an
item the way the app or a refresh does, then every search row is checked against its item, and
the counts the user sees against the plainest SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.storing import ingest
from tests.test_search_plan import plain_ids
from veille.core.library import Library, export_state, import_state, open_library
from veille.core.library._schema import MIGRATIONS, SCHEMA_VERSION
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.query.statewords import language_word, state

BASE = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)


def _entries(
    prefix: str, count: int, languages: tuple[str, ...], body: str = ""
) -> list[ParsedEntry]:
    return [
        ParsedEntry(
            guid=f"{prefix}{n}",
            link=f"https://{prefix}.example.org/{n}",
            title=f"Article {prefix} {n} sécurité",
            content=f"<p>{body or 'données publiques'} numéro {n}</p>",
            published=BASE - timedelta(hours=n),
            language=languages[n % len(languages)],
        )
        for n in range(count)
    ]


def _stale_rows(lib: Library) -> list[tuple[int, str, str]]:
    """(item id, state in the index, state it should have) for every row that disagrees."""
    found = lib.conn.execute(
        """SELECT i.id, s.state, i.hidden, i.cluster_head,
                  CASE WHEN i.language != '' THEN i.language ELSE f.language END
           FROM items i JOIN feeds f ON f.id = i.feed_id
           LEFT JOIN items_fts s ON s.rowid = i.id"""
    ).fetchall()
    stale = [
        (item_id, words, expected)
        for item_id, words, hidden, head, language in found
        if words != (expected := state(bool(hidden), bool(head), language))
    ]
    search_rows = lib.conn.execute("SELECT count(*) FROM items_fts").fetchone()[0]
    assert search_rows == len(found), "one search row per item"
    return stale


QUERIES = (
    "sécurité",
    "securite -climat",
    "-données",
    "-publiques sécurité",
    "lang:fr",
    "lang:en sécurité",
    "lang:de",
    "-lang:fr",
    "numéro OR climat",
    "is:hidden sécurité",
)


def _counts_agree(lib: Library) -> None:
    for query in QUERIES:
        assert lib.count(query) == len(plain_ids(lib, query)), query


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = open_library(tmp_path / "library.sqlite")
    yield library
    library.close()


def test_state_words_follow_every_change_of_an_item(lib: Library, tmp_path: Path) -> None:
    plain = lib.add_feed("https://plain.example.org/rss", title="Sans langue")
    english = lib.add_feed("https://en.example.org/rss", title="English")
    ingest(
        lib,
        plain.id,
        ParsedFeed(title="Sans langue", entries=_entries("p", 12, ("", "fr-CA"))),
        status=200,
    )
    wire = ingest(
        lib,
        english.id,
        ParsedFeed(title="English", language="EN-gb", entries=_entries("e", 12, ("",))),
        status=200,
    )
    assert _stale_rows(lib) == []
    assert lib.count("lang:fr") == 6  # fr-CA is French; the others have no language yet
    assert lib.count("lang:en") == 12  # EN-gb, from the feed, whatever its case

    lib.set_hidden([1, 2, 13])
    assert _stale_rows(lib) == []
    assert lib.count("sécurité") == 21 and lib.count("is:hidden sécurité") == 3
    lib.set_hidden([2], False)
    assert _stale_rows(lib) == [] and lib.count("sécurité") == 22

    # The same story in both feeds: one row in the list, and one in the counts.
    twin = ingest(
        lib,
        plain.id,
        ParsedFeed(
            entries=[
                ParsedEntry(
                    guid="twin",
                    link="https://e.example.org/3?utm_source=x",
                    title="Article e 3 sécurité",
                    content="<p>données publiques numéro 3</p>",
                    published=BASE,
                )
            ]
        ),
        status=200,
    )
    lib.cluster(twin.new_ids + wire.new_ids)
    heads = lib.conn.execute("SELECT count(*) FROM items WHERE cluster_head = 0").fetchone()[0]
    assert heads == 1
    assert _stale_rows(lib) == []
    assert lib.count("sécurité") == 22

    # The feed names its language at last: items that had none take it.
    ingest(
        lib,
        plain.id,
        ParsedFeed(title="Sans langue", language="de", entries=_entries("p", 12, ("", "fr-CA"))),
        status=200,
    )
    assert _stale_rows(lib) == []
    # Six stored without a language and the twin; one of the six is hidden, the twin is its
    # story's other source.
    assert lib.count("lang:de") == 5
    assert len(plain_ids(lib, "is:hidden lang:de")) == 1

    # An item rewritten upstream, in another language; a note; a renamed feed.
    changed = _entries("p", 12, ("", "fr-CA"))
    changed[1].content = "<p>climat</p>"
    changed[1].language = "en"
    ingest(
        lib, plain.id, ParsedFeed(title="Sans langue", language="de", entries=changed), status=200
    )
    lib.set_note(3, "une note sur le climat")
    lib.set_feed_title(english.id, "Anglais")
    assert _stale_rows(lib) == []
    _counts_agree(lib)

    # Moving house: the marks come along, hidden items stay out of sight in the new library.
    with open_library(tmp_path / "moved.sqlite") as moved:
        import_state(moved, export_state(lib))
        assert _stale_rows(moved) == []
        assert moved.count("is:hidden sécurité") == 2
        _counts_agree(moved)


def test_a_library_migrates_to_state_words_and_counts_alike(tmp_path: Path) -> None:
    """A version 6 library (no `state` column) opens with every item's words in place."""
    path = tmp_path / "library.sqlite"
    old = sqlite3.connect(path)
    for step, script in enumerate(MIGRATIONS[:6]):
        old.executescript(script + f"\nPRAGMA user_version = {step + 1};")
    old.execute(
        "INSERT INTO feeds (id, url, title, added, language) "
        "VALUES (1, 'https://a.fr/rss', 'A', 0, 'fr')"
    )
    for n in range(1, 7):
        old.execute(
            "INSERT INTO items (id, feed_id, guid, title, first_seen, sort_ts, hidden, "
            "cluster_head, language) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)",
            (n, f"g{n}", f"Sécurité {n}", n, n, int(n == 2), int(n != 3), "en" if n == 4 else ""),
        )
        old.execute(
            "INSERT INTO items_fts (rowid, title, text, author, feed, note) "
            "VALUES (?, ?, 'données', '', 'A', '')",
            (n, f"Sécurité {n}"),
        )
    old.execute("INSERT INTO items_fts (rowid, title) VALUES (99, 'orphelin')")  # no item
    old.commit()
    old.close()
    with open_library(path, backups=tmp_path / "backups") as lib:
        assert lib.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert _stale_rows(lib) == []
        assert lib.count("securite") == 4  # not the hidden one, not the story's other source
        assert lib.count("lang:en") == 1 and lib.count("lang:fr") == 3
        assert lib.count("orphelin") == 0
        _counts_agree(lib)


def test_a_language_is_one_word_whatever_its_tag_holds() -> None:
    assert language_word("fr") == language_word("FR-ca") == language_word("fr-FR")
    assert language_word("fr") != language_word("fra")
    assert language_word("en_US") != language_word("en")  # as `lang:en` compares in SQL
    for odd in ("en US", "zh-Hant-TW", "ελ", 'x"y', ""):
        word = language_word(odd)
        assert " " not in word and '"' not in word
