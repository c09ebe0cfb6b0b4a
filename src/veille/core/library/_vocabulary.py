"""The search index's own vocabulary, for stemmed search (see `veille.core.query.stems`).

An fts5vocab table over `items_fts`, in the connection's `temp` schema (created on first use,
nothing in the library file), lists the indexed words in order; the words that begin like a
query word's stem are read from it and the stemmer keeps those that share the stem.

Reading the vocabulary costs milliseconds (fts5vocab counts each word's items as it goes), and
a list asks for its rows and its count, each compiling the query; so the forms of a word are
remembered for the library file until an item is added (the newest item id changes) or a few
minutes pass (a full text fetched later may bring new words to an old item).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence

from veille.core.query.stems import Forms, candidates, related

# Enough for every form of a word; a prefix shared by more words says too little anyway.
_MOST_WORDS = 400
_MOST_FORMS = 24
_KEPT_FOR = 600.0  # seconds
_MOST_KEPT = 2000

_Found = Mapping[str, Sequence[str]]
_kept: dict[tuple[str, str], tuple[int, float, _Found]] = {}


def forms_in(conn: sqlite3.Connection) -> Forms:
    """The forms of a word that the index behind `conn` holds."""
    state: dict[str, object] = {}

    def forms(word: str) -> _Found:
        found = candidates(word)
        if found is None:
            return {}
        folded, prefix = found
        if not state:
            state["file"] = str(conn.execute("PRAGMA database_list").fetchone()[2])
            state["newest"] = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
        key = (str(state["file"]), folded)
        newest = int(state["newest"])  # type: ignore[call-overload]
        now = time.monotonic()
        kept = _kept.get(key)
        if kept is not None and kept[0] == newest and now - kept[1] < _KEPT_FOR:
            return kept[2]
        result = _look_up(conn, folded, prefix)
        if len(_kept) >= _MOST_KEPT:
            _kept.clear()
        _kept[key] = (newest, now, result)
        return result

    return forms


def _look_up(conn: sqlite3.Connection, folded: str, prefix: str) -> _Found:
    question = "SELECT term FROM temp.items_vocab WHERE term >= ? AND term < ? LIMIT ?"
    bounds = (prefix, prefix + "\U0010ffff", _MOST_WORDS + 1)
    try:
        rows = conn.execute(question, bounds).fetchall()
    except sqlite3.OperationalError:  # the first stemmed search on this connection
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.items_vocab "
            "USING fts5vocab(main, items_fts, row)"
        )
        rows = conn.execute(question, bounds).fetchall()
    if len(rows) > _MOST_WORDS:
        return {}
    by_language = related(folded, (str(r[0]) for r in rows))
    return {language: words[:_MOST_FORMS] for language, words in by_language.items()}
