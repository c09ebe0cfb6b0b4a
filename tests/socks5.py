"""A small SOCKS5 proxy on 127.0.0.1, for tests: it records what it is asked to reach.

It speaks RFC 1928's CONNECT with no authentication or with a user name and password (RFC
1929), accepts IPv4 addresses and host names, and relays bytes both ways. Host names are never
resolved: `routes` says where a name goes (as Tor would reach a .onion service), and a name it
does not know is refused with "host unreachable". Every request is kept in `requests` as
(address type, host, port), the address type being "ipv4" or "name".
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import threading
from collections.abc import Iterator

import pytest


class Socks5Server:
    def __init__(self, *, credentials: tuple[str, str] | None = None) -> None:
        self.routes: dict[tuple[str, int], tuple[str, int]] = {}
        self.requests: list[tuple[str, str, int]] = []
        self.credentials = credentials
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self.port}"

    def start(self) -> Socks5Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            try:
                upstream = self._negotiate(client)
            except (OSError, ValueError, struct.error):
                return
            if upstream is None:
                return
            with upstream:
                self._relay(client, upstream)

    def _read(self, sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ValueError("closed")
            data += chunk
        return data

    def _negotiate(self, client: socket.socket) -> socket.socket | None:
        version, count = self._read(client, 2)
        methods = self._read(client, count)
        wanted = 2 if self.credentials else 0
        if version != 5 or wanted not in methods:
            client.sendall(b"\x05\xff")
            return None
        client.sendall(bytes([5, wanted]))
        if wanted == 2:
            _, ulen = self._read(client, 2)
            user = self._read(client, ulen).decode()
            (plen,) = self._read(client, 1)
            password = self._read(client, plen).decode()
            ok = (user, password) == self.credentials
            client.sendall(b"\x01\x00" if ok else b"\x01\x01")
            if not ok:
                return None
        _, command, _, kind = self._read(client, 4)
        if kind == 1:
            host, atyp = str(ipaddress.IPv4Address(self._read(client, 4))), "ipv4"
        elif kind == 3:
            (length,) = self._read(client, 1)
            host, atyp = self._read(client, length).decode("ascii"), "name"
        else:
            client.sendall(b"\x05\x08\x00\x01" + bytes(6))  # address type not supported
            return None
        (port,) = struct.unpack("!H", self._read(client, 2))
        self.requests.append((atyp, host, port))
        target = self.routes.get((host, port)) or ((host, port) if atyp == "ipv4" else None)
        if command != 1 or target is None:
            client.sendall(b"\x05\x04\x00\x01" + bytes(6))  # host unreachable
            return None
        upstream = socket.create_connection(target, timeout=5)
        client.sendall(b"\x05\x00\x00\x01" + bytes(6))
        return upstream

    def _relay(self, a: socket.socket, b: socket.socket) -> None:
        def pump(src: socket.socket, dst: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := src.recv(65536):
                    dst.sendall(data)
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

        other = threading.Thread(target=pump, args=(b, a), daemon=True)
        other.start()
        pump(a, b)
        other.join(timeout=10)


@pytest.fixture
def socks_proxy() -> Iterator[Socks5Server]:
    server = Socks5Server().start()
    yield server
    server.stop()
