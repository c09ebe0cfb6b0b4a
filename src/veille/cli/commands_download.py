"""download: an attachment (an episode, a video, a PDF) into the downloads folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from veille.cli.context import Context
from veille.core.redact import redact_url
from veille.core.translations import _

_MIB = 1024 * 1024


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "download",
        help=_("download an attachment (an episode, a video) into the downloads folder"),
        description=_(
            "Download the file at URL, streamed to disk within download_max_bytes (config.toml), under the name the server gives it or its address's; a file already there is never replaced."
        ),
    )
    p.add_argument("url")
    p.add_argument("--to", type=Path, metavar="FOLDER", help=_("download into FOLDER instead"))
    p.set_defaults(func=cmd_download)


def progress_line(received: int, total: int) -> str:
    if total:
        return _("{received:.1f} of {total:.1f} MiB ({percent}%)").format(
            received=received / _MIB, total=total / _MIB, percent=received * 100 // total
        )
    return _("{received:.1f} MiB").format(received=received / _MIB)


def cmd_download(ctx: Context, args: argparse.Namespace) -> int:
    shown = ctx.err.isatty()  # on a terminal, one line kept up to date; never in cron mail

    def told(received: int, total: int) -> None:
        if shown:
            ctx.err.write("\r\x1b[K" + progress_line(received, total))
            ctx.err.flush()

    try:
        path = ctx.veille.download(args.url, args.to, on_progress=told)
    finally:
        if shown:
            ctx.err.write("\r\x1b[K")
    ctx.print(_("downloaded {url} to {path}").format(url=redact_url(args.url), path=path))
    return 0
