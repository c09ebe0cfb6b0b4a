"""The library on a real SQLite file: identity, update in place, user state, search, migrations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.storing import ingest, ingest_failure
from veille.core.library import (
    SCHEMA_VERSION,
    Library,
    LibraryError,
    View,
    check_library_file,
    open_library,
)
from veille.core.model import ParsedEntry, ParsedFeed

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def entry(n: int, **kw: object) -> ParsedEntry:
    base: dict[str, object] = {
        "guid": f"g{n}",
        "link": f"https://example.org/{n}",
        "title": f"Titre {n}",
        "summary": f"<p>Résumé {n}</p>",
        "published": NOW - timedelta(hours=n),
    }
    base.update(kw)
    return ParsedEntry(**base)  # type: ignore[arg-type]


def store(lib: Library, feed_id: int, *entries: ParsedEntry, title: str = "Le Flux") -> list[int]:
    result = ingest(lib, feed_id, ParsedFeed(title=title, entries=list(entries)), status=200)
    return result.new_ids


def test_new_library_is_versioned_wal_and_private(lib: Library, paths) -> None:  # type: ignore[no-untyped-def]
    conn = lib.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert paths.library.stat().st_mode & 0o777 == 0o600
    assert paths.data.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc")
def test_threads_that_end_do_not_leave_their_connections_open(lib: Library) -> None:
    """Each refresh reads and writes from threads that end with it; the app refreshes all day."""
    import os
    import threading

    def library_files() -> int:
        count = 0
        for fd in os.listdir("/proc/self/fd"):
            try:
                count += "library.sqlite" in os.readlink(f"/proc/self/fd/{fd}")
            except FileNotFoundError:  # the listing's own, closed since
                pass
        return count

    lib.feeds()
    before = library_files()
    for _ in range(20):
        reader = threading.Thread(target=lib.feeds)
        reader.start()
        reader.join()
    assert library_files() <= before + 3  # the last thread's file, WAL and shared memory


def test_item_identity_and_update_in_place_keep_user_state(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    [first, second, third] = store(
        lib, feed.id, entry(1), entry(2, guid=None), entry(3, guid=None, link=None)
    )
    lib.set_read([first])
    lib.set_starred([first])
    lib.tag([first], add=["CNIL/Sanctions"])
    lib.set_note(first, "à citer lundi")
    # The same items again: nothing new; a changed title is updated in place.
    again = ingest(
        lib,
        feed.id,
        ParsedFeed(
            entries=[
                entry(1, title="Titre corrigé"),
                entry(2, guid=None),
                entry(3, guid=None, link=None),
            ]
        ),
        status=200,
    )
    assert again.new_ids == []
    assert again.updated_ids == [first]
    item = lib.item(first)
    assert item.title == "Titre corrigé"
    assert (item.read, item.starred, item.tags, item.note) == (
        True,
        True,
        ["cnil/sanctions"],
        "à citer lundi",
    )
    assert lib.item(second).guid == "https://example.org/2"
    assert lib.item(third).guid.startswith("veille:")


def test_an_entry_repeated_in_one_document_is_stored_once(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    assert len(store(lib, feed.id, entry(1), entry(1, summary="<p>again</p>"))) == 1
    # A distinct post under the same guid is an item of its own (tests/test_feed_reading.py).
    other = lib.add_feed("https://example.org/other.xml")
    assert len(store(lib, other.id, entry(1), entry(1, title="dup"))) == 2


def test_accent_insensitive_search(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    store(
        lib,
        feed.id,
        entry(1, title="La sécurité des données"),
        entry(2, title="Ägypten und ägyptische Funde"),
        entry(3, title="Autre chose"),
    )
    assert [r.title for r in lib.rows("securite")] == ["La sécurité des données"]
    assert [r.title for r in lib.rows("SÉCURITÉ")] == ["La sécurité des données"]
    assert len(lib.rows("Ägy*")) == 1
    assert lib.count("") == 3


def test_rows_are_newest_first_with_windows_and_positions(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    ids = store(lib, feed.id, *(entry(n) for n in range(1, 31)))
    rows = lib.rows(offset=10, limit=5)
    assert [r.id for r in rows] == ids[10:15]
    assert lib.position(ids[12]) == 12
    lib.set_read(ids[:10])
    assert lib.count(view=View(unread_only=True)) == 20
    assert lib.position(ids[0], view=View(unread_only=True)) is None


def test_a_long_feed_beside_updates_is_stored_and_indexed_row_for_row(lib: Library) -> None:
    # More new items than one INSERT statement carries, an update among them, after a removed
    # feed: every item is found by its own word under its own id, and no id is given twice (the
    # full-text cache keeps articles by item id).
    other = lib.add_feed("https://example.org/other.xml")
    [gone, kept] = store(lib, other.id, entry(900), entry(901))
    lib.remove_feed(other.id)
    feed = lib.add_feed("https://example.org/feed.xml")
    [first] = store(lib, feed.id, entry(0, title="Titre mot0"))
    words = [f"mot{n}" for n in range(75)]
    result = ingest(
        lib,
        feed.id,
        ParsedFeed(
            entries=[
                entry(n, title=f"Titre {w}", summary=f"<p>corps {w}x</p>")
                for n, w in enumerate(words)
            ]
        ),
        status=200,
    )
    assert result.updated_ids == [first]
    assert len(result.new_ids) == 74 and len(set(result.new_ids)) == 74
    assert first not in result.new_ids
    for n, word in enumerate(words):
        [row] = lib.rows(word)
        assert row.id == (first if n == 0 else result.new_ids[n - 1])
        assert lib.item(row.id).title == f"Titre {word}"
        assert [r.id for r in lib.rows(f"{word}x")] == [row.id]
    assert lib.count("") == 75
    assert lib.conn.execute("SELECT count(*) FROM items_fts").fetchone()[0] == 75
    assert min(first, *result.new_ids) > max(gone, kept)


def test_far_future_dates_do_not_float_to_the_top(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    store(
        lib,
        feed.id,
        entry(1, published=datetime(9999, 1, 1, tzinfo=UTC), title="futur"),
        entry(2, title="normal"),
    )
    assert lib.rows()[0].title == "futur"  # sorted by first-seen time (now), not year 9999
    assert lib.rows()[0].sort_date is not None
    assert lib.rows()[0].sort_date.year < 9999  # type: ignore[union-attr]


def test_tags_are_normalised_and_counted(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    a, b = store(lib, feed.id, entry(1), entry(2))
    lib.tag([a, b], add=["  IA ", "ue/AI-Act"])
    lib.tag([b], remove=["ia"])
    counts = {t.name: t.items for t in lib.tags()}
    assert counts == {"ia": 1, "ue/ai-act": 2}
    assert lib.count(view=View(tag="ue")) == 2


def test_notes_are_searchable_and_deletable(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    [a] = store(lib, feed.id, entry(1))
    lib.set_note(a, "Chiffres à vérifier auprès du ministère")
    assert [r.id for r in lib.rows("ministere")] == [a]
    lib.set_note(a, "")
    assert lib.item(a).note == ""
    assert lib.rows("ministere") == []


def test_remove_feed_removes_its_items_and_index(lib: Library) -> None:
    empty = lib.add_feed("https://example.org/empty.xml")
    lib.remove_feed(empty.id)  # nothing to remember
    feed = lib.add_feed("https://example.org/feed.xml")
    store(lib, feed.id, entry(1, title="unique mot"))
    lib.remove_feed(feed.id)
    assert lib.count() == 0
    assert lib.conn.execute("SELECT count(*) FROM items_fts").fetchone()[0] == 0


def test_feeds_come_with_their_counts_unless_asked_without(lib: Library) -> None:
    first = lib.add_feed("https://a.example/rss", title="Alpha")
    lib.add_feed("https://b.example/rss", title="Bêta")
    store(lib, first.id, entry(1), entry(2))
    lib.set_read([lib.rows()[0].id])
    counted = lib.feeds()
    assert [(f.title, f.total, f.unread) for f in counted] == [("Alpha", 2, 1), ("Bêta", 0, 0)]
    light = lib.feeds(counts=False)
    assert [f.id for f in light] == [f.id for f in counted]
    assert all(f.total == 0 and f.unread == 0 for f in light)


def test_duplicate_subscription_is_refused(lib: Library) -> None:
    lib.add_feed("https://example.org/feed.xml", folder="Presse/Climat")
    with pytest.raises(LibraryError, match="already subscribed"):
        lib.add_feed("https://example.org/feed.xml")
    assert lib.folders() == ["Presse/Climat"]


def test_failures_back_off_and_success_resets(lib: Library) -> None:
    feed = lib.add_feed("https://example.org/feed.xml")
    for _ in range(2):
        assert ingest_failure(lib, feed.id, status=500, error="HTTP 500") is None
    assert ingest_failure(lib, feed.id, status=500, error="HTTP 500") is not None
    assert lib.feed(feed.id).failures == 3
    assert ingest_failure(lib, feed.id, status=429, error="HTTP 429", retry_after=7200) is not None
    failing = lib.feed(feed.id)
    assert failing.last_error == "HTTP 429" and failing.next_retry is not None
    store(lib, feed.id, entry(1))
    healed = lib.feed(feed.id)
    assert (healed.failures, healed.last_error, healed.next_retry) == (0, "", None)


def test_foreign_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"not a database at all" * 10)
    with pytest.raises(LibraryError, match="not a veille library"):
        open_library(path)
    assert path.read_bytes() == b"not a database at all" * 10


def test_only_a_sound_library_may_be_restored(tmp_path: Path) -> None:
    """One rule for "is this a sound library?", stricter for a file that is to take the
    library's place: it must exist and be a library veille wrote, whole."""
    good = tmp_path / "good.sqlite"
    with open_library(good) as lib:
        lib.add_feed("https://example.org/feed.xml")
    check_library_file(good, restoring=True)
    check_library_file(tmp_path / "missing.sqlite")  # to open: a new library is made there
    with pytest.raises(LibraryError, match="cannot read"):
        check_library_file(tmp_path / "missing.sqlite", restoring=True)
    empty = tmp_path / "empty.sqlite"
    conn = sqlite3.connect(empty)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")
    conn.close()
    with pytest.raises(LibraryError, match="not a sound veille library; nothing was changed"):
        check_library_file(empty, restoring=True)
    check_library_file(empty)  # to open: an empty database becomes a new library
    (json := tmp_path / "state.json").write_text("{}")
    with pytest.raises(LibraryError, match="not a veille library; nothing was changed"):
        check_library_file(json, restoring=True)
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(good.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    for path, why in ((newer, "newer veille"), (good, None)):
        before = path.read_bytes()
        if why is None:
            check_library_file(path, restoring=True)
        else:
            with pytest.raises(LibraryError, match=why):
                check_library_file(path, restoring=True)
        assert path.read_bytes() == before


def test_someone_elses_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryError, match="did not create"):
        open_library(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    open_library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(LibraryError, match="newer veille"):
        open_library(path)


def test_state_and_saved_searches(lib: Library) -> None:
    lib.set_state("theme", "nord")
    assert lib.get_state("theme") == "nord"
    assert lib.get_state("missing", "x") == "x"
    saved = lib.save_search("Sécurité", "sécurité")
    assert [s.name for s in lib.saved_searches()] == ["Sécurité"]
    lib.delete_search(saved.id)
    assert lib.saved_searches() == []


def test_a_version_1_library_migrates_with_a_backup_and_keeps_everything(tmp_path: Path) -> None:
    """A library written by the first schema: opening it takes it to the current version, a
    copy of the old file is kept first, and every read mark, star, tag and note survives."""
    from veille.core.library._schema import MIGRATIONS

    path = tmp_path / "library.sqlite"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    old.execute("INSERT INTO feeds (id, url, title, added) VALUES (1, 'https://a.fr/rss', 'A', 0)")
    for n, title in enumerate(["Sécurité des réseaux", "Climat et énergie", "Budget"], 1):
        old.execute(
            "INSERT INTO items (id, feed_id, guid, title, content, first_seen, sort_ts, read, "
            "starred) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)",
            (n, f"g{n}", title, f"<p>{title}</p>", n, n, int(n == 1), int(n == 2)),
        )
        old.execute(
            "INSERT INTO items_fts (rowid, title, text, author, feed, note) "
            "VALUES (?, ?, ?, '', 'A', '')",
            (n, title, title),
        )
    old.execute("INSERT INTO tags (id, name) VALUES (1, 'climat')")
    old.execute("INSERT INTO item_tags (item_id, tag_id) VALUES (2, 1)")
    old.execute("INSERT INTO notes (item_id, body, updated) VALUES (3, 'à relire', 0)")
    old.commit()
    old.close()

    backups = tmp_path / "backups"
    with open_library(path, backups=backups) as lib:
        version = lib.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION
        assert lib.item(1).read and lib.item(2).starred
        assert lib.item(2).tags == ["climat"] and lib.item(3).note == "à relire"
        assert [r.title for r in lib.rows("securite")] == ["Sécurité des réseaux"]
        assert lib.count("is:unread") == 2 and lib.count("tag:climat") == 1
        stats = lib.stats()
        assert (stats.items, stats.unread, stats.starred, stats.tagged) == (3, 2, 1, 1)
        # The planner knows the indexes the migrations added.
        known = {r[0] for r in lib.conn.execute("SELECT idx FROM sqlite_stat1")}
        assert {"items_list", "items_flags", "items_feed_flags"} <= known
    copies = list(backups.glob("library-v1-*.sqlite"))
    assert len(copies) == 1
    kept = sqlite3.connect(copies[0])
    assert kept.execute("PRAGMA user_version").fetchone()[0] == 1  # the file as it was
    assert kept.execute("SELECT count(*) FROM items").fetchone()[0] == 3
    kept.close()


def test_stats_follow_every_change_to_items_and_tags(lib: Library) -> None:
    """The totals `veille stats` shows are kept as items change: each figure against a count of
    the items themselves, after storing, marking, tagging and removing a feed."""

    def counted() -> tuple[int, int, int, int]:
        c = lib.conn
        return (
            c.execute("SELECT count(*) FROM items").fetchone()[0],
            c.execute("SELECT count(*) FROM items WHERE read = 0 AND hidden = 0").fetchone()[0],
            c.execute("SELECT count(*) FROM items WHERE starred").fetchone()[0],
            c.execute("SELECT count(DISTINCT item_id) FROM item_tags").fetchone()[0],
        )

    def shown() -> tuple[int, int, int, int]:
        s = lib.stats()
        return (s.items, s.unread, s.starred, s.tagged)

    feeds = [lib.add_feed(f"https://source{n}.example/rss") for n in range(2)]
    ids = [
        i
        for n, feed in enumerate(feeds)
        for i in ingest(
            lib,
            feed.id,
            ParsedFeed(
                title=f"Source {n}",
                entries=[
                    ParsedEntry(
                        guid=f"g{n}-{k}", link="", title=f"Article {n} {k}", content="<p>x</p>"
                    )
                    for k in range(6)
                ],
            ),
        ).new_ids
    ]
    assert shown() == counted() == (12, 12, 0, 0)
    lib.set_read(ids[:3])
    lib.set_read(ids[:4])  # one more, and three already read
    lib.set_hidden([ids[3], ids[4]])  # one read, one unread
    lib.set_starred([ids[0], ids[7], ids[8]])
    lib.set_starred([ids[8]], False)
    lib.tag([ids[0], ids[1], ids[7]], add=["cnil", "ia"])
    lib.tag([ids[1]], remove=["cnil"])
    lib.tag([ids[0]], remove=["cnil", "ia"])
    lib.set_read(ids[:2], False)
    assert shown() == counted() == (12, 9, 2, 2)
    lib.remove_feed(feeds[1].id)
    assert shown() == counted() == (6, 3, 1, 1)


def test_closing_while_another_thread_queries_does_not_crash(tmp_path: Path) -> None:
    """The app quits while a worker thread is in the middle of a query: closing the library
    must leave that thread's connection to it (closing it under the statement crashed the
    process). Run in a child process, so that a crash is a failed test, not a dead test run."""
    import subprocess
    import sys

    script = f"""
import threading
from pathlib import Path
from veille.core.library import open_library

lib = open_library(Path({str(tmp_path / "library.sqlite")!r}))
reading = threading.Event()
closed = threading.Event()
result = []

def worker():
    # Rows read one by one through the library's own SQL function, as listing tags does;
    # the library is closed between two of them.
    rows = lib.conn.execute(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000) "
        "SELECT veille_fold('É' || x) FROM n"
    )
    total = 0
    for _ in rows:
        total += 1
        if total == 10:
            reading.set()
            closed.wait()
    result.append(total)

thread = threading.Thread(target=worker)
thread.start()
reading.wait()
lib.close()
closed.set()
thread.join()
print(result)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[5000]"
