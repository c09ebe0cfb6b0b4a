"""Addresses kept in an article's markup: made absolute, and only those a reader may follow or
load (web and mail links; pictures also as inline raster data, never SVG, which can script)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(value: str, base: str, *, image: bool) -> str:
    """`value` made absolute against `base`, or "" when it is not a safe address."""
    raw = _URL_JUNK.sub("", value)
    if not raw:
        return ""
    if raw.lower().startswith("data:"):
        lowered = raw.lower()
        ok = (
            image and lowered.startswith("data:image/") and not lowered.startswith("data:image/svg")
        )
        return raw if ok else ""
    try:
        absolute = urljoin(base, raw) if base else raw
    except ValueError:
        return ""
    return absolute if absolute.lower().startswith(_SAFE_SCHEMES) else ""


def safe_srcset(value: str, base: str) -> str:
    parts = []
    for candidate in value.split(","):
        bits = candidate.split()
        if not bits:
            continue
        url = safe_url(bits[0], base, image=True)
        if url and not url.startswith("data:"):
            parts.append(" ".join([url, *bits[1:2]]))
    return ", ".join(parts)
