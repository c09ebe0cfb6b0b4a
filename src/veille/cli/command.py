"""The `veille` command: the app by default, a subcommand for everything else.

Every subcommand lives in a small module that registers itself with `register(subparsers)` and
handles `(ctx, args) -> exit status`. Errors the user can act on are `CommandError`s (and the
core's own plain-words errors), printed as one line without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from veille import __version__
from veille.cli import (
    commands_actions,
    commands_export,
    commands_feeds,
    commands_fulltext,
    commands_items,
    commands_library,
)
from veille.cli.context import CommandError, Context
from veille.library import LibraryError
from veille.settings import ConfigError, load_settings, resolve_paths
from veille.text import for_terminal

MODULES = [commands_feeds, commands_items, commands_actions, commands_export,
           commands_fulltext, commands_library]

DESCRIPTION = """\
veille: a terminal news reader for keeping a veille.

Without a command, opens the reading app on your library. Every action of the app is also a
command, for scripts and cron jobs."""

EPILOG = """\
examples:
  veille --demo                      open the app on a demo library (offline)
  veille add https://example.org     subscribe (the feed is discovered from the site)
  veille import subscriptions.opml   move in from another reader
  veille refresh                     fetch every feed
  veille items "sécurité" --limit 5  search the library
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="veille",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"veille {__version__}")
    parser.add_argument(
        "--home", metavar="DIR",
        help="keep config, library, cache and logs in DIR (also: $VEILLE_HOME)",
    )
    parser.add_argument(
        "--demo", action="store_true",
        help="open a fresh copy of the demo library in a temporary folder",
    )
    parser.add_argument(
        "--offline", action="store_true",
        help="read only from the library and the cache; never touch the network",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in MODULES:
        module.register(sub)
    return parser


def _tag_words_last(argv: list[str]) -> list[str]:
    """`veille tag 12 -à-lire`: argparse would read `-à-lire` as an option, so words go after `--`.

    Only the `tag` command is rewritten, and only its words: its own options stay in front.
    """
    global_values = {"--home"}
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in global_values else 1
    if i >= len(argv) or argv[i] != "tag" or "--" in argv[i + 1:]:
        return argv
    options: list[str] = []
    words: list[str] = []
    rest = argv[i + 1:]
    j = 0
    while j < len(rest):
        token = rest[j]
        if token in ("--query", "-q") and j + 1 < len(rest):
            options += rest[j:j + 2]
            j += 2
            continue
        if token in ("-h", "--help") or token.startswith("--query="):
            options.append(token)
        else:
            words.append(token)
        j += 1
    return [*argv[:i + 1], *options, "--", *words]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_tag_words_last(list(sys.argv[1:] if argv is None else argv)))
    try:
        if args.demo:
            from veille.demo import prepare_demo

            paths = prepare_demo(args.home)
        else:
            paths = resolve_paths(args.home)
        settings = load_settings(paths)
        ctx = Context(paths=paths, settings=settings, offline=args.offline)
        try:
            if args.command is None:
                return run_app(ctx)
            status: int = args.func(ctx, args)
            return status
        finally:
            ctx.close()
    except (CommandError, LibraryError, ConfigError, ValueError) as error:
        print(f"veille: {for_terminal(str(error))}", file=sys.stderr)
        return getattr(error, "status", 1)
    except KeyboardInterrupt:
        print("veille: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `veille items | head`
        return 0


def run_app(ctx: Context) -> int:
    try:
        from veille.tui.app import make_app
    except ImportError as error:  # pragma: no cover - the app ships with veille
        raise CommandError(f"the reading app cannot start: {error}") from None
    ctx.paths.ensure()
    app = make_app(ctx.paths, ctx.settings, offline=ctx.offline)
    app.run()
    return int(app.return_code or 0)
