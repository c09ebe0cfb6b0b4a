"""The library: veille's SQLite store and the `Library` facade over it."""

from veille.library.core import Library, open_library
from veille.library.database import LibraryBusy, LibraryDamaged, LibraryError
from veille.library.views import View

__all__ = ["Library", "LibraryBusy", "LibraryDamaged", "LibraryError", "View", "open_library"]
