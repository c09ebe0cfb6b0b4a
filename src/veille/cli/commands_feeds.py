"""Subscribing: add, remove, import, export-opml, feeds, set-feed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veille.cli.arguments import count
from veille.cli.context import CommandError, Context
from veille.core.errors import failure_words
from veille.core.model import FULL_TEXT_POLICIES, Feed, FeedPolicy
from veille.core.redact import redact_url
from veille.core.translations import _, ngettext

if TYPE_CHECKING:
    from veille.core import EffectivePolicy, FeedHealth


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
    p.add_argument("--json", action="store_true", help=_("print the import's report as JSON"))
    p.add_argument(
        "--allow-commands",
        action="store_true",
        help=_(
            "also import the file's command feeds (exec:, filter:), which run their commands on this computer at every refresh"
        ),
    )
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
    done = ctx.veille.import_subscriptions(args.file, allow_commands=args.allow_commands)
    skipped = [{"where": w, "what": what, "why": why} for w, what, why in done.skipped]
    if args.json:
        ctx.print_json(
            {"added": done.added, "known": done.known, "searches": done.searches,
             "commands": done.commands, "refused_commands": done.refused_commands,
             "skipped": skipped}
        )  # fmt: skip
        return 0
    added = ngettext("imported {n} feed", "imported {n} feeds", done.added).format(n=done.added)
    known = ngettext("{n} already subscribed", "{n} already subscribed", done.known).format(
        n=done.known
    )
    ctx.print(_("{added} ({known}) from {file}").format(added=added, known=known, file=args.file))
    if done.searches:
        ctx.print(_("saved searches: {names}").format(names=", ".join(done.searches)))
    if done.commands:
        ctx.print(_("command feeds: {names}").format(names=", ".join(done.commands)))
    for line in skipped:
        where = _("{where}: ").format(where=line["where"]) if line["where"] else ""
        ctx.print(
            _("  not imported: {where}{what} ({why})").format(
                where=where, what=line["what"], why=line["why"]
            )
        )
    _tell_refused_commands(ctx, done.refused_commands)
    return 0


def _tell_refused_commands(ctx: Context, refused: list[str]) -> None:
    if not refused:
        return
    ctx.print(
        ngettext(
            "{n} command feed not imported: it would run a command on this computer at every refresh:",
            "{n} command feeds not imported: they would run commands on this computer at every refresh:",
            len(refused),
        ).format(n=len(refused))
    )
    for command in refused:
        ctx.print(f"  {command}")
    ctx.print(_("If you trust this file, import it again with --allow-commands."))


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


def warn_cleartext(ctx: Context) -> None:
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
    warn_cleartext(ctx)
    return 0


def _print_feed(ctx: Context, f: Feed) -> None:
    state = _("gone") if f.gone else (_("error") if f.failing else _("ok"))
    folder = f"{f.folder}/" if f.folder else ""
    ctx.print(
        ngettext(
            "[{id}] {folder}{display_title}  ({unread}/{total} unread)  {state}",
            "[{id}] {folder}{display_title}  ({unread}/{total} unread)  {state}",
            f.unread,
        ).format(
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
                last_error=failure_words(f.last_error), failures=f.failures, retry=retry
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
