"""Which links the reader may open or copy: http, https and mailto addresses, nothing else.

Kept apart from the renderer (and its HTML parser): the main screen asks this for every row it
offers `o` and `y` on, and must not pay for lxml to do so.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

__all__ = ["MAX_URL", "SAFE_SCHEMES", "safe_link"]

# Characters no link may contain (controls, spaces other than plain ones, bidi tricks): browsers
# silently drop tabs and newlines, which is how `java\tscript:` sneaks past naive checks.
_BAD_IN_URL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
MAX_URL = 4096


def safe_link(href: str, base_url: str = "") -> str | None:
    """`href` made absolute against `base_url`, if it is an http, https or mailto address.

    Anything else (`javascript:`, `data:`, `file:`, `vbscript:`, addresses hiding control or bidi
    characters, absurdly long ones) is None: the reader must never be able to open it.
    """
    if not href or len(href) > MAX_URL:
        return None
    href = href.strip(" \t\n\r\f")
    base_url = (base_url or "").strip()
    if not href or _BAD_IN_URL.search(href) or _BAD_IN_URL.search(base_url):
        return None
    try:
        url = urljoin(base_url, href) if base_url else href
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES or len(url) > MAX_URL:
        return None
    if scheme == "mailto":
        return url if parts.path else None
    if not parts.hostname:
        return None
    return url.replace(" ", "%20")
