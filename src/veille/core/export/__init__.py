"""Exports: a press review, a feed, a spreadsheet or bookmarks from any selection of items.

One entry point, `export_items(items, fmt, options)`, so the command line, the app and scripts
produce the same bytes from the same items. Each format lives in its own module; what they share
(grouping, excerpts, which URLs may become links) is in `common`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from veille.core.export.common import EXTENSIONS, FORMATS, ExportOptions
from veille.core.export.opml import export_opml
from veille.core.model import Feed, Item

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "ExportOptions",
    "export_items",
    "export_opml",
    "review_date",
]


def review_date(now: datetime | None = None) -> datetime:
    """A review's date: today at midnight UTC, so that a day's exports are byte-identical.

    The exporters never read the clock themselves; this is the date callers give them."""
    return (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)


def _renderer(fmt: str) -> Callable[[Sequence[Item], ExportOptions], str]:
    # Imported on demand: a CSV export has no reason to load lxml.
    if fmt == "md":
        from veille.core.export.markdown import render_markdown

        return render_markdown
    if fmt == "html":
        from veille.core.export.html import render_html

        return render_html
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
    items: Sequence[Item], fmt: str, options: ExportOptions, feeds: Sequence[Feed] = ()
) -> str:
    """`items` in format `fmt` (one of `FORMATS`); raises ValueError for an unknown format.

    `feeds` is only used by "opml", which exports the subscriptions the items come from. The
    output depends on nothing but the arguments: no clock, no machine settings.
    """
    if fmt == "opml":
        return export_opml(_feeds_of(items, feeds), title=options.resolved_title())
    return _renderer(fmt)(items, options)
