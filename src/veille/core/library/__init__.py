"""The library: veille's SQLite store and the `Library` facade over it."""

from veille.core.library.core import Library, open_library
from veille.core.library.database import LibraryBusy, LibraryDamaged, LibraryError
from veille.core.library.views import View

__all__ = ["Library", "LibraryBusy", "LibraryDamaged", "LibraryError", "View", "open_library"]
