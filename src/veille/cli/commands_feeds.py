"""Subscribing and refreshing: add, remove, import, export-opml, feeds, refresh."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from veille.cli.arguments import count, item_id
from veille.cli.context import CommandError, Context
from veille.cli.progress import ProgressBar
from veille.core.fulltext.policy import feed_policy
from veille.core.model import FULL_TEXT_POLICIES, Feed, FeedPolicy
from veille.core.outfile import write_output
from veille.core.redact import redact_url
from veille.core.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "add",
        help="subscribe to a feed (or discover it from a site URL)",
        description="Subscribe to a feed. Given a web page, veille looks for its "
        "feeds (<link rel=alternate>, then common paths) and lists them.",
    )
    p.add_argument("url")
    p.add_argument("--folder", default="", help='put the feed in FOLDER ("A/B" nests)')
    p.add_argument("--title", default="", help="your own name for the feed")
    p.add_argument(
        "--pick", type=count, metavar="N", help="when several feeds are found, subscribe to the Nth"
    )
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="unsubscribe from a feed and delete its items")
    p.add_argument("feed", help="feed id or URL")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser(
        "import",
        help="import subscriptions from OPML or a newsboat urls file",
        description="Import an OPML file (folders kept) or a newsboat `urls` "
        "file (its first tag becomes the folder). Feeds already there are "
        "skipped; a broken file is refused whole.",
    )
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-opml", help="write your subscriptions as OPML 2.0")
    p.add_argument("-o", "--output", type=Path, help="write to FILE instead of standard output")
    p.add_argument(
        "--include-secrets",
        action="store_true",
        help="keep passwords and keys in feed URLs (they are hidden by default)",
    )
    p.set_defaults(func=cmd_export_opml)

    p = sub.add_parser("feeds", help="list feeds with their status and last error")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--failing", action="store_true", help="only feeds whose last fetch failed")
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("set-feed", help="change a feed's folder, title or full-text policy")
    p.add_argument("feed", help="feed id or URL")
    p.add_argument("--folder")
    p.add_argument("--title")
    p.add_argument(
        "--full-text",
        choices=(*FULL_TEXT_POLICIES, "default", "inherit"),
        help="auto: fetch the article for truncated items; always; never; default "
        "(or inherit): follow config.toml's full_text",
    )
    p.set_defaults(func=cmd_set_feed)

    p = sub.add_parser(
        "refresh",
        help="fetch feeds and store new items",
        description="Fetch every feed (or those named) concurrently, politely: "
        "conditional GET, per-host limits, back-off for failing feeds.",
    )
    p.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="FEED",
        help="only this feed (id or URL); repeatable",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="fetch even feeds resting after failures, ignoring cached validators",
    )
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(func=cmd_refresh)


def find_feed(ctx: Context, ref: str) -> Feed:
    lib = ctx.library
    if ref.isdigit():
        try:
            return lib.feed(item_id(ref))
        except argparse.ArgumentTypeError as error:
            raise CommandError(str(error)) from None
    feed = lib.feed_by_url(ref)
    if feed is None:
        raise CommandError(f"no feed {ref!r}; `veille feeds` lists them")
    return feed


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    url = args.url.strip()
    if "://" not in url:
        url = "https://" + url
    if not url.startswith("file://") and not ctx.offline:
        from veille.core.ingest.discover import DiscoveryError, discover
        from veille.core.ingest.refresh import make_fetcher

        feeds = [f.url for f in ctx.library.feeds(counts=False)]

        async def find() -> list[Any]:
            async with make_fetcher(ctx.settings, feeds) as fetcher:
                return await discover(fetcher, url)

        try:
            candidates = asyncio.run(find())
        except DiscoveryError as error:
            raise CommandError(str(error)) from None
        if len(candidates) > 1 and args.pick is None:
            ctx.print(f"{len(candidates)} feeds found on {redact_url(url)}:")
            for n, c in enumerate(candidates, 1):
                ctx.print(f"  {n}. {c.title or '(untitled)'}  {redact_url(c.url)}")
            ctx.print("Run again with --pick N to choose one.")
            return 2
        index = (args.pick or 1) - 1
        if not 0 <= index < len(candidates):
            raise CommandError(f"--pick must be between 1 and {len(candidates)}")
        url = candidates[index].url
    feed = ctx.library.add_feed(url, title=args.title, folder=args.folder)
    ctx.print(
        f"subscribed [{feed.id}] {redact_url(feed.url)}"
        + (f" in {feed.folder}" if feed.folder else "")
    )
    return 0


def cmd_remove(ctx: Context, args: argparse.Namespace) -> int:
    feed = find_feed(ctx, args.feed)
    ctx.library.remove_feed(feed.id)
    ctx.print(f"removed [{feed.id}] {redact_url(feed.url)}")
    return 0


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.ingest.opml import SubscriptionFileError, read_subscriptions

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    try:
        subscriptions = read_subscriptions(data, args.file.name)
    except SubscriptionFileError as error:
        raise CommandError(f"{args.file}: {error}; nothing was imported") from None
    added, known = ctx.library.add_feeds(subscriptions)
    ctx.print(f"imported {added} feeds ({known} already subscribed) from {args.file}")
    return 0


def cmd_export_opml(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.export import export_opml

    text = export_opml(ctx.library.feeds(), include_secrets=args.include_secrets)
    if args.output:
        write_output(args.output, text, private=args.include_secrets)
    else:
        ctx.write(text)
    return 0


def feed_json(feed: Feed, settings: Settings) -> dict[str, Any]:
    policy = feed_policy(settings, feed.url, feed.full_text)
    return {
        "id": feed.id,
        "url": redact_url(feed.url),
        "title": feed.title,
        "folder": feed.folder,
        "site_url": feed.site_url,
        "unread": feed.unread,
        "items": feed.total,
        "status": feed.last_status,
        "error": feed.last_error,
        "failures": feed.failures,
        "next_retry": feed.next_retry.isoformat() if feed.next_retry else None,
        "last_fetched": feed.last_fetched.isoformat() if feed.last_fetched else None,
        "full_text": policy.value,
        "full_text_from": policy.origin,
        "full_text_own": feed.full_text or None,
        "gone": feed.gone,
        "moved_to": redact_url(feed.moved_to) if feed.moved_to else "",
    }


def _warn_cleartext(ctx: Context) -> None:
    from veille.core.ingest.refresh import cleartext_warning

    warning = cleartext_warning(ctx.settings, (f.url for f in ctx.library.feeds(counts=False)))
    if warning:
        ctx.print(warning)


def cmd_feeds(ctx: Context, args: argparse.Namespace) -> int:
    feeds = [f for f in ctx.library.feeds() if f.failing or not args.failing]
    if args.json:
        ctx.print_json([feed_json(f, ctx.settings) for f in feeds])
        return 0
    for f in feeds:
        state = "gone" if f.gone else ("error" if f.failing else "ok")
        folder = f"{f.folder}/" if f.folder else ""
        ctx.print(f"[{f.id}] {folder}{f.display_title}  ({f.unread}/{f.total} unread)  {state}")
        ctx.print(f"     {redact_url(f.url)}")
        policy = feed_policy(ctx.settings, f.url, f.full_text)
        ctx.print(f"     full text: {policy.value} ({policy.origin_words})")
        if f.moved_to:
            ctx.print(f"     moved permanently to {redact_url(f.moved_to)}")
        if f.failing:
            retry = f", next try {f.next_retry:%Y-%m-%d %H:%M} UTC" if f.next_retry else ""
            ctx.print(f"     last error: {f.last_error} ({f.failures} in a row{retry})")
    if not feeds:
        ctx.print("no feeds" + (" failing" if args.failing else "; `veille add URL` subscribes"))
    _warn_cleartext(ctx)
    return 0


def cmd_set_feed(ctx: Context, args: argparse.Namespace) -> int:
    feed = find_feed(ctx, args.feed)
    lib = ctx.library
    if args.folder is not None:
        lib.set_feed_folder(feed.id, args.folder)
    if args.title is not None:
        lib.set_feed_title(feed.id, args.title)
    if args.full_text is not None:
        own: FeedPolicy = "" if args.full_text in ("default", "inherit") else args.full_text
        lib.set_feed_policy(feed.id, own)
    feed = lib.feed(feed.id)
    policy = feed_policy(ctx.settings, feed.url, feed.full_text)
    ctx.print(
        f"[{feed.id}] {feed.display_title}: folder {feed.folder or '(none)'}, "
        f"full text {policy.value} ({policy.origin_words})"
    )
    return 0


def cmd_refresh(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.ingest.refresh import RefreshProgress
    from veille.core.pipeline import refresh_all

    if ctx.offline:
        raise CommandError("--offline: refresh needs the network")
    ids = [find_feed(ctx, ref).id for ref in args.feed] or None
    bar = ProgressBar("refreshing")

    def progress(p: RefreshProgress) -> None:
        bar.update(p.done, p.total, f"feeds, {p.new_items} new" if p.new_items else "feeds")

    try:
        report, fetched = asyncio.run(
            refresh_all(
                ctx.library,
                ctx.settings,
                ctx.usable_cache("full texts are not fetched"),
                ids,
                force=args.force,
                on_progress=progress,
            )
        )
    finally:
        bar.close()
    titles = {f.id: f.display_title for f in ctx.library.feeds(counts=False)}
    if args.json:
        ctx.print_json(
            {
                "feeds": report.feeds,
                "new_items": report.new_items,
                "updated_items": report.updated_items,
                "not_modified": report.not_modified,
                "skipped": report.skipped,
                "elapsed": round(report.elapsed, 3),
                "errors": [
                    {"feed_id": k, "feed": titles.get(k, ""), "error": v}
                    for k, v in sorted(report.errors.items())
                ],
                "timed_out": [
                    {"feed_id": k, "feed": titles.get(k, ""), "error": v}
                    for k, v in sorted(report.timed_out.items())
                ],
                "postponed": [
                    {"feed_id": k, "feed": titles.get(k, ""), "reason": v}
                    for k, v in sorted(report.postponed.items())
                ],
                "moved": [
                    {"feed_id": k, "to": redact_url(v)} for k, v in sorted(report.moved.items())
                ],
                "full_texts": fetched.fetched if fetched else 0,
                "full_text": {
                    "fetched": fetched.fetched if fetched else 0,
                    "failed": len(fetched.errors) if fetched else 0,
                    "postponed": fetched.postponed if fetched else 0,
                    "elapsed": round(report.prefetch_elapsed, 3),
                },
            }
        )
    else:
        ctx.print(
            f"{report.feeds} feeds refreshed in {report.elapsed:.1f} s: "
            f"{report.new_items} new items, {report.not_modified} unchanged, "
            f"{len(report.errors)} failed"
            + (f" ({len(report.timed_out)} timed out)" if report.timed_out else "")
            + (f", {len(report.postponed)} postponed" if report.postponed else "")
            + (f", {report.skipped} resting after failures" if report.skipped else "")
        )
        for feed_id, error in sorted(report.errors.items()):
            ctx.print(f"  [{feed_id}] {titles.get(feed_id, '')}: {error}")
        for feed_id, reason in sorted(report.postponed.items()):
            ctx.print(f"  [{feed_id}] {titles.get(feed_id, '')}: {reason}")
        for feed_id, url in sorted(report.moved.items()):
            ctx.print(
                f"  [{feed_id}] {titles.get(feed_id, '')} moved permanently to {redact_url(url)}"
            )
        if fetched and (fetched.fetched or fetched.errors or fetched.postponed):
            ctx.print(
                f"full text: {fetched.fetched} articles kept for offline reading, "
                f"{len(fetched.errors)} could not be fetched"
                + (f", {fetched.postponed} postponed" if fetched.postponed else "")
                + f" ({report.prefetch_elapsed:.1f} s of the {report.elapsed:.1f})"
            )
        if report.offline:
            ctx.print("the network seems to be down: everything in the library still reads")
        _warn_cleartext(ctx)
    return 0 if not report.errors or len(report.errors) < report.feeds else 1
