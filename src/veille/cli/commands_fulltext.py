"""Full text from the command line: prefetch, inspect an extraction, manage the cache."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from veille.cli.context import CommandError, Context
from veille.cli.progress import ProgressBar
from veille.core.redact import redact_url


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fulltext",
        help="fetch full texts now, for reading offline",
        description="Fetch the articles of items matching QUERY (default: unread items whose "
        "feed policy asks for full text) and keep them in the cache.",
    )
    p.add_argument("query", nargs="*", help="which items (default: is:unread)")
    p.add_argument(
        "--all", action="store_true", help="fetch every matching item, whatever its feed's policy"
    )
    p.set_defaults(func=cmd_fulltext)

    p = sub.add_parser(
        "extract",
        help="show how veille extracts an article from a page",
        description="Fetch URL (or read --html FILE) and print the extracted article, to see "
        "why an article came out wrong.",
    )
    p.add_argument("url", nargs="?", help="the page's address")
    p.add_argument("--html", type=Path, metavar="FILE", help="read the page from FILE")
    p.add_argument("--format", choices=("text", "html", "markdown"), default="text")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("cache", help="full-text cache: stats or clear")
    p.add_argument("action", choices=("stats", "clear"), nargs="?", default="stats")
    p.set_defaults(func=cmd_cache)


def cmd_fulltext(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.fulltext.service import FullTextService, PrefetchReport
    from veille.core.ingest.refresh import make_fetcher

    if ctx.offline:
        raise CommandError("--offline: fetching full texts needs the network")
    query = " ".join(args.query) or "is:unread"
    ids = ctx.library.item_ids(query)
    service = FullTextService(ctx.library, ctx.needed_cache(), ctx.settings)
    bar = ProgressBar("full text")

    async def go() -> PrefetchReport:
        feeds = [f.url for f in ctx.library.feeds(counts=False)]
        async with make_fetcher(ctx.settings, feeds) as fetcher:
            return await service.prefetch(
                ids,
                fetcher,
                only_wanted=not args.all,
                on_progress=lambda done, total, _r: bar.update(done, total),
            )

    try:
        report = asyncio.run(go())
    finally:
        bar.close()
        service.close()
    ctx.print(
        f"{report.fetched} full texts fetched, {report.cached} already kept, "
        f"{len(report.errors)} failed"
        + (f", {report.postponed} postponed (their site timed out)" if report.postponed else "")
    )
    for item_id, error in sorted(report.errors.items())[:20]:
        ctx.print(f"  item {item_id}: {error}")
    return 0


def cmd_extract(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.fulltext.extract import ExtractionError, extract
    from veille.core.ingest.refresh import make_fetcher

    content_type = ""
    if args.html:
        try:
            page = args.html.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {args.html}: {error.strerror}") from None
        url = args.url or args.html.resolve().as_uri()
    elif args.url:
        url = args.url

        async def get() -> tuple[bytes, str, str]:
            async with make_fetcher(ctx.settings) as fetcher:
                # Typed by the user: its host is theirs for this request, but only on the web.
                result = await fetcher.fetch_page(url, accept="text/html,*/*;q=0.5", trusted=(url,))
            if result.error or result.body is None:
                raise CommandError(result.error or "the page was empty")
            return result.body, result.content_type, result.final_url or url

        page, content_type, url = asyncio.run(get())
    else:
        raise CommandError("give a URL or --html FILE")
    from veille.core.fulltext.service import rule_for

    try:
        article = extract(page, url, rule=rule_for(ctx.settings, url), content_type=content_type)
    except ExtractionError as error:
        raise CommandError(f"{redact_url(url)}: {error}") from None
    if args.format == "html":
        ctx.print(article.html)
    elif args.format == "markdown":
        from veille.core.fulltext.markdown import html_to_markdown

        ctx.print(f"# {article.title}\n" if article.title else "")
        ctx.print(html_to_markdown(article.html))
    else:
        ctx.print(article.title)
        if article.byline:
            ctx.print(article.byline)
        ctx.print()
        ctx.print(article.text)
    return 0


def cmd_cache(ctx: Context, args: argparse.Namespace) -> int:
    cache = ctx.needed_cache()
    if args.action == "clear":
        removed = cache.clear()
        ctx.print(f"cleared {removed} entries from {cache.folder} (starred items keep their text)")
        return 0
    stats = cache.stats()
    ctx.print(f"folder    {stats.folder}")
    ctx.print(f"articles  {stats.articles}")
    ctx.print(f"entries   {stats.entries}")
    ctx.print(f"size      {stats.size / 1e6:.1f} MB of {stats.limit / 1e6:.0f} MB")
    return 0
