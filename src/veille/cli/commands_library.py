"""The library's own housekeeping: locate, config."""

from __future__ import annotations

import argparse

from veille.cli.context import Context
from veille.settings import DEFAULT_CONFIG


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("locate", help="print where veille keeps its files")
    p.add_argument("what", nargs="?", choices=["config", "library", "cache", "log", "all"],
                   default="all")
    p.set_defaults(func=cmd_locate)

    p = sub.add_parser("config", help="print the default config.toml, with every setting")
    p.set_defaults(func=cmd_config)


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
