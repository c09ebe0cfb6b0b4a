"""The one stored form of a tag name, shared by the query language and everything that writes
tags."""

from __future__ import annotations

from veille.core.text import clean_line


def normalize_tag(name: str) -> str:
    """The stored form of a tag: NFC, lower case, no `#`, `/`-separated parts without blanks.

    `Sécurité / CNIL` and `#sécurité/cnil` are the same tag. Returns "" when nothing is left.
    """
    text = clean_line(name, limit=500).lstrip("#").lower()
    parts = (" ".join(part.split()) for part in text.split("/"))
    return "/".join(part for part in parts if part)
