"""Taking turns per host while prefetching, and giving up on a host that cannot be reached.

After a refresh, hundreds of article pages may wait on one site. If its name does not resolve
or it refuses connections, every one of them would fail the same way, each after its own
attempt: on a train without network that is minutes of failures. So the first page of each host
goes alone, as a probe; the others wait for its outcome, and are skipped at once when the host
is plainly unreachable (no such name, refused, no route), or after a few failures of the
slower kinds (timeouts), since a site may time out on one page and answer the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from veille.core.ingest.failures import is_network_error

__all__ = ["UNREACHABLE_AFTER", "HostWatch"]

UNREACHABLE_AFTER = (
    3  # failures of the slower kinds on one host before its other pages wait no more
)
_AT_ONCE = ("could not resolve", "connection refused", "unreachable", "no address for")


class HostWatch:
    """Each host's turns (`per_host` pages at once, the first alone) and verdict."""

    def __init__(self, per_host: int) -> None:
        self.per_host = max(1, per_host)
        self._turns: dict[str, asyncio.Semaphore] = {}
        self._probes: dict[str, asyncio.Event] = {}
        self._failures: dict[str, int] = {}
        self._verdicts: dict[str, str] = {}
        self._reasons: dict[str, str] = {}

    @asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[str]:
        """Wait for a turn on `host`; yields why to skip the page ("" to fetch it)."""
        probe = self._probes.get(host)
        first = probe is None
        if probe is None:
            probe = self._probes[host] = asyncio.Event()
        else:
            await probe.wait()
        try:
            async with self._turns.setdefault(host, asyncio.Semaphore(self.per_host)):
                yield self._verdicts.get(host, "")
        finally:
            if first:
                probe.set()

    def failed(self, host: str, error: str) -> None:
        """A page of `host` could not be fetched, for the reason `error`."""
        if not is_network_error(error) or host in self._verdicts:
            return
        self._failures[host] = self._failures.get(host, 0) + 1
        if any(words in error for words in _AT_ONCE) or self._failures[host] >= UNREACHABLE_AFTER:
            self._verdicts[host] = f"skipped: {host} could not be reached"
            self._reasons[host] = error

    def given_up(self) -> dict[str, str]:
        """The hosts whose remaining pages were skipped, and the failure that decided it."""
        return dict(sorted(self._reasons.items()))
