"""Fetch feeds and pages politely, within bounds, and describe failures in plain words.

A feed reader talks to hundreds of servers it does not control, some slow, some broken, a few
hostile. So every fetch is bounded: a global and a per-host concurrency limit; connect and read
timeouts plus a total deadline, so a server trickling one byte a second cannot hold a slot; a cap
on the *decompressed* size, enforced while streaming (`veille.core.ingest.body`); and redirects
followed by hand, so their number, loops, permanence and scheme (never from the web to `file:`)
are checked. Conditional GET is always used when validators are known. The HTTP client itself is
built in `veille.core.ingest.client`; `file:` feeds are read by `veille.core.ingest.local_files`.

Every connection goes through `veille.core.ingest.guard`, which resolves the host and checks each
address against the `NetworkPolicy` (`veille.core.ingest.addresses`) before connecting: a feed's own
origin is trusted for its fetch, a page found in a feed reaches a private address only when it is
one of the user's, and nothing that started on the web reaches the LAN. Site cookies and headers
hold credentials: they are sent over https only (`veille.core.ingest.sites`), and a redirect that
would carry them from https to http is refused.

`Fetcher.fetch` never raises for network or HTTP trouble: it returns a `FetchResult` whose
`error` is a sentence a user can read, naming no secret (URLs pass through `redact_url`; site
cookies and headers never appear).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from veille import __version__
from veille.core.ingest.addresses import NetworkPolicy
from veille.core.ingest.body import body_reader, read_body
from veille.core.ingest.client import open_client, tls_context
from veille.core.ingest.decode import supported_encodings
from veille.core.ingest.failures import (
    FetchFailure,
    describe_transport_error,
    human_seconds,
    max_age,
    parse_retry_after,
    status_words,
)
from veille.core.ingest.guard import AddressRefused, GuardedBackend, Hop, current_hop
from veille.core.ingest.local_files import read_file
from veille.core.ingest.proxies import ProxyChoice, describe_proxy_error
from veille.core.ingest.sites import SiteSecrets
from veille.core.ingest.urls import port_of, web_url
from veille.core.redact import redact_url
from veille.core.settings import RefreshSettings
from veille.core.text import clean_line

__all__ = [
    "DEFAULT_USER_AGENT",
    "FEED_ACCEPT",
    "PAGE_ACCEPT",
    "PROJECT_URL",
    "FetchLimits",
    "FetchResult",
    "Fetcher",
    "parse_retry_after",
    "tls_context",
]

# Placeholder until the project has a public home; servers' admins read it in their logs.
PROJECT_URL = "https://example.org/veille"
DEFAULT_USER_AGENT = f"veille/{__version__} (+{PROJECT_URL})"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


_DEFAULTS = RefreshSettings()  # the limits' defaults are config.toml's, decided there once


@dataclass(frozen=True)
class FetchLimits:
    concurrency: int = _DEFAULTS.concurrency
    per_host: int = _DEFAULTS.per_host
    connect_timeout: float = _DEFAULTS.connect_timeout
    read_timeout: float = _DEFAULTS.read_timeout
    total_timeout: float = _DEFAULTS.total_timeout
    max_bytes: int = _DEFAULTS.max_bytes
    max_redirects: int = _DEFAULTS.max_redirects


@dataclass
class FetchResult:
    """The outcome of one fetch. `error` is empty on success and reads as a sentence otherwise.

    `final_url` is where the body came from after redirects; `permanent_redirect` is set only when
    every hop was a 301/308 and the target answered well, so the caller may store the new address.
    """

    url: str
    status: int | None
    body: bytes | None
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    final_url: str = ""
    permanent_redirect: str = ""
    retry_after: float | None = None
    error: str = ""
    not_modified: bool = False
    gone: bool = False
    elapsed: float = 0.0
    max_age: float | None = None  # Cache-Control max-age of a 200 or 304, in seconds

    @property
    def ok(self) -> bool:
        """A usable answer: a body, or a 304 meaning the stored copy is current."""
        return not self.error and (self.not_modified or self.body is not None)


def _header(value: str | None) -> str:
    """A response header value fit to store: no controls, bounded."""
    return clean_line(value or "", limit=1000)


class Fetcher:
    """Fetches URLs within `limits`; an async context manager owning one HTTP client.

    `site_headers` and `site_cookies` are keyed by host name (port 443) or `host:port`, matched
    exactly, and sent only to that host over https (see `SiteSecrets`) — including after a
    redirect, which is checked hop by hop.

    `policy` names the user's own hosts (see `veille.core.ingest.addresses`); `backend` and `verify`
    replace the guarded backend (its resolver, say) and the TLS settings, for tests.
    """

    def __init__(
        self,
        limits: FetchLimits = FetchLimits(),
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        site_headers: Mapping[str, Mapping[str, str]] | None = None,
        site_cookies: Mapping[str, Mapping[str, str]] | None = None,
        policy: NetworkPolicy | None = None,
        backend: GuardedBackend | None = None,
        verify: ssl.SSLContext | None = None,
        proxies: ProxyChoice | None = None,
    ) -> None:
        self.limits = limits
        self.policy = policy or NetworkPolicy()
        self._backend = backend or GuardedBackend()
        self._verify = verify
        self._proxies = proxies
        self.user_agent = user_agent
        self._secrets = SiteSecrets(site_headers, site_cookies)
        self._global = asyncio.Semaphore(max(1, limits.concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None
        self._accept_encoding = ", ".join(supported_encodings())

    async def __aenter__(self) -> Fetcher:
        self._client = await open_client(
            self.limits,
            backend=self._backend,
            verify=self._verify,
            user_agent=self.user_agent,
            proxies=self._proxies,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # public --------------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """Fetch the feed (or the address the user gave) at `url`: http, https or file.

        Its origin is trusted, since the user chose it; its redirects are checked like a page's.
        Never raises for network or HTTP problems."""
        return await self._fetch(url, etag, last_modified, accept, (url,), allow_file=True)

    async def fetch_page(
        self, url: str, *, accept: str = PAGE_ACCEPT, trusted: tuple[str, ...] = ()
    ) -> FetchResult:
        """Fetch a page a document links to (an item's article): http or https only, and a
        private address only if it is one of the user's (`trusted`: addresses the user gave for
        this request, whose origins count as theirs). Never raises."""
        return await self._fetch(url, "", "", accept, trusted, allow_file=False)

    async def _fetch(
        self,
        url: str,
        etag: str,
        last_modified: str,
        accept: str,
        trusted: tuple[str, ...],
        *,
        allow_file: bool,
    ) -> FetchResult:
        result = FetchResult(url=url, status=None, body=None, final_url=url)
        started = time.monotonic()
        try:
            try:
                scheme = urlsplit(url.strip()).scheme.lower()
            except ValueError:
                raise FetchFailure(f"not a valid address: {redact_url(url)}") from None
            if scheme == "file" and allow_file:
                limits = self.limits
                result.body, result.last_modified = await read_file(
                    url, last_modified, max_bytes=limits.max_bytes, timeout=limits.total_timeout
                )
                result.not_modified = result.body is None
            elif scheme in ("http", "https"):
                policy = self.policy.trusting(trusted)
                await self._fetch_http(url.strip(), etag, last_modified, accept, policy, result)
            elif scheme == "file":
                raise FetchFailure(f"refused to read {redact_url(url)}: not a web address")
            else:
                raise FetchFailure(f"cannot fetch {redact_url(url)}: not a web or file address")
        except FetchFailure as failure:
            result.error = failure.message
        if result.error:
            result.body = None
            result.permanent_redirect = ""
        result.elapsed = time.monotonic() - started
        return result

    # http ----------------------------------------------------------------------------------

    def _slot(self, host: str) -> asyncio.Semaphore:
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(max(1, self.limits.per_host))
        return sem

    def _headers(
        self, url: httpx.URL, accept: str, etag: str, last_modified: str
    ) -> dict[str, str]:
        headers = {"Accept": accept, "Accept-Encoding": self._accept_encoding}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        headers.update(self._secrets.headers_for(url))
        return headers

    async def _fetch_http(
        self,
        url: str,
        etag: str,
        last_modified: str,
        accept: str,
        policy: NetworkPolicy,
        result: FetchResult,
    ) -> None:
        if self._client is None:
            raise RuntimeError("use `async with Fetcher(...)` before fetching")
        limits = self.limits
        etag, last_modified = clean_line(etag), clean_line(last_modified)
        current = web_url(url, redirect=False)
        start = current
        seen = {str(current)}
        permanent = True
        spent = 0.0  # time spent holding a slot, measured against the total deadline
        hops = 0
        after_public = False
        while True:
            headers = self._headers(current, accept, etag, last_modified)
            rule = Hop(policy, after_public=after_public)
            async with self._slot(current.host.lower()), self._global:
                began = time.monotonic()
                token = current_hop.set(rule)
                try:
                    self._backend.precheck(current.host, port_of(current), rule)
                    async with asyncio.timeout(max(0.0, limits.total_timeout - spent)):
                        hop = await self._request(current, headers, etag, last_modified, result)
                except AddressRefused as refused:
                    raise FetchFailure(refused.message) from None
                except TimeoutError:
                    raise FetchFailure(
                        f"timed out after {human_seconds(limits.total_timeout)} s"
                    ) from None
                finally:
                    current_hop.reset(token)
                    spent += time.monotonic() - began
            after_public = after_public or rule.private is False
            if hop is None:
                break
            status, location = hop
            hops += 1
            if hops > limits.max_redirects:
                raise FetchFailure(f"too many redirects (more than {limits.max_redirects})")
            target = web_url(urljoin(str(current), location), redirect=True)
            downgrade = current.scheme == "https" and target.scheme == "http"
            if downgrade and self._secrets.sent_to(current):
                raise FetchFailure(
                    f"refused a redirect from https to http for {clean_line(current.host)}: "
                    "its cookies or headers from config.toml would travel unencrypted"
                )
            if str(target) in seen:
                raise FetchFailure("redirect loop")
            seen.add(str(target))
            # A move is worth adopting only if it loses nothing: no step down to plain http.
            permanent = permanent and status in _PERMANENT and not downgrade
            current = target
            result.final_url = str(target)
        # Nor a move onto a private address, unless the feed already lived on that host.
        private_elsewhere = rule.private is not False and current.host != start.host
        if hops and permanent and not private_elsewhere:
            result.permanent_redirect = result.final_url

    async def _request(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        etag: str,
        last_modified: str,
        result: FetchResult,
    ) -> tuple[int, str] | None:
        """One hop. Returns (status, Location) for a redirect to follow, None when done."""
        assert self._client is not None
        try:
            request = self._client.build_request("GET", url, headers=headers)
            response = await self._client.send(request, stream=True)
            try:
                return await self._handle(response, etag, last_modified, result)
            finally:
                await response.aclose()
        except httpx.InvalidURL:
            # httpx prepares the next request of a redirect even when not following it, and
            # fails there on a Location it cannot parse (`javascript:…`, `http://x:y:z/`).
            raise FetchFailure("refused a redirect to an invalid address") from None
        except httpx.HTTPError as exc:
            raise FetchFailure(self._describe(exc, url)) from None
        except OSError as exc:  # anything the transport did not wrap
            raise FetchFailure(self._describe(exc, url)) from None

    def _describe(self, exc: Exception, url: httpx.URL) -> str:
        proxy = self._proxies.for_url(url) if self._proxies is not None else ""
        said = describe_proxy_error(exc, url, proxy) if proxy else ""
        return said or describe_transport_error(exc, url, self.limits)

    async def _handle(
        self, response: httpx.Response, etag: str, last_modified: str, result: FetchResult
    ) -> tuple[int, str] | None:
        status = response.status_code
        result.status = status
        headers = response.headers
        if status in _REDIRECTS:
            location = headers.get("location", "").strip()
            if not location:
                raise FetchFailure(f"{status_words(status)} without a Location to go to")
            return status, location
        if status == 304 or 200 <= status < 300:
            result.max_age = max_age(headers.get("cache-control", ""))
        if status == 304:
            result.not_modified = True
            result.etag = _header(headers.get("etag")) or etag
            result.last_modified = _header(headers.get("last-modified")) or last_modified
            return None
        if 200 <= status < 300:
            result.etag = _header(headers.get("etag"))
            result.last_modified = _header(headers.get("last-modified"))
            result.content_type = _header(headers.get("content-type"))
            reader = body_reader.get()
            limit = self.limits.max_bytes
            result.body = await (reader(response) if reader else read_body(response, limit))
            return None
        if "retry-after" in headers and status in (429, 503):
            result.retry_after = parse_retry_after(headers["retry-after"])
        result.gone = status == 410
        raise FetchFailure(status_words(status))
