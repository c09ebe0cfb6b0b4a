"""Which proxy a request goes through, and the transport that sends it there.

Proxies come from config.toml (`[network] proxy`, and `proxy` in a `[sites."host"]` or
`[feeds."url"]` table for one host: a `.onion` feed through Tor) and else from the environment
(`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, in either case), the way other tools read
them. `proxy = "direct"` sends a host (or everything) straight, whatever the environment says.

veille speaks to HTTP proxies and SOCKS5 ones. Through a SOCKS5 proxy the host *name* is sent
(what `socks5h://` asks for elsewhere): the proxy resolves it, so a `.onion` name never meets
the local resolver and a Tor user's lookups do not leak. A `.onion` host with no proxy is
refused, never looked up. Through a proxy no address of the target can be checked, since the
proxy resolves it; a target written as a private address literal (or `localhost`) is still
judged by the address policy, and the proxy's own address is the user's choice.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

from veille.core.errors import VeilleError
from veille.core.ingest.addresses import refusal
from veille.core.ingest.guard import AddressRefused, current_hop
from veille.core.redact import redact_url

DIRECT = "direct"
_SCHEMES = ("http", "https", "socks5", "socks5h")


class ProxyError(VeilleError, ValueError):
    """A proxy veille cannot use; the message names it (without its password)."""


def check_proxy(value: str) -> str:
    """`value` as a proxy address veille can use ("" or "direct" as they are)."""
    value = value.strip()
    if value in ("", DIRECT):
        return value
    try:
        parts = urlsplit(value if "://" in value else "http://" + value)
        port = parts.port
    except ValueError:
        raise ProxyError(f"{redact_url(value)} is not a proxy address") from None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        raise ProxyError(
            f"{redact_url(value)}: veille speaks to http:// and socks5:// proxies only"
        )
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme, 1080)
    auth = f"{parts.username}:{parts.password or ''}@" if parts.username else ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{scheme}://{auth}{host}:{port or default}"


@dataclass(frozen=True, slots=True)
class ProxyChoice:
    """Where each request goes: the configured proxies first, else the environment's."""

    default: str = ""  # [network] proxy
    hosts: Mapping[str, str] = field(default_factory=dict)  # host → proxy, from config.toml
    environment: Mapping[str, str] = field(default_factory=dict)  # "https", "http", "all"
    bypass: tuple[str, ...] = ()  # NO_PROXY entries

    @classmethod
    def build(
        cls,
        default: str = "",
        hosts: Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ProxyChoice:
        env = os.environ if environ is None else environ
        found: dict[str, str] = {}
        for scheme in ("https", "http", "all"):
            value = env.get(f"{scheme}_proxy") or env.get(f"{scheme.upper()}_PROXY") or ""
            if value.strip():
                found[scheme] = check_proxy(value)
        bypass = env.get("no_proxy") or env.get("NO_PROXY") or ""
        return cls(
            check_proxy(default),
            {h.lower(): check_proxy(p) for h, p in (hosts or {}).items()},
            found,
            tuple(b.strip().lower().lstrip(".") for b in bypass.split(",") if b.strip()),
        )

    def for_url(self, url: httpx.URL) -> str:
        """The proxy for `url`, "" to go straight."""
        host = url.host.lower()
        for key in (f"{host}:{url.port}" if url.port else "", host):
            if key and key in self.hosts:
                return "" if self.hosts[key] == DIRECT else self.hosts[key]
        if self.default:
            return "" if self.default == DIRECT else self.default
        if self._bypassed(host):
            return ""
        return self.environment.get(url.scheme, "") or self.environment.get("all", "")

    def _bypassed(self, host: str) -> bool:
        return any(b == "*" or host == b or host.endswith("." + b) for b in self.bypass)

    @property
    def origins(self) -> frozenset[tuple[str, int]]:
        """The proxies' own (host, port): the user's to connect to, whatever their address."""
        found = set()
        for proxy in (self.default, *self.hosts.values(), *self.environment.values()):
            if proxy and proxy != DIRECT:
                parts = urlsplit(proxy)
                found.add(((parts.hostname or "").lower(), parts.port or 0))
        return frozenset(found)


def is_onion(host: str) -> bool:
    return host.lower().rstrip(".").endswith(".onion")


class RoutingTransport(httpx.AsyncBaseTransport):
    """Sends each request straight or through its proxy, one connection pool per proxy, all
    over the same guarded network backend."""

    def __init__(
        self,
        direct: httpx.AsyncHTTPTransport,
        choice: ProxyChoice,
        make_pool: object,
        verify: ssl.SSLContext,
    ) -> None:
        self._direct = direct
        self._choice = choice
        self._make_pool = make_pool
        self._verify = verify
        self._proxied: dict[str, httpx.AsyncHTTPTransport] = {}

    def _transport(self, proxy: str) -> httpx.AsyncHTTPTransport:
        transport = self._proxied.get(proxy)
        if transport is None:
            # The process's one TLS context: building another costs tens of milliseconds.
            transport = httpx.AsyncHTTPTransport(verify=self._verify)
            transport._pool = self._make_pool(proxy)  # type: ignore[operator]
            self._proxied[proxy] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        proxy = self._choice.for_url(request.url)
        if not proxy:
            return await self._direct.handle_async_request(request)
        _judge_target(request.url)
        return await self._transport(proxy).handle_async_request(request)

    async def aclose(self) -> None:
        await self._direct.aclose()
        for transport in self._proxied.values():
            await transport.aclose()


def _judge_target(url: httpx.URL) -> None:
    """A proxied target named by a private address literal is judged as a direct one would be."""
    hop = current_hop.get()
    if hop is None:
        raise AddressRefused(f"refused to connect to {url.host}: no address policy in force")
    host = url.host.strip("[]")
    try:
        address = ipaddress.ip_address("127.0.0.1" if host.lower() == "localhost" else host)
    except ValueError:
        hop.private = bool(hop.private)  # a name: the proxy resolves it, out of our sight
        return
    port = url.port or (443 if url.scheme == "https" else 80)
    why = refusal(url.host, port, [address], policy=hop.policy, after_public=hop.after_public)
    if why:
        raise AddressRefused(why)
    hop.private = bool(hop.private) or address.is_private or address.is_loopback


def proxy_pool(
    proxy: str, *, ssl_context: object, connections: int, backend: httpcore.AsyncNetworkBackend
) -> httpcore.AsyncConnectionPool:
    """The connection pool of one proxy, its connections made through `backend`."""
    parts = urlsplit(proxy)
    # As written in the address, percent-encoded: `p%40ss` is the password `p@ss`.
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    plain = proxy.replace(f"{parts.username}:{parts.password or ''}@", "") if auth else proxy
    if parts.scheme.startswith("socks5"):
        return httpcore.AsyncSOCKSProxy(
            proxy_url=plain.replace("socks5h://", "socks5://"),
            proxy_auth=auth,
            ssl_context=ssl_context,  # type: ignore[arg-type]
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
    return httpcore.AsyncHTTPProxy(
        proxy_url=plain,
        proxy_auth=auth,
        ssl_context=ssl_context,  # type: ignore[arg-type]
        max_connections=connections,
        max_keepalive_connections=connections,
        keepalive_expiry=5.0,
        network_backend=backend,
    )


def describe_proxy_error(exc: Exception, url: httpx.URL, proxy: str) -> str:
    """A failure of a request that went through `proxy`, naming it; "" to word it as usual."""
    shown = redact_url(proxy)
    if isinstance(exc, httpx.ProxyError):
        return f"the proxy {shown} could not reach {url.host}: {str(exc)[:200]}"
    said = str(exc).lower()
    if "certificate" in said or "ssl" in said:
        return ""  # the target's TLS failed, through the proxy: worded as for any site
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, OSError)):
        return f"could not connect to the proxy {shown}"
    return ""
