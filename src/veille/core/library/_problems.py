"""What went wrong with the library file, told so the user can act on it.

SQLite reports a full disk, a lock held too long, a read-only file and a damaged file through
the same exception classes; each needs a different answer, and the wrong one does harm: advising
`veille restore` for a full disk would put an older backup over a healthy library. `explain`
sorts them by SQLite's own error code (then its words, for errors raised by the sqlite3 module
itself, such as text that is not UTF-8).

A damaged library is remembered in a marker file beside it (`library.sqlite.damaged`), so that
every veille process stops writing into it, not only the one that met the damage; `veille
restore` removes the marker. An integrity check does not: text that is not UTF-8 passes it.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from veille.core.errors import VeilleError
from veille.core.translations import _

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

DAMAGE_WORDS = ("malformed", "not a database", "could not decode", "corrupt")


class LibraryError(VeilleError):
    """A problem with the library file, in plain words for the user."""


class LibraryBusy(LibraryError):
    """Another veille process held the library's write lock for the whole wait."""


class LibraryDamaged(LibraryError):
    """Pages of the library file are damaged: it is read as far as it goes, never written."""


class DiskFull(LibraryError):
    """The disk holding the library is full; nothing was changed."""


def marker(path: Path) -> Path:
    return path.with_name(path.name + ".damaged")


def good_backups(folder: Path) -> list[Path]:
    """The backups in `folder`, newest first: every one was checked sound when it was written."""
    try:
        found = [p for p in folder.glob("*.sqlite") if "damaged" not in p.name and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def damaged(path: Path, why: str, backups: Path | None = None) -> LibraryDamaged:
    folder = backups or path.parent / "backups"
    copies = good_backups(folder)[:3]
    if copies:
        advice = "the newest backups are " + ", ".join(str(p) for p in copies)
    else:
        advice = f"no backup was found in {folder}"
    return LibraryDamaged(
        _(
            "the library {path} is damaged ({why}); veille will not write to it. `veille restore FILE` checks a backup and puts it in its place; {advice}"
        ).format(path=path, why=why, advice=advice)
    )


def disk_full(path: Path) -> DiskFull:
    return DiskFull(
        _("the disk is full ({path}); nothing was changed. Free some space and retry").format(
            path=path
        )
    )


def is_damage(error: BaseException) -> bool:
    if isinstance(error, UnicodeDecodeError):
        return True
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in (SQLITE_CORRUPT, SQLITE_NOTADB) or any(
        word in str(error).lower() for word in DAMAGE_WORDS
    )


def explain(error: BaseException, path: Path, backups: Path | None = None) -> LibraryError | None:
    """`error` (met while using the library at `path`) as a `LibraryError`, or None if it is
    not a problem of the file (a programming error, say)."""
    if isinstance(error, LibraryError):
        return error
    if is_damage(error):
        why = _damage_reason(error)
        record_damage(path, why)
        return damaged(path, why, backups)
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full(path)
        return None
    if not isinstance(error, sqlite3.Error):
        return None
    text = str(error)
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == SQLITE_FULL or "disk is full" in text:
        return disk_full(path)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return LibraryBusy(
            _(
                "another veille process kept the library {path} busy too long; nothing was changed"
            ).format(path=path)
        )
    if code == SQLITE_READONLY or "readonly" in text:
        return LibraryError(
            _("the library {path} is read-only; nothing was changed").format(path=path)
        )
    if code == SQLITE_CANTOPEN or "unable to open" in text:
        return LibraryError(
            _("the library {path} cannot be opened ({text}); nothing was changed").format(
                path=path, text=text
            )
        )
    if code == SQLITE_IOERR or "I/O error" in text:
        if _no_space_left(path):  # a full disk, told by SQLite as a failed write or mapping
            return disk_full(path)
        return LibraryError(
            _(
                "the disk holding the library {path} failed a read or a write ({text}); nothing was changed"
            ).format(path=path, text=text)
        )
    return None


def _no_space_left(path: Path) -> bool:
    import os

    try:
        found = os.statvfs(path.parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < 64 * 1024


def _damage_reason(error: BaseException) -> str:
    if isinstance(error, UnicodeDecodeError) or "decode" in str(error).lower():
        return "some of its text is not readable"
    text = str(error)
    # The sqlite3 module's own messages may quote the damaged bytes: those are never shown.
    return text if len(text) < 80 and "'" not in text else "its pages do not read back"


def record_damage(path: Path, why: str) -> None:
    try:
        marker(path).write_text(why + "\n", encoding="utf-8")
    except OSError:  # a read-only folder: this process still stops writing
        pass


def recorded_damage(path: Path) -> str | None:
    try:
        return marker(path).read_text(encoding="utf-8").strip() or "damaged"
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return "damaged"


def forget_damage(path: Path) -> None:
    try:
        marker(path).unlink(missing_ok=True)
    except OSError:
        pass
