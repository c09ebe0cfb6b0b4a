"""Connections that answer the pool's bookkeeping cheaply.

The HTTP client's connection pool asks every kept-alive connection, each time a request starts
or ends, whether its server has hung up ("is the socket readable while idle?"). Through the
default backend each such question builds the stream's table of attributes anew before polling
the socket: with a few dozen connections open, most to hosts that will not be asked again, it
was most of the refreshing process's own time between two requests. The stream here keeps its
socket at hand and polls it directly; everything else is the wrapped stream's.
"""

from __future__ import annotations

import select
import ssl
from typing import Any, Protocol

import httpcore

__all__ = ["CheapStream"]


class CheapStream(httpcore.AsyncNetworkStream):
    """`inner`, with "is_readable" answered from its socket, found once."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        # A socket, or asyncio's view of one (`TransportSocket`): either tells its descriptor.
        raw = inner.get_extra_info("socket")
        self._socket: _Descriptor | None = raw if callable(getattr(raw, "fileno", None)) else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wrapped = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return CheapStream(wrapped)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


class _Descriptor(Protocol):
    def fileno(self) -> int: ...


def _readable(sock: _Descriptor) -> bool:
    """Whether `sock` has something to read (for an idle connection: the server closed it)."""
    try:
        fd = sock.fileno()
    except OSError:
        return True
    if fd < 0:  # closed: reading would say so at once
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
