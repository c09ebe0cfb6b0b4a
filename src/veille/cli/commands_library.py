"""The library's own housekeeping: locate, config, backup, restore, state export and import."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from pathlib import Path

from veille.cli.context import CommandError, Context
from veille.core.outfile import check_target, write_output, write_with
from veille.core.settings import DEFAULT_CONFIG, Paths


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("locate", help="print where veille keeps its files")
    p.add_argument(
        "what", nargs="?", choices=["config", "library", "cache", "log", "all"], default="all"
    )
    p.set_defaults(func=cmd_locate)

    p = sub.add_parser("config", help="print the default config.toml, with every setting")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("backup", help="copy the library safely, even while the app runs")
    p.add_argument(
        "file",
        nargs="?",
        help="where to write: a file, or a folder for a dated copy (default: the backups folder)",
    )
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="replace the library with a backup",
        description="Check FILE is a sound veille library, keep a copy of the "
        "current library in the backups folder, then put FILE in its place.",
    )
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "export-state",
        help="write all your state (feeds, marks, tags, notes, rules, saved searches) as JSON",
    )
    p.add_argument("-o", "--output", type=Path)
    p.add_argument(
        "--include-secrets",
        action="store_true",
        help="keep keys and passwords in feed addresses (needed to move such feeds)",
    )
    p.set_defaults(func=cmd_export_state)

    p = sub.add_parser("import-state", help="merge a JSON state file into the library")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import_state)


def cmd_locate(ctx: Context, args: argparse.Namespace) -> int:
    paths = {
        "config": ctx.paths.config,
        "library": ctx.paths.library,
        "cache": ctx.paths.cache,
        "log": ctx.paths.log,
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
    db = ctx.library.db
    if args.file is None:
        # Only the backups folder of veille's own is created; a folder the user names must exist.
        ctx.paths.backups.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = db.backup_into(ctx.paths.backups, "library")
    elif not args.file.strip():
        raise CommandError(
            "the backup file name is empty; give a file, or nothing for the backups folder"
        )
    else:
        named = Path(args.file).expanduser()
        if named.is_dir():  # as `cp`: a folder receives a dated copy
            target = db.backup_into(named, "library")
        else:
            db.backup_to(named)
            target = named
    ctx.print(f"backed up to {target}")
    return 0


def cmd_restore(ctx: Context, args: argparse.Namespace) -> int:
    """Swap the library for a backup, only while no other veille process has it open.

    The current library is kept first: as a checked backup if it is sound, else byte for byte
    as `library-damaged-….sqlite` (never taken for a good backup), since a damaged library is
    what one restores over and may still hold something worth salvaging.
    """
    from veille.core.library import check_library_file, exclusive, forget_damage

    check_library_file(args.file, restoring=True)
    paths = ctx.paths
    ctx.close()  # this process's own lease would be in the way
    paths.ensure()
    with exclusive(paths.library):
        if paths.library.exists():
            keep = _keep_current(paths)
            ctx.print(f"the current library was kept as {keep}")

        def fill(tmp: Path) -> None:
            shutil.copyfile(args.file, tmp)

        write_with(paths.library, fill, private=True)
        for suffix in ("-wal", "-shm"):
            Path(str(paths.library) + suffix).unlink(missing_ok=True)
        forget_damage(paths.library)
    ctx.print(f"restored {args.file}; it is opened (and migrated if older) on next use")
    return 0


def _keep_current(paths: Paths) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    source = sqlite3.connect(f"{paths.library.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            sound = source.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            sound = False

        def fill(tmp: Path) -> None:
            if sound:
                dest = sqlite3.connect(tmp)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            else:
                shutil.copyfile(paths.library, tmp)

        prefix = "library-before-restore" if sound else "library-damaged"
        n = 1
        while True:
            keep = paths.backups / f"{prefix}-{stamp}{'' if n == 1 else f'-{n}'}.sqlite"
            n += 1
            if keep.exists():
                continue
            try:
                write_with(keep, fill, private=True, replace=False)
            except FileExistsError:
                continue
            return keep
    finally:
        source.close()


def cmd_export_state(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.library import dumps_state

    if args.output:
        check_target(args.output)
    text = dumps_state(ctx.library, include_secrets=args.include_secrets)
    if args.output:
        write_output(args.output, text, private=True)  # feed URLs may carry keys
    else:
        ctx.write(text)
    return 0


def cmd_import_state(ctx: Context, args: argparse.Namespace) -> int:
    from veille.core.library import import_state

    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except RecursionError:
        raise CommandError(
            f"{args.file} is nested too deeply to be a state file; nothing was imported"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"cannot read {args.file}: {error}") from None
    try:
        counts = import_state(ctx.library, data)
    except RecursionError:
        raise CommandError(
            f"{args.file} is nested too deeply to be a state file; nothing was imported"
        ) from None
    ctx.print(", ".join(f"{n} {k}" for k, n in counts.items()) + " imported")
    return 0
