"""The library's own housekeeping: locate, config, backup, restore, state export and import."""

from __future__ import annotations

import argparse
from pathlib import Path

from veille.cli.context import Context
from veille.core import DEFAULT_CONFIG
from veille.core.translations import _, ngettext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("locate", help=_("print where veille keeps its files"))
    p.add_argument(
        "what",
        nargs="?",
        choices=["config", "library", "cache", "log", "reviews", "all"],
        default="all",
    )
    p.set_defaults(func=cmd_locate)

    p = sub.add_parser("config", help=_("print the default config.toml, with every setting"))
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("backup", help=_("copy the library safely, even while the app runs"))
    p.add_argument(
        "file",
        nargs="?",
        help=_(
            "where to write: a file, or a folder for a dated copy (default: the backups folder)"
        ),
    )
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help=_("replace the library with a backup"),
        description=_(
            "Check FILE is a sound veille library, keep a copy of the current library in the backups folder, then put FILE in its place."
        ),
    )
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "export-state",
        help=_("write all your state (feeds, marks, tags, notes, rules, saved searches) as JSON"),
    )
    p.add_argument("-o", "--output", type=Path)
    p.add_argument(
        "--include-secrets",
        action="store_true",
        help=_("keep keys and passwords in feed addresses (needed to move such feeds)"),
    )
    p.set_defaults(func=cmd_export_state)

    p = sub.add_parser("import-state", help=_("merge a JSON state file into the library"))
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import_state)


def cmd_locate(ctx: Context, args: argparse.Namespace) -> int:
    paths = {
        "config": ctx.paths.config,
        "library": ctx.paths.library,
        "cache": ctx.paths.cache,
        "log": ctx.paths.log,
        "reviews": ctx.paths.reviews,
    }
    if args.what == "all":
        for name, path in paths.items():
            ctx.print(f"{name:<8} {path}")
    else:
        ctx.print(str(paths[args.what]))
    return 0


def cmd_config(ctx: Context, args: argparse.Namespace) -> int:
    ctx.out.write(DEFAULT_CONFIG)
    return 0


def cmd_backup(ctx: Context, args: argparse.Namespace) -> int:
    target = ctx.veille.backup(args.file)
    ctx.print(_("backed up to {target}").format(target=target))
    return 0


def cmd_restore(ctx: Context, args: argparse.Namespace) -> int:
    """Swap the library for a backup, only while no other veille process has it open."""
    done = ctx.veille.restore(args.file)
    if done.kept is not None:
        ctx.print(_("the current library was kept as {kept}").format(kept=done.kept))
    ctx.print(
        _("restored {file}; it is opened (and migrated if older) on next use").format(
            file=args.file
        )
    )
    return 0


def cmd_export_state(ctx: Context, args: argparse.Namespace) -> int:
    text = ctx.veille.export_state(include_secrets=args.include_secrets, to=args.output)
    if not args.output:
        ctx.write(text)
    return 0


def cmd_import_state(ctx: Context, args: argparse.Namespace) -> int:
    counts = ctx.veille.import_state(args.file)
    kinds = {
        "feeds": ngettext("{n} feed", "{n} feeds", counts.get("feeds", 0)),
        "items": ngettext("{n} item", "{n} items", counts.get("items", 0)),
        "searches": ngettext("{n} saved search", "{n} saved searches", counts.get("searches", 0)),
        "rules": ngettext("{n} rule", "{n} rules", counts.get("rules", 0)),
    }
    told = ", ".join(words.format(n=counts.get(kind, 0)) for kind, words in kinds.items())
    ctx.print(_("imported: {counts}").format(counts=told))
    return 0
