"""What a prefetch of full texts did: a record light enough to make without page extraction."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PrefetchReport"]


@dataclass(slots=True)
class PrefetchReport:
    fetched: int = 0
    cached: int = 0  # already kept in the library
    errors: dict[int, str] = field(default_factory=dict)  # failed: why, per item
    paywalled: dict[int, str] = field(default_factory=dict)  # teaser only: how it was seen
    postponed: int = 0  # not fetched this time: their host timed out, or the deadline came
    refetched: int = 0  # tried again: forced, or their site's access changed since
    unreachable: dict[str, str] = field(default_factory=dict)  # hosts given up on, and why
    elapsed: float = 0.0
