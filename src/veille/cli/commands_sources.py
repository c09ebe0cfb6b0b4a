"""Sources that are not feeds: add-page (a web page read by CSS selectors), add-command."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from veille.cli.context import CommandError, Context
from veille.core.redact import redact_url
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core import PagePreview

PREVIEW_ITEMS = 10


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "add-page",
        help=_("follow a web page without a feed, its items found by CSS selectors"),
        description=_(
            "Follow a web page as a feed. --item names the elements that are items; the other "
            "selectors are looked up inside each item (by default: its link, its first "
            "heading, its <time>). The items found are shown before subscribing; with "
            "--preview, only shown."
        ),
    )
    p.add_argument("url")
    p.add_argument("--item", required=True, metavar="SEL", help=_("CSS selector of each item"))
    for part in ("title", "link", "date", "summary"):
        p.add_argument(f"--{part}", default="", metavar="SEL", help=_("CSS selector, in an item"))
    p.add_argument("--preview", action="store_true", help=_("show the items, do not subscribe"))
    p.add_argument("--folder", default="", help=_('put the feed in FOLDER ("A/B" nests)'))
    p.add_argument("--name", default="", help=_("your own name for the feed"))
    p.set_defaults(func=cmd_add_page)

    p = sub.add_parser(
        "add-command",
        help=_("follow what a command of yours prints (exec), or a feed it rewrites (filter)"),
        description=_(
            "The command runs without a shell, with the refresh's time limit and size cap; "
            "what it writes on standard error is the feed's error when it fails."
        ),
    )
    p.add_argument("command", help=_("the command line, quoted as one argument"))
    p.add_argument("--filter", metavar="URL", default="", help=_("rewrite the feed at URL"))
    p.add_argument("--folder", default="", help=_('put the feed in FOLDER ("A/B" nests)'))
    p.add_argument("--title", default="", help=_("your own name for the feed"))
    p.set_defaults(func=cmd_add_command)


def cmd_add_page(ctx: Context, args: argparse.Namespace) -> int:
    parts = {p: getattr(args, p) for p in ("title", "link", "date", "summary")}
    recipe = ctx.veille.page_recipe(args.item, **parts)
    preview = ctx.veille.preview_page(args.url, recipe)
    print_preview(ctx, preview)
    if args.preview:
        return 0
    if not preview.items:
        raise CommandError(_("nothing to follow: the selectors find no item with a link"))
    feed = ctx.veille.subscribe_page(args.url, recipe, title=args.name, folder=args.folder)
    ctx.print(
        _("subscribed [{id}] {url} as a page feed").format(id=feed.id, url=redact_url(feed.url))
    )
    return 0


def print_preview(ctx: Context, preview: PagePreview) -> None:
    ctx.print(
        _("{count} items found on {url}").format(
            count=len(preview.items), url=redact_url(preview.url)
        )
        + (f" ({preview.title})" if preview.title else "")
    )
    for number, entry in enumerate(preview.items[:PREVIEW_ITEMS], 1):
        when = f"  {entry.published:%Y-%m-%d}" if entry.published else ""
        ctx.print(f"  {number}. {entry.title or _('(no title)')}{when}")
        ctx.print(f"     {redact_url(entry.link or '')}")
    if len(preview.items) > PREVIEW_ITEMS:
        ctx.print(_("  … and {n} more").format(n=len(preview.items) - PREVIEW_ITEMS))
    for selector in preview.empty:
        if selector == "--item":
            ctx.print(_("--item found nothing on the page"))
        else:
            ctx.print(
                _("{selector} found nothing in the {count} items").format(
                    selector=selector, count=preview.found
                )
            )
    if preview.without_link:
        ctx.print(_("{n} items have no link and are left out").format(n=preview.without_link))


def cmd_add_command(ctx: Context, args: argparse.Namespace) -> int:
    kind = "filter" if args.filter else "exec"
    feed = ctx.veille.subscribe_command(
        kind, args.command, args.filter, title=args.title, folder=args.folder
    )
    ctx.print(_("subscribed [{id}] {url}").format(id=feed.id, url=redact_url(feed.url)))
    return 0
