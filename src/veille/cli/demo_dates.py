"""The demo's dates moved to today: its newest item half an hour old, the others as far
before it as they were written, so `since:3d`, `since:7d` and the demo's own saved searches
find what they are meant to find on any day.

Feeds write dates two ways — ISO 8601 (Atom, JSON Feed) and RFC 822 (RSS); both are found by
shape, moved by one offset, and written back in the same form (a moved RFC 822 date gets its
new weekday).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
RFC822 = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
    r"Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UT|Z)"
)
# French dates in an RSS feed (`dim., 22 nov. 2026 08:15:00 +0100`): wrong by the standard,
# common in the wild, and read by veille; the demo keeps one such feed.
FR_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
FR_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
FRENCH = re.compile(
    r"(?:lun|mar|mer|jeu|ven|sam|dim)\., (\d{1,2}) (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|"
    r"août|sept\.|oct\.|nov\.|déc\.) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})"
)
NEWEST_AGE = timedelta(minutes=30)


def _french(match: re.Match[str]) -> datetime:
    day, month, year, hour, minute, second, zone = match.groups()
    sign = -1 if zone[0] == "-" else 1
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    return datetime(
        int(year),
        FR_MONTHS.index(month) + 1,
        int(day),
        int(hour),
        int(minute),
        int(second),
        tzinfo=timezone(offset),
    )


def _french_text(when: datetime) -> str:
    zone = when.strftime("%z")
    return (
        f"{FR_DAYS[when.weekday()]}, {when.day} {FR_MONTHS[when.month - 1]} {when.year} "
        f"{when:%H:%M:%S} {zone}"
    )


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _dates(text: str) -> list[datetime]:
    found = [_iso(m.group()) for m in ISO.finditer(text)]
    found += [parsedate_to_datetime(m.group()) for m in RFC822.finditer(text)]
    found += [_french(m) for m in FRENCH.finditer(text)]
    return found


def shift_dates(files: list[Path], now: datetime | None = None) -> timedelta:
    """Move every feed date in `files` so the newest is `NEWEST_AGE` before `now`."""
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    every = [d for text in texts.values() for d in _dates(text)]
    if not every:
        return timedelta(0)
    offset = (now or datetime.now(UTC)) - NEWEST_AGE - max(every)

    def iso(match: re.Match[str]) -> str:
        moved = _iso(match.group()) + offset
        text = moved.isoformat(timespec="seconds")
        return text.replace("+00:00", "Z") if match.group().endswith("Z") else text

    def rfc(match: re.Match[str]) -> str:
        return format_datetime(parsedate_to_datetime(match.group()) + offset)

    def french(match: re.Match[str]) -> str:
        return _french_text(_french(match) + offset)

    for path, text in texts.items():
        moved = FRENCH.sub(french, RFC822.sub(rfc, ISO.sub(iso, text)))
        path.write_text(moved, encoding="utf-8")
    return offset
