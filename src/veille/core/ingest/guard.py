"""The network backend that checks every connection's resolved addresses before connecting.

httpcore asks its network backend to connect to a host name; this one resolves the name itself,
judges every address with `veille.core.ingest.addresses.refusal` under the rule of the request being
made (a `Hop` the fetcher sets in a context variable: httpcore connects in the requesting task),
and then connects to the very addresses it checked, so a DNS answer that changes between the
check and the connection (rebinding) changes nothing. TLS still verifies the original host name,
which httpcore passes to `start_tls` itself.

A refusal is raised before any packet is sent, so its wording cannot tell an open port from a
closed one. Connections kept alive are not opened again: the addresses each (host, port) was
connected to are remembered, and `precheck` judges a request by them before it is sent.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import anyio
import httpcore

from veille.core.ingest.addresses import IPAddress, NetworkPolicy, is_private, refusal
from veille.core.ingest.streams import AsyncioBackend

__all__ = ["AddressRefused", "GuardedBackend", "Hop", "Resolver", "current_hop"]

Resolver = Callable[[str, int], Awaitable[list[str]]]
HAPPY_EYEBALLS_DELAY = 0.25  # as anyio's connect_tcp: start the next address after this


class AddressRefused(Exception):
    """A connection the address policy forbids; `message` is what the user reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Hop:
    """The rule for one request of a chain, and what the backend learnt about its host."""

    policy: NetworkPolicy
    after_public: bool = False
    private: bool | None = None  # set once the addresses are known


current_hop: contextvars.ContextVar[Hop | None] = contextvars.ContextVar("veille_hop", default=None)


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of `host`, IPv6 first when there is one, as anyio orders them.

    Numeric forms such as `2130706433`, `0x7f000001` or `0177.0.0.1` come back as the address the
    system's resolver makes of them, which is what a connection would reach."""
    answers = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[str] = []
    for family, *_rest, sockaddr in answers:
        address = str(sockaddr[0])
        if address in found:
            continue
        if family == socket.AF_INET6 and not any(":" in a for a in found):
            found.insert(0, address)
        else:
            found.append(address)
    return found


def _parse(addresses: Iterable[str]) -> list[IPAddress]:
    return [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]


@dataclass
class GuardedBackend(httpcore.AsyncNetworkBackend):
    resolver: Resolver = system_resolver
    inner: httpcore.AsyncNetworkBackend = field(default_factory=AsyncioBackend)
    # The (host, port) of the proxies the user configured: theirs to connect to, judged by
    # nobody (`veille.core.ingest.proxies` judges what goes through them).
    proxies: frozenset[tuple[str, int]] = frozenset()
    _seen: dict[tuple[str, int], set[IPAddress]] = field(default_factory=dict)

    def precheck(self, host: str, port: int, hop: Hop) -> None:
        """Judge a request by the addresses a kept-alive connection to its host may go to."""
        known = self._seen.get((host.lower(), port))
        if known:
            self._judge(host, port, list(known), hop)

    def _judge(self, host: str, port: int, addresses: list[IPAddress], hop: Hop) -> None:
        why = refusal(host, port, addresses, policy=hop.policy, after_public=hop.after_public)
        if why:
            raise AddressRefused(why)
        hop.private = bool(hop.private) or any(is_private(a) for a in addresses)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        hop = current_hop.get()
        if hop is None:  # not a fetcher's request: nothing to judge it by, so nothing goes out
            raise AddressRefused(f"refused to connect to {host}: no address policy in force")
        proxy = (host.lower(), port) in self.proxies
        if host.lower().rstrip(".").endswith(".onion") and not proxy:
            # Looking the name up would tell the local resolver which hidden service is read.
            raise AddressRefused(
                f"refused to connect to {host}: a .onion address is reached only through a "
                'proxy such as Tor (proxy = "socks5://127.0.0.1:9050" in config.toml)'
            )
        try:
            with anyio.fail_after(timeout):
                try:
                    literal = ipaddress.ip_address(host.strip("[]"))
                    names = [str(literal)]
                except ValueError:
                    names = await self.resolver(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except OSError as error:  # socket.gaierror: described in plain words upstream
            raise httpcore.ConnectError(str(error)) from error
        addresses = _parse(names)
        if not addresses:
            raise httpcore.ConnectError(f"no address for {host}") from socket.gaierror()
        if not proxy:
            self._judge(host, port, addresses, hop)
            self._seen.setdefault((host.lower(), port), set()).update(addresses)
        return await self._connect_any(
            [str(a) for a in addresses], port, timeout, local_address, socket_options
        )

    async def _connect_any(
        self,
        addresses: list[str],
        port: int,
        timeout: float | None,
        local_address: str | None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first of `addresses` that answers, starting the next one every
        quarter second while none has (Happy Eyeballs, as the default backend does)."""
        if len(addresses) == 1:
            return await self.inner.connect_tcp(
                addresses[0], port, timeout, local_address, socket_options
            )
        connected: httpcore.AsyncNetworkStream | None = None
        errors: list[Exception] = []

        async def attempt(address: str, done: anyio.Event) -> None:
            nonlocal connected
            try:
                stream = await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                errors.append(error)
                return
            finally:
                done.set()
            if connected is None:
                connected = stream
                group.cancel_scope.cancel()
            else:
                await stream.aclose()

        async with anyio.create_task_group() as group:
            for address in addresses:
                done = anyio.Event()
                group.start_soon(attempt, address, done)
                with anyio.move_on_after(HAPPY_EYEBALLS_DELAY):
                    await done.wait()
        if connected is None:
            raise errors[0] if errors else httpcore.ConnectError("could not connect")
        return connected

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused to connect to a local socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
