"""A response body read within a size cap, decompressed here in small steps.

The cap is on the *decompressed* size and is enforced while streaming: one 64 KB network read of
gzip or brotli can inflate to gigabytes, so the decoders of `veille.core.ingest.decode` yield
small pieces and each is counted before it is kept. A declared `Content-Length` over the cap
stops the read before the first byte.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar

import httpx

from veille.core.ingest.decode import DecodeError, Decoder, decoder_for
from veille.core.ingest.failures import FetchFailure, human_size

BodyReader = Callable[[httpx.Response], Awaitable[bytes]]
body_reader: ContextVar[BodyReader | None] = ContextVar("body_reader", default=None)
"""Who reads a successful answer's body in this task instead of `read_body`: a download
streams it to a file, through the same redirects and address checks as any page."""


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The decoded body of `response`, or a `FetchFailure` once it would pass `limit` bytes."""
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
