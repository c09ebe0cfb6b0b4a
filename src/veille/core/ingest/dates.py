"""Feed dates, including the French-localised ones feedparser gives up on.

French sites often run their RSS dates through the page's locale: `mar., 13 sept. 2022 16:41:30
+0000`, `lun, 5 févr 2026 10:00:00 +0100`, `5 février 2026 16:20`. Dropping such dates would sort
a whole feed by the time it was first seen, so they are translated into RFC 822 before parsing.
Every result is an aware UTC datetime; anything unreadable or unrepresentable is None, never an
exception.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz

from veille.core.text import fold

# Folded (lower case, no accents) month words, French and English, to RFC 822 abbreviations.
_MONTHS = {
    "janvier": "Jan",
    "janv": "Jan",
    "jan": "Jan",
    "january": "Jan",
    "fevrier": "Feb",
    "fevr": "Feb",
    "fev": "Feb",
    "feb": "Feb",
    "february": "Feb",
    "mars": "Mar",
    "mar": "Mar",
    "march": "Mar",
    "avril": "Apr",
    "avr": "Apr",
    "apr": "Apr",
    "april": "Apr",
    "mai": "May",
    "may": "May",
    "juin": "Jun",
    "jun": "Jun",
    "june": "Jun",
    "juillet": "Jul",
    "juil": "Jul",
    "jul": "Jul",
    "july": "Jul",
    "aout": "Aug",
    "aou": "Aug",
    "aug": "Aug",
    "august": "Aug",
    "septembre": "Sep",
    "sept": "Sep",
    "sep": "Sep",
    "september": "Sep",
    "octobre": "Oct",
    "oct": "Oct",
    "october": "Oct",
    "novembre": "Nov",
    "nov": "Nov",
    "november": "Nov",
    "decembre": "Dec",
    "dec": "Dec",
    "december": "Dec",
}
_DAYS = {
    "lundi",
    "lun",
    "mardi",
    "mar",
    "mercredi",
    "mer",
    "jeudi",
    "jeu",
    "vendredi",
    "ven",
    "samedi",
    "sam",
    "dimanche",
    "dim",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
# Zones RFC 822 does not name but European feeds use.
_ZONES = {
    "cet": "+0100",
    "cest": "+0200",
    "met": "+0100",
    "mest": "+0200",
    "bst": "+0100",
    "wet": "+0000",
    "west": "+0100",
    "eet": "+0200",
    "eest": "+0300",
    "utc": "+0000",
    "z": "+0000",
}
_WORD = re.compile(r"[^\W\d_]+\.?")
# An English RFC 822 date with a numeric or GMT zone, as most feeds write them: read from its
# groups, as `parsedate_tz` would read it (`_plain_rfc822`).
_PLAIN_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UTC?)$"
)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_ISO_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_date(text: str | None) -> datetime | None:
    """An aware UTC datetime for a feed's date string, or None."""
    if not text:
        return None
    raw = " ".join(text.split())[:100]
    if not raw:
        return None
    plain = _PLAIN_RFC822.match(raw)
    if plain:  # most feeds: read from the match, as `_rfc822` would read it
        return _plain_rfc822(plain)
    return _iso(raw) or _slashed(raw) or _rfc822(_translate(raw))


def _plain_rfc822(match: re.Match[str]) -> datetime | None:
    day, month, year, hour, minute, second, zone = match.groups()
    full_year = int(year)
    if full_year < 100:  # `0024`: a two-digit year padded, as `parsedate_tz` reads it
        full_year += 1900 if full_year > 68 else 2000
    return _utc(
        full_year,
        _MONTH_NUMBERS[month],
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        _zone_seconds(zone),
    )


def _zone_seconds(zone: str) -> int:
    """Seconds east of UTC of a numeric zone (`+0100`, `-0930`); 0 for a named one or none."""
    if zone[:1] not in ("+", "-"):
        return 0
    minutes = int(zone[1:3]) * 60 + int(zone[3:5])
    return minutes * 60 * (1 if zone[0] == "+" else -1)


def _utc(
    year: int, month: int, day: int, hour: int, minute: int, second: int, offset: int
) -> datetime | None:
    """The moment in UTC of a local date `offset` seconds east of it; None for no such date (a
    leap second counts as the second before it)."""
    try:
        moment = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
        return moment - timedelta(seconds=offset)
    except (OverflowError, ValueError):
        return None


# `2020/1/10 14:33:00`, `2020/01/10`, `2020-1-10 9:05`: a year first, numbers unpadded, as
# some publishing tools write dates; an optional zone after.
_SLASHED = re.compile(
    r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def _slashed(raw: str) -> datetime | None:
    match = _SLASHED.match(raw)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    zone = (match.group(7) or "").upper().replace(":", "")
    return _utc(year, month, day, hour, minute, second, _zone_seconds(zone))


def _aware(moment: datetime) -> datetime | None:
    try:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _iso(raw: str) -> datetime | None:
    if not raw[:4].isdigit() or len(raw) < 8:
        return None
    candidate = raw.replace(" ", "T", 1) if len(raw) > 10 and raw[10] == " " else raw
    candidate = _ISO_NO_COLON.sub(r"\1:\2", candidate) if "T" in candidate else candidate
    try:
        return _aware(datetime.fromisoformat(candidate))
    except ValueError:
        return None


def _rfc822(raw: str) -> datetime | None:
    try:
        parts = parsedate_tz(raw)
    except (ValueError, IndexError, TypeError):
        return None
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    offset = parts[9]
    if year < 100:  # two-digit years, as RFC 822 allowed
        year += 2000 if year < 70 else 1900
    return _utc(year, month, day, hour, minute, second, offset or 0)


def _translate(raw: str) -> str:
    """French (or oddly written) dates into RFC 822: `mar., 13 sept. 2022` → `13 Sep 2022`."""
    # « 16h20 », « 16 h 20 » and « 1er mars » are French ways to write 16:20 and 1 March.
    text = re.sub(r"(\d{1,2})\s*h\s*(\d{2})", r"\1:\2", raw)
    text = re.sub(r"(\d)(?:er|re|e)\b", r"\1", text)
    first_digit = next((i for i, c in enumerate(text) if c.isdigit()), len(text))
    leading = list(_WORD.finditer(text[:first_digit]))

    def word(match: re.Match[str]) -> str:
        token = fold(match.group(0)).rstrip(".")
        if match.start() < first_digit and token in _DAYS:
            # `mar` is Tuesday or March: before the day number, it is a weekday when another
            # word follows it or punctuation marks it as an abbreviation.
            marked = match.group(0).endswith(".") or text[match.end() : match.end() + 1] == ","
            if token not in _MONTHS or len(leading) > 1 or marked:
                return " "
        if token in _MONTHS:
            return _MONTHS[token]
        if token in _ZONES:
            return _ZONES[token]
        if token in ("a", "le", "at", "h", "du", "the", "of"):
            return " "
        return match.group(0)

    text = _WORD.sub(word, text).replace(",", " ")
    if ":" not in text:  # a day without a time: midnight, which RFC 822 parsing needs spelt out
        text += " 00:00"
    return " ".join(text.split())
