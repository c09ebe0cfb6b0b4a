"""What every command gets: the paths, the settings, the library (opened on first use)."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import IO, Any

from veille.fulltext.cache import FullTextCache, open_cache
from veille.library import Library, open_library
from veille.settings import Paths, Settings
from veille.text import for_terminal

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

    @property
    def library(self) -> Library:
        if self._library is None:
            self.paths.ensure()
            self._library = open_library(self.paths.library, backups=self.paths.backups)
            self._library.attach_cache(self.cache)
        return self._library

    @property
    def cache(self) -> FullTextCache:
        if self._cache is None:
            self.paths.ensure()
            self._cache = open_cache(self.paths, self.settings)
        return self._cache

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def print(self, text: str = "") -> None:
        """The one way a command prints text: whatever the library holds (an older version may
        have stored escape sequences), nothing the terminal would obey leaves with it."""
        self.out.write(for_terminal(text) + "\n")

    def print_json(self, data: Any) -> None:
        # json escapes C0 controls itself; C1 ones and bidi overrides pass as they are
        # with `ensure_ascii=False`, so they are escaped here: the data is unchanged.
        text = json.dumps(data, ensure_ascii=False, indent=2)
        self.out.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n")

    def warn(self, text: str) -> None:
        self.err.write(f"veille: {for_terminal(text)}\n")
