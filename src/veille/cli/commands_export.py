"""`veille export`: a press review (or a feed, a spreadsheet, bookmarks) from any query."""

from __future__ import annotations

import argparse
from pathlib import Path

from veille.cli.context import Context
from veille.core import FORMATS
from veille.core.translations import _, ngettext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help=_("export items matching a query (default: is:starred)"),
        description=_(
            "Export the items matching QUERY (default: is:starred) as a Markdown press review, a printable HTML page, JSON Feed 1.1, CSV, Atom 1.0, Netscape bookmarks, or the OPML of their feeds. Same library and query give the same bytes."
        ),
    )
    p.add_argument("query", nargs="*", help=_('a query, e.g. "tag:cnil since:7d"'))
    p.add_argument("--format", "-f", choices=FORMATS, default="md")
    p.add_argument("--group-by", choices=("tag", "feed", "day", "none"), default="none")
    p.add_argument(
        "--lang",
        choices=("fr", "en"),
        help=_("language of dates and headings (default: the config's lang)"),
    )
    p.add_argument("--title", help=_("title of the review"))
    p.add_argument("--saved", metavar="NAME", help=_("use a saved search as the selection"))
    p.add_argument("-o", "--output", type=Path, help=_("write to FILE instead of standard output"))
    p.set_defaults(func=cmd_export)


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    if args.output:
        v.check_output(args.output)  # before the work: a folder or a missing one is told at once
    query = " ".join(args.query).strip()
    if args.saved:
        query = v.saved_search(args.saved).query
    query = query or "is:starred"
    options = v.export_options(
        lang=args.lang, group_by=args.group_by, query=query, title=args.title or ""
    )
    done = v.export(args.format, options, query=query, to=args.output)
    if args.output:
        ctx.warn(
            ngettext(
                "exported {count} item to {output}",
                "exported {count} items to {output}",
                done.count,
            ).format(count=done.count, output=args.output)
        )
    else:
        ctx.write(done.text)
    return 0
