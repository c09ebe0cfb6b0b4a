"""Where full texts live: the library, whatever the cache holds or loses.

A library written before kept most full texts in the cache only, with `has_full_text` set; it
opens with each item's state and, at `veille cache clear`, brings those texts home first (or,
for a text the cache already lost, stops promising it).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.httpserver import LocalServer
from veille.core.fulltext.cache import CachedArticle, FullTextCache
from veille.core.library import open_library
from veille.core.library._schema import MIGRATIONS
from veille.core.pipeline import refresh_all
from veille.core.settings import Settings


def old_library(path: Path) -> None:
    """A version 10 library: item 1 has a full text in the cache only, item 2 one pinned in the
    library (it was starred), item 3 a failure, item 4 a full text the cache has lost."""
    old = sqlite3.connect(path)
    for name, arity in (
        ("veille_clean_line", 2),
        ("veille_clean_note", 1),
        ("veille_clean_tag", 1),
    ):
        old.create_function(name, arity, lambda *a: a[0])
    for step, script in enumerate(MIGRATIONS[:10]):
        old.executescript(script + f"\nPRAGMA user_version = {step + 1};")
    old.execute("INSERT INTO feeds (id, url, title, added) VALUES (1, 'https://a.fr/rss', 'A', 0)")
    rows = [
        (1, "", 1, "", 0),
        (2, "<p>Texte gardé : Aveyron.</p>", 1, "", 1),
        (3, "", 0, "HTTP 404 Not Found", 0),
        (4, "", 1, "", 0),
    ]
    for n, text, has, error, starred in rows:
        old.execute(
            "INSERT INTO items (id, feed_id, guid, url, title, content, first_seen, sort_ts, "
            "full_text, has_full_text, full_text_error, starred) "
            "VALUES (?, 1, ?, ?, ?, '<p>Début.</p>', ?, ?, ?, ?, ?, ?)",
            (n, f"g{n}", f"https://a.fr/{n}", f"Titre {n}", n, n, text, has, error, starred),
        )
        old.execute(
            "INSERT INTO items_fts (rowid, title, text, author, feed, note, state) "
            "VALUES (?, ?, ?, '', 'A', '', '')",
            (n, f"Titre {n}", "Aveyron" if text else "Début"),
        )
    old.commit()
    old.close()


def test_an_old_library_keeps_its_full_texts_through_cache_clear(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    old_library(path)
    cache = FullTextCache(tmp_path / "fulltext", 1024 * 1024)
    cache.put_article(1, CachedArticle(url="https://a.fr/1", html="<p>Mot du cache : Larzac.</p>"))
    try:
        with open_library(path, backups=tmp_path / "backups") as lib:
            lib.attach_cache(cache)
            assert [lib.full_text_state(n) for n in (1, 2, 3, 4)] == [
                "fetched",
                "fetched",
                "failed",
                "fetched",
            ]
            assert lib.keep_cached_full_texts() == 1
            cache.clear()
            assert "Larzac" in lib.item(1).full_text  # read from the library now
            assert {r.id for r in lib.rows("larzac")} == {1}  # and searched
            assert {r.id for r in lib.rows("has:fulltext")} == {1, 2}
            lost = lib.item(4)
            assert lost.full_text_state == "" and not lost.full_text
            assert lib.count("is:failed") == 1
    finally:
        cache.close()


def test_a_failed_refetch_keeps_the_article(tmp_path: Path) -> None:
    with open_library(tmp_path / "library.sqlite") as lib:
        feed = lib.add_feed("https://a.fr/rss")
        with lib.db.write() as conn:
            conn.execute(
                "INSERT INTO items (id, feed_id, guid, url, first_seen, sort_ts) "
                "VALUES (1, ?, 'g', 'https://a.fr/1', 0, 0)",
                (feed.id,),
            )
        assert lib.record_full_text(1, "<p>Article entier : Causses.</p>") is True
        assert lib.record_full_text(1, "<p>Article entier : Causses.</p>") is False
        lib.record_paywalled(1, "the page gives only 120 characters of text")
        lib.record_full_text_error(1, "connection refused by a.fr:443")
        item = lib.item(1)
        assert item.full_text_state == "fetched" and "Causses" in item.full_text
        assert item.full_text_error == "connection refused by a.fr:443"
        assert lib.count("is:fulltext causses") == 1


def test_the_first_refresh_after_an_upgrade_brings_cached_texts_home(
    tmp_path: Path, local_server: LocalServer
) -> None:
    path = tmp_path / "library.sqlite"
    old_library(path)
    local_server.add("/rss", "<rss version='2.0'><channel><title>A</title></channel></rss>")
    cache = FullTextCache(tmp_path / "fulltext", 1024 * 1024)
    cache.put_article(1, CachedArticle(url="https://a.fr/1", html="<p>Mot du cache : Larzac.</p>"))
    try:
        with open_library(path, backups=tmp_path / "backups") as lib:
            with lib.db.write() as conn:
                conn.execute("UPDATE feeds SET url = ?", (local_server.url("/rss"),))
            asyncio.run(refresh_all(lib, Settings(), cache))
            assert {r.id for r in lib.rows("has:fulltext")} == {1, 2}  # 4's text was evicted
            assert {r.id for r in lib.rows("larzac")} == {1}
    finally:
        cache.close()
