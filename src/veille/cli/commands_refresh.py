"""Refreshing: `veille refresh`, and how its report is told (text or JSON)."""

from __future__ import annotations

import argparse
import gc
from typing import TYPE_CHECKING, Any

from veille.cli.commands_feeds import warn_cleartext
from veille.cli.context import CommandError, Context
from veille.cli.progress import ProgressBar
from veille.core.errors import failure_words
from veille.core.redact import redact_url
from veille.core.translations import _, ngettext

if TYPE_CHECKING:
    from veille.core import PrefetchReport, Refreshed, RefreshProgress, RefreshReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    collect_less_often()
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
        warn_cleartext(ctx)
    report = done.report
    return 0 if not report.errors or len(report.errors) < report.feeds else 1


# Container objects allocated (net) between two collections of the youngest generation.
YOUNG_THRESHOLD = 20_000


def collect_less_often() -> None:
    """Spare the refresh most of the garbage collector's passes over its objects.

    A cold refresh makes objects by the hundred thousand (requests, parsed items coming back from
    the parser processes, rows) and keeps few of them: with the default threshold of 700 the
    collector runs hundreds of times, walking objects that their reference counts are about to
    free anyway. What start-up made (modules, settings, the library) is frozen out of the
    collector's sight; the parser processes, forked later, inherit both. Cycles are still
    collected, only later.
    """
    gc.freeze()
    young, middle, oldest = gc.get_threshold()
    gc.set_threshold(max(YOUNG_THRESHOLD, young), middle, oldest)


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


def print_feeds(ctx: Context, report: RefreshReport, titles: dict[int, str]) -> None:
    failed = len(report.errors)
    counts = [
        ngettext(
            "{n} feed refreshed in {elapsed:.1f} s", "{n} feeds refreshed in {elapsed:.1f} s",
            report.feeds,
        ).format(n=report.feeds, elapsed=report.elapsed),
        ngettext("{n} new item", "{n} new items", report.new_items).format(n=report.new_items),
        ngettext("{n} unchanged", "{n} unchanged", report.not_modified).format(
            n=report.not_modified
        ),
        ngettext("{n} failed", "{n} failed", failed).format(n=failed),
    ]  # fmt: skip
    ctx.print(
        _("{feeds}: {new_items}, {not_modified}, {failed}").format(
            feeds=counts[0], new_items=counts[1], not_modified=counts[2], failed=counts[3]
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
        ctx.print(
            _("  [{id}] {title}: {error}").format(
                id=feed_id, title=titles.get(feed_id, ""), error=failure_words(error)
            )
        )
    for feed_id, reason in sorted(report.postponed.items()):
        ctx.print(
            _("  [{id}] {title}: {error}").format(
                id=feed_id, title=titles.get(feed_id, ""), error=failure_words(reason)
            )
        )
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
                _("  watch {name}: the alert failed: {problem}").format(
                    name=name, problem=failure_words(problem)
                )
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
