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
    from veille.core import (
        EffectivePolicy,
        FeedHealth,
        PrefetchReport,
        Refreshed,
        RefreshProgress,
        RefreshReport,
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "add",
        help=_("subscribe to a feed (or discover it from a site URL)"),
        description=_(
            "Subscribe to a feed. Given a web page, veille looks for its feeds (<link rel=alternate>, then common paths) and lists them."
        ),
    )
    p.add_argument("url")
    p.add_argument("--folder", default="", help=_('put the feed in FOLDER ("A/B" nests)'))
    p.add_argument("--title", default="", help=_("your own name for the feed"))
    p.add_argument(
        "--pick",
        type=count,
        metavar="N",
        help=_("when several feeds are found, subscribe to the Nth"),
    )
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help=_("unsubscribe from a feed and delete its items"))
    p.add_argument("feed", help=_("feed id or URL"))
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser(
        "import",
        help=_("import subscriptions from OPML or a newsboat urls file"),
        description=_(
            "Import an OPML file (folders kept) or a newsboat `urls` file (its first tag becomes the folder). Feeds already there are skipped; a broken file is refused whole."
        ),
    )
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the import's report as JSON")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-opml", help=_("write your subscriptions as OPML 2.0"))
    p.add_argument("-o", "--output", type=Path, help=_("write to FILE instead of standard output"))
    p.add_argument(
        "--include-secrets",
        action="store_true",
        help=_("keep passwords and keys in feed URLs (they are hidden by default)"),
    )
    p.set_defaults(func=cmd_export_opml)

    p = sub.add_parser("feeds", help=_("list feeds with their status and last error"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument("--failing", action="store_true", help=_("only feeds whose last fetch failed"))
    p.add_argument(
        "--stats",
        action="store_true",
        help=_("health: last published, items a week, failures over 30 days, mean fetch time"),
    )
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("set-feed", help=_("change a feed's folder, title or full-text policy"))
    p.add_argument("feed", help=_("feed id or URL"))
    p.add_argument("--folder")
    p.add_argument("--title")
    p.add_argument(
        "--full-text",
        choices=(*FULL_TEXT_POLICIES, "default", "inherit"),
        help=_(
            "auto: fetch the article for truncated items; always; never; default (or inherit): follow config.toml's full_text"
        ),
    )
    p.set_defaults(func=cmd_set_feed)

    p = sub.add_parser(
        "refresh",
        help=_("fetch feeds and store new items"),
        description=_(
            "Fetch every feed (or those named) concurrently, politely: conditional GET, per-host limits, back-off for failing feeds."
        ),
    )
    p.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="FEED",
        help=_("only this feed (id or URL); repeatable"),
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=_("fetch even feeds resting after failures, ignoring cached validators"),
    )
    p.add_argument(
        "--no-full-text",
        dest="full_text",
        action="store_false",
        help=_("store the new items only: fetch no article pages this time"),
    )
    p.add_argument(
        "--due",
        action="store_true",
        help=_("only the feeds whose time has come (every, ttl, max-age): for cron"),
    )
    p.add_argument("--json", action="store_true", help=_("print a JSON report"))
    p.set_defaults(func=cmd_refresh)


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    found = ctx.veille.discover(args.url)
    url, candidates = found.url, found.candidates
    if len(candidates) > 1 and args.pick is None:
        ctx.print(
            _("{n_candidates} feeds found on {url}:").format(
                n_candidates=len(candidates), url=redact_url(url)
            )
        )
        for n, c in enumerate(candidates, 1):
            ctx.print(f"  {n}. {c.title or '(untitled)'}  {redact_url(c.url)}")
        ctx.print(_("Run again with --pick N to choose one."))
        return 2
    if candidates:
        index = (args.pick or 1) - 1
        if not 0 <= index < len(candidates):
            raise CommandError(
                _("--pick must be between 1 and {n_candidates}").format(
                    n_candidates=len(candidates)
                )
            )
        url = candidates[index].url
    feed = ctx.veille.subscribe(url, title=args.title, folder=args.folder)
    ctx.print(
        _("subscribed [{id}] {url}").format(id=feed.id, url=redact_url(feed.url))
        + (_(" in {folder}").format(folder=feed.folder) if feed.folder else "")
    )
    return 0


def cmd_remove(ctx: Context, args: argparse.Namespace) -> int:
    feed = ctx.veille.remove_feed(args.feed)
    ctx.print(_("removed [{id}] {url}").format(id=feed.id, url=redact_url(feed.url)))
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
    ctx.print(
        _("imported {added} feeds ({known} already subscribed) from {file}").format(
            added=done.added, known=done.known, file=args.file
        )
    )
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
        ctx.print(
            _("no feeds") + (_(" failing") if args.failing else _("; `veille add URL` subscribes"))
        )
    _warn_cleartext(ctx)
    return 0


def _print_feed(ctx: Context, f: Feed) -> None:
    state = "gone" if f.gone else ("error" if f.failing else "ok")
    folder = f"{f.folder}/" if f.folder else ""
    ctx.print(
        _("[{id}] {folder}{display_title}  ({unread}/{total} unread)  {state}").format(
            id=f.id,
            folder=folder,
            display_title=f.display_title,
            unread=f.unread,
            total=f.total,
            state=state,
        )
    )
    ctx.print(f"     {redact_url(f.url)}")
    policy = ctx.veille.feed_policy(f)
    ctx.print(
        _("     full text: {value} ({origin_words})").format(
            value=policy.value, origin_words=policy.origin_words
        )
    )
    if f.moved_to:
        ctx.print(_("     moved permanently to {moved_to}").format(moved_to=redact_url(f.moved_to)))
    if f.failing:
        retry = (
            _(", next try {moment} UTC").format(moment=f"{f.next_retry:%Y-%m-%d %H:%M}")
            if f.next_retry
            else ""
        )
        ctx.print(
            _("     last error: {last_error} ({failures} in a row{retry})").format(
                last_error=f.last_error, failures=f.failures, retry=retry
            )
        )


def cmd_set_feed(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    own: FeedPolicy | None = args.full_text
    if args.full_text in ("default", "inherit"):
        own = ""
    feed = v.feed(args.feed)
    feed = v.set_feed(feed.id, folder=args.folder, title=args.title, policy=own)
    policy = v.feed_policy(feed)
    ctx.print(
        _("[{id}] {display_title}: folder {value}, full text {value2} ({origin_words})").format(
            id=feed.id,
            display_title=feed.display_title,
            value=feed.folder or "(none)",
            value2=policy.value,
            origin_words=policy.origin_words,
        )
    )
    return 0


def cmd_refresh(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    if ctx.offline:
        raise CommandError(_("--offline: refresh needs the network"))
    ids = [v.feed(ref).id for ref in args.feed] or None
    if args.due:
        ids = [i for i in v.due_feeds() if ids is None or i in ids]
    bar = ProgressBar(_("refreshing"))
    titles: dict[int, str] = {}

    def progress(p: RefreshProgress) -> None:
        bar.update(
            p.done,
            p.total,
            _("feeds, {new} new").format(new=p.new_items) if p.new_items else _("feeds"),
        )

    def stored(report: RefreshReport) -> None:
        # The feeds are in the library: say so now, while the articles are fetched.
        bar.close()
        bar.label = _("full text")
        titles.update({f.id: f.display_title for f in v.feeds(counts=False)})
        if not args.json:
            print_feeds(ctx, report, titles)

    def articles(done: int, total: int) -> None:
        bar.update(done, total, _("articles"))

    ctx.usable_cache(_("full texts are kept in the library only"))
    try:
        done = v.refresh(
            ids,
            force=args.force,
            on_progress=progress,
            prefetch=args.full_text,
            on_stored=stored,
            on_full_text=articles,
        )
    finally:
        bar.close()
    if args.json:
        ctx.print_json(refresh_json(done, titles))
    else:
        print_alerts(ctx, done.report)
        print_full_text(ctx, done)
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
            "kept": fetched.cached if fetched else 0,
            "paywalled": len(fetched.paywalled) if fetched else 0,
            "failed": len(fetched.errors) if fetched else 0,
            "postponed": fetched.postponed if fetched else 0,
            "refetched": fetched.refetched if fetched else 0,
            "elapsed": round(report.prefetch_elapsed, 3),
            "unreachable": [
                {"host": host, "reason": why}
                for host, why in (fetched.unreachable if fetched else {}).items()
            ],
            "failures": [
                {"item_id": k, "state": state, "reason": v}
                for state, found in (
                    ("failed", fetched.errors if fetched else {}),
                    ("paywalled", fetched.paywalled if fetched else {}),
                )
                for k, v in sorted(found.items())
            ],
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


def print_feeds(ctx: Context, report: RefreshReport, titles: dict[int, str]) -> None:
    ctx.print(
        _(
            "{feeds} feeds refreshed in {elapsed:.1f} s: {new_items} new items, {not_modified} unchanged, {n_errors} failed"
        ).format(
            feeds=report.feeds,
            elapsed=report.elapsed,
            new_items=report.new_items,
            not_modified=report.not_modified,
            n_errors=len(report.errors),
        )
        + (
            _(" ({n_timed_out} timed out)").format(n_timed_out=len(report.timed_out))
            if report.timed_out
            else ""
        )
        + (
            _(", {n_postponed} postponed").format(n_postponed=len(report.postponed))
            if report.postponed
            else ""
        )
        + (
            _(", {skipped} resting after failures").format(skipped=report.skipped)
            if report.skipped
            else ""
        )
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
        ctx.print(
            _("  [{feed_id}] {feed_id2} moved permanently to {url}").format(
                feed_id=feed_id, feed_id2=titles.get(feed_id, ""), url=redact_url(url)
            )
        )
    if report.offline:
        ctx.print(_("the network seems to be down: everything in the library still reads"))


def print_alerts(ctx: Context, report: RefreshReport) -> None:
    """What the watches' alerts did: they are sent once the feeds are stored."""
    for name, problem in sorted(report.alerts.items()):
        if problem:
            ctx.print(
                _("  watch {name}: the alert failed: {problem}").format(name=name, problem=problem)
            )
        else:
            ctx.print(_("  watch {name}: alert sent").format(name=name))


def print_full_text(ctx: Context, done: Refreshed) -> None:
    report, fetched = done.report, done.full_text
    if not fetched or not (
        fetched.fetched or fetched.errors or fetched.postponed or fetched.paywalled
    ):
        return
    ctx.print(
        _("full text: {fetched} articles kept, {paywalled} teasers only, {failed} failed").format(
            fetched=fetched.fetched, paywalled=len(fetched.paywalled), failed=len(fetched.errors)
        )
        + (_(", {n} postponed").format(n=fetched.postponed) if fetched.postponed else "")
        + _(" ({seconds:.1f} s of the {total:.1f})").format(
            seconds=report.prefetch_elapsed, total=report.elapsed
        )
    )
    print_unreachable(ctx, fetched)
    print_misses(ctx, fetched)


def print_unreachable(ctx: Context, fetched: PrefetchReport) -> None:
    for host, why in fetched.unreachable.items():
        ctx.print(_("  {host}: {why}; its other pages were not tried").format(host=host, why=why))


def print_misses(ctx: Context, fetched: PrefetchReport, limit: int = 10) -> None:
    """The first few items without their article, and why, then how many more."""
    misses = sorted({**fetched.errors, **fetched.paywalled}.items())
    for item_id, why in misses[:limit]:
        ctx.print(_("  item {id}: {why}").format(id=item_id, why=why))
    if len(misses) > limit:
        ctx.print(
            _("  … and {n} more (see `veille items is:failed` and `is:paywalled`)").format(
                n=len(misses) - limit
            )
        )
