"""The words veille shows, in the user's language.

Every user-visible string goes through `_` (or `ngettext` where a count decides the form), with
the English text as the message id. Until catalogues are loaded these return the English text.
"""

from __future__ import annotations

__all__ = ["_", "ngettext"]


def _(message: str) -> str:
    """The translation of `message` in the user's language."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count `n` in the user's language."""
    return singular if n == 1 else plural
