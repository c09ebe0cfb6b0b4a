"""How much of the library file a command checks before its first write.

`PRAGMA quick_check` reads every page: ~70 ms for a 135 MB library, ~10 s for a 3 GB one, which
every writing command (a star, a tag, a cron refresh) would pay. So a small library is checked
whole each time, and a large one whole at most once a day (`FULL_EVERY`) or when the file is not
the one last checked whole (restored, copied, replaced: another inode); in between, every table
but the items and their search index, whose pages are nearly all of the file, is checked (a few
milliseconds). A damaged page met while reading is reported and remembered whatever was checked
(`_problems`), and `veille backup` checks the whole library on demand.

The date of the last sound full check is kept beside the library (`library.sqlite.checked`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

FULL_UP_TO = 256 * 1024 * 1024  # bytes: a library this size is checked whole at each command
FULL_EVERY = 24 * 3600.0  # seconds between full checks of a larger one
# The tables a partial check leaves to the daily one: the items and their search index.
LARGE = ("items", "items_fts_content", "items_fts_data", "items_fts_docsize", "items_fts_idx")


def record_path(library: Path) -> Path:
    return library.with_name(library.name + ".checked")


def _identity(library: Path) -> tuple[int, int] | None:
    try:
        found = library.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def full_check_due(library: Path, *, now: float | None = None) -> bool:
    """Whether the next check of `library` must read all of it."""
    try:
        size = library.stat().st_size
    except OSError:
        return True
    if size <= FULL_UP_TO:
        return True
    try:
        record = json.loads(record_path(library).read_text(encoding="utf-8"))
        checked = float(record["at"])
        same = [int(record["dev"]), int(record["ino"])] == list(_identity(library) or ())
    except (OSError, ValueError, KeyError, TypeError):
        return True
    moment = time.time() if now is None else now
    return not same or not 0 <= moment - checked < FULL_EVERY


def remember_full_check(library: Path) -> None:
    """Note that `library` was just found sound by a full check."""
    identity = _identity(library)
    if identity is None:
        return
    record = {"at": time.time(), "dev": identity[0], "ino": identity[1]}
    target = record_path(library)
    part = target.with_name(target.name + ".part")
    try:
        part.write_text(json.dumps(record), encoding="utf-8")
        os.replace(part, target)
    except OSError:  # a read-only folder: the next command checks whole again
        pass


def partial_check(conn: sqlite3.Connection) -> list[str]:
    """`PRAGMA quick_check` of every table outside `LARGE`, with its indexes: the problems."""
    names = [
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    problems: list[str] = []
    for name in names:
        if name in LARGE:
            continue
        quoted = name.replace('"', '""')
        rows = conn.execute(f'PRAGMA quick_check("{quoted}")').fetchall()
        problems.extend(str(r[0]) for r in rows if r[0] != "ok")
    return problems
