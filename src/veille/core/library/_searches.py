"""Saved searches: a name for a query, listed in the feeds pane with its unread count."""

from __future__ import annotations

import sqlite3

from veille.core.library._db import Database
from veille.core.library._lists import count
from veille.core.library._problems import LibraryError
from veille.core.library._views import View, build_where
from veille.core.model import SavedSearch
from veille.core.text import clean_line
from veille.core.translations import _


def saved_searches(conn: sqlite3.Connection) -> list[SavedSearch]:
    searches = []
    for sid, name, query in conn.execute(
        "SELECT id, name, query FROM saved_searches ORDER BY position, name"
    ).fetchall():
        search = SavedSearch(id=sid, name=name, query=query)
        try:
            search.unread = count(conn, query, view=View(unread_only=True))
        except ValueError:  # a query that no longer parses still shows, with no count
            search.unread = 0
        searches.append(search)
    return searches


def save_search(db: Database, name: str, query: str) -> SavedSearch:
    name, query = clean_line(name, 200).strip(), clean_line(query).strip()
    build_where(query, None)  # refuse a query that does not compile, before saving it
    with db.write() as conn:
        conn.execute(
            "INSERT INTO saved_searches (name, query) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
            (name, query),
        )
        sid = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (name,))
        return SavedSearch(id=sid.fetchone()[0], name=name, query=query)


def update_search(db: Database, search_id: int, name: str, query: str) -> None:
    name, query = clean_line(name, 200).strip(), clean_line(query).strip()
    build_where(query, None)
    try:
        with db.write() as conn:
            conn.execute(
                "UPDATE saved_searches SET name = ?, query = ? WHERE id = ?",
                (name, query, search_id),
            )
    except sqlite3.IntegrityError:
        raise LibraryError(
            _("a saved search is already named {name!r}").format(name=name)
        ) from None


def delete_search(db: Database, search_id: int) -> None:
    with db.write() as conn:
        conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))
