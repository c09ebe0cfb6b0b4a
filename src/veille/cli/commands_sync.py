"""Sync accounts and syncing: `veille account add|list|remove`, `veille sync [status]`."""

from __future__ import annotations

import argparse
import getpass
import sys

from veille.cli.context import CommandError, Context
from veille.core.translations import _, ngettext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("account", help=_("FreshRSS and Miniflux accounts to sync with"))
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser(
        "add",
        help=_("add an account (the API password is asked for, or read from standard input)"),
        description=_(
            "FreshRSS wants its API password (set in the FreshRSS profile), not the web "
            "password. URL is the server's address (FreshRSS: its site, or …/api/greader.php)."
        ),
    )
    add.add_argument("name")
    add.add_argument("--kind", choices=["freshrss", "miniflux"], required=True)
    add.add_argument("--url", required=True)
    add.add_argument("--user", required=True)
    add.add_argument(
        "--password-command", default="", help=_("a command that prints the API password")
    )
    add.set_defaults(func=cmd_account_add)
    verbs.add_parser("list", help=_("list the accounts")).set_defaults(func=cmd_account_list)
    remove = verbs.add_parser("remove", help=_("forget an account and its password"))
    remove.add_argument("name")
    remove.set_defaults(func=cmd_account_remove)

    p = sub.add_parser(
        "sync",
        help=_("sync read marks, stars, tags and subscriptions with your accounts"),
        description=_("veille sync [NAME]: sync every account, or NAME; veille sync status"),
    )
    p.add_argument("name", nargs="?", help=_("an account, or `status`"))
    p.add_argument(
        "--dry-run", action="store_true", help=_("say what would change, change nothing")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sync)


def _password(ctx: Context) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(_("API password: "))
    return sys.stdin.readline().rstrip("\r\n")


def cmd_account_add(ctx: Context, args: argparse.Namespace) -> int:
    password = "" if args.password_command else _password(ctx)
    if not password and not args.password_command:
        raise CommandError(_("no password given (nothing was added)"))
    shown = ctx.veille.add_account(
        args.name, args.kind, args.url, args.user,
        password=password, password_command=args.password_command,
    )  # fmt: skip
    ctx.print(_("Added account {name} ({url})").format(name=shown["name"], url=shown["url"]))
    return 0


def cmd_account_list(ctx: Context, args: argparse.Namespace) -> int:
    accounts = ctx.veille.accounts()
    if not accounts:
        ctx.warn(_("No account yet: add one with `veille account add`"))
    for account in accounts:
        ctx.print(_("{name}\t{kind}\t{url}\tuser: {user}\tpassword: {password}").format(**account))
    return 0


def cmd_account_remove(ctx: Context, args: argparse.Namespace) -> int:
    ctx.veille.remove_account(args.name)
    ctx.print(_("Removed account {name}").format(name=args.name))
    return 0


def _kind(kind: str) -> str:
    words = {
        "read": _("marked read"), "unread": _("marked unread"), "star": _("starred"),
        "unstar": _("unstarred"), "tag": _("tags added"), "untag": _("tags removed"),
        "new items": _("new items"), "gone": _("purged or gone"), "matched": _("matched"),
        "inserted": _("inserted"), "to push": _("to push"), "unconfirmed": _("unconfirmed"),
        "label deleted": _("labels deleted"), "linked": _("linked"), "added here": _("added here"),
        "subscribed on the server": _("subscribed on the server"),
        "unsubscribed on the server": _("unsubscribed on the server"),
        "left the server": _("left the server"), "moved on the server": _("moved on the server"),
        "moved here": _("moved here"), "renamed on the server": _("renamed on the server"),
        "renamed here": _("renamed here"), "kept local": _("kept local"),
    }  # fmt: skip
    return words.get(kind, kind)


def _counts(counts: dict[str, int]) -> str:
    parts = [f"{_kind(kind)} {n:,}" for kind, n in sorted(counts.items()) if n]
    return ", ".join(parts) or _("nothing")


def cmd_sync(ctx: Context, args: argparse.Namespace) -> int:
    if args.name == "status":
        return _status(ctx, args)
    reports = ctx.veille.sync(args.name, dry_run=args.dry_run)
    if args.json:
        ctx.print_json([r.as_dict() for r in reports])
        return 0
    if not reports:
        ctx.print(_("No account to sync: add one with `veille account add`"))
    for r in reports:
        head = _("{account} (dry run, nothing changed)") if r.dry_run else _("{account}")
        ctx.print(head.format(account=r.account))
        ctx.print("  " + _("to the server: {counts}").format(counts=_counts(r.pushed)))
        ctx.print("  " + _("from the server: {counts}").format(counts=_counts(r.pulled)))
        ctx.print("  " + _("subscriptions: {counts}").format(counts=_counts(r.feeds)))
        for note in r.notes:
            ctx.print("  " + note)
        ctx.print(
            "  "
            + ngettext("{count} request", "{count} requests", r.requests).format(count=r.requests)
            + _(" in {seconds:.1f} s").format(seconds=r.elapsed)
        )
    return 0


def _status(ctx: Context, args: argparse.Namespace) -> int:
    found = ctx.veille.sync_status()
    if args.json:
        ctx.print_json(found)
        return 0
    if not found:
        ctx.warn(_("No account yet: add one with `veille account add`"))
    for s in found:
        ctx.print(f"{s['name']}\t{s['kind']}\t{s['url']}")
        ctx.print("  " + _("last sync: {when}").format(when=s["last_sync"] or _("never")))
        if s["last_error"]:
            ctx.print("  " + _("last error: {error}").format(error=s["last_error"]))
        ctx.print(
            "  " + _("{feeds} feeds, {items} items synced; {pending} changes waiting").format(**s)
        )
        for note in s["notes"]:
            ctx.print("  " + note)
    return 0
