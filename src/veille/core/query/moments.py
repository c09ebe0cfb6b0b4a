"""The moment a `since:` or `before:` value stands for, as a Unix time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["moment_of"]

_UNITS = {"h": 3600.0, "d": 86400.0, "w": 7 * 86400.0, "m": 30 * 86400.0, "y": 365 * 86400.0}


def moment_of(value: str, now: datetime) -> float:
    """The Unix time a `since:`/`before:` value stands for.

    Ages count back from `now`; calendar days start at local midnight, which is what a reader in
    Paris means by « depuis le 1er février ». `before:2026-02` means before February began.
    """
    local_now = now.astimezone()
    if value == "today":
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start.timestamp()
    if value == "yesterday":
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
        return start.timestamp()
    if value[-1] in _UNITS and value[:-1].isdigit():
        return now.timestamp() - int(value[:-1]) * _UNITS[value[-1]]
    parts = [int(p) for p in value.split("-")]
    year, month, day = (
        parts[0],
        parts[1] if len(parts) > 1 else 1,
        parts[2] if len(parts) > 2 else 1,
    )
    try:
        return datetime(year, month, day).astimezone().timestamp()
    except (OverflowError, ValueError, OSError):
        # Years the platform cannot place in local time: fall back to UTC arithmetic.
        return (datetime(year, month, day, tzinfo=UTC)).timestamp()
