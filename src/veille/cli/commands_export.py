"""`veille export`: a press review (or a feed, a spreadsheet, bookmarks) from any query."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from veille.cli.context import CommandError, Context
from veille.core.outfile import check_target, write_output

FORMATS = ("md", "html", "json", "csv", "atom", "bookmarks", "opml")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="export items matching a query (default: is:starred)",
        description="Export the items matching QUERY (default: is:starred) as a Markdown press "
        "review, a printable HTML page, JSON Feed 1.1, CSV, Atom 1.0, Netscape bookmarks, or "
        "the OPML of their feeds. Same library and query give the same bytes.",
    )
    p.add_argument("query", nargs="*", help='a query, e.g. "tag:cnil since:7d"')
    p.add_argument("--format", "-f", choices=FORMATS, default="md")
    p.add_argument("--group-by", choices=("tag", "feed", "day", "none"), default="none")
    p.add_argument(
        "--lang",
        choices=("fr", "en"),
        help="language of dates and headings (default: the config's lang)",
    )
    p.add_argument("--title", help="title of the review")
    p.add_argument("--saved", metavar="NAME", help="use a saved search as the selection")
    p.add_argument("-o", "--output", type=Path, help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export)


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.export import ExportOptions, export_items

    if args.output:
        check_target(args.output)  # before the work: a folder or a missing one is told at once
    lib = ctx.library
    query = " ".join(args.query).strip()
    if args.saved:
        found = [s for s in lib.saved_searches() if s.name == args.saved]
        if not found:
            raise CommandError(f"no saved search named {args.saved!r}")
        query = found[0].query
    query = query or "is:starred"
    items = lib.items(query)
    lang = args.lang or ctx.settings.lang
    options = ExportOptions(lang=lang, group_by=args.group_by, query=query, generated=_today())
    if args.title:
        options.title = args.title
    feed_ids = {item.feed_id for item in items}
    feeds = [f for f in lib.feeds() if f.id in feed_ids]
    text = export_items(items, args.format, options, feeds)
    if args.output:
        write_output(args.output, text)
        ctx.warn(f"exported {len(items)} items to {args.output}")
    else:
        ctx.write(text)
    return 0


def _today() -> datetime:
    """The review's date: today, at midnight UTC, so a day's exports are byte-identical."""
    now = datetime.now(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)
