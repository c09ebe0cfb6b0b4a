"""veille: a terminal news reader for keeping a veille."""

__version__ = "0.1.0"
