"""Quitting without losing what the user confirmed: changes waiting for the library are written
first.

Another veille process (a cron refresh) may hold the library's write lock; a star or a note then
waits in its worker thread. `q` waits for those changes and says so; a second `q` quits without
them, and the exit message names what was not saved.
"""

from __future__ import annotations

import threading

from textual.screen import Screen
from textual.worker import WorkerState

from veille.core import LibraryBusy, Veille
from veille.core.translations import N_, _
from veille.tui.workers import SAVING_GROUPS

WAITING = N_("Waiting for another veille process to release the library…")


class SaveGuard:
    """Knows which changes are not written yet, and quits only once they are (or if forced)."""

    def __init__(self, screen: Screen[None], veille: Veille) -> None:
        self._screen = screen
        self._veille = veille
        self.quitting = False
        self.forced = False
        self._waiting: dict[int, str] = {}  # thread id → the change waiting for the lock
        self._waiting_lock = threading.Lock()
        veille.on_wait(self._wait_for_lock)

    def _wait_for_lock(self, seconds: float | None) -> None:
        """Called by a worker thread while another process holds the library's write lock."""
        me = threading.get_ident()
        if seconds is None:
            with self._waiting_lock:
                self._waiting.pop(me, None)
            return
        what = self._veille.current_change
        if self.forced:
            raise LibraryBusy(
                _("{what} was not saved: another veille process held the library").format(what=what)
            )
        with self._waiting_lock:
            first = me not in self._waiting
            self._waiting[me] = what
        if first:
            self._screen.app.call_from_thread(
                self._screen.notify, f"{_(WAITING)} ({what})", severity="warning", markup=False
            )

    def unsaved(self) -> list[str]:
        """The changes not yet written: waiting for the lock, or not started."""
        with self._waiting_lock:
            waiting = list(dict.fromkeys(self._waiting.values()))
        running = [
            w
            for w in self._screen.app.workers
            if w.group in SAVING_GROUPS and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        return waiting or (["a change"] if running else [])

    def request_quit(self) -> None:
        """Quit once every confirmed change is written; a second request quits without them."""
        app = self._screen.app
        if self.quitting:
            self.forced = True
            left = self.unsaved()
            if left:
                app.exit(
                    return_code=1,
                    message=_(
                        "veille: not saved: {left} (another veille process held the library)"
                    ).format(left=", ".join(left)),
                )
                return
            app.exit()
            return
        if not self.unsaved():
            app.exit()
            return
        self.quitting = True
        self._screen.notify(
            _("{WAITING} Quitting when it is saved; press q again to quit without it.").format(
                WAITING=_(WAITING)
            ),
            severity="warning",
            timeout=30,
            markup=False,
        )
        self._screen.set_interval(0.1, self._quit_when_saved)

    def _quit_when_saved(self) -> None:
        if not self.forced and not self.unsaved():
            self._screen.app.exit()
