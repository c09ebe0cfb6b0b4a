"""Sharing fetch slots between hosts, so that slow hosts cannot hold them all.

The fetcher's limits bound how much veille asks of the network and of each server, but not who
gets the slots: on their own, 21 feeds trickling a byte a second from 7 hosts, a few requests
each, would hold all 16 slots for a minute while 47 good feeds wait, and the refresh would take
two. A refresh (and the full-text prefetch after it) hands its slots out here instead:

- hosts that answer share the main pool (`concurrency` slots, at most half of them per host);
- a request still running after `slow_after` seconds marks its host slow and leaves the main
  pool: it moves to a smaller pool for slow hosts (half as many slots, one per host), or, when
  that is full or its host already has one there, it is stopped and its feed waits for a turn in
  that pool, behind nobody who answers;
- a host that let a request time out is not asked again until the next refresh: its other feeds
  are postponed, rather than each costing the same timeout;
- everything ends at an overall deadline: what has not started by then is postponed, and what is
  still running is stopped with an error saying so.

So the wall time of a refresh is about that of its slowest answer (or the deadline), and hosts
that answer are served within `slow_after` of a slow one taking their slots.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from veille.core.ingest.failures import human_seconds
from veille.core.settings import RefreshSettings

__all__ = ["HostSlots", "Postponed", "host_of", "total_connections"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Postponed:
    """A fetch that was not made in this run, or `started` and stopped at the deadline, and
    why (in plain words)."""

    reason: str
    started: bool = False


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _slow_pool(concurrency: int) -> int:
    return max(1, concurrency // 2)


def total_connections(settings: RefreshSettings) -> int:
    """How many requests may be open at once: the main pool and the slow hosts' pool."""
    concurrency = max(1, settings.concurrency)
    return concurrency + _slow_pool(concurrency)


def timed_out(error: str) -> bool:
    """Whether a fetch error is a timeout (connecting, reading or in all)."""
    return error.startswith("timed out")


@dataclass(slots=True, eq=False)
class _Ticket:
    host: str
    slow: bool = False  # holds a slot of the slow hosts' pool
    stopped: bool = False  # moved out of the main pool with nowhere to go: start again later


