"""The library's own housekeeping: locate, config, backup, restore, state export and import."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from pathlib import Path

from veille.cli.context import CommandError, Context
from veille.settings import DEFAULT_CONFIG


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("locate", help="print where veille keeps its files")
    p.add_argument("what", nargs="?", choices=["config", "library", "cache", "log", "all"],
                   default="all")
    p.set_defaults(func=cmd_locate)

    p = sub.add_parser("config", help="print the default config.toml, with every setting")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("backup", help="copy the library safely, even while the app runs")
    p.add_argument("file", nargs="?", type=Path,
                   help="where to write (default: the backups folder, dated)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace the library with a backup",
                       description="Check FILE is a sound veille library, keep a copy of the "
                       "current library in the backups folder, then put FILE in its place.")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("export-state", help="write all your state (feeds, marks, tags, notes, "
                       "rules, saved searches) as JSON")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument("--include-secrets", action="store_true",
                   help="keep keys and passwords in feed addresses (needed to move such feeds)")
    p.set_defaults(func=cmd_export_state)

    p = sub.add_parser("import-state", help="merge a JSON state file into the library")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import_state)


def cmd_locate(ctx: Context, args: argparse.Namespace) -> int:
    paths = {"config": ctx.paths.config, "library": ctx.paths.library,
             "cache": ctx.paths.cache, "log": ctx.paths.log}
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
    target = args.file or ctx.paths.backups / f"library-{time.strftime('%Y%m%d-%H%M%S')}.sqlite"
    ctx.library.backup(target)
    ctx.print(f"backed up to {target}")
    return 0


def _check_backup(path: Path) -> None:
    from veille.library.database import SQLITE_MAGIC
    from veille.library.schema import SCHEMA_VERSION

    try:
        head = path.read_bytes()[: len(SQLITE_MAGIC)]
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    if head != SQLITE_MAGIC:
        raise CommandError(f"{path} is not a veille library; nothing was changed")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        has_items = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('feeds', 'items')"
        ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is damaged ({error}); nothing was changed") from None
    finally:
        conn.close()
    if check != "ok" or has_items != 2 or not 0 < version <= SCHEMA_VERSION:
        raise CommandError(f"{path} is not a sound veille library; nothing was changed")


def cmd_restore(ctx: Context, args: argparse.Namespace) -> int:
    _check_backup(args.file)
    paths = ctx.paths
    if paths.library.exists():
        keep = paths.backups / f"library-before-restore-{time.strftime('%Y%m%d-%H%M%S')}.sqlite"
        ctx.library.backup(keep)
        ctx.print(f"the current library was kept as {keep}")
        ctx.close()
    tmp = paths.library.with_name(paths.library.name + ".restoring")
    shutil.copyfile(args.file, tmp)
    tmp.chmod(0o600)
    for suffix in ("-wal", "-shm"):
        Path(str(paths.library) + suffix).unlink(missing_ok=True)
    tmp.replace(paths.library)
    ctx.print(f"restored {args.file}; it is opened (and migrated if older) on next use")
    return 0


def cmd_export_state(ctx: Context, args: argparse.Namespace) -> int:
    from veille.library.portable import dumps_state

    text = dumps_state(ctx.library, include_secrets=args.include_secrets)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        args.output.chmod(0o600)  # it holds feed URLs, which may carry keys
    else:
        ctx.out.write(text)
    return 0


def cmd_import_state(ctx: Context, args: argparse.Namespace) -> int:
    from veille.library.portable import import_state

    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"cannot read {args.file}: {error}") from None
    counts = import_state(ctx.library, data)
    ctx.print(", ".join(f"{n} {k}" for k, n in counts.items()) + " imported")
    return 0
