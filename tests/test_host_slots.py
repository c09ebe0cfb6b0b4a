"""Fetch slots handed out in turn: every fetch runs, within the limits, and handing them out
costs in proportion to the fetches, however many wait at once (a first refresh queues them all)."""

from __future__ import annotations

import asyncio

import pytest

from veille.core.ingest.schedule import HostSlots, Postponed


async def _run_all(urls: list[str], slots: HostSlots) -> tuple[list[str], int]:
    running = peak = 0

    async def fetch() -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)
        running -= 1
        return ""

    results = await asyncio.gather(*(slots.run(u, fetch, failed=lambda r: r) for u in urls))
    assert not any(isinstance(r, Postponed) for r in results)
    return [str(r) for r in results], peak


def test_a_thousand_waiting_fetches_are_handed_out_in_linear_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked = 0
    can_start = HostSlots._can_start

    def counted(self: HostSlots, host: str) -> bool:
        nonlocal looked
        looked += 1
        return can_start(self, host)

    monkeypatch.setattr(HostSlots, "_can_start", counted)
    urls = [f"https://site{n}.example/feed" for n in range(1000)]

    async def go() -> int:
        slots = HostSlots(concurrency=8, per_host=4, slow_after=60)
        results, peak = await _run_all(urls, slots)
        assert len(results) == 1000
        return peak

    assert asyncio.run(go()) == 8
    # Looking over every waiting fetch at each start and end was ~1,000,000 looks.
    assert looked <= 20 * len(urls)


def test_per_host_limits_still_hold_with_many_waiting() -> None:
    urls = [f"https://site{n % 3}.example/feed/{n}" for n in range(60)]

    async def go() -> int:
        slots = HostSlots(concurrency=16, per_host=2, slow_after=60)
        _, peak = await _run_all(urls, slots)
        return peak

    assert asyncio.run(go()) == 6  # three hosts, two each
