"""The HTTP client a `Fetcher` owns: verified TLS, the guarded connection pool, no kept cookies.

httpx takes no network backend, so its pool is rebuilt around `GuardedBackend` (which checks
every resolved address before connecting) with the settings httpx would give it. Proxies (from
config.toml or the environment) get pools of their own over the same backend, chosen per request
by `RoutingTransport`. Redirects are not followed here: the fetcher follows them hop by hop.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import ssl
from contextlib import suppress
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING

import httpcore
import httpx

from veille.core.ingest.guard import GuardedBackend
from veille.core.ingest.proxies import ProxyChoice, RoutingTransport, proxy_pool

if TYPE_CHECKING:
    from veille.core.ingest.fetch import FetchLimits


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client of this process verifies servers with (httpx's defaults,
    `SSL_CERT_FILE`/`SSL_CERT_DIR` included). Loading the CA bundle costs ~35 ms: once per
    process rather than once per refresh, prefetch or discovery, and off the event loop."""
    return httpx.create_ssl_context()


def prepare_requests() -> None:
    """What the first request would otherwise load on the event loop, in the way of every other
    request starting with it: the TLS context, and anyio's asyncio backend (~25 ms), which
    httpcore's locks import at their first use. For a thread of its own at start-up."""
    tls_context()
    with suppress(ImportError):  # another anyio may be laid out otherwise: then it waits
        importlib.import_module("anyio._backends._asyncio")


class LeanPool(httpcore.AsyncConnectionPool):
    """httpcore's pool, with its bookkeeping linear in the connections it holds.

    Each time a request starts or ends the pool looks over its connections; for every idle one
    it counted all the connections again (to decide whether there are too many idle ones), so
    a refresh holding fifty connections to as many sites spent more time there than reading
    the feeds. The decisions are the pool's own (surplus idle connections beyond the
    keep-alive bound are closed, a queued request takes an available connection to its origin,
    else a new one, else the place of an idle one); they are counted once.

    Whether an idle connection has expired (its keep-alive time is over, or the server hung up,
    which costs a system call to learn) is asked only when a request could reuse it. Asking it
    of every idle connection at each request's start and end, as httpcore does, cost a refresh
    two calls per request for each of the dozens of sites it had just read; an expired idle
    connection left in place is closed when it is found, or when its place is taken.
    """

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        kept: list[httpcore.AsyncConnectionInterface] = []
        idle = sum(1 for connection in self._connections if connection.is_idle())
        for connection in self._connections:
            if connection.is_closed():
                idle -= connection.is_idle()
            elif not connection.is_idle() and connection.has_expired():
                closing.append(connection)
            elif connection.is_idle() and idle > self._max_keepalive_connections:
                idle -= 1
                closing.append(connection)
            else:
                kept.append(connection)
        self._connections = kept
        for pool_request in [request for request in self._requests if request.is_queued()]:
            origin = pool_request.request.url.origin
            available = self._reusable(origin, closing)
            if available is not None:
                pool_request.assign_to_connection(available)
                continue
            if len(self._connections) >= self._max_connections:
                spare = next((c for c in self._connections if c.is_idle()), None)
                if spare is None:
                    continue  # it waits for a connection to be given back
                self._connections.remove(spare)
                closing.append(spare)
            connection = self.create_connection(origin)
            self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing

    def _reusable(
        self, origin: httpcore.Origin, closing: list[httpcore.AsyncConnectionInterface]
    ) -> httpcore.AsyncConnectionInterface | None:
        """An available connection to `origin`; the expired ones met on the way go to `closing`."""
        for connection in list(self._connections):
            if not (connection.can_handle_request(origin) and connection.is_available()):
                continue
            if connection.is_idle() and connection.has_expired():
                self._connections.remove(connection)
                closing.append(connection)
                continue
            return connection
        return None


async def open_client(
    limits: FetchLimits,
    *,
    backend: GuardedBackend,
    verify: ssl.SSLContext | None,
    user_agent: str,
    proxies: ProxyChoice | None = None,
) -> httpx.AsyncClient:
    """A client within `limits` whose every connection goes through `backend`; `verify` replaces
    the process's TLS context (for tests)."""
    # Cookies set by servers are not kept from one fetch to the next: refreshing feeds should
    # not build a tracking profile. Cookies the user configured are sent per host instead.
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    if verify is None:
        verify = await asyncio.to_thread(tls_context)
    transport = httpx.AsyncHTTPTransport(verify=verify)
    transport._pool = LeanPool(
        ssl_context=verify,
        max_connections=max(1, limits.concurrency),
        max_keepalive_connections=max(1, limits.concurrency),
        keepalive_expiry=5.0,
        network_backend=backend,
    )
    routed: httpx.AsyncBaseTransport = transport
    if proxies is not None:
        backend.proxies = proxies.origins
        routed = RoutingTransport(
            transport,
            proxies,
            functools.partial(
                proxy_pool,
                ssl_context=verify,
                connections=max(1, limits.concurrency),
                backend=backend,
            ),
            verify,
        )
    return httpx.AsyncClient(
        transport=routed,
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
        headers={"User-Agent": user_agent},
    )
