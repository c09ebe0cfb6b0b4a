"""The search index's own vocabulary, for stemmed search (see `veille.core.query.stems`).

An fts5vocab table over `items_fts`, in the connection's `temp` schema (created on first use,
nothing in the library file), lists the indexed words in order; the words that begin like a
query word's stem are read from it and the stemmer keeps those that share the stem.

Reading the vocabulary costs milliseconds (see `_stepped`), and a list asks for its rows and its
count, each compiling the query; so the forms of a word are remembered for the library file until an item is added (the newest item id changes) or a few
minutes pass (a full text fetched later may bring new words to an old item).
"""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from collections.abc import Mapping, Sequence

from veille.core.query.stems import Forms, candidates, related

# Enough for every form of a word; a prefix shared by more words says too little anyway.
_MOST_WORDS = 400
_MOST_FORMS = 24
_KEPT_FOR = 600.0  # seconds
_MOST_KEPT = 2000

_Found = Mapping[str, Sequence[str]]
# Asked the forms of `word*`, the indexed words that begin with `word`, under this key.
PREFIXED = "*"
_kept: dict[tuple[str, str], tuple[int, float, _Found]] = {}


def forms_in(conn: sqlite3.Connection) -> Forms:
    """The forms of a word that the index behind `conn` holds."""
    state: dict[str, object] = {}

    def forms(word: str) -> _Found:
        if word.endswith("*"):
            return _prefixed(conn, word[:-1])
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


_TERMS = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name} USING fts5vocab(main, items_fts, {kind})"
# Distinct words read one by one from the `instance` vocabulary before the `row` one is asked.
_STEPPED = 32


def _look_up(conn: sqlite3.Connection, folded: str, prefix: str) -> _Found:
    words = _stepped(conn, prefix)
    if words is None:
        words = _counted(conn, prefix)
    if words is None or len(words) > _MOST_WORDS:
        return {}
    by_language = related(folded, words)
    return {language: found[:_MOST_FORMS] for language, found in by_language.items()}


def _vocabulary(
    conn: sqlite3.Connection, question: str, bounds: tuple[object, ...], name: str, kind: str
) -> list[str]:
    try:
        return [str(r[0]) for r in conn.execute(question, bounds)]
    except sqlite3.OperationalError:  # the first stemmed search on this connection
        conn.execute(_TERMS.format(name=name, kind=kind))
        return [str(r[0]) for r in conn.execute(question, bounds)]


def _stepped(conn: sqlite3.Connection, prefix: str, most: int = _STEPPED) -> list[str] | None:
    """The indexed words that begin with `prefix`, read from the `instance` vocabulary, which
    gives a word's first occurrence at once; None past `most` words.

    The `row` vocabulary counts each word's items before it gives the word: a word in most of a
    million items cost 45 ms; stepping from word to word costs a few milliseconds each.
    """
    words: list[str] = []
    end = prefix + "\U0010ffff"
    # `>=` seeks where `>` would read every occurrence of the word before: the next word is
    # at or after the word followed by a control character, which no indexed word holds.
    question = "SELECT term FROM temp.items_terms WHERE term >= ? AND term < ? LIMIT 1"
    found = _vocabulary(conn, question, (prefix, end), "items_terms", "instance")
    while found:
        words.append(found[0])
        if len(words) > most:
            return None
        found = _vocabulary(conn, question, (found[0] + "\x01", end), "items_terms", "instance")
    return words


def _counted(conn: sqlite3.Connection, prefix: str) -> list[str]:
    """The same from the `row` vocabulary, at most `_MOST_WORDS` + 1 of them."""
    question = "SELECT term FROM temp.items_vocab WHERE term >= ? AND term < ? LIMIT ?"
    bounds = (prefix, prefix + "\U0010ffff", _MOST_WORDS + 1)
    return _vocabulary(conn, question, bounds, "items_vocab", "row")


_ASCII_WORD = re.compile(r"[a-z0-9]+")
# Past this many words, a prefix is left to the index: each costs a step, and the alternatives
# would be as slow as the prefix.
_PREFIXED_MOST = 12


def _prefixed(conn: sqlite3.Connection, text: str) -> _Found:
    """The indexed words that begin with `text`, under `PREFIXED`, when they are few
    (`_PREFIXED_MOST`).

    The index answers a prefix by gathering the hits of every word it covers before anything
    else (`algo*` on 1,000,000 items: 36 ms, even for the newest 2,000 rows); the same words
    as alternatives are read lazily, a few at a time. Read afresh at each query (a few
    milliseconds): a word new since would be missed otherwise. Only letters and digits the
    tokenizer folds the same way (accents dropped, ASCII case) are looked up.
    """
    lowered = text.lower()
    plain = "".join(
        c for c in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(c)
    )
    if len(plain) < 2 or not _ASCII_WORD.fullmatch(plain):
        return {}
    words = _stepped(conn, plain, _PREFIXED_MOST)
    if words is None:
        return {}
    return {PREFIXED: tuple(words)}
