"""The press review as plain text: the alternative part of a review sent by mail.

Mail readers that show no HTML (and people who prefer them) get the same entries, wrapped to
a comfortable width, each link written out after its words.
"""

from __future__ import annotations

import textwrap

from veille.core.export.review import Entry, Review

__all__ = ["review_text"]

WIDTH = 76


def _wrap(text: str, indent: str = "") -> list[str]:
    # No-break spaces are kept (French typography) and never broken on.
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    ) or [indent.rstrip()]


def _entry(entry: Entry, review: Review) -> list[str]:
    lines = _wrap(entry.title, "* ")
    lines = [lines[0], *("  " + line[2:] for line in lines[1:])]
    if entry.meta:
        lines += _wrap(" · ".join(entry.meta), "  ")
    if entry.link:
        lines.append(f"  <{entry.link}>")
    if entry.excerpt:
        lines += ["", *_wrap(entry.excerpt, "  ")]
    if entry.also:
        sources = ", ".join(f"{s.name} <{s.link}>" if s.link else s.name for s in entry.also)
        lines += _wrap(f"{review.labels['also_in']} {sources}", "  ")
    if entry.tags:
        lines += _wrap(f"{review.labels['tags']} " + ", ".join(entry.tags), "  ")
    for note in entry.notes:
        for paragraph in note:
            lines += _wrap(paragraph, "  > ")
    return [*lines, ""]


def review_text(review: Review) -> str:
    out = [review.title, "=" * min(len(review.title), WIDTH)]
    if review.subtitle:
        out += _wrap(review.subtitle)
    header = " · ".join(p for p in (review.author, review.generated, review.count) if p)
    out += [*_wrap(header), ""]
    if review.query:
        out += [*_wrap(review.query), ""]
    for name, entries in review.sections:
        if name:
            out += [name, "-" * min(len(name), WIDTH), ""]
        for entry in entries:
            out += _entry(entry, review)
    return "\n".join(out).rstrip("\n") + "\n"
