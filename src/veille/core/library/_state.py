"""The app's small remembered state (its theme, the last view and item), by key."""

from __future__ import annotations

import sqlite3

from veille.core.library._db import Database


def get_state(conn: sqlite3.Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def set_state(db: Database, key: str, value: str) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
