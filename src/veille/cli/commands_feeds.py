"""Subscribing and refreshing: add, remove, import, export-opml, feeds, refresh."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veille.cli.arguments import count
from veille.cli.context import CommandError, Context
from veille.cli.progress import ProgressBar
from veille.core.model import FULL_TEXT_POLICIES, Feed, FeedPolicy
from veille.core.redact import redact_url
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core import EffectivePolicy, FeedHealth, Refreshed, RefreshProgress


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
    p.add_argument("--json", action="store_true", help="print the import's report as JSON")
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
    p.add_argument(
        "--stats",
        action="store_true",
        help=_("health: last published, items a week, failures over 30 days, mean fetch time"),
    )
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
    p.add_argument(
        "--due",
        action="store_true",
        help=_("only the feeds whose time has come (every, ttl, max-age): for cron"),
    )
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(func=cmd_refresh)


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    found = ctx.veille.discover(args.url)
    url, candidates = found.url, found.candidates
    if len(candidates) > 1 and args.pick is None:
        ctx.print(f"{len(candidates)} feeds found on {redact_url(url)}:")
        for n, c in enumerate(candidates, 1):
            ctx.print(f"  {n}. {c.title or '(untitled)'}  {redact_url(c.url)}")
        ctx.print("Run again with --pick N to choose one.")
        return 2
    if candidates:
        index = (args.pick or 1) - 1
        if not 0 <= index < len(candidates):
            raise CommandError(f"--pick must be between 1 and {len(candidates)}")
        url = candidates[index].url
    feed = ctx.veille.subscribe(url, title=args.title, folder=args.folder)
    ctx.print(
        f"subscribed [{feed.id}] {redact_url(feed.url)}"
        + (f" in {feed.folder}" if feed.folder else "")
    )
    return 0


def cmd_remove(ctx: Context, args: argparse.Namespace) -> int:
    feed = ctx.veille.remove_feed(args.feed)
    ctx.print(f"removed [{feed.id}] {redact_url(feed.url)}")
    return 0


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    done = ctx.veille.import_subscriptions(args.file)
    skipped = [{"where": w, "what": what, "why": why} for w, what, why in done.skipped]
    if args.json:
        ctx.print_json(
            {"added": done.added, "known": done.known, "searches": done.searches,
             "commands": done.commands, "skipped": skipped}
        )  # fmt: skip
        return 0
    ctx.print(f"imported {done.added} feeds ({done.known} already subscribed) from {args.file}")
    if done.searches:
        ctx.print(_("saved searches: {names}").format(names=", ".join(done.searches)))
    if done.commands:
        ctx.print(_("command feeds: {names}").format(names=", ".join(done.commands)))
    for line in skipped:
        where = f"{line['where']}: " if line["where"] else ""
        ctx.print(
            _("  not imported: {where}{what} ({why})").format(
                where=where, what=line["what"], why=line["why"]
            )
        )
    return 0


def cmd_export_opml(ctx: Context, args: argparse.Namespace) -> int:
    text = ctx.veille.export_subscriptions(include_secrets=args.include_secrets, to=args.output)
    if not args.output:
        ctx.write(text)
    return 0


def feed_json(feed: Feed, policy: EffectivePolicy) -> dict[str, Any]:
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
    warning = ctx.veille.cleartext_warning()
    if warning:
        ctx.print(warning)


def cmd_feeds(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    if args.stats:
        return print_health(ctx, v.feed_health(), as_json=args.json)
    feeds = [f for f in v.feeds() if f.failing or not args.failing]
    if args.json:
        ctx.print_json([feed_json(f, v.feed_policy(f)) for f in feeds])
        return 0
    for f in feeds:
        _print_feed(ctx, f)
    if not feeds:
        ctx.print("no feeds" + (" failing" if args.failing else "; `veille add URL` subscribes"))
    _warn_cleartext(ctx)
    return 0


def _print_feed(ctx: Context, f: Feed) -> None:
    state = "gone" if f.gone else ("error" if f.failing else "ok")
    folder = f"{f.folder}/" if f.folder else ""
    ctx.print(f"[{f.id}] {folder}{f.display_title}  ({f.unread}/{f.total} unread)  {state}")
    ctx.print(f"     {redact_url(f.url)}")
    policy = ctx.veille.feed_policy(f)
    ctx.print(f"     full text: {policy.value} ({policy.origin_words})")
    if f.moved_to:
        ctx.print(f"     moved permanently to {redact_url(f.moved_to)}")
    if f.failing:
        retry = f", next try {f.next_retry:%Y-%m-%d %H:%M} UTC" if f.next_retry else ""
        ctx.print(f"     last error: {f.last_error} ({f.failures} in a row{retry})")


def cmd_set_feed(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    own: FeedPolicy | None = args.full_text
    if args.full_text in ("default", "inherit"):
        own = ""
    feed = v.feed(args.feed)
    feed = v.set_feed(feed.id, folder=args.folder, title=args.title, policy=own)
    policy = v.feed_policy(feed)
    ctx.print(
        f"[{feed.id}] {feed.display_title}: folder {feed.folder or '(none)'}, "
        f"full text {policy.value} ({policy.origin_words})"
    )
    return 0


def cmd_refresh(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    if ctx.offline:
        raise CommandError("--offline: refresh needs the network")
    ids = [v.feed(ref).id for ref in args.feed] or None
    if args.due:
        ids = [i for i in v.due_feeds() if ids is None or i in ids]
    bar = ProgressBar("refreshing")

    def progress(p: RefreshProgress) -> None:
        bar.update(p.done, p.total, f"feeds, {p.new_items} new" if p.new_items else "feeds")

    ctx.usable_cache("full texts are not fetched")
    try:
        done = v.refresh(ids, force=args.force, on_progress=progress)
    finally:
        bar.close()
    titles = {f.id: f.display_title for f in v.feeds(counts=False)}
    if args.json:
        ctx.print_json(refresh_json(done, titles))
    else:
        print_refresh(ctx, done, titles)
        _warn_cleartext(ctx)
    report = done.report
    return 0 if not report.errors or len(report.errors) < report.feeds else 1


def refresh_json(done: Refreshed, titles: dict[int, str]) -> dict[str, Any]:
    report, fetched = done.report, done.full_text

    def listed(found: dict[int, str], key: str = "error") -> list[dict[str, Any]]:
        return [{"feed_id": k, "feed": titles.get(k, ""), key: v} for k, v in sorted(found.items())]

    return {
        "feeds": report.feeds,
        "new_items": report.new_items,
        "updated_items": report.updated_items,
        "not_modified": report.not_modified,
        "skipped": report.skipped,
        "elapsed": round(report.elapsed, 3),
        "errors": listed(report.errors),
        "timed_out": listed(report.timed_out),
        "postponed": listed(report.postponed, "reason"),
        "moved": [
            {"feed_id": k, "to": redact_url(v), "adopted": k in report.adopted}
            for k, v in sorted(report.moved.items())
        ],
        "full_texts": fetched.fetched if fetched else 0,
        "full_text": {
            "fetched": fetched.fetched if fetched else 0,
            "failed": len(fetched.errors) if fetched else 0,
            "postponed": fetched.postponed if fetched else 0,
            "elapsed": round(report.prefetch_elapsed, 3),
        },
    }


def print_health(ctx: Context, rows: list[FeedHealth], *, as_json: bool) -> int:
    if as_json:
        ctx.print_json(
            [
                {"id": r.feed_id, "title": r.title, "per_week": round(r.per_week, 2),
                 "last_published": r.last_published.isoformat() if r.last_published else None,
                 "fetches_30d": r.fetches, "failures_30d": r.failures,
                 "mean_seconds": round(r.mean_seconds, 3) if r.mean_seconds is not None else None}
                for r in rows
            ]
        )  # fmt: skip
        return 0
    for r in rows:
        last = f"{r.last_published:%Y-%m-%d}" if r.last_published else _("never")
        mean = f"{r.mean_seconds:.2f} s" if r.mean_seconds is not None else "–"
        ctx.print(f"[{r.feed_id}] {r.title}")
        ctx.print(
            _(
                "     last published {last}, {per_week:.1f} items a week, "
                "{failures} failures in {fetches} fetches over 30 days, {mean} a fetch"
            ).format(
                last=last, per_week=r.per_week, failures=r.failures, fetches=r.fetches, mean=mean
            )
        )
    return 0


def print_refresh(ctx: Context, done: Refreshed, titles: dict[int, str]) -> None:
    report, fetched = done.report, done.full_text
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
        if feed_id in report.adopted:
            ctx.print(
                _("  [{id}] {title} moved permanently: now followed at {url}").format(
                    id=feed_id, title=titles.get(feed_id, ""), url=redact_url(url)
                )
            )
            continue
        ctx.print(f"  [{feed_id}] {titles.get(feed_id, '')} moved permanently to {redact_url(url)}")
    for name, problem in sorted(report.alerts.items()):
        if problem:
            ctx.print(
                _("  watch {name}: the alert failed: {problem}").format(name=name, problem=problem)
            )
        else:
            ctx.print(_("  watch {name}: alert sent").format(name=name))
    if fetched and (fetched.fetched or fetched.errors or fetched.postponed):
        ctx.print(
            f"full text: {fetched.fetched} articles kept for offline reading, "
            f"{len(fetched.errors)} could not be fetched"
            + (f", {fetched.postponed} postponed" if fetched.postponed else "")
            + f" ({report.prefetch_elapsed:.1f} s of the {report.elapsed:.1f})"
        )
    if report.offline:
        ctx.print("the network seems to be down: everything in the library still reads")
