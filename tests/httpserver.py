"""A real HTTP server on the loopback interface, for tests.

Tests talk to feeds and pages over real sockets instead of mocked transports, so that timeouts,
compression, redirects and half-closed connections behave as they do in the wild. The server is
the standard library's `ThreadingHTTPServer` in a daemon thread, bound to port 0 on 127.0.0.1 (or
any 127.0.0.x, to play a second host).

Static routes (`add`) answer conditional requests the way a well-behaved server does; programmable
routes (`handle`) return a `Response` that can stream forever, trickle bytes, lie about its length,
or drop the connection. Every request is recorded in `requests` for assertions.
"""

from __future__ import annotations

import contextlib
import gzip as gzip_module
import itertools
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import brotli
import pytest

__all__ = [
    "LocalServer",
    "Request",
    "Response",
    "brotli_bomb",
    "endless",
    "gzip_bomb",
    "local_server",
    "other_server",
    "trickle",
    "wait_until",
]


@dataclass
class Request:
    """One request as the server saw it. Header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    host: str = ""  # the address the server was bound to, e.g. "127.0.0.2"

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    """What a programmable route answers.

    `stream` replaces `body` with chunks sent one by one (`chunk_delay` apart) and no
    Content-Length, the body ending when the connection closes. `abort` drops the connection
    without answering; `abort_after` drops it after that many body bytes (use it with an explicit
    Content-Length header to make a truncated body).
    """

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/xml"
    stream: Iterable[bytes] | None = None
    chunk_delay: float = 0.0
    delay: float = 0.0
    abort: bool = False
    abort_after: int | None = None


Route = Callable[[Request], Response | None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: LocalServer, address: tuple[str, int]) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.owner._lock:
            self.owner._connections.add(request)
            self.owner.connections_accepted += 1
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a client hanging up is part of what tests do, not a server bug
        super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.owner._lock:
            self.owner._connections.discard(request)
        super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            host=owner.host,
        )
        with owner._lock:
            owner.requests.append(request)
            owner._in_flight += 1
            owner.max_in_flight = max(owner.max_in_flight, owner._in_flight)
        try:
            route = owner._routes.get(request.path) or owner._routes.get(
                request.path.split("?", 1)[0]
            )
            response = (
                route(request) if route else Response(404, b"not found", content_type="text/plain")
            )
            if response is not None:
                self._send(response)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True  # the client went away: nothing more to do
        finally:
            with owner._lock:
                owner._in_flight -= 1

    def _send(self, response: Response) -> None:
        stop = self.server.owner._stop
        if response.delay and stop.wait(response.delay):
            return
        if response.abort:
            self._drop()
            return
        body = response.body.encode() if isinstance(response.body, str) else response.body
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        names = {k.lower() for k in response.headers}
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.stream is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            self._write_stream(response)
            return
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.abort_after is not None:
            self.wfile.write(body[: response.abort_after])
            self.wfile.flush()
            self._drop()
            return
        self.wfile.write(body)

    def _write_stream(self, response: Response) -> None:
        stop = self.server.owner._stop
        sent = 0
        assert response.stream is not None
        for chunk in response.stream:
            if stop.is_set():
                break
            if response.abort_after is not None and sent + len(chunk) >= response.abort_after:
                self.wfile.write(chunk[: response.abort_after - sent])
                self.wfile.flush()
                self._drop()
                return
            self.wfile.write(chunk)
            self.wfile.flush()
            sent += len(chunk)
            if response.chunk_delay and stop.wait(response.chunk_delay):
                break

    def _drop(self) -> None:
        """Close the socket at once, as a crashed server or a proxy would."""
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


def _not_modified(request: Request, etag: str | None, last_modified: str | None) -> bool:
    inm = request.header("If-None-Match")
    if etag is not None and inm:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or etag.removeprefix("W/") in tags
    ims = request.header("If-Modified-Since")
    if last_modified is not None and ims:
        if ims == last_modified:
            return True
        try:
            return parsedate_to_datetime(ims) >= parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
    return False


class LocalServer:
    """A threaded HTTP server on `host`:random-port. Use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.tls = tls
        self.requests: list[Request] = []
        self.max_in_flight = 0
        self.connections_accepted = 0
        self._in_flight = 0
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base = ""

    # lifecycle -----------------------------------------------------------------------------

    def start(self) -> LocalServer:
        self._server = _Server(self, (self.host, 0))
        port = self._server.server_address[1]
        self.base = f"http://{self.host}:{port}"
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
            self.base = f"https://{self.host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stop.set()
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # wake handler threads blocked on a keep-alive read
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # routes --------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return self.base + (path if path.startswith("/") else "/" + path)

    def handle(self, path: str, fn: Route) -> None:
        """Answer `path` (query string ignored unless registered with it) with `fn(request)`."""
        self._routes[path] = fn

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "application/xml",
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
        brotli: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Serve a fixed body; answer 304 when the request's validators match."""
        raw = body.encode() if isinstance(body, str) else body
        extra = dict(headers or {})
        if etag is not None:
            extra["ETag"] = etag
        if last_modified is not None:
            extra["Last-Modified"] = last_modified
        if gzip:
            raw = gzip_module.compress(raw)
            extra["Content-Encoding"] = "gzip"
        elif brotli:
            raw = _brotli_compress(raw)
            extra["Content-Encoding"] = "br"

        def route(request: Request) -> Response:
            if _not_modified(request, etag, last_modified):
                validators = {k: v for k, v in extra.items() if k in ("ETag", "Last-Modified")}
                return Response(304, b"", validators, content_type="", delay=delay)
            return Response(status, raw, dict(extra), content_type=content_type, delay=delay)

        self.handle(path, route)

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]


def _brotli_compress(data: bytes) -> bytes:
    result: bytes = brotli.compress(data)
    return result


# hostile bodies ------------------------------------------------------------------------------


def gzip_bomb(total: int, member: int = 32 * 1024 * 1024) -> Iterator[bytes]:
    """A gzip stream that inflates to `total` zero bytes, built lazily from identical members.

    Each member (about 1 KB of gzip per MB of zeros) is a complete gzip file; RFC 1952 allows
    several back to back, so `total` can be 10 GB while the server only ever sends what the
    client reads. One member arrives in a single network read, which is the case that breaks a
    decoder trusting its input.
    """
    one = gzip_module.compress(b"\0" * member, compresslevel=9)
    count = -(-total // member)
    return itertools.repeat(one, count)


def brotli_bomb(size: int) -> bytes:
    """A brotli body of a few KB that inflates to `size` zero bytes, built in bounded memory."""
    comp = brotli.Compressor(quality=5)
    block = b"\0" * (4 * 1024 * 1024)
    out = bytearray()
    left = size
    while left > 0:
        n = min(left, len(block))
        out += comp.process(block[:n]) if n < len(block) else comp.process(block)
        left -= n
    out += comp.finish()
    return bytes(out)


def endless(chunk: bytes = b"<item>" * 1000) -> Iterator[bytes]:
    """A body that never ends."""
    return itertools.repeat(chunk)


def trickle(data: bytes, size: int = 1) -> Iterator[bytes]:
    """`data` in pieces of `size` bytes (pair with `Response.chunk_delay`)."""
    for i in range(0, len(data), size):
        yield data[i : i + size]


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


# fixtures ------------------------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server, client) TLS contexts for a certificate of 127.0.0.1 made with `openssl`."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A started server on 127.0.0.1."""
    with LocalServer() as server:
        yield server


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    """A second started server on 127.0.0.2: another host, for cross-host behaviour."""
    with LocalServer("127.0.0.2") as server:
        yield server
