"""Reading the library from the command line: items, stats."""

from __future__ import annotations

import argparse
from typing import Any

from veille.cli.arguments import count
from veille.cli.context import Context
from veille.core import Item
from veille.core.translations import N_, _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "items",
        help=_("list or search items, newest first"),
        description=_(
            'List items matching QUERY (see README: free words, "phrases", prefix*, -word, OR, tag:, is:starred, is:unread, feed:, folder:, since:7d …).'
        ),
    )
    p.add_argument("query", nargs="*", help=_("search query; all items when empty"))
    p.add_argument(
        "--limit", type=count, default=50, help=_("at most N items (default 50; 0: all)")
    )
    p.add_argument("--json", action="store_true", help=_("print JSON, with bodies"))
    p.set_defaults(func=cmd_items)

    p = sub.add_parser("stats", help=_("count feeds, items, unread, starred and tagged items"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=cmd_stats)


def item_json(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "feed_id": item.feed_id,
        "feed": item.feed_title,
        "title": item.title,
        "url": item.url,
        "author": item.author,
        "published": item.published.isoformat() if item.published else None,
        "date": item.sort_date.isoformat() if item.sort_date else None,
        "read": item.read,
        "starred": item.starred,
        "truncated": item.truncated,
        "tags": item.tags,
        "note": item.note,
        "categories": item.categories,
        "language": item.language,
        "summary": item.summary,
        "content": item.content,
        "full_text": item.full_text,
        # none, fetched (the article is `full_text`), paywalled (teaser only), failed.
        "full_text_state": item.full_text_state or "none",
        "full_text_error": item.full_text_error,
        "enclosures": [
            {"url": e.url, "type": e.type, "length": e.length, "duration": e.duration}
            for e in item.enclosures
        ],
    }


def cmd_items(ctx: Context, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    limit = args.limit if args.limit > 0 else None
    if args.json:
        ctx.print_json([item_json(item) for item in ctx.veille.items(query, limit=limit)])
        return 0
    rows = ctx.veille.rows(query, limit=limit or 1_000_000_000)
    for row in rows:
        marks = ("*" if row.starred else " ") + ("N" if not row.read else " ")
        date = f"{row.sort_date:%Y-%m-%d %H:%M}" if row.sort_date else " " * 16
        tags = f"  #{' #'.join(row.tags)}" if row.tags else ""
        ctx.print(f"{row.id:>7} {marks} {date}  {row.feed_title[:24]:<24}  {row.title}{tags}")
    if not rows:
        ctx.print(_("no items match this query") if query else _("no items"))
    return 0


STAT_LABELS = {
    "feeds": N_("feeds"),
    "failing_feeds": N_("failing feeds"),
    "items": N_("items"),
    "unread": N_("unread"),
    "starred": N_("starred"),
    "tagged": N_("tagged"),
}


def cmd_stats(ctx: Context, args: argparse.Namespace) -> int:
    s = ctx.veille.stats()
    data = {
        "feeds": s.feeds,
        "failing_feeds": s.failing_feeds,
        "items": s.items,
        "unread": s.unread,
        "starred": s.starred,
        "tagged": s.tagged,
    }
    if args.json:
        ctx.print_json(data)
    else:
        labels = [_(STAT_LABELS[key]) for key in data]
        width = max(len(label) for label in labels)
        for label, value in zip(labels, data.values(), strict=True):
            ctx.print(f"{label:<{width}}  {value}")
    return 0
