"""Is this file a sound veille library? Asked before opening a library, and of a backup before
it is restored.

Everything here reads: the header by hand, then the schema through a read-only connection, so a
foreign, newer or damaged file keeps every byte it had.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from veille.core.library._problems import LibraryDamaged, LibraryError, explain
from veille.core.library._schema import SCHEMA_VERSION
from veille.core.translations import _

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_library_file(path: Path, *, restoring: bool = False) -> None:
    """Refuse, without touching it, a file that is not a veille library this version can open;
    with `restoring`, one that cannot take the library's place (see `_check_backup`).

    Only once this passed may a normal connection switch the file to WAL, which rewrites its
    header.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
        size = path.stat().st_size
    except FileNotFoundError:
        if restoring:
            raise LibraryError(_("cannot read {path}: no such file").format(path=path)) from None
        return
    except OSError as error:
        message = (
            _("cannot read {path}: {strerror}")
            if restoring
            else _("cannot open the library {path}: {strerror}")
        )
        raise LibraryError(message.format(path=path, strerror=error.strerror)) from None
    if restoring:
        _check_backup(path, head, size)
        return
    if not head:
        raise LibraryError(
            _(
                "{path} is empty (0 bytes), perhaps an interrupted copy; it was left untouched. Delete it to start a new library, or `veille restore FILE` puts a backup in its place."
            ).format(path=path)
        )
    if head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise LibraryError(
            _(
                "{path} is not a veille library (not an SQLite database); it was left untouched. Move it away or choose another folder with --home."
            ).format(path=path)
        )
    # While a WAL file exists a checkpoint may be growing the file past its new header: only a
    # file standing alone is judged by its length.
    wal = path.with_name(path.name + "-wal")
    if _shorter_than_its_header(head, size) and not wal.exists():
        raise damaged_file(path, "the file is shorter than its header says")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise LibraryError(
            _("cannot open the library {path}: {error}").format(path=path, error=error)
        ) from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        known = explain(error, path)
        if known is None or isinstance(known, LibraryDamaged):
            raise damaged_file(path, unreadable_reason(error)) from None
        raise known from None
    finally:
        conn.close()
    refuse_foreign(path, version, tables)


def _shorter_than_its_header(head: bytes, size: int) -> bool:
    """A truncated copy: the header's page count (when SQLite vouches for it) exceeds the file."""
    if len(head) < 100:
        return True
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    vouched = head[24:28] == head[92:96]  # the count is valid only if these two agree
    return vouched and pages > 0 and size < pages * page_size


def damaged_file(path: Path, why: str) -> LibraryError:
    return LibraryDamaged(
        _(
            "{path} is damaged or not a library ({why}); it was left untouched. `veille restore FILE` puts a backup in its place."
        ).format(path=path, why=why)
    )


def unreadable_reason(error: BaseException) -> str:
    text = str(error)
    if isinstance(error, UnicodeDecodeError) or "decode" in text.lower():
        return "its list of tables is not readable"
    return text if len(text) < 80 and "'" not in text else "its pages do not read back"


def refuse_foreign(path: Path, version: int, tables: set[str]) -> None:
    if version == 0 and tables:
        raise LibraryError(
            _(
                "{path} is an SQLite database that veille did not create; it was left untouched."
            ).format(path=path)
        )
    if version > SCHEMA_VERSION:
        raise LibraryError(
            _(
                "{path} was written by a newer veille (schema {version}, this one knows {SCHEMA_VERSION}); upgrade veille to open it."
            ).format(path=path, version=version, SCHEMA_VERSION=SCHEMA_VERSION)
        )


def _check_backup(path: Path, head: bytes, size: int) -> None:
    """Refuse a file that cannot take the library's place (`restore`).

    Stricter than opening: the file must exist and be a library veille wrote (its tables there,
    a schema this version knows) with every page sound (`PRAGMA integrity_check`), since once it
    is restored it is the only copy of the user's state.
    """
    if head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise LibraryError(
            _("{path} is not a veille library; nothing was changed").format(path=path)
        )
    if _shorter_than_its_header(head, size):
        raise LibraryDamaged(_("{path} is damaged; nothing was changed").format(path=path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise LibraryError(
            _("cannot read {path}: {error}").format(path=path, error=error)
        ) from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        raise LibraryDamaged(
            _("{path} is damaged; nothing was changed").format(path=path)
        ) from None
    finally:
        conn.close()
    if version > SCHEMA_VERSION:
        refuse_foreign(path, version, tables)
    if check != "ok" or not {"feeds", "items"} <= tables or version < 1:
        raise LibraryError(
            _("{path} is not a sound veille library; nothing was changed").format(path=path)
        )
