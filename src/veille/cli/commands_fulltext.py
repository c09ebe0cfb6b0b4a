"""Full text from the command line: prefetch, inspect an extraction, manage the cache."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from veille.cli.commands_refresh import print_misses, print_unreachable
from veille.cli.context import CommandError, Context
from veille.cli.progress import ProgressBar
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core import Article


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fulltext",
        help=_("fetch full texts now, for reading offline"),
        description=_(
            "Fetch the articles of items matching QUERY (default: unread items whose feed policy "
            "asks for full text) and keep them in the library, searched at once."
        ),
    )
    p.add_argument("query", nargs="*", help=_("which items (default: is:unread)"))
    p.add_argument(
        "--all",
        action="store_true",
        help=_("fetch every matching item, whatever its feed's policy"),
    )
    p.add_argument(
        "--refetch",
        action="store_true",
        help=_(
            "fetch the matching items again, even those already kept or seen as teasers "
            "(default: is:paywalled OR is:failed)"
        ),
    )
    p.set_defaults(func=cmd_fulltext)

    p = sub.add_parser(
        "extract",
        help=_("show how veille extracts an article from a page"),
        description=_(
            "Fetch URL (or read --html FILE) and print the extracted article, to see why an article came out wrong."
        ),
    )
    p.add_argument("url", nargs="?", help=_("the page's address"))
    p.add_argument("--html", type=Path, metavar="FILE", help=_("read the page from FILE"))
    p.add_argument("--format", choices=("text", "html", "markdown"), default="text")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("cache", help=_("full-text cache: stats or clear"))
    p.add_argument("action", choices=("stats", "clear"), nargs="?", default="stats")
    p.set_defaults(func=cmd_cache)


def cmd_fulltext(ctx: Context, args: argparse.Namespace) -> int:
    if ctx.offline:
        raise CommandError(_("--offline: fetching full texts needs the network"))
    default = "is:paywalled OR is:failed" if args.refetch else "is:unread"
    query = " ".join(args.query) or default
    bar = ProgressBar(_("full text"))
    try:
        report = ctx.veille.prefetch(
            query, every=args.all, refetch=args.refetch, on_progress=bar.update
        )
    finally:
        bar.close()
    ctx.print(
        _(
            "{fetched} full texts fetched, {kept} already kept, {paywalled} teasers only, "
            "{failed} failed"
        ).format(
            fetched=report.fetched,
            kept=report.cached,
            paywalled=len(report.paywalled),
            failed=len(report.errors),
        )
        + (
            _(", {n} postponed (their site timed out)").format(n=report.postponed)
            if report.postponed
            else ""
        )
    )
    print_unreachable(ctx, report)
    print_misses(ctx, report, limit=20)
    if report.paywalled:
        ctx.print(
            _(
                "teasers only: the site asks for a subscription; add its cookie under "
                '[sites."HOST"] in config.toml (see README), then run `veille fulltext`'
            )
        )
    return 0


def cmd_extract(ctx: Context, args: argparse.Namespace) -> int:
    content_type = ""
    if args.html:
        try:
            page = args.html.read_bytes()
        except OSError as error:
            raise CommandError(
                _("cannot read {html}: {strerror}").format(html=args.html, strerror=error.strerror)
            ) from None
        url = args.url or args.html.resolve().as_uri()
    elif args.url:
        page, content_type, url = ctx.veille.fetch_page(args.url)
    else:
        raise CommandError(_("give a URL or --html FILE"))
    _print_article(ctx, ctx.veille.extract(page, url, content_type), args.format)
    return 0


def _print_article(ctx: Context, article: Article, fmt: str) -> None:
    if fmt == "html":
        ctx.print(article.html)
    elif fmt == "markdown":
        from veille.core import html_to_markdown  # lxml: only for this format

        ctx.print(f"# {article.title}\n" if article.title else "")
        ctx.print(html_to_markdown(article.html))
    else:
        ctx.print(article.title)
        if article.byline:
            ctx.print(article.byline)
        ctx.print()
        ctx.print(article.text)


def cmd_cache(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    if args.action == "clear":
        removed = v.clear_cache()
        ctx.print(
            _(
                "cleared {n} entries from {folder} (full texts are kept in the library: "
                "every item keeps its text and stays found)"
            ).format(n=removed, folder=v.cache.folder)
        )
        return 0
    stats = v.cache_stats()
    ctx.print(_("folder    {folder}").format(folder=stats.folder))
    ctx.print(_("articles  {articles}").format(articles=stats.articles))
    ctx.print(_("entries   {entries}").format(entries=stats.entries))
    ctx.print(
        _("size      {value:.1f} MB of {value2:.0f} MB").format(
            value=stats.size / 1e6, value2=stats.limit / 1e6
        )
    )
    return 0
