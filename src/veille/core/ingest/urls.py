"""The addresses a fetch may follow: http and https only, with a host, each hop checked."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from veille.core.ingest.failures import FetchFailure
from veille.core.redact import redact_url


def web_url(url: str, *, redirect: bool) -> httpx.URL:
    """`url` as an http(s) URL, or a failure saying why it cannot be fetched."""
    try:
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "https"):
            parsed = httpx.URL(url)
            if parsed.host:
                return parsed
    except (ValueError, httpx.InvalidURL):
        scheme = "http"
    if redirect and scheme not in ("http", "https"):
        raise FetchFailure(f"refused a redirect to a non-web address: {redact_url(url)}")
    if redirect:
        raise FetchFailure(f"the server redirected to an invalid address: {redact_url(url)}")
    raise FetchFailure(f"not a valid address: {redact_url(url)}")


def port_of(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)
