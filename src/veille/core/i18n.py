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
    "guess_language",
    "label",
    "month_name",
    "text_language",
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
        "stories": "stories",
        "story": "story",
        "also_in": "Also in",
        "folded": "{items} items: a story told by several outlets is one entry",
        "by_author": "By {author}",
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
        "stories": "sujets",
        "story": "sujet",
        "also_in": "Aussi dans",
        "folded": "{items} articles : un sujet repris par plusieurs titres n'y figure qu'une fois",
        "by_author": "Par {author}",
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


# Thousands written with spaces (« 14 000 », « 1 250 000 »), and a long number before a unit.
_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.]\d)")
_LONG_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{5,})(?=[ \u00a0\u202f]?(?:€|\$|£|%|euros?\b|dollars?\b))"
)
# The space between a number and its unit: « 14 000 € », « 20 % ».
_BEFORE_UNIT = re.compile(r"(?<=\d)[ \u202f]?(€|\$|£|%)")


def _group_digits(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NNBSP.join(groups)


def _typeset(text: str) -> str:
    text = _STRAIGHT_PAIR.sub(lambda m: f"«{m[1].strip()}»", text)
    text = _OPEN_GUILLEMET.sub("«" + NNBSP, text)
    text = _CLOSE_GUILLEMET.sub(NNBSP + "»", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_TIGHT.sub(lambda m: NNBSP + m[1], text)
    if any(c.isdigit() for c in text):
        text = _GROUPED_NUMBER.sub(lambda m: _group_digits("".join(m[0].split())), text)
        text = _LONG_AMOUNT.sub(lambda m: _group_digits(m[1]), text)
        text = _BEFORE_UNIT.sub(lambda m: NBSP + m[1], text)
    return text


def french_typography(text: str) -> str:
    """`text` with French spacing: « a : b ; c ? d ! » with the right no-break spaces.

    A no-break space goes before ":", a narrow one before ";", "?", "!" and inside « », and a pair
    of straight double quotes becomes « ». Thousands are set apart by narrow no-break spaces
    (« 14 000 », and « 25000 € » becomes « 25 000 € »), a unit (€, %) by a no-break space. URLs (`https://…`), e-mail addresses and times
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


# The commonest short words of each language: a text's language shows in which it uses most.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "un",
            "une",
            "des",
            "du",
            "de",
            "et",
            "est",
            "sont",
            "dans",
            "pour",
            "par",
            "sur",
            "avec",
            "pas",
            "que",
            "qui",
            "au",
            "aux",
            "ce",
            "cette",
            "ces",
            "il",
            "elle",
            "ils",
            "nous",
            "vous",
            "leur",
            "plus",
            "mais",
            "ou",
            "où",
            "été",
            "être",
            "fait",
            "sa",
            "son",
            "ses",
            "à",
            "en",
            "ne",
            "se",
            "selon",
            "après",
            "contre",
            "entre",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "and",
            "is",
            "are",
            "was",
            "were",
            "in",
            "on",
            "for",
            "by",
            "with",
            "not",
            "that",
            "which",
            "who",
            "of",
            "to",
            "from",
            "at",
            "this",
            "these",
            "it",
            "its",
            "they",
            "we",
            "you",
            "their",
            "more",
            "but",
            "or",
            "has",
            "have",
            "been",
            "be",
            "after",
            "against",
            "between",
            "said",
            "will",
            "would",
        ]
    ),
}
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def guess_language(text: str) -> str:
    """ "fr" or "en" when `text` plainly reads as one of them, else "".

    Counts the commonest function words of each: enough for a title and an excerpt, which is
    all a review needs to know to set them in the right typography."""
    scores = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORDS.findall(text[:2000].lower()):
        # « l'amende », « d'une »: the elided article counts as French.
        if "'" in word or "’" in word:
            head = word.replace("’", "'").split("'", 1)[0]
            if head in ("l", "d", "j", "qu", "n", "s", "c", "m", "t"):
                scores["fr"] += 1
            continue
        for lang, words in _FUNCTION_WORDS.items():
            if word in words:
                scores[lang] += 1
    fr, en = scores["fr"], scores["en"]
    if fr > en:
        return "fr"
    if en > fr:
        return "en"
    return ""


def text_language(declared: str, text: str) -> str:
    """The language to typeset `text` in: the declared one (an item's, else its feed's) when it
    is given, else the one the text reads as; "" when neither says."""
    short = (declared or "").lower().replace("_", "-").split("-", 1)[0].strip()
    return short or guess_language(text)
