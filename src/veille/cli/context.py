"""What every command gets: veille (the front door), and the one way to print."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import IO, Any

from veille.core import LibraryBusy, Paths, Settings, Veille, VeilleError, terminal_safe
from veille.core.translations import _

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class CommandError(VeilleError):
    """A user-facing failure: printed as `veille: message`, exit status 1 (or `status`)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message, status)


@dataclass(slots=True)
class Context:
    veille: Veille
    out: IO[str] = field(default_factory=lambda: sys.stdout)
    err: IO[str] = field(default_factory=lambda: sys.stderr)
    _told_waiting: bool = False

    def __post_init__(self) -> None:
        self.veille.on_wait(self._waiting)

    @property
    def paths(self) -> Paths:
        return self.veille.paths

    @property
    def settings(self) -> Settings:
        return self.veille.settings

    @property
    def offline(self) -> bool:
        return self.veille.offline

    def _waiting(self, seconds: float | None) -> None:
        """Another process holds the write lock: say so on a terminal (never in cron mail),
        and give up after the usual busy timeout."""
        if seconds is None:
            return
        if seconds >= self.veille.busy_timeout:
            raise LibraryBusy(
                _(
                    "another veille process kept the library {path} busy too long; "
                    "nothing was changed"
                ).format(path=self.paths.library)
            )
        if seconds >= 1 and not self._told_waiting and self.err.isatty():
            self._told_waiting = True
            self.warn(_("waiting for another veille process to release the library…"))

    def usable_cache(self, without: str) -> bool:
        """Whether the full-text cache can be used; if not, say what goes `without` it."""
        problem = self.veille.cache_problem
        if problem is not None:
            self.warn(f"{problem}; {without}")
        return problem is None

    def close(self) -> None:
        self.veille.close()

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
        self.err.write(_("veille: {text}").format(text=terminal_safe(text)) + "\n")
