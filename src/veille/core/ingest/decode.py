"""Content-Encoding decoders that inflate in small steps, so a size cap can stop a bomb.

A general-purpose HTTP decoder inflates each network read in one go: 64 KB of gzip can become
64 MB, and of brotli far more, before anyone gets to count. These decoders produce pieces of about
`STEP` bytes at most (brotli may overshoot by half) and are generators, so the caller sees every
piece and can stop as soon as its budget is spent; nothing beyond one step is ever allocated.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator
from typing import Any, Protocol

__all__ = ["STEP", "DecodeError", "Decoder", "decoder_for", "supported_encodings"]

STEP = 64 * 1024
_PRIOR = 4096  # how much input before the first output is kept for a second reading


def _load_brotli() -> Any:
    """The brotli module if it can bound its output (brotli >= 1.2), else None."""
    try:
        module = importlib.import_module("brotli")
    except ImportError:
        return None
    # Older releases inflate a whole chunk at once; better not to offer br than to trust them.
    return module if hasattr(module.Decompressor(), "can_accept_more_data") else None


_brotli = _load_brotli()


class DecodeError(ValueError):
    """The body cannot be decoded; the message is meant for the user."""


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def flush(self) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip (several members allowed, as RFC 1952 says) or deflate (zlib-wrapped or raw)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._wbits = 31 if name == "gzip" else 15
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False  # the current stream has produced output
        self._members = 0  # complete gzip members seen
        self._prior = b""  # input consumed before any output, replayed if the label was wrong
        self._identity = False  # labelled gzip, but plainly not: passed through
        self._done = False

    def _ended(self) -> bool:
        # A method rather than the attribute, which a type checker would wrongly keep narrowed.
        return bool(self._obj.eof)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._identity:
            if data:
                yield data
            return
        pending = data
        while pending and not self._done:
            if self._obj.eof:
                pending = pending.lstrip(b"\0")  # zero padding after a member is common
                if self._name != "gzip":
                    self._done = True  # trailing bytes after the stream are ignored
                    break
                self._obj = zlib.decompressobj(self._wbits)
                self._started = False
                if not pending:
                    break
            attempt = pending
            try:
                out = self._obj.decompress(pending, STEP)
            except zlib.error:
                if self._members and not self._started:
                    self._done = True  # junk after the last gzip member, ignored like browsers
                    break
                replay = self._prior + attempt
                fresh = not self._started and len(self._prior) < _PRIOR
                if self._name == "deflate" and fresh and self._wbits > 0:
                    # Some servers send raw deflate under the "deflate" name: start again as raw,
                    # from the first byte (the bad zlib header may have spanned several reads).
                    self._wbits = -15
                    self._obj = zlib.decompressobj(self._wbits)
                    pending = replay
                    continue
                if self._name == "gzip" and fresh and not replay.startswith(b"\x1f\x8b"):
                    # Labelled gzip but without gzip's magic number: a misconfigured server
                    # sending the body as is. Pass it through; the size cap still applies.
                    self._identity = True
                    yield replay
                    return
                raise DecodeError(f"the response is not valid {self._name} data") from None
            if out:
                self._started = True
                self._prior = b""
                yield out
            elif not self._started and not self._members and len(self._prior) < _PRIOR:
                self._prior += attempt[: len(attempt) - len(self._obj.unconsumed_tail)]
            if self._obj.eof:
                self._members += 1
                pending = self._obj.unused_data
                continue
            pending = self._obj.unconsumed_tail
            # Output was capped at STEP: more may be waiting inside zlib with no input left.
            while not pending and len(out) == STEP and not self._ended():
                out = self._obj.decompress(b"", STEP)
                if out:
                    yield out
                pending = self._obj.unconsumed_tail
            if self._ended():
                self._members += 1
                pending = self._obj.unused_data

    def flush(self) -> Iterator[bytes]:
        return iter(())  # truncated streams keep what was decoded, as browsers do


class _Brotli:
    def __init__(self) -> None:
        assert _brotli is not None
        self._obj = _brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._obj.is_finished():
            return
        try:
            out: bytes = self._obj.process(data, output_buffer_limit=STEP)
            # Output beyond the step stays inside brotli: drain it a step at a time until dry
            # (`can_accept_more_data()` turns true before it is, so it cannot be the test).
            while out:
                yield out
                if self._obj.is_finished():
                    break
                out = self._obj.process(b"", output_buffer_limit=STEP)
        except _brotli.error:
            raise DecodeError("the response is not valid br data") from None

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Chain:
    """Several encodings applied in turn (`Content-Encoding: gzip, br` is undone br first)."""

    def __init__(self, decoders: list[Decoder]) -> None:
        self._decoders = decoders

    def _through(self, pieces: Iterator[bytes], index: int) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield from pieces
            return
        decoder = self._decoders[index]
        for piece in pieces:
            yield from self._through(decoder.feed(piece), index + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(iter((data,)), 0)

    def flush(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            yield from self._through(decoder.flush(), index + 1)


def supported_encodings() -> list[str]:
    """The codings to offer in Accept-Encoding."""
    return ["gzip", "deflate", "br"] if _brotli is not None else ["gzip", "deflate"]


def decoder_for(content_encoding: str) -> Decoder:
    """A decoder for a Content-Encoding header value; DecodeError for an unknown coding."""
    names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
    names = [n for n in names if n != "identity"]
    decoders: list[Decoder] = []
    for name in reversed(names):
        if name in ("gzip", "x-gzip"):
            decoders.append(_Zlib("gzip"))
        elif name == "deflate":
            decoders.append(_Zlib("deflate"))
        elif name == "br" and _brotli is not None:
            decoders.append(_Brotli())
        else:
            shown = "".join(c for c in name[:40] if c.isprintable())
            raise DecodeError(f"the server used a compression veille cannot read ({shown})")
    if not decoders:
        return _Identity()
    if len(decoders) == 1:
        return decoders[0]
    if len(decoders) > 4:
        raise DecodeError("the response is compressed too many times over")
    return _Chain(decoders)
