"""Opening the library file: one connection per thread, migrations, and refusing foreign files.

The app, a cron `veille refresh` and a `veille export` may all use the library at once. WAL lets
readers and one writer work together, and a generous busy timeout makes writers queue instead of
failing with "database is locked". Writes take the lock up front (`BEGIN IMMEDIATE`) so that a
transaction never has to upgrade from reader to writer halfway, which is where SQLite would give
up without waiting.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from veille.core.library._checks import full_check_due, partial_check, remember_full_check
from veille.core.library._functions import add_functions
from veille.core.library._halves import let_go
from veille.core.library._lease import Lease
from veille.core.library._problems import (
    LibraryBusy,
    LibraryDamaged,
    LibraryError,
    damaged,
    disk_full,
    explain,
    record_damage,
    recorded_damage,
)
from veille.core.library._schema import MIGRATIONS, SCHEMA_VERSION
from veille.core.library._sound import (
    check_library_file,
    damaged_file,
    refuse_foreign,
    unreadable_reason,
)
from veille.core.outfile import OutputError, check_target, write_with
from veille.core.translations import _

__all__ = ["BUSY_TIMEOUT_MS", "Database"]

BUSY_TIMEOUT_MS = 60_000
WAIT_STEP_MS = 1_000  # with a `waiting` hook: how often the wait for the write lock is reported
KEEP_BACKUPS = 5


class Database:
    """The library file, with one sqlite3 connection per thread.

    Writes refuse, without touching the file, once the library is known to be damaged: by this
    process, or by another one (see `_problems`). With `verify_writes`, the first write of the
    process checks the file's structure first (`PRAGMA quick_check`, ~70 ms for a 135 MB
    library; a large one whole once a day, see `_checks`): a command never starts writing into
    a damaged file it has not read yet.
    """

    def __init__(
        self, path: Path, *, backups: Path | None = None, verify_writes: bool = False
    ) -> None:
        self.path = path
        self.backups = backups or path.parent / "backups"
        self.verify_writes = verify_writes
        self._verified = False
        self._damage: str | None = None
        self._local = threading.local()
        self._all: list[tuple[sqlite3.Connection, threading.Thread]] = []
        self._lock = threading.Lock()
        self._lease = Lease(path)
        self.waiting: Callable[[float | None], None] | None = None
        check_library_file(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lease.hold()
        try:
            self._migrate(self.connection())
        except BaseException:
            self.close()
            raise

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self._lease.hold()
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._close_ended()
                self._all.append((conn, threading.current_thread()))
        return conn

    def _close_ended(self) -> None:
        """Close the connections of threads that have ended (under `_lock`).

        Each refresh reads and writes from threads of its own, which end with it: in the app,
        which refreshes all day, their connections (three open files each) would otherwise
        pile up until it quits. Nothing can be running on them any more.
        """
        alive = []
        for conn, owner in self._all:
            if owner.is_alive():
                alive.append((conn, owner))
            else:
                with suppress(sqlite3.Error):
                    conn.close()
        self._all = alive

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            # SQLite's own page cache (2 MB) is kept on purpose; the connection that stores a
            # refresh asks for more itself (`_refresh.WRITER_CACHE_KIB`). Measured on a 3 GB
            # library of a million items, 64 MB on every other connection too saved no CPU time
            # a refresh could tell from noise (the system already holds the file in memory: a
            # miss is a copy, not a disk read) and halved only the few searches that walk a
            # large index, while the app, a connection per thread, grew from 63 to 177 MB; 16
            # and 32 MB changed nothing. A memory map would be cheaper still, but a damaged or
            # truncated file would then kill the process (SIGBUS) instead of raising an error.
        except sqlite3.DatabaseError as error:
            known = explain(error, self.path, self.backups)
            if known is not None:
                raise known from None
            raise LibraryError(
                _("{path} cannot be opened as a library ({error}); it was left untouched.").format(
                    path=self.path, error=error
                )
            ) from None
        add_functions(conn)
        with suppress(OSError):
            self.path.chmod(0o600)
        return conn

    # Problems ---------------------------------------------------------------------------

    def problem(self, error: BaseException) -> LibraryError | None:
        """`error` in plain words if it is the library's (see `_problems.explain`)."""
        known = explain(error, self.path, self.backups)
        if isinstance(known, LibraryDamaged):
            self._damage = known.args[0]
        return known

    @property
    def damage(self) -> str | None:
        """Why the library is known to be damaged (here or by another process), or None."""
        if self._damage is None:
            why = recorded_damage(self.path)
            if why is not None:
                self._damage = damaged(self.path, why, self.backups).args[0]
        return self._damage

    def check(self, *, whole: bool = True) -> str | None:
        """Check the file's structure; the damage found (and remembered), or None if sound.

        Not `whole`: only as much as `_checks` says is due before a command's first write.
        """
        full = whole or full_check_due(self.path)
        try:
            conn = self.connection()
            if full:
                rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
            else:
                rows = partial_check(conn) or ["ok"]
            result = "; ".join(rows[:3])
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            known = self.problem(error)
            if known is None or not isinstance(known, LibraryDamaged):
                raise known or error from None
            return self._damage
        self._verified = True
        if result == "ok":
            if full:
                remember_full_check(self.path)
            # Damage already met stays known: text that is not UTF-8 passes this check.
            return self.damage
        why = "its structure check failed"
        record_damage(self.path, why)
        self._damage = damaged(self.path, why, self.backups).args[0]
        return self._damage

    def refuse_if_damaged(self) -> None:
        if self.verify_writes and not self._verified:
            self.check(whole=False)
        if self.damage is not None:
            raise LibraryDamaged(self.damage)

    @contextmanager
    def doing(self, what: str) -> Iterator[None]:
        """Name the change this thread is about to write, for `waiting` to tell the user."""
        self._local.doing = what
        try:
            yield
        finally:
            self._local.doing = None

    @property
    def current_change(self) -> str:
        return getattr(self._local, "doing", None) or "a change"

    def _begin(self, conn: sqlite3.Connection) -> None:
        """Take the write lock; with a `waiting` hook, in short steps that report the wait.

        Without the hook (the command line) SQLite waits up to the busy timeout on its own.
        With it (the app), each step that finds another process holding the lock calls
        `waiting(seconds so far)`, which may raise to give up; `waiting(None)` says it is over.
        """
        hook = self.waiting
        if hook is None:
            conn.execute("BEGIN IMMEDIATE")
            return
        started = time.monotonic()
        waited = False
        conn.execute("PRAGMA busy_timeout = 0")  # the first try tells at once if it must wait
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as error:
                    if not isinstance(self.problem(error), LibraryBusy):
                        raise
                    hook(time.monotonic() - started)
                    if not waited:
                        waited = True
                        conn.execute(f"PRAGMA busy_timeout = {WAIT_STEP_MS}")
        finally:
            with suppress(sqlite3.Error):
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if waited:
            hook(None)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it lands, or none of it."""
        self.refuse_if_damaged()
        conn = self.connection()
        try:
            self._begin(conn)
        except sqlite3.DatabaseError as error:
            raise self.problem(error) or error from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(error, (sqlite3.DatabaseError, UnicodeDecodeError)):
                known = self.problem(error)
                if known is not None:
                    raise known from None
            raise

    def close(self) -> None:
        """Close this thread's connection and those of threads that have ended.

        A connection of a thread still alive is only let go of: that thread may be in the middle
        of a query (the app quitting while a worker counts the feeds), and closing a connection
        under a running statement crashes the process. Python closes it as soon as nothing uses
        it any more, which for an idle worker is at once.
        """
        me = threading.current_thread()
        let_go(self.path)
        with self._lock:
            for conn, owner in self._all:
                if owner is me or not owner.is_alive():
                    with suppress(sqlite3.Error):
                        conn.close()
            self._all.clear()
        self._local = threading.local()
        self._lease.release()

    # Migrations -------------------------------------------------------------------------

    def _migrate(self, conn: sqlite3.Connection) -> None:
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            raise damaged_file(self.path, unreadable_reason(error)) from None
        refuse_foreign(self.path, version, tables)
        if version == SCHEMA_VERSION:
            return
        if version > 0:
            self.backup_before_migration(version)
        try:
            for step in range(version, SCHEMA_VERSION):
                # executescript commits on its own; wrap each step so it lands whole.
                conn.executescript(
                    "BEGIN IMMEDIATE;\n"
                    + MIGRATIONS[step]
                    + f"\nPRAGMA user_version = {step + 1};\nCOMMIT;"
                )
            if version > 0:
                # A migration may add indexes the planner has no statistics for; unknown, one
                # can look cheaper than the right one (bounded: ~0.1 s at 100,000 items).
                conn.executescript("PRAGMA analysis_limit = 1000; ANALYZE;")
        except sqlite3.DatabaseError as error:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise self.problem(error) or error from None

    def backup_before_migration(self, version: int) -> Path:
        self.backups.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.backup_into(self.backups, f"library-v{version}")
        # Only copies checked sound are ever written here, so rotating keeps good ones.
        old = sorted(self.backups.glob("library-v*.sqlite"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP_BACKUPS]:
            stale.unlink(missing_ok=True)
        return target

    # Backups ----------------------------------------------------------------------------

    def backup_into(self, folder: Path, prefix: str) -> Path:
        """A backup in `folder` under a dated name no other backup has; its path.

        Two backups in the same second get `-2`, `-3`…: the final name is taken with a hard
        link, which fails rather than replace a file another process just wrote.
        """
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = 1
        while True:
            target = folder / f"{prefix}-{stamp}{'' if n == 1 else f'-{n}'}.sqlite"
            n += 1
            if target.exists():
                continue
            try:
                self.backup_to(target, replace=False)
            except FileExistsError:
                continue
            return target

    def backup_to(self, target: Path, *, replace: bool = True) -> None:
        """A consistent copy with SQLite's backup API, safe while others write.

        The copy is checked (`PRAGMA quick_check`) before it takes its name: a damaged library
        is never copied over a good backup, and a backup is always one that can be restored.
        """
        if self.damage is not None:
            raise LibraryDamaged(_no_backup(self.damage))
        check_target(target)

        def fill(tmp: Path) -> None:
            dest = sqlite3.connect(tmp)
            try:
                self.connection().backup(dest)
                sound = dest.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
                known = self.problem(error)
                if isinstance(known, LibraryDamaged):
                    raise LibraryDamaged(_no_backup(known.args[0])) from None
                if isinstance(known, LibraryError) and "disk is full" in str(known):
                    raise disk_full(target) from None
                raise OutputError(
                    _("cannot write the backup {target}: {error}").format(
                        target=target, error=error
                    )
                ) from None
            finally:
                dest.close()
            if sound:  # a sound copy of the whole file: the library itself was sound
                remember_full_check(self.path)
            else:
                if self.check() is not None:
                    raise LibraryDamaged(_no_backup(self._damage or ""))
                raise OutputError(
                    _("the copy written to {target} did not read back sound").format(target=target)
                )

        write_with(target, fill, private=True, replace=replace)


def _no_backup(why: str) -> str:
    return "no backup was written: " + why
