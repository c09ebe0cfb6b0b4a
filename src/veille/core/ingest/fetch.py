"""Fetch feeds and pages politely, within bounds, and describe failures in plain words.

A feed reader talks to hundreds of servers it does not control, some slow, some broken, a few
hostile. So every fetch is bounded: a global and a per-host concurrency limit; connect and read
timeouts plus a total deadline, so a server trickling one byte a second cannot hold a slot; a cap
on the *decompressed* size, enforced while streaming, with decompression done here in small steps
because one 64 KB network read of gzip or brotli can inflate to gigabytes; and redirects followed
by hand, so their number, loops, permanence and scheme (never from the web to `file:`) are
checked. Conditional GET is always used when validators are known.

Every connection goes through `veille.core.ingest.guard`, which resolves the host and checks each
address against the `NetworkPolicy` (`veille.core.ingest.addresses`) before connecting: a feed's own
origin is trusted for its fetch, a page found in a feed reaches a private address only when it is
one of the user's, and nothing that started on the web reaches the LAN. Site cookies and headers
hold credentials: they are sent over https only, and a redirect that would carry them from https
to http is refused.

`Fetcher.fetch` never raises for network or HTTP trouble: it returns a `FetchResult` whose
`error` is a sentence a user can read, naming no secret (URLs pass through `redact_url`; site
cookies and headers never appear).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import httpcore
import httpx

from veille import __version__
from veille.core.ingest.addresses import NetworkPolicy
from veille.core.ingest.decode import DecodeError, Decoder, decoder_for, supported_encodings
from veille.core.ingest.failures import (
    FetchFailure,
    describe_transport_error,
    human_seconds,
    human_size,
    parse_retry_after,
    status_words,
)
from veille.core.ingest.guard import AddressRefused, GuardedBackend, Hop, current_hop
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

    @property
    def ok(self) -> bool:
        """A usable answer: a body, or a 304 meaning the stored copy is current."""
        return not self.error and (self.not_modified or self.body is not None)


def _header(value: str | None) -> str:
    """A response header value fit to store: no controls, bounded."""
    return clean_line(value or "", limit=1000)


def _web_url(url: str, *, redirect: bool) -> httpx.URL:
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


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client of this process verifies servers with (httpx's defaults,
    `SSL_CERT_FILE`/`SSL_CERT_DIR` included). Loading the CA bundle costs ~35 ms: once per
    process rather than once per refresh, prefetch or discovery, and off the event loop."""
    return httpx.create_ssl_context()


