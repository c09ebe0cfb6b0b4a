"""Who has the library open: every open holds a shared lock, `veille restore` an exclusive one.

SQLite's own locks only cover transactions; between two of them the app holds nothing, and a
restore that swapped the file under it would lose everything the app writes afterwards (its
connections keep writing to the old, unlinked file). So each `Database` holds an advisory
`flock` on a sidecar file (`library.sqlite.lock`) in shared mode for as long as it is open, and
restore asks for it in exclusive mode without waiting: refused while anyone has the library open.
The kernel drops a lock with its process, so a killed app never leaves the library locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from veille.core.library._problems import LibraryError
from veille.core.translations import _

RESTORE_WAIT = 10.0  # seconds an open waits for a restore to finish


def lock_path(library: Path) -> Path:
    return library.with_name(library.name + ".lock")


def _open(library: Path) -> int | None:
    try:
        return os.open(lock_path(library), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: nobody can restore into it either
        return None


class Lease:
    """The shared lock of one open library."""

    def __init__(self, library: Path) -> None:
        self.library = library
        self._fd: int | None = None

    def hold(self) -> None:
        if self._fd is not None:
            return
        fd = _open(self.library)
        if fd is None:
            return
        deadline = time.monotonic() + RESTORE_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise LibraryError(
                        _(
                            "a `veille restore` is replacing the library {library}; retry when it is done"
                        ).format(library=self.library)
                    ) from None
                time.sleep(0.05)
                continue
            except OSError:  # a file system without locks: no coordination, as before
                pass
            self._fd = fd
            return

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


@contextmanager
def exclusive(library: Path) -> Iterator[None]:
    """Hold the library for a restore, or refuse at once if another process has it open."""
    fd = _open(library)
    if fd is None:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LibraryError(
                _(
                    "another veille process (the app, or a refresh) has the library {library} open; quit it, then restore; nothing was changed"
                ).format(library=library)
            ) from None
        except OSError:
            pass
        yield
    finally:
        os.close(fd)
