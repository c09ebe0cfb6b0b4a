"""Backups and restores of the library file, which only a sound library may replace
(`check_library_file`, the library's one rule for that).

A restore swaps the library for a backup only while no other veille process has it open, and
keeps the current library first: as a checked backup if it is sound, else byte for byte as
`library-damaged-….sqlite` (never taken for a good backup), since a damaged library is what one
restores over and may still hold something worth salvaging.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from veille.core.errors import UsageError
from veille.core.library import Library
from veille.core.outfile import write_with
from veille.core.settings import Paths
from veille.core.translations import _


def backup(lib: Library, paths: Paths, file: str | None) -> Path:
    """Copy the library to `file` (a folder receives a dated copy, as with `cp`), or, with no
    file, into veille's backups folder; the path written."""
    db = lib.db
    if file is None:
        # Only the backups folder of veille's own is created; a folder the user names must exist.
        paths.backups.mkdir(parents=True, exist_ok=True, mode=0o700)
        return db.backup_into(paths.backups, "library")
    if not file.strip():
        raise UsageError(
            _("the backup file name is empty; give a file, or nothing for the backups folder")
        )
    named = Path(file).expanduser()
    if named.is_dir():
        return db.backup_into(named, "library")
    db.backup_to(named)
    return named


def restore(paths: Paths, source: Path) -> Path | None:
    """Put the backup `source` in the library's place (the library must not be open in this
    process); where the library it replaced was kept, if there was one."""
    from veille.core.library import check_library_file, exclusive, forget_damage

    check_library_file(source, restoring=True)
    paths.ensure()
    kept: Path | None = None
    with exclusive(paths.library):
        if paths.library.exists():
            kept = _keep_current(paths)

        def fill(tmp: Path) -> None:
            shutil.copyfile(source, tmp)

        write_with(paths.library, fill, private=True)
        for suffix in ("-wal", "-shm"):
            Path(str(paths.library) + suffix).unlink(missing_ok=True)
        forget_damage(paths.library)
    return kept


def _keep_current(paths: Paths) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    source = sqlite3.connect(f"{paths.library.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            sound = source.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            sound = False

        def fill(tmp: Path) -> None:
            if sound:
                dest = sqlite3.connect(tmp)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            else:
                shutil.copyfile(paths.library, tmp)

        prefix = "library-before-restore" if sound else "library-damaged"
        n = 1
        while True:
            keep = paths.backups / f"{prefix}-{stamp}{'' if n == 1 else f'-{n}'}.sqlite"
            n += 1
            if keep.exists():
                continue
            try:
                write_with(keep, fill, private=True, replace=False)
            except FileExistsError:
                continue
            return keep
    finally:
        source.close()
