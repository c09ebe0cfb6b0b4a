"""The `veille` command: the app by default, a subcommand for everything else.

Every subcommand lives in a small module that registers itself with `register(subparsers)` and
handles `(ctx, args) -> exit status`. Errors the user can act on are `CommandError`s (and the
core's own plain-words errors), printed as one line without a traceback. Anything else is a bug:
it too gets one line, and its traceback goes to `errors.log` in the log folder, never to the
terminal.
"""

from __future__ import annotations

import argparse
import errno
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from veille import __version__

if TYPE_CHECKING:
    from veille.cli.demo_server import DemoServer
from veille.cli import (
    commands_actions,
    commands_download,
    commands_export,
    commands_feeds,
    commands_fulltext,
    commands_items,
    commands_library,
    commands_refresh,
    commands_review,
    commands_sources,
    commands_sync,
)
from veille.cli.arguments import non_utf8, query_words_last, tag_words_last
from veille.cli.context import CommandError, Context
from veille.cli.language import speak
from veille.core import Paths, Veille, VeilleError, load_settings, resolve_paths, terminal_safe
from veille.core.errors import describe_os_error, explain
from veille.core.translations import N_, _

MODULES = [
    commands_feeds,
    commands_refresh,
    commands_items,
    commands_actions,
    commands_export,
    commands_review,
    commands_fulltext,
    commands_library,
    commands_sync,
    commands_sources,
    commands_download,
]

DESCRIPTION = N_("""\
veille: a terminal news reader for keeping a veille.

Without a command, opens the reading app on your library. Every action of the app is also a
command, for scripts and cron jobs.""")

EPILOG = N_("""\
examples:
  veille --demo                      open the app on a demo library (offline)
  veille add https://example.org     subscribe (the feed is discovered from the site)
  veille import subscriptions.opml   move in from another reader
  veille refresh                     fetch every feed
  veille items "sécurité" --limit 5  search the library
  veille review matin --send         make and mail the review [reviews.matin]
""")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="veille",
        description=_(DESCRIPTION),
        epilog=_(EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"veille {__version__}",
        help=_("show the version and exit"),
    )
    parser.add_argument(
        "--home",
        metavar="DIR",
        help=_("keep config, library, cache and logs in DIR (also: $VEILLE_HOME)"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open a fresh copy of the demo library in a temporary folder"),
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help=_("read only from the library and the cache; never touch the network"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    bad = non_utf8(raw)
    if bad is not None:
        print(
            _(
                "veille: argument {bad} is not valid UTF-8 text; veille reads its arguments as UTF-8"
            ).format(bad=bad),
            file=sys.stderr,
        )
        return 2
    speak(raw)
    parser = build_parser()
    return _run(parser.parse_args(query_words_last(parser, tag_words_last(raw))))


def _run(args: argparse.Namespace) -> int:
    paths: Paths | None = None
    ctx: Context | None = None
    temporary = args.demo and not args.home  # a demo home of its own, removed on leaving
    server: DemoServer | None = None
    try:
        if args.demo:
            from veille.cli.demo import prepare_demo
            from veille.cli.demo_server import start_demo_server

            paths = prepare_demo(args.home)
            server = start_demo_server(paths.config.parent)
        else:
            paths = resolve_paths(args.home)
        settings = load_settings(paths)
        ctx = Context(Veille(paths, settings, offline=args.offline, verify_writes=True))
        try:
            if args.command is None:
                return run_app(ctx)
            status: int = args.func(ctx, args)
            sys.stdout.flush()  # a full disk under stdout is told here, not at exit
            return status
        finally:
            ctx.close()
    except (Exception, KeyboardInterrupt) as error:
        return _failed(error, paths, ctx)
    finally:
        if server is not None:
            server.stop()
        if temporary and paths is not None:
            from veille.cli.demo import remove_demo

            remove_demo(paths)


def _failed(error: BaseException, paths: Paths | None, ctx: Context | None) -> int:
    """The exit status for `error`, after one line on stderr (and a log entry for a bug)."""
    if isinstance(error, VeilleError):
        return _say(str(error), error.status)
    if isinstance(error, KeyboardInterrupt):
        print(_("veille: interrupted"), file=sys.stderr)
        return 130
    if isinstance(error, BrokenPipeError):  # `veille items | head`
        _silence_stdout()
        return 0
    if isinstance(error, (sqlite3.Error, UnicodeDecodeError)):
        opened = paths is not None and (isinstance(error, sqlite3.Error) or _library_opened(ctx))
        known = explain(error, paths.library, paths.backups) if opened and paths else None
        return _say(str(known), 1) if known is not None else _unexpected(error, paths)
    if isinstance(error, OSError):
        return _say(_os_error(error), 1)
    if isinstance(error, OverflowError):
        return _say(_("a number is too large (ids and counts go up to 9223372036854775807)"), 1)
    if isinstance(error, ValueError):
        return _say(str(error), 1)
    return _unexpected(error, paths)


def _say(text: str, status: int) -> int:
    print(_("veille: {text}").format(text=terminal_safe(text)), file=sys.stderr)
    return status


def _library_opened(ctx: Context | None) -> bool:
    return ctx is not None and ctx.veille.opened


def _os_error(error: OSError) -> str:
    if error.filename is None:
        # Only the standard streams fail without a file name here.
        _silence_stdout()
        reason = (
            _("the disk is full")
            if error.errno in (errno.ENOSPC, errno.EDQUOT)
            else (error.strerror or str(error))
        )
        return _("cannot write to standard output: {reason}").format(reason=reason)
    return describe_os_error(error, error.filename)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _unexpected(error: BaseException, paths: Paths | None) -> int:
    """The last resort: one line for the user, the traceback in the log folder only."""
    import tempfile
    import traceback

    name = type(error).__name__
    folder = paths.log if paths is not None else Path(tempfile.gettempdir())
    log = folder / "errors.log"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", errors="replace") as handle:
            handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} veille {__version__}\n")
            handle.write("".join(traceback.format_exception(error)))
    except OSError:
        return _say(_("unexpected error ({name}); it could not be logged").format(name=name), 1)
    return _say(_("unexpected error ({name}); details in {log}").format(name=name, log=log), 1)


def run_app(ctx: Context) -> int:
    from veille.tui.graphics.detect import Probe

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Piped or redirected, the app would draw into a file and wait for keys that never come.
        raise CommandError(
            _(
                "the reading app needs a terminal; name a command to use veille from a script "
                "(veille --help lists them)"
            )
        )

    # Asked now, heard once the library is open and the app imported: asking costs no time.
    probe = Probe()
    if ctx.settings.images in ("auto", "sixel"):
        probe.start()
    try:
        try:
            from veille.tui.app import make_app
        except ImportError as error:  # pragma: no cover - the app ships with veille
            raise CommandError(
                _("the reading app cannot start: {error}").format(error=error)
            ) from None
        ctx.paths.ensure()
        app = make_app(ctx.paths, ctx.settings, offline=ctx.offline)
    finally:
        terminal = probe.finish()
    app.terminal = terminal
    app.run()
    return int(app.return_code or 0)
