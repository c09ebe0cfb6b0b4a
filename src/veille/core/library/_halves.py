"""Search index questions over a large library, asked of its two halves at once.

Counting a search, or gathering its hits, makes FTS5 walk every candidate item: for a phrase of
two words that most of a million items hold, it checks their positions in each of them, 100 ms
or more of one core. Split by item id, each half on its own connection and thread (SQLite lets
go of the interpreter while it steps, and the index seeks straight to a half's first id), two
cores answer in little more than half the time. Below `SPLIT_FROM` ids a question takes a few
milliseconds and is asked whole.

Only a connection outside a transaction is split: the other connection would not see what this
one has not committed. The two halves are two reads, so a change committed by another process
between them may be seen by one half only: the figure is then off by that change, as it would
be a moment later anyway; nothing is written from it.

A list window and its count ask the index the same question, one after the other: the hits
gathered for the window (`hits`) are kept for the count that follows, which is their number if
the library has not changed meanwhile. They serve that one count: a window asked again gathers
them again.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

SPLIT_FROM = 50_000  # the newest item's id from which a question is asked in halves

_COUNT = "SELECT count(*) FROM items_fts WHERE items_fts MATCH ? AND rowid {side} ?"
# The hits as a JSON array's elements: one string, where a row each would be a million steps.
_HITS = "SELECT group_concat(rowid) FROM items_fts WHERE items_fts MATCH ? AND rowid {side} ?"
_SOME_HITS = (
    "SELECT group_concat(rowid) FROM"
    " (SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid {side} ? LIMIT ?)"
)
_LOWER, _UPPER = "<=", ">"

_helper_busy = threading.Lock()  # one question at a time; a second asker goes whole
_helper_conn = threading.local()  # in the helper's thread: its connection (`_Held`)
_helper_used = threading.Event()
_asking: _Held | None = None  # the helper's connection while it asks a half


@functools.cache
def _helper() -> ThreadPoolExecutor:
    """The helper's thread, made at the first split question (under `_helper_busy`): most
    commands ask none, and the thread pool's module costs a tenth of their start-up."""
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="veille-index-half")


@dataclass(frozen=True, slots=True)
class _Kept:
    conn: sqlite3.Connection  # the very connection: an id could be a later one's
    question: str
    version: tuple[int, int]
    hits: str  # a JSON array of ids, ascending


_kept = threading.local()


def count(conn: sqlite3.Connection, question: str) -> int:
    """How many search rows `question` finds (one item each)."""
    kept = taken(conn, question)
    if kept is not None:
        return hit_count(kept)
    parts = _ask(conn, _COUNT, question)
    return sum(p for p in parts if isinstance(p, int))


def hits(conn: sqlite3.Connection, question: str, most: int | None = None) -> str | None:
    """The ids of the search rows `question` finds, ascending, as a JSON array, kept for the
    count that follows; None if a half finds `most` or more (then nothing is kept)."""
    if most is None:
        parts = _ask(conn, _HITS, question)
    else:
        parts = _ask(conn, _SOME_HITS, question, most)
        if any(hit_count(f"[{p}]") >= most for p in parts if p):
            return None
    found = "[" + ",".join(str(p) for p in parts if p) + "]"
    _kept.value = _Kept(conn, question, _version(conn), found)
    return found


def taken(conn: sqlite3.Connection, question: str) -> str | None:
    """The hits `hits` kept of `question`, if the library has not changed since; kept no
    longer: they serve one count."""
    kept: _Kept | None = getattr(_kept, "value", None)
    _kept.value = None
    if kept is None or kept.conn is not conn or kept.question != question:
        return None
    if conn.in_transaction or kept.version != _version(conn):
        return None
    return kept.hits


def hit_count(found: str) -> int:
    """How many ids `found` (from `hits`) holds."""
    return found.count(",") + 1 if found != "[]" else 0


def _version(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes by other connections (`data_version`) and by this one (`total_changes`)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes


def _ask(conn: sqlite3.Connection, sql: str, question: str, *more: object) -> list[object]:
    """`sql`'s one value for each half of the library (or once for the whole of it)."""
    top = int(conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0)
    whole = sql.format(side=">=")
    if top < SPLIT_FROM or conn.in_transaction or not _helper_busy.acquire(blocking=False):
        return [conn.execute(whole, (question, 0, *more)).fetchone()[0]]
    try:
        path = _path(conn)
        if not path:  # a library in memory: no other connection can see it
            return [conn.execute(whole, (question, 0, *more)).fetchone()[0]]
        middle = top // 2
        _helper_used.set()
        upper = _helper().submit(_half, path, sql.format(side=_UPPER), (question, middle, *more))
        try:
            lower = conn.execute(sql.format(side=_LOWER), (question, middle, *more)).fetchone()[0]
        except BaseException:  # given up (the app stops a count typed over) or failed
            _stop_helper()
            raise
        try:
            return [lower, upper.result()]
        except sqlite3.Error:  # the other connection failed: this one answers, in its words
            again = conn.execute(sql.format(side=_UPPER), (question, middle, *more))
            return [lower, again.fetchone()[0]]
    finally:
        _helper_busy.release()


def _path(conn: sqlite3.Connection) -> str:
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file)
    return ""


def _half(path: str, sql: str, params: tuple[object, ...]) -> object:
    """One half, on the helper thread's own read-only connection to `path`.

    The connection is kept for the next question (opening one and reading the library's
    schema costs more than a rare word's whole count), but only while `path` is the same file:
    a library restored in its place is another file, read afresh.
    """
    try:
        found = os.stat(path)
    except OSError:
        raise sqlite3.OperationalError(f"{path} is gone") from None
    held: _Held | None = getattr(_helper_conn, "held", None)
    if held is None or (held.path, held.device, held.inode) != (path, found.st_dev, found.st_ino):
        if held is not None:
            held.conn.close()
        uri = f"file:{quote(path)}?mode=ro"
        held = _Held(path, found.st_dev, found.st_ino, sqlite3.connect(uri, uri=True))
        held.conn.execute("PRAGMA busy_timeout = 5000")
        _helper_conn.held = held
    global _asking
    _asking = held
    try:
        return held.conn.execute(sql, params).fetchone()[0]
    finally:
        _asking = None


def _stop_helper() -> None:
    """Interrupt the other half, whose answer nobody waits for any more: the next question
    would wait behind it."""
    held: _Held | None = _asking
    if held is not None:
        held.conn.interrupt()


def let_go(path: Path) -> None:
    """Close the helper's connection to `path`, if it has one: the library is closing, and
    the last connection to close is the one that folds the write-ahead log into the file."""
    if not _helper_used.is_set():
        return
    with suppress(Exception):
        _helper().submit(_close_held, str(path)).result(timeout=5)


def _close_held(path: str) -> None:
    held: _Held | None = getattr(_helper_conn, "held", None)
    if held is not None and held.path == path:
        _helper_conn.held = None
        held.conn.close()


@dataclass(frozen=True, slots=True)
class _Held:
    path: str
    device: int
    inode: int
    conn: sqlite3.Connection