class Fetcher:
    """Fetches URLs within `limits`; an async context manager owning one HTTP client.

    `site_headers` and `site_cookies` are keyed by host name (port 443) or `host:port`, matched
    exactly, and sent only to that host over https — including after a redirect, which is checked
    hop by hop. They hold credentials, so they are never logged nor quoted in an error.

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
    ) -> None:
        self.limits = limits
        self.policy = policy or NetworkPolicy()
        self._backend = backend or GuardedBackend()
        self._verify = verify
        self.user_agent = user_agent
        self._site_headers = {k.lower(): dict(v) for k, v in (site_headers or {}).items()}
        self._site_cookies = {k.lower(): dict(v) for k, v in (site_cookies or {}).items()}
        self._global = asyncio.Semaphore(max(1, limits.concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None
        self._accept_encoding = ", ".join(supported_encodings())

    async def __aenter__(self) -> Fetcher:
        limits = self.limits
        # Cookies set by servers are not kept from one fetch to the next: refreshing feeds should
        # not build a tracking profile. Cookies the user configured are sent per host instead.
        jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
        verify = self._verify if self._verify is not None else await asyncio.to_thread(tls_context)
        transport = httpx.AsyncHTTPTransport(verify=verify)
        # httpx takes no network backend: its pool is rebuilt around the guarded one, with the
        # settings httpx would give it. (A transport of our own also means proxies from the
        # environment are not used: a proxy resolves names where no address can be checked.)
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=verify,
            max_connections=max(1, limits.concurrency),
            max_keepalive_connections=max(1, limits.concurrency),
            keepalive_expiry=5.0,
            network_backend=self._backend,
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=limits.connect_timeout,
                read=limits.read_timeout,
                write=limits.read_timeout,
                pool=limits.total_timeout,
            ),
            limits=httpx.Limits(
                max_connections=max(1, limits.concurrency),
                max_keepalive_connections=max(1, limits.concurrency),
            ),
            cookies=jar,
            headers={"User-Agent": self.user_agent},
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
                await self._fetch_file(url, last_modified, result)
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

    def _site(self, table: Mapping[str, dict[str, str]], url: httpx.URL) -> dict[str, str]:
        """The site's secrets for `url`: over https only; a key without a port means 443."""
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

    def carries_secrets(self, url: httpx.URL) -> bool:
        return bool(self._site(self._site_headers, url) or self._site(self._site_cookies, url))

    def _headers(
        self, url: httpx.URL, accept: str, etag: str, last_modified: str
    ) -> dict[str, str]:
        headers = {"Accept": accept, "Accept-Encoding": self._accept_encoding}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        headers.update(self._site(self._site_headers, url))
        cookies = self._site(self._site_cookies, url)
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
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
        current = _web_url(url, redirect=False)
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
                    self._backend.precheck(current.host, _port(current), rule)
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
            target = _web_url(urljoin(str(current), location), redirect=True)
            downgrade = current.scheme == "https" and target.scheme == "http"
            if downgrade and self.carries_secrets(current):
                raise FetchFailure(
                    f"refused a redirect from https to http for {clean_line(current.host)}: "
                    "its cookies or headers from config.toml would travel unencrypted"
                )
            if str(target) in seen:
                raise FetchFailure("redirect loop")
            seen.add(str(target))
            permanent = permanent and status in _PERMANENT
            current = target
            result.final_url = str(target)
        if hops and permanent:
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
            raise FetchFailure(describe_transport_error(exc, url, self.limits)) from None
        except OSError as exc:  # anything the transport did not wrap
            raise FetchFailure(describe_transport_error(exc, url, self.limits)) from None

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
        if status == 304:
            result.not_modified = True
            result.etag = _header(headers.get("etag")) or etag
            result.last_modified = _header(headers.get("last-modified")) or last_modified
            return None
        if 200 <= status < 300:
            result.etag = _header(headers.get("etag"))
            result.last_modified = _header(headers.get("last-modified"))
            result.content_type = _header(headers.get("content-type"))
            result.body = await self._read_body(response)
            return None
        if "retry-after" in headers and status in (429, 503):
            result.retry_after = parse_retry_after(headers["retry-after"])
        result.gone = status == 410
        raise FetchFailure(status_words(status))

    async def _read_body(self, response: httpx.Response) -> bytes:
        limit = self.limits.max_bytes
        too_large = f"the response is larger than {human_size(limit)}"
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise FetchFailure(too_large)
        try:
            decoder: Decoder = decoder_for(response.headers.get("content-encoding", ""))
        except DecodeError as exc:
            raise FetchFailure(str(exc)) from None
        body = bytearray()
        received = 0
        try:
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > limit:
                    raise FetchFailure(too_large)
                # The decoder yields small pieces, so a bomb stops at the limit, not after it.
                for piece in decoder.feed(chunk):
                    if len(body) + len(piece) > limit:
                        raise FetchFailure(too_large)
                    body += piece
            for piece in decoder.flush():
                if len(body) + len(piece) > limit:
                    raise FetchFailure(too_large)
                body += piece
        except DecodeError as exc:
            raise FetchFailure(str(exc)) from None
        return bytes(body)

    # file ----------------------------------------------------------------------------------

    async def _fetch_file(self, url: str, last_modified: str, result: FetchResult) -> None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchFailure(f"cannot read a file on another machine: {redact_url(url)}")
        path = Path(url2pathname(parts.path))
        limit = self.limits.max_bytes

        def read() -> tuple[bytes | None, str]:
            stamp = formatdate(path.stat().st_mtime, usegmt=True)
            if last_modified and last_modified == stamp:
                return None, stamp
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
            return data, stamp

        try:
            async with asyncio.timeout(self.limits.total_timeout):
                data, stamp = await asyncio.to_thread(read)
        except TimeoutError:
            raise FetchFailure(
                f"timed out after {human_seconds(self.limits.total_timeout)} s"
            ) from None
        except FileNotFoundError:
            raise FetchFailure(f"no such file: {path}") from None
        except IsADirectoryError:
            raise FetchFailure(f"{path} is a folder, not a file") from None
        except PermissionError:
            raise FetchFailure(f"permission denied: {path}") from None
        except OSError as exc:
            raise FetchFailure(f"could not read {path}: {exc.strerror or 'error'}") from None
        result.last_modified = stamp
        if data is None:
            result.not_modified = True
            return
        if len(data) > limit:
            raise FetchFailure(f"the file is larger than {human_size(limit)}")
        result.body = data
