"""The library: veille's SQLite store and the `Library` facade over it."""

from veille.library.core import Library, open_library
from veille.library.database import LibraryError
from veille.library.views import View

__all__ = ["Library", "LibraryError", "View", "open_library"]
