"""The SQL functions and collation every library connection has (the schema's triggers,
indexes and migrations call them)."""

from __future__ import annotations

import sqlite3

from veille.core.query import normalize_tag
from veille.core.redact import redact_url
from veille.core.text import clean_line, clean_note, collate, fold


def add_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("veille_fold", 1, fold, deterministic=True)
    conn.create_collation("veille", collate)  # names in the order a French reader expects
    # A feed without a title is shown by its address, which must not show its key.
    conn.create_function("veille_redact", 1, redact_url, deterministic=True)
    # For the migration that cleans what users typed before their inputs were cleaned.
    conn.create_function("veille_clean_line", 2, _clean_line, deterministic=True)
    conn.create_function("veille_clean_note", 1, _clean_note, deterministic=True)
    conn.create_function("veille_clean_tag", 1, _clean_tag, deterministic=True)


def _clean_line(text: str | None, limit: int) -> str | None:
    return clean_line(text, limit) if isinstance(text, str) else text


def _clean_note(text: str | None) -> str | None:
    return clean_note(text) if isinstance(text, str) else text


def _clean_tag(text: str | None) -> str | None:
    return (normalize_tag(text) or text) if isinstance(text, str) else text