class HostSlots:
    """Slots for fetches, given to hosts that answer first (see the module's docstring)."""

    def __init__(
        self,
        *,
        concurrency: int,
        per_host: int,
        slow_after: float,
        deadline: float | None = None,
    ) -> None:
        self.main_limit = max(1, concurrency)
        self.slow_limit = _slow_pool(self.main_limit)
        # Below the main pool's size, so that one host never holds every slot.
        self.per_host = max(1, min(per_host, self.main_limit // 2 or 1))
        self.slow_after = slow_after
        self.deadline = deadline
        loop = asyncio.get_running_loop()
        self._deadline_at = None if deadline is None else loop.time() + deadline
        self._main = 0
        self._slow = 0
        self._in_flight: dict[str, int] = {}
        self._slow_held: dict[str, int] = {}
        self._slow_hosts: set[str] = set()
        self._given_up: dict[str, str] = {}
        self._unanswered = False  # a host was given up on since the waiting ones were told
        self._waiting: deque[tuple[str, asyncio.Future[_Ticket | None]]] = deque()

    @classmethod
    def for_settings(cls, settings: RefreshSettings, *, deadline: float | None) -> HostSlots:
        return cls(
            concurrency=settings.concurrency,
            per_host=settings.per_host,
            slow_after=settings.slow_after,
            deadline=deadline,
        )

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        if self._deadline_at is None:
            return None
        return max(0.0, self._deadline_at - asyncio.get_running_loop().time())

    # the one entry point ------------------------------------------------------------------

    async def run(
        self, url: str, fetch: Callable[[], Awaitable[T]], *, failed: Callable[[T], str]
    ) -> T | Postponed:
        """`fetch()` for `url` once a slot is free for its host; `failed(result)` tells the
        error of a result ("" for none), so that a host that times out is given up."""
        host = host_of(url)
        while True:
            try:
                async with asyncio.timeout_at(self._deadline_at):
                    ticket = await self._acquire(host)
            except TimeoutError:
                return Postponed(
                    f"not fetched: the refresh reached its {self._deadline_s()} deadline"
                )
            if ticket is None:
                return Postponed(self._given_up[host])
            try:
                result = await self._hold(ticket, fetch)
                if (
                    host
                    and result is not None
                    and not isinstance(result, Postponed)
                    and timed_out(failed(result))
                ):
                    # Before its slot is released, so that none of its feeds takes it.
                    self._given_up.setdefault(
                        host, f"not fetched: {host} timed out on another request"
                    )
                    self._unanswered = True
            finally:
                self._release(ticket)
            if result is None:  # stopped to leave the main pool: wait for a slow slot
                continue
            return result

    async def in_time(self, work: Awaitable[T]) -> T | Postponed:
        """`work` outside the host slots (a command feed: a slow command is not a slow host),
        stopped at the deadline all the same."""
        try:
            async with asyncio.timeout_at(self._deadline_at):
                return await work
        except TimeoutError:
            return self._stopped_at_deadline()

    async def _hold(
        self, ticket: _Ticket, fetch: Callable[[], Awaitable[T]]
    ) -> T | Postponed | None:
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(fetch())
        timer = (
            None if ticket.slow else loop.call_later(self.slow_after, self._mark_slow, ticket, task)
        )
        try:
            async with asyncio.timeout_at(self._deadline_at):
                return await task
        except TimeoutError:
            return self._stopped_at_deadline()
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if ticket.stopped and not (current is not None and current.cancelling()):
                return None
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _stopped_at_deadline(self) -> Postponed:
        return Postponed(
            f"timed out: stopped at the refresh's {self._deadline_s()} deadline", started=True
        )

    def _deadline_s(self) -> str:
        return f"{human_seconds(self.deadline or 0)} s"

    # bookkeeping --------------------------------------------------------------------------

    def _can_start(self, host: str) -> bool:
        if host in self._slow_hosts:
            return self._slow < self.slow_limit and not self._in_flight.get(host, 0)
        return self._main < self.main_limit and self._in_flight.get(host, 0) < self.per_host

    def _start(self, host: str) -> _Ticket:
        ticket = _Ticket(host, slow=host in self._slow_hosts)
        if ticket.slow:
            self._slow += 1
            self._slow_held[host] = self._slow_held.get(host, 0) + 1
        else:
            self._main += 1
        self._in_flight[host] = self._in_flight.get(host, 0) + 1
        return ticket

    async def _acquire(self, host: str) -> _Ticket | None:
        if host in self._given_up:
            return None
        waiter: asyncio.Future[_Ticket | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((host, waiter))
        self._wake()  # in turn: those before it that may start do, then it if it may
        try:
            return await waiter
        except asyncio.CancelledError:
            granted = waiter.result() if waiter.done() and not waiter.cancelled() else None
            if granted is not None:
                self._release(granted)  # granted just as it was given up on
            raise

    def _release(self, ticket: _Ticket) -> None:
        if ticket.slow:
            self._slow -= 1
            self._slow_held[ticket.host] -= 1
        else:
            self._main -= 1
        self._in_flight[ticket.host] -= 1
        self._wake()

    def _full(self) -> bool:
        """Whether no waiting fetch may start, whatever its host: the main pool is full, and
        so is the slow hosts' one (or no host is slow)."""
        return self._main >= self.main_limit and (
            self._slow >= self.slow_limit or not self._slow_hosts
        )

    def _wake(self) -> None:
        """Start, in their order, every waiting fetch that may start now.

        Called at every start and end of a fetch: once the pools are full, the fetches still
        waiting are left as they are rather than looked over one by one (a refresh of 5,000
        feeds queues them all: that was 5,000 looks at each of 10,000 calls). A host given up
        on since the last call has its waiting fetches told at once, full pools or not.
        """
        told = not self._unanswered
        self._unanswered = False
        if told and self._full():
            return
        still: deque[tuple[str, asyncio.Future[_Ticket | None]]] = deque()
        while self._waiting:
            if told and self._full():
                still.extend(self._waiting)
                self._waiting.clear()
                break
            host, waiter = self._waiting.popleft()
            if waiter.done():
                continue
            if host in self._given_up:
                waiter.set_result(None)
            elif self._can_start(host):
                waiter.set_result(self._start(host))
            else:
                still.append((host, waiter))
        self._waiting = still

    def _mark_slow(self, ticket: _Ticket, task: asyncio.Future[T]) -> None:
        """`ticket`'s request has run `slow_after` seconds: its host is slow from now on."""
        host = ticket.host
        self._slow_hosts.add(host)
        if task.done() or ticket.slow:
            return
        if self._slow < self.slow_limit and not self._slow_held.get(host, 0):
            self._main -= 1
            ticket.slow = True
            self._slow += 1
            self._slow_held[host] = self._slow_held.get(host, 0) + 1
            self._wake()
        else:
            # Its host's one slow slot is taken, or every slow slot is: stopping it costs what
            # it has received so far; keeping it would keep a slot from a host that answers.
            # Its main slot is given back by `_release` once the task has ended.
            ticket.stopped = True
            task.cancel()
