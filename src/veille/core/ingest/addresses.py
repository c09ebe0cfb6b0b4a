"""Which addresses a fetch may reach: web links, and private hosts only when they are the user's.

A feed is written by someone else, and so are the links in it. Fetching them for full text must
not turn veille into a way for that someone to read the user's files (`file:` links), nor to reach
the machines only the user can reach: the router, a NAS, the cloud metadata service at
169.254.169.254, a database on 127.0.0.1:5432. So:

- item links are kept only when they are http or https (`web_link`);
- an address is *private* when it is not globally routable (`is_private`: loopback, RFC 1918,
  link-local, unspecified, carrier-grade NAT, multicast, reserved; an IPv4-mapped IPv6 address is
  judged by its IPv4 address);
- a private address is reached only when it belongs to the user: the origin (host and port) of a
  feed they subscribed to or of an address they typed for this request, or an entry of
  `[network] allow` in config.toml (a host with any port, `host:port`, or a network in CIDR form);
- once a request has reached a public address, none of its redirects may reach a private one,
  the user's own included: a page on the web must not be able to point veille at the LAN.

The decision (`refusal`) is pure: the network backend of `veille.core.ingest.guard` applies it to
the resolved addresses of every connection before connecting.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

__all__ = [
    "NetworkPolicy",
    "Origin",
    "host_port",
    "is_private",
    "join_url",
    "origin_of",
    "parse_allow",
    "refusal",
    "web_link",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Origin = tuple[str, int]  # (lower-case host name or address, port)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Most links of most feeds: a lower-case web scheme, a plain host name, a path without query
# or fragment. Every item's link is checked (and made canonical) at ingest: these need no split.
PLAIN_WEB_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[-A-Za-z0-9._~!$&'()*+,;=:@%/]*)?"
)


def join_url(base: str, href: str) -> str:
    """`urljoin(base, href)`, or `href` as it is where `urljoin` refuses either address.

    Most links a feed gives are already absolute and plain, and those `urljoin` gives back as
    they are, after parsing both addresses (a fifth of reading an RSS item): they are returned
    at once. Not a plain link that ends with `;`, which `urljoin` drops as empty parameters.
    """
    if PLAIN_WEB_URL.fullmatch(href) and not href.endswith(";"):
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def web_link(url: str | None) -> str:
    """`url` stripped if it is an http or https address with a host, else ""."""
    url = (url or "").strip()
    if PLAIN_WEB_URL.fullmatch(url):
        return url
    try:
        parts = urlsplit(url)
        return url if parts.scheme.lower() in _DEFAULT_PORTS and parts.hostname else ""
    except ValueError:
        return ""


def host_port(host: str, port: int) -> str:
    """`host:port` as written in a URL: an IPv6 address between brackets (`[::1]:8080`)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def origin_of(url: str) -> Origin | None:
    """(host, port) of an http(s) URL, the scheme's default port filled in; None otherwise."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        return parts.hostname.lower().strip("[]"), parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:
        return None


def is_private(address: IPAddress) -> bool:
    """Not reachable from the Internet at large: everything `is_global` excludes."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """The user's own hosts: private addresses a fetch may reach."""

    origins: frozenset[Origin] = frozenset()  # subscribed feeds, the address typed, `host:port`
    hosts: frozenset[str] = frozenset()  # allow-listed host names or addresses, any port
    networks: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def build(cls, allow: Iterable[str] = (), feeds: Iterable[str] = ()) -> NetworkPolicy:
        hosts, origins, networks = parse_allow(allow)
        found = {o for o in (origin_of(url) for url in feeds) if o is not None}
        return cls(frozenset(origins | found), frozenset(hosts), tuple(networks))

    def trusting(self, urls: Iterable[str]) -> NetworkPolicy:
        """This policy with the origins of `urls` added (the address the user just gave)."""
        extra = {o for o in (origin_of(url) for url in urls) if o is not None}
        return replace(self, origins=self.origins | extra) if extra else self

    def owns(self, host: str, port: int, address: IPAddress) -> bool:
        host = host.lower().strip("[]")
        return (
            (host, port) in self.origins
            or host in self.hosts
            or any(address in network for network in self.networks)
        )


def parse_allow(entries: Iterable[str]) -> tuple[set[str], set[Origin], list[IPNetwork]]:
    """`[network] allow` entries as host names, origins and networks; ValueError names a bad one."""
    hosts: set[str] = set()
    origins: set[Origin] = set()
    networks: list[IPNetwork] = []
    for raw in entries:
        entry = raw.strip().lower()
        if not entry:
            raise ValueError("an empty entry")
        if "/" in entry:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                raise ValueError(f"{raw!r} is not a network such as 192.168.1.0/24") from None
            continue
        try:  # a bare IPv6 address has colons but no port
            hosts.add(str(ipaddress.ip_address(entry.strip("[]"))))
            continue
        except ValueError:
            pass
        parts = urlsplit(f"//{entry}")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"{raw!r} has an invalid port") from None
        host = (parts.hostname or "").strip("[]")
        if not host or parts.path or parts.username:
            raise ValueError(f"{raw!r} is not a host, host:port or network")
        if port is None:
            hosts.add(host)
        else:
            origins.add((host, port))
    return hosts, origins, networks


def refusal(
    host: str,
    port: int,
    addresses: Iterable[IPAddress],
    *,
    policy: NetworkPolicy,
    after_public: bool,
) -> str:
    """Why a connection to `host`:`port` (resolved to `addresses`) must not be made, or "".

    `after_public`: an earlier hop of the same request was on a public address. Every address is
    checked: a name that resolves to one public and one private address is judged by the private.
    The sentence names the host the user can act on, never whether anything listens there.
    """
    for address in addresses:
        if not is_private(address):
            continue
        shown = host if host.lower().strip("[]") == str(address) else f"{host} ({address})"
        if after_public:
            return f"refused to fetch {shown}: a public address redirected to a private one"
        if not policy.owns(host, port, address):
            return (
                f"refused to fetch {shown}: a private address you did not subscribe to "
                "(allow it in config.toml under [network] allow)"
            )
    return ""
