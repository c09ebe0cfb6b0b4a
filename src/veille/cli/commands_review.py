"""`veille review NAME`: this morning's press review, as config.toml's `[reviews.NAME]` says,
in one command; `--send` mails it. Without NAME, the profiles there are."""

from __future__ import annotations

import argparse
from pathlib import Path

from veille.cli.context import Context
from veille.core import FORMATS
from veille.core.translations import _, ngettext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "review",
        help=_("make (and send) a press review named in config.toml"),
        description=_(
            "Make the press review of the profile NAME ([reviews.NAME] in config.toml: its "
            "query, grouping, tag order, language, format, file and recipients). The file goes "
            "where the profile's output says, else to the reviews folder (veille locate "
            "reviews). Without NAME, list the profiles."
        ),
    )
    p.add_argument("name", nargs="?", help=_("the review profile"))
    p.add_argument("-o", "--output", type=Path, help=_("write to FILE instead"))
    p.add_argument("--format", "-f", choices=FORMATS, help=_("instead of the profile's format"))
    p.add_argument(
        "--send", action="store_true", help=_("mail it to the profile's recipients ([smtp])")
    )
    p.set_defaults(func=cmd_review)


def cmd_review(ctx: Context, args: argparse.Namespace) -> int:
    v = ctx.veille
    if not args.name:
        profiles = v.review_profiles()
        if not profiles:
            ctx.warn(_("no review profile yet: add a [reviews.NAME] table to config.toml"))
        for profile in profiles:
            where = str(v.review_path(profile.name))
            ctx.print(f"{profile.name}\t{profile.format}\t{profile.query}\t{where}")
        return 0
    if args.output:
        v.check_output(args.output)
    done = v.review(args.name, fmt=args.format, to=args.output, send=args.send)
    entries = ngettext("{count} story", "{count} stories", done.stories).format(count=done.stories)
    ctx.warn(
        _("wrote the review {name} ({entries}) to {path}").format(
            name=done.name, entries=entries, path=done.path
        )
    )
    if args.send:
        ctx.warn(_("sent it to {recipients}").format(recipients=", ".join(done.sent_to)))
    return 0
