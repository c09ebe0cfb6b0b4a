"""Exports: a press review, a feed, a spreadsheet or bookmarks from any selection of items.

One entry point, `export_items(items, fmt, options)`, so the command line, the app and scripts
produce the same bytes from the same items. Each format lives in its own module; what they share
(grouping, excerpts, which URLs may become links) is in `common`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from veille.core.export.common import EXTENSIONS, FORMATS, ExportOptions
from veille.core.export.opml import export_opml
from veille.core.model import Feed, Item

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "ExportOptions",
    "export_items",
    "export_opml",
    "export_text",
    "review_date",
]


def review_date(now: datetime | None = None) -> datetime:
    """A review's date: today at midnight UTC, so that a day's exports are byte-identical.

    The exporters never read the clock themselves; this is the date callers give them."""
    return (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)


def _review_renderer(fmt: str) -> Callable[[Any], str | bytes] | None:
    """The layout of a press review in `fmt`, for the formats that are one."""
    if fmt == "md":
        from veille.core.export.markdown import review_markdown

        return review_markdown
    if fmt == "html":
        from veille.core.export.html import review_html

        return review_html
    if fmt == "docx":
        from veille.core.export.docx import review_docx

        return review_docx
    if fmt == "text":
        from veille.core.export.plain import review_text

        return review_text
    if fmt == "csl":
        from veille.core.export.citations import review_csl_json

        return review_csl_json
    if fmt == "ris":
        from veille.core.export.citations import review_ris

        return review_ris
    return None


def _renderer(fmt: str) -> Callable[[Sequence[Item], ExportOptions], str]:
    # Imported on demand: a CSV export has no reason to load lxml.
    if fmt == "json":
        from veille.core.export.feeds import render_json_feed

        return render_json_feed
    if fmt == "atom":
        from veille.core.export.feeds import render_atom

        return render_atom
    if fmt == "csv":
        from veille.core.export.tabular import render_csv

        return render_csv
    if fmt == "bookmarks":
        from veille.core.export.tabular import render_bookmarks

        return render_bookmarks
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def _feeds_of(items: Sequence[Item], feeds: Sequence[Feed]) -> list[Feed]:
    """The feeds the items come from, in `feeds` order; feeds not given are rebuilt from the
    items' own feed title and URL so the OPML is never missing one."""
    wanted = {item.feed_id for item in items}
    chosen = [f for f in feeds if f.id in wanted]
    known = {f.id for f in chosen}
    for item in items:
        if item.feed_id not in known and item.feed_url:
            known.add(item.feed_id)
            chosen.append(Feed(id=item.feed_id, url=item.feed_url, title=item.feed_title))
    return chosen


def export_items(
    items: Sequence[Item],
    fmt: str,
    options: ExportOptions,
    feeds: Sequence[Feed] = (),
    companions: Sequence[Item] = (),
) -> str | bytes:
    """`items` in format `fmt` (one of `FORMATS`, or "text" for a review in plain text); raises
    ValueError for an unknown format. DOCX is bytes, every other format text.

    `companions` are the other items of the selected items' stories: a review names them as
    further sources. `feeds` is only used by "opml", which exports the subscriptions the items
    come from. The output depends on nothing but the arguments: no clock, no machine settings.
    """
    if fmt == "opml":
        return export_opml(_feeds_of(items, feeds), title=options.resolved_title())
    review = _review_renderer(fmt)
    if review is not None:
        from veille.core.export.review import make_review

        typography = fmt not in ("csl", "ris")  # citation managers typeset for themselves
        return review(make_review(items, options, companions, typography=typography))
    return _renderer(fmt)(items, options)


def export_text(
    items: Sequence[Item],
    fmt: str,
    options: ExportOptions,
    feeds: Sequence[Feed] = (),
    companions: Sequence[Item] = (),
) -> str:
    """`export_items` for a format that is text (every one but DOCX)."""
    out = export_items(items, fmt, options, feeds, companions)
    if isinstance(out, bytes):
        raise ValueError(f"{fmt} is not a text format")
    return out
