"""The connections under the HTTP client: asyncio's own streams, without a layer between.

The client's default network backend goes through anyio, whose cancel scopes, task groups and
attribute tables cost, per request, about as much as the HTTP itself: connecting alone ran a
task group. A refresh makes hundreds of requests on one core shared with the writer, so the
streams here talk to asyncio directly: a timeout is `asyncio.timeout`, a connection
`asyncio.open_connection`, TLS `StreamWriter.start_tls`. Errors become httpcore's, with the
operating system's error as their cause (which `veille.core.ingest.failures` reads).

The pool also asks every kept-alive connection, each time a request starts or ends, whether its
server has hung up (whether the idle socket is readable): that is answered from the socket and
from what asyncio has already read, without building anything.
"""

from __future__ import annotations

import asyncio
import select
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

__all__ = ["AsyncioBackend", "AsyncioStream"]

CLOSE_WAIT = 1.0  # seconds a closing connection may take to let go of its socket


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection, as asyncio's reader and writer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as error:
            raise httpcore.ReadTimeout(error) from error
        except (OSError, EOFError) as error:  # ssl.SSLError is an OSError
            raise httpcore.ReadError(error) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as error:
            raise httpcore.WriteTimeout(error) from error
        except (OSError, RuntimeError) as error:  # RuntimeError: written after it was closed
            raise httpcore.WriteError(error) from error

    async def aclose(self) -> None:
        transport = self._writer.transport
        if transport.get_extra_info("ssl_object") is not None:
            # No TLS shutdown to wait for, as the default backend: a server that never answers
            # one would hold the connection (HTTP/1.1 bodies have their own length).
            transport.abort()
        else:
            self._writer.close()
        try:
            async with asyncio.timeout(CLOSE_WAIT):
                await self._writer.wait_closed()  # a turn of the loop or two: the socket is shut
        except Exception:  # timed out, or the connection's own error: it is closed all the same
            transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as error:
            self._writer.close()
            raise httpcore.ConnectTimeout(error) from error
        except (OSError, EOFError, ConnectionError) as error:
            self._writer.close()
            raise httpcore.ConnectError(error) from error
        return self  # the writer's transport is the secure one now, the reader reads through it

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        if info == "is_readable":
            return self._readable()
        return None

    def _readable(self) -> bool:
        """Whether reading now would not wait: what asyncio has read and not been asked for
        yet (for an idle connection, the server's hang-up or stray bytes), else the socket."""
        buffered: bytes = getattr(self._reader, "_buffer", b"")
        if self._reader.at_eof() or buffered:
            return True
        if self._writer.is_closing():
            return True
        sock = self._writer.get_extra_info("socket")
        try:
            fd = sock.fileno() if sock is not None else -1
        except OSError:
            return True
        if fd < 0:
            return True
        return bool(select.select([fd], [], [], 0)[0])  # select: sockets on every system


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connects to an address (the guard has resolved and judged it) with asyncio."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=(local_address, 0) if local_address else None
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(error) from error
        except OSError as error:
            raise httpcore.ConnectError(error) from error
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            if sock is not None:
                sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("no local sockets")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
