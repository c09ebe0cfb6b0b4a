"""The library: veille's SQLite store and the `Library` facade over it."""

from veille.core.library.core import Library, open_library
from veille.core.library.database import BUSY_TIMEOUT_MS
from veille.core.library.lease import exclusive
from veille.core.library.portable import dumps_state, export_state, import_state
from veille.core.library.problems import (
    DiskFull,
    LibraryBusy,
    LibraryDamaged,
    LibraryError,
    explain,
    forget_damage,
)
from veille.core.library.schema import SCHEMA_VERSION
from veille.core.library.views import View

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SCHEMA_VERSION",
    "DiskFull",
    "Library",
    "LibraryBusy",
    "LibraryDamaged",
    "LibraryError",
    "View",
    "dumps_state",
    "exclusive",
    "explain",
    "export_state",
    "forget_damage",
    "import_state",
    "open_library",
]
