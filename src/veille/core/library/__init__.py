"""The library: veille's SQLite store, and the one `Library` class over it.

Everything outside this package imports from here; the modules whose names start with `_` are
the library's own.
"""

from veille.core.library._db import BUSY_TIMEOUT_MS
from veille.core.library._lease import exclusive
from veille.core.library._portable import dumps_state, export_state, import_state
from veille.core.library._problems import (
    DiskFull,
    LibraryBusy,
    LibraryDamaged,
    LibraryError,
    explain,
    forget_damage,
)
from veille.core.library._refresh import Failed, Fetched, NotModified, Outcome
from veille.core.library._schema import SCHEMA_VERSION
from veille.core.library._sound import check_library_file
from veille.core.library._store import StoreResult
from veille.core.library._views import View
from veille.core.library.library import Library, open_library

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SCHEMA_VERSION",
    "DiskFull",
    "Failed",
    "Fetched",
    "Library",
    "LibraryBusy",
    "LibraryDamaged",
    "LibraryError",
    "NotModified",
    "Outcome",
    "StoreResult",
    "View",
    "check_library_file",
    "dumps_state",
    "exclusive",
    "explain",
    "export_state",
    "forget_damage",
    "import_state",
    "open_library",
]
