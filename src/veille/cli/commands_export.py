"""`veille export`: a press review (or a feed, a spreadsheet, bookmarks) from any query."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from veille.cli.arguments import count
from veille.cli.context import CommandError, Context
from veille.core import FORMATS
from veille.core.model import BINARY_EXPORT_FORMATS
from veille.core.translations import _, ngettext

REVIEW_LAYOUTS = ("md", "html", "docx", "csl", "ris")


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
    p.add_argument("--subtitle", help=_("a line under the title"))
    p.add_argument("--author", help=_("who the review is by"))
    p.add_argument(
        "--date",
        type=_day,
        metavar="YYYY-MM-DD",
        help=_("the review's date (default: today)"),
    )
    p.add_argument(
        "--tags",
        metavar="TAG,TAG",
        help=_("with --group-by tag: the order of the sections; other tags follow, by name"),
    )
    p.add_argument("--show-query", action="store_true", help=_("print the query under the title"))
    p.add_argument(
        "--excerpt-length",
        type=count,
        metavar="N",
        help=_("characters of each excerpt, whole sentences (default 400; 0 for none)"),
    )
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
    if args.format in BINARY_EXPORT_FORMATS and not args.output and ctx.out.isatty():
        raise CommandError(_("a {fmt} file is not text: give -o FILE").format(fmt=args.format))
    options = v.export_options(
        lang=args.lang,
        group_by=args.group_by,
        query=query,
        title=args.title or "",
        subtitle=args.subtitle or "",
        author=args.author or "",
        tags=[t.strip() for t in (args.tags or "").split(",") if t.strip()],
        show_query=args.show_query,
        excerpt_length=args.excerpt_length,
        date=args.date,
    )
    done = v.export(args.format, options, query=query, to=args.output)
    if args.output:
        ctx.warn(_exported(done.count, done.stories, args.format, str(args.output)))
    elif done.data:
        binary = getattr(ctx.out, "buffer", None)
        if binary is None:
            raise CommandError(_("a {fmt} file is not text: give -o FILE").format(fmt=args.format))
        ctx.out.flush()
        binary.write(done.data)
    else:
        ctx.write(done.text)
    return 0


def _exported(items: int, stories: int, fmt: str, path: str) -> str:
    told = ngettext("exported {count} item", "exported {count} items", items).format(count=items)
    if fmt in REVIEW_LAYOUTS and stories != items:
        # A review folds the items of one story into one entry: say so, or the counts disagree.
        told += " " + ngettext(
            "(one story told by several outlets: {stories} entry)",
            "(stories told by several outlets: {stories} entries)",
            stories,
        ).format(stories=stories)
    return _("{told} to {path}").format(told=told, path=path)


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a date like 2026-12-02").format(text=text)
        ) from None
