"""What a site is asked with: a fingerprint of the access config.toml gives it, per page.

A page fetched without a subscriber's cookie gives its teaser; once the user adds the cookie
(or a header, or a content rule) under `[sites."host"]`, fetching it again can help, and only
then. Each attempt records the fingerprint of what its request carried, and a refetch compares
it with today's. The fingerprint is a short digest, never the secret: it is stored beside the
item, and a library file may be copied where config.toml is not.
"""

from __future__ import annotations

import hashlib
import json
from typing import Protocol
from urllib.parse import urlsplit

from veille.core.settings import Settings

__all__ = ["changed_sites", "site_access", "site_host"]


class _Misses(Protocol):
    def missed_full_texts(self) -> list[tuple[int, str, str]]: ...


def site_host(url: str) -> str:
    """The host a page is on, lower case, "" for an address without one."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _entries(settings: Settings, url: str) -> list[object]:
    parts = urlsplit(url)
    host = site_host(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return []
    found: list[object] = []
    # Secrets go over https only, keyed as the fetcher keys them (`host:port`, or `host` for
    # 443): over http they are not sent, so they change nothing for that page.
    if parts.scheme == "https":
        for key in (f"{host}:{port}", host if port == 443 else None):
            site = settings.sites.get(key) if key else None
            if site is not None and (site.cookies or site.headers):
                found.append(["secrets", key, sorted(site.cookies.items()), sorted(site.headers)])
                found.append(sorted(site.headers.items()))
                break
    # A content rule changes what is extracted, over http as well.
    rule = settings.sites.get(host) or settings.sites.get(host.removeprefix("www."))
    if rule is not None and (rule.content or rule.remove):
        found.append(["rule", rule.content, list(rule.remove)])
    return found


def site_access(settings: Settings, url: str) -> str:
    """A digest of the cookies, headers and content rule a fetch of `url` uses; "" for none."""
    entries = _entries(settings, url)
    if not entries:
        return ""
    data = json.dumps(entries, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(b"veille-site-access\0" + data).hexdigest()[:16]


def changed_sites(lib: _Misses, settings: Settings) -> list[int]:
    """The paywalled and failed items whose site is now asked with other cookies, headers or
    content rule than when they were tried: fetching them again may help."""
    access: dict[tuple[str, str], str] = {}  # per scheme and host: thousands share one
    changed = []
    for item_id, url, site in lib.missed_full_texts():
        parts = urlsplit(url)
        where = (parts.scheme, parts.netloc)
        if where not in access:
            access[where] = site_access(settings, url)
        if access[where] != site:
            changed.append(item_id)
    return changed
