"""The review as citations: CSL-JSON (Zotero, Pandoc, citeproc) and RIS (most reference managers).

One record per story, as in the review itself: its best source, with the other outlets and the
user's notes in the record's note. Words are given as their authors wrote them, without the
review's typography: a reference manager formats citations in the style the user picks.
"""

from __future__ import annotations

import json
from typing import Any

from veille.core.export.common import clean_line, item_date, source_name
from veille.core.export.review import Entry, Review

__all__ = ["csl_record", "review_csl_json", "review_ris"]


def _note(entry: Entry, review: Review) -> str:
    parts: list[str] = []
    if entry.also:
        names = ", ".join(f"{s.name} ({s.link})" if s.link else s.name for s in entry.also)
        parts.append(f"{review.labels['also_in']} {names}")
    parts += ["\n".join(note) for note in entry.notes]
    return "\n\n".join(parts)


def _author(name: str) -> dict[str, str]:
    # Bylines come in every shape (« Marie Curie », "AFP", "Le Monde avec AFP"): a literal name
    # is what CSL offers for a name it cannot split with certainty.
    return {"literal": name}


def csl_record(entry: Entry, review: Review) -> dict[str, Any]:
    story = entry.story
    assert story is not None
    lead = story.lead
    record: dict[str, Any] = {"id": f"veille-{lead.id}", "type": "article-newspaper"}
    record["title"] = entry.title
    container = clean_line(source_name(lead))
    if container:
        record["container-title"] = container
    if entry.author:
        record["author"] = [_author(entry.author)]
    when = item_date(lead)
    if when is not None:
        record["issued"] = {"date-parts": [[when.year, when.month, when.day]]}
    if entry.link:
        record["URL"] = entry.link
    if entry.lang:
        record["language"] = entry.lang
    if entry.excerpt:
        record["abstract"] = entry.excerpt
    if story.tags:
        record["keyword"] = ", ".join(story.tags)
    note = _note(entry, review)
    if note:
        record["note"] = note
    return record


def review_csl_json(review: Review) -> str:
    records = [csl_record(entry, review) for entry in review.entries]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _ris_value(text: str) -> str:
    # A RIS value is one line: a line break would start a new tag.
    return " ".join(text.split())


def review_ris(review: Review) -> str:
    lines: list[str] = []
    for entry in review.entries:
        record = csl_record(entry, review)
        lines.append("TY  - NEWS")
        lines.append(f"TI  - {_ris_value(record['title'])}")
        if "container-title" in record:
            lines.append(f"T2  - {_ris_value(record['container-title'])}")
        if entry.author:
            lines.append(f"AU  - {_ris_value(entry.author)}")
        if "issued" in record:
            year, month, day = record["issued"]["date-parts"][0]
            lines.append(f"PY  - {year:04d}")
            lines.append(f"DA  - {year:04d}/{month:02d}/{day:02d}")
        if entry.link:
            lines.append(f"UR  - {entry.link}")
        if entry.lang:
            lines.append(f"LA  - {entry.lang}")
        if entry.excerpt:
            lines.append(f"AB  - {_ris_value(entry.excerpt)}")
        for tag in entry.story.tags if entry.story else ():
            lines.append(f"KW  - {_ris_value(tag)}")
        if "note" in record:
            lines.append(f"N1  - {_ris_value(record['note'])}")
        lines.append(f"ID  - {record['id']}")
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)
