"""Fetch failures in plain words.

A failed fetch is shown to the user next to the feed, so it has to read as a sentence ("connection
refused by example.org:443", "HTTP 404 Not Found") rather than an exception's repr, and it must
never quote a credential: only the host and port are named, and any URL passes through
`redact_url`.
"""

from __future__ import annotations

import http
import socket
import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx

from veille.core.ingest.addresses import host_port
from veille.core.redact import redact_url
from veille.core.text import clean_line

__all__ = [
    "FetchFailure",
    "describe_transport_error",
    "human_seconds",
    "human_size",
    "parse_retry_after",
    "status_words",
]

# A Retry-After further away than this is treated as this: a bogus or hostile value must not
# turn into an overflow (or a feed silenced for a century) downstream.
MAX_RETRY_AFTER = 30 * 24 * 3600.0
_MIB = 1024 * 1024


class FetchLimitsLike(Protocol):
    @property
    def connect_timeout(self) -> float: ...
    @property
    def read_timeout(self) -> float: ...
    @property
    def total_timeout(self) -> float: ...


class FetchFailure(Exception):
    """A fetch that cannot go on; `message` is what the user reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NETWORK_WORDS = (
    "could not resolve",
    "connection refused",
    "could not connect",
    "network",
    "unreachable",
    "timed out",
)


def is_network_error(error: str) -> bool:
    """The wording of a failure to reach a host at all, as opposed to a bad answer from it."""
    return any(word in error for word in NETWORK_WORDS)


def human_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def human_size(n: int) -> str:
    if n >= _MIB and n % _MIB == 0:
        return f"{n // _MIB} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP date); None if bogus."""
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        seconds = float(int(value[:12]))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def status_words(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def describe_transport_error(exc: BaseException, url: httpx.URL, limits: FetchLimitsLike) -> str:
    """Plain words for a transport failure. Never quotes headers, cookies or the query."""
    host = clean_line(url.host, limit=255)
    port = url.port or (443 if url.scheme == "https" else 80)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {human_seconds(limits.connect_timeout)} s connecting to {host}"
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return f"timed out after {human_seconds(limits.read_timeout)} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {human_seconds(limits.total_timeout)} s"
    causes = _causes(exc)
    if any(isinstance(c, socket.gaierror) for c in causes):
        return f"could not resolve host {host}"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return f"connection refused by {host_port(host, port)}"
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = clean_line(str(cause.verify_message or ""), limit=200)
            return f"the certificate of {host} could not be verified" + (
                f" ({reason})" if reason else ""
            )
        if isinstance(cause, ssl.SSLError):
            return f"the secure connection to {host} failed"
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc).lower()
        if "closed" in text or "disconnect" in text:
            return "the server closed the connection"
        return "the server sent a malformed response"
    if isinstance(exc, httpx.ReadError | httpx.WriteError) or any(
        isinstance(c, ConnectionResetError | BrokenPipeError) for c in causes
    ):
        return "the server closed the connection"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {host_port(host, port)}"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return f"not a valid address: {redact_url(str(url))}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"network error talking to {host}: {clean_line(exc.strerror)}"
    return f"could not fetch from {host} ({type(exc).__name__})"


def max_age(cache_control: str) -> float | None:
    """`Cache-Control: max-age=N` as seconds; None without one (or with no-cache/no-store):
    like Retry-After, a server's word on when to ask again."""
    directives = [d.strip().lower() for d in cache_control.split(",")]
    if any(d in ("no-cache", "no-store") for d in directives):
        return None
    for directive in directives:
        name, _, value = directive.partition("=")
        if name.strip() == "max-age" and value.strip().strip('"').isdigit():
            return float(value.strip().strip('"')[:9])
    return None
