"""The headers and cookies config.toml gives a site: credentials, so they go to that site only.

They are keyed by host name (port 443) or `host:port`, matched exactly, and sent over https only,
including after a redirect, which the fetcher checks hop by hop. They are never logged nor quoted
in an error.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx


class SiteSecrets:
    """Each site's headers and cookies, found by the URL a request goes to."""

    def __init__(
        self,
        headers: Mapping[str, Mapping[str, str]] | None = None,
        cookies: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._headers = {k.lower(): dict(v) for k, v in (headers or {}).items()}
        self._cookies = {k.lower(): dict(v) for k, v in (cookies or {}).items()}

    def headers_for(self, url: httpx.URL) -> dict[str, str]:
        """The headers to add to a request for `url`, its `Cookie` header included."""
        headers = dict(_site(self._headers, url))
        cookies = _site(self._cookies, url)
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return headers

    def sent_to(self, url: httpx.URL) -> bool:
        """Whether a request for `url` carries any of them."""
        return bool(_site(self._headers, url) or _site(self._cookies, url))


def _site(table: Mapping[str, dict[str, str]], url: httpx.URL) -> dict[str, str]:
    """The site's entry for `url`: over https only; a key without a port means 443."""
    if url.scheme != "https":
        return {}
    host = url.host.lower()
    port = url.port or 443
    if ":" in host:
        host = f"[{host}]"
    found = table.get(f"{host}:{port}")
    if found is None and port == 443:
        found = table.get(host)
    return found or {}
