"""Dates, headings and typography in French or English, without a locale.

A press review is read by people, so its dates say « 5 février 2026 », not `2026-02-05`. The C
library's locales are not reliably installed (and `setlocale` is process-wide, which a library
must not touch), so the few words needed are kept here as plain tables. Everything is a pure
function: the same input gives the same text on every machine, which keeps exports reproducible.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

__all__ = [
    "LABELS",
    "LANGS",
    "NBSP",
    "NNBSP",
    "format_date",
    "format_datetime",
    "french_typography",
    "label",
    "month_name",
]

LANGS = ("en", "fr")
NBSP = "\u00a0"  # before a colon, in French
NNBSP = "\u202f"  # narrow no-break space: before ; ? ! and inside « »

_MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
        "août", "septembre", "octobre", "novembre", "décembre",
    ),
}  # fmt: skip

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "press_review": "Press review",
        "source": "Source",
        "author": "Author",
        "tags": "Tags",
        "note": "Note",
        "generated_on": "Generated on",
        "items": "items",
        "item": "item",
        "untagged": "Untagged",
        "undated": "Undated",
        "untitled": "(untitled)",
        "query": "Query",
        "by": "by",
    },
    "fr": {
        "press_review": "Revue de presse",
        "source": "Source",
        "author": "Auteur",
        "tags": "Étiquettes",
        "note": "Note",
        "generated_on": "Établie le",
        "items": "articles",
        "item": "article",
        "untagged": "Sans étiquette",
        "undated": "Sans date",
        "untitled": "(sans titre)",
        "query": "Recherche",
        "by": "par",
    },
}


def _lang(lang: str) -> str:
    """The supported language for `lang` ("fr-FR" → "fr"); English when unknown."""
    short = (lang or "").lower().replace("_", "-").split("-", 1)[0]
    return short if short in _MONTHS else "en"


def label(key: str, lang: str) -> str:
    """One heading word in `lang`, falling back to English."""
    return LABELS[_lang(lang)].get(key) or LABELS["en"][key]


def month_name(month: int, lang: str) -> str:
    """The name of `month` (1–12): "February", « février »."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be between 1 and 12, not {month}")
    return _MONTHS[_lang(lang)][month - 1]


def format_date(d: datetime, lang: str) -> str:
    """A date as people write it: "5 February 2026", « 5 février 2026 », « 1er mars 2026 ».

    The date is the one written in `d`'s own time zone: no conversion happens here.
    """
    day = f"{d.day}er" if d.day == 1 and _lang(lang) == "fr" else str(d.day)
    return f"{day} {month_name(d.month, lang)} {d.year}"


def format_datetime(d: datetime, lang: str, tz: tzinfo | None = None) -> str:
    """A date and time: "5 February 2026, 16:20", « 5 février 2026 à 16:20 ».

    With `tz`, `d` is converted to that zone first. Without it, `d` is shown in its own zone
    (a naive `d` is taken as UTC): the result never depends on the machine's zone, so an export
    made on two machines is the same.
    """
    if tz is not None:
        d = (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(tz)
    when = f"{d.hour:02d}:{d.minute:02d}"
    if _lang(lang) == "fr":
        return f"{format_date(d, lang)} à {when}"
    return f"{format_date(d, lang)}, {when}"


# Spans the typography must not touch: URLs, e-mail-ish and `scheme:` links, and times.
_PROTECTED = re.compile(
    r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|mailto:|www\.)[^\s<>\"«»]*"  # URLs
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"  # 16:20, 16:20:05
    r"|[^\s]+@[^\s]+\.[a-zA-Z]{2,}"  # e-mail addresses
)
# A space (or none) before : ; ? ! that ends a word, the mark then followed by a space or the end.
_BEFORE_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)")
_BEFORE_TIGHT = re.compile(r"(?<=[^\s?!;])[ \u00a0\u202f]*([;?!]+)(?=\s|$|[»)\]\"'])")
_OPEN_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")
_STRAIGHT_PAIR = re.compile(r'"([^"\n]+)"')
_PLACEHOLDER = re.compile("\ue000([0-9]+)\ue001")


def _typeset(text: str) -> str:
    text = _STRAIGHT_PAIR.sub(lambda m: f"«{m[1].strip()}»", text)
    text = _OPEN_GUILLEMET.sub("«" + NNBSP, text)
    text = _CLOSE_GUILLEMET.sub(NNBSP + "»", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    return _BEFORE_TIGHT.sub(lambda m: NNBSP + m[1], text)


def french_typography(text: str) -> str:
    """`text` with French spacing: « a : b ; c ? d ! » with the right no-break spaces.

    A no-break space goes before ":", a narrow one before ";", "?", "!" and inside « », and a pair
    of straight double quotes becomes « ». URLs (`https://…`), e-mail addresses and times
    (`16:20`) are left exactly as they are. Applying it twice changes nothing more.
    """
    if not text:
        return ""
    # Protected spans become opaque placeholders, so the rules still see the character
    # next to them (« écrire à a@b.fr ; merci » gets its space) without ever entering them.
    kept: list[str] = []

    def hide(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"\ue000{len(kept) - 1}\ue001"

    text = _typeset(_PROTECTED.sub(hide, text.replace("\ue000", "").replace("\ue001", "")))
    return _PLACEHOLDER.sub(lambda m: kept[int(m[1])], text)
