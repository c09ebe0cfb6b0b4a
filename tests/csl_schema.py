"""A check of CSL-JSON against the rules of the CSL data schema (version 1.0), for tests.

The schema describes a list of items; each item has an `id` and a `type` from a closed list,
and every other key is a known variable of one of three kinds: names (a list of people, each
with a family and given name or one literal name), dates (`date-parts`: one date, or two for a
range, each year, month, day as numbers) and plain values (text, or a number for the numeric
variables). Anything else is refused, as citeproc processors would misread it.
"""

from __future__ import annotations

from typing import Any

TYPES = frozenset(
    [
        "article",
        "article-journal",
        "article-magazine",
        "article-newspaper",
        "bill",
        "book",
        "broadcast",
        "chapter",
        "classic",
        "collection",
        "dataset",
        "document",
        "entry",
        "entry-dictionary",
        "entry-encyclopedia",
        "event",
        "figure",
        "graphic",
        "hearing",
        "interview",
        "legal_case",
        "legislation",
        "manuscript",
        "map",
        "motion_picture",
        "musical_score",
        "pamphlet",
        "paper-conference",
        "patent",
        "performance",
        "periodical",
        "personal_communication",
        "post",
        "post-weblog",
        "regulation",
        "report",
        "review",
        "review-book",
        "software",
        "song",
        "speech",
        "standard",
        "thesis",
        "treaty",
        "webpage",
    ]
)
NAMES = frozenset(
    [
        "author",
        "chair",
        "collection-editor",
        "compiler",
        "composer",
        "container-author",
        "contributor",
        "curator",
        "director",
        "editor",
        "editorial-director",
        "executive-producer",
        "guest",
        "host",
        "illustrator",
        "interviewer",
        "narrator",
        "organizer",
        "original-author",
        "performer",
        "producer",
        "recipient",
        "reviewed-author",
        "script-writer",
        "series-creator",
        "translator",
    ]
)
DATES = frozenset("accessed available-date event-date issued original-date submitted".split())  # noqa: SIM905
TEXTS = frozenset(
    [
        "abstract",
        "annote",
        "archive",
        "archive_collection",
        "archive_location",
        "archive-place",
        "authority",
        "call-number",
        "citation-key",
        "citation-label",
        "collection-title",
        "container-title",
        "container-title-short",
        "dimensions",
        "division",
        "DOI",
        "event",
        "event-title",
        "event-place",
        "genre",
        "ISBN",
        "ISSN",
        "jurisdiction",
        "keyword",
        "language",
        "license",
        "medium",
        "note",
        "original-publisher",
        "original-publisher-place",
        "original-title",
        "part-title",
        "PMCID",
        "PMID",
        "publisher",
        "publisher-place",
        "references",
        "reviewed-genre",
        "reviewed-title",
        "scale",
        "section",
        "source",
        "status",
        "title",
        "title-short",
        "URL",
        "version",
        "volume-title",
        "year-suffix",
    ]
)
NUMBERS = frozenset(
    [
        "chapter-number",
        "citation-number",
        "collection-number",
        "edition",
        "first-reference-note-number",
        "issue",
        "locator",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "page",
        "page-first",
        "part-number",
        "printing-number",
        "supplement-number",
        "volume",
    ]
)
NAME_PARTS = frozenset(
    [
        "family",
        "given",
        "dropping-particle",
        "non-dropping-particle",
        "suffix",
        "comma-suffix",
        "static-ordering",
        "literal",
        "parse-names",
    ]
)


def problems(data: Any) -> list[str]:
    """What keeps `data` from being CSL-JSON; empty when it is."""
    if not isinstance(data, list):
        return ["the document is not a list of items"]
    found: list[str] = []
    for n, item in enumerate(data):
        found += [f"item {n}: {p}" for p in _item_problems(item)]
    return found


def _item_problems(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return ["not an object"]
    found = []
    if not isinstance(item.get("id"), (str, int, float)):
        found.append("no id")
    if item.get("type") not in TYPES:
        found.append(f"type {item.get('type')!r} is not a CSL type")
    for key, value in item.items():
        if key in ("id", "type"):
            continue
        if key in NAMES:
            ok = isinstance(value, list) and all(
                isinstance(p, dict)
                and p
                and set(p) <= NAME_PARTS
                and all(isinstance(v, (str, int, float, bool)) for v in p.values())
                for p in value
            )
        elif key in DATES:
            ok = _is_date(value)
        elif key in TEXTS or key in NUMBERS:
            ok = isinstance(value, (str, int, float))
        else:
            found.append(f"{key!r} is no CSL variable")
            continue
        if not ok:
            found.append(f"{key!r} does not have the form CSL gives it")
    return found


def _is_date(value: Any) -> bool:
    if not isinstance(value, dict) or not value:
        return False
    if set(value) - {"date-parts", "season", "circa", "literal", "raw"}:
        return False
    parts = value.get("date-parts")
    if parts is None:
        return isinstance(value.get("literal", value.get("raw")), str)
    return (
        isinstance(parts, list)
        and 1 <= len(parts) <= 2
        and all(
            isinstance(p, list)
            and 1 <= len(p) <= 3
            and all(isinstance(x, int) or (isinstance(x, str) and x.isdigit()) for x in p)
            for p in parts
        )
    )
