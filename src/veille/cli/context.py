"""What every command gets: the paths, the settings, the library (opened on first use)."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import IO, Any

from veille.core.fulltext.cache import FullTextCache, open_cache
from veille.core.library import BUSY_TIMEOUT_MS, Library, LibraryBusy, open_library
from veille.core.settings import Paths, Settings
from veille.core.text import terminal_safe

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class CommandError(Exception):
    """A user-facing failure: printed as `veille: message`, exit status 1 (or `status`)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class Context:
    paths: Paths
    settings: Settings
    offline: bool = False
    out: IO[str] = field(default_factory=lambda: sys.stdout)
    err: IO[str] = field(default_factory=lambda: sys.stderr)
    _library: Library | None = None
    _cache: FullTextCache | None = None
    _told_waiting: bool = False

    @property
    def library(self) -> Library:
        if self._library is None:
            self.paths.ensure()
            self._library = open_library(
                self.paths.library, backups=self.paths.backups, verify_writes=True
            )
            # Opened at its first read: a cache that cannot be used reads as empty.
            self._library.attach_cache(self.cache)
            self._library.db.waiting = self._waiting
        return self._library

    def _waiting(self, seconds: float | None) -> None:
        """Another process holds the write lock: say so on a terminal (never in cron mail),
        and give up after the usual busy timeout."""
        if seconds is None:
            return
        if seconds >= BUSY_TIMEOUT_MS / 1000:
            raise LibraryBusy(
                f"another veille process kept the library {self.paths.library} busy too long; "
                "nothing was changed"
            )
        if seconds >= 1 and not self._told_waiting and self.err.isatty():
            self._told_waiting = True
            self.warn("waiting for another veille process to release the library…")

    @property
    def cache(self) -> FullTextCache:
        """The full-text cache, not opened yet (see `usable_cache` and `needed_cache`)."""
        if self._cache is None:
            self._cache = open_cache(self.paths, self.settings)
        return self._cache

    def usable_cache(self, without: str) -> FullTextCache | None:
        """The cache if it can be used; else None, after saying what goes `without` it."""
        problem = self.cache.problem
        if problem is None:
            return self.cache
        self.warn(f"{problem}; {without}")
        return None

    def needed_cache(self) -> FullTextCache:
        """The cache, for a command that cannot work without it."""
        problem = self.cache.problem
        if problem is not None:
            raise CommandError(f"{problem}; this command needs it")
        return self.cache

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    # Everything printed goes through these: text from the library (titles, notes, tags, names
    # a state file brought) may hold what a terminal would obey, whoever wrote it and when.

    def print(self, text: str = "") -> None:
        self.out.write(terminal_safe(text) + "\n")

    def write(self, text: str) -> None:
        self.out.write(terminal_safe(text))

    def print_json(self, data: Any) -> None:
        # JSON escapes C0 controls itself; DEL, C1 and bidi controls are written as escapes too.
        text = json.dumps(data, ensure_ascii=False, indent=2)
        self.out.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")

    def warn(self, text: str) -> None:
        self.err.write(f"veille: {terminal_safe(text)}\n")
