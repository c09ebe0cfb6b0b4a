"""What veille owns: its paths and settings, the library and the full-text cache (each opened on
first use), the hook told while another process holds the library, and the change watch.

`Veille` is this plus its verbs (`veille.core.keeping`, `veille.core.exchanges`). Every method
may be called from any thread: the library keeps one SQLite connection per thread (see
`veille.core.library`), the cache is thread-safe, and what is opened lazily is opened
under a lock.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import TYPE_CHECKING, Self

from veille.core.errors import Stopped, VeilleError, explain
from veille.core.library import Library, open_library
from veille.core.settings import Paths, Settings
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.fulltext.cache import FullTextCache

STOP_STEPS = 100_000  # SQLite steps between two looks at a `stoppable` read's flag (~10 ms)
CHECK_PAUSE = 0.05  # seconds between two looks of a gentle check at whether the user is idle


class Home:
    """A library, its settings and its cache, opened when first needed and closed together."""

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        *,
        offline: bool = False,
        verify_writes: bool = False,
    ) -> None:
        self.paths = paths
        self.settings = settings
        self.offline = offline
        self.verify_writes = verify_writes
        self._library: Library | None = None
        self._cache: FullTextCache | None = None
        self._waiting: Callable[[float | None], None] | None = None
        self._opening = threading.RLock()
        self._looked: sqlite3.Connection | None = None
        self._version: int | None = None
        self._looking = threading.Lock()
        self._checking: sqlite3.Connection | None = None
        self._checker: threading.Thread | None = None
        self._stopping = threading.Event()

    # Opening and closing ----------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def library(self) -> Library:
        """The library, opened (created or migrated) on first use."""
        lib = self._library
        if lib is None:
            with self._opening:
                lib = self._library
                if lib is None:
                    self.paths.ensure()
                    lib = open_library(
                        self.paths.library,
                        backups=self.paths.backups,
                        verify_writes=self.verify_writes,
                    )
                    # Attached, not opened: a cache that cannot be used reads as empty.
                    lib.attach_cache(self.cache)
                    lib.db.waiting = self._waiting
                    self._library = lib
        return lib

    @property
    def opened(self) -> bool:
        """Whether the library has been opened here (a verb needed it)."""
        return self._library is not None

    @property
    def cache(self) -> FullTextCache:
        """The full-text cache; see `cache_problem` before relying on it."""
        cache = self._cache
        if cache is None:
            with self._opening:
                if self._cache is None:
                    from veille.core.fulltext.cache import open_cache

                    self._cache = open_cache(self.paths, self.settings)
                cache = self._cache
        return cache

    @property
    def cache_problem(self) -> str | None:
        """Why the full-text cache cannot be used, in plain words; None when it can."""
        return self.cache.problem

    def usable_cache(self) -> FullTextCache | None:
        return None if self.cache_problem is not None else self.cache

    def needed_cache(self) -> FullTextCache:
        """The cache, for a verb that cannot work without it."""
        problem = self.cache_problem
        if problem is not None:
            raise VeilleError(_("{problem}; this command needs it").format(problem=problem))
        return self.cache

    def on_wait(self, hook: Callable[[float | None], None] | None) -> None:
        """Call `hook(seconds)` while another process holds the write lock (it may raise to give
        up), and `hook(None)` when the wait is over. Without a hook SQLite waits on its own."""
        self._waiting = hook
        if self._library is not None:
            self._library.db.waiting = hook

    @property
    def busy_timeout(self) -> float:
        """Seconds a write waits for another process before the library is called busy."""
        from veille.core.library import BUSY_TIMEOUT_MS

        return BUSY_TIMEOUT_MS / 1000

    def close(self) -> None:
        """Close the library, the cache and the change watch; the next verb reopens them."""
        self._stop_check()
        with self._looking:
            if self._looked is not None:
                self._looked.close()
                self._looked = None
        if self._library is not None:
            self._library.close()
            self._library = None
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    # The library's health ---------------------------------------------------------------------

    def explain(self, error: BaseException) -> VeilleError | None:
        """`error` in plain words when it is the library's (damaged, full, busy…), else None."""
        if self._library is None:
            return explain(error, self.paths.library, self.paths.backups)
        return self._library.db.problem(error)

    def check(self, *, gently: bool = False, idle: Callable[[], bool] | None = None) -> str | None:
        """Check the library file's structure: the damage found (and remembered), or None.

        The check reads the whole file: seconds of a core for a library of a million items.
        `gently` runs it on a thread of its own that `close` cuts short (None: not checked)
        instead of waiting for it, and only while `idle()` says the user is not busy: when
        they come back it is given up, and started again once they are idle (SQLite cannot
        pause it halfway), so that the reading app's keys never share the machine with it.
        """
        if not gently:
            return self.library.db.check()
        db = self.library.db
        found: list[str | None] = [None]
        failed: list[BaseException] = []
        stopping = self._stopping

        def busy() -> bool:
            return idle is not None and not idle()

        def attempt(conn: sqlite3.Connection) -> bool:
            """One try at the check, given up (False) if the user comes back meanwhile."""
            done, cut = threading.Event(), threading.Event()

            def watch() -> None:
                while not done.wait(CHECK_PAUSE):
                    if busy() or stopping.is_set():
                        cut.set()
                        conn.interrupt()
                        return

            watcher = threading.Thread(target=watch, name="veille-check-watch", daemon=True)
            watcher.start()
            try:
                found[0] = db.check()
                return True
            except sqlite3.OperationalError:
                if not cut.is_set():
                    raise
                return False
            finally:
                done.set()
                watcher.join()

        def run() -> None:
            if stopping.is_set():  # `close` came between this thread's making and its start
                return
            conn = db.connection()
            self._checking = conn
            try:
                while not stopping.is_set():
                    while busy() and not stopping.is_set():
                        time.sleep(CHECK_PAUSE)
                    if not stopping.is_set() and attempt(conn):
                        return
            except BaseException as error:
                if not stopping.is_set():  # else interrupted by `close`: not checked
                    failed.append(error)
            finally:
                self._checking = None

        checker = threading.Thread(target=run, name="veille-check", daemon=True)
        # Cleared before the thread is known to `close`, which may then set it at any moment.
        stopping.clear()
        self._checker = checker
        checker.start()
        checker.join()
        self._checker = None
        if failed:
            raise failed[0]
        return found[0]

    def _stop_check(self) -> None:
        """Interrupt a gentle check running and wait for its thread to let its connection go."""
        checker = self._checker
        if checker is None:
            return
        self._stopping.set()
        checking = self._checking
        if checking is not None:
            with suppress(sqlite3.Error):
                checking.interrupt()
        with suppress(RuntimeError):  # not started yet: it will see `stopping` and end at once
            checker.join(timeout=5)

    @contextmanager
    def stoppable(self, stop: threading.Event) -> Iterator[None]:
        """The library's reads on this thread inside stop soon after `stop` is set, raising
        `Stopped` (SQLite asks every `STOP_STEPS` steps of its own whether to go on)."""
        conn = self.library.db.connection()
        conn.set_progress_handler(stop.is_set, STOP_STEPS)
        try:
            yield
        except sqlite3.OperationalError:
            if stop.is_set():
                raise Stopped(_("the read was given up")) from None
            raise
        finally:
            conn.set_progress_handler(None, 0)

    @contextmanager
    def doing(self, what: str) -> Iterator[None]:
        """Name the change this thread is about to write, for the `on_wait` hook to tell."""
        with self.library.db.doing(what):
            yield

    @property
    def current_change(self) -> str:
        """The change this thread is writing (see `doing`), or "a change"."""
        return self.library.db.current_change

    def changed(self) -> bool:
        """Has another connection written to the library since the last call? (False at the
        first call, which only takes the baseline, and when the library cannot be read now.)

        SQLite's `data_version` moves when another connection commits; one connection kept for
        this question alone makes it a cheap poll. Writes from this process's other threads use
        other connections and count too.
        """
        with self._looking:
            try:
                if self._looked is None:
                    self._looked = sqlite3.connect(self.library.db.path, check_same_thread=False)
                version = int(self._looked.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return False
            moved = self._version is not None and version != self._version
            self._version = version
            return moved
