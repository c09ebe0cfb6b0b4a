"""The command line's words before argparse sees them, and the number types it checks.

Two things argparse gets wrong for veille: a query word that begins with `-` (`veille items
-sport`, the documented way to exclude a word) looks like an unknown option to it, and a number
too large for SQLite (`veille star 99999999999999999999`) passes as an int, to fail deep inside
with an `OverflowError`.
"""

from __future__ import annotations

import argparse

from veille.core.model import LARGEST_ID
from veille.core.translations import _

GLOBAL_VALUES = {"--home"}
QUERY_COMMANDS = {"items", "export", "fulltext"}


def item_id(text: str) -> int:
    """An item or feed id: a whole number SQLite can hold."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not an id (a whole number)").format(text=text)
        ) from None
    if not 0 < value <= LARGEST_ID:
        raise argparse.ArgumentTypeError(
            _("{text} is not an id (ids are 1 to {LARGEST_ID})").format(
                text=text, LARGEST_ID=LARGEST_ID
            )
        )
    return value


def count(text: str) -> int:
    """A count such as `--limit`: 0 or more; larger than any library means all of it."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a whole number").format(text=text)
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("{text} is below 0").format(text=text))
    return min(value, LARGEST_ID)


def non_utf8(argv: list[str]) -> int | None:
    """The position (from 1) of the first argument that is not valid UTF-8, if any.

    Python hands such bytes over as lone surrogates, which no part of veille can store or print.
    """
    for n, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return n
    return None


def _command_index(argv: list[str]) -> int:
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in GLOBAL_VALUES else 1
    return i


def tag_words_last(argv: list[str]) -> list[str]:
    """`veille tag 12 -à-lire`: argparse would read `-à-lire` as an option, so words go after `--`.

    Only the `tag` command is rewritten, and only its words: its own options stay in front.
    """
    i = _command_index(argv)
    if i >= len(argv) or argv[i] != "tag" or "--" in argv[i + 1 :]:
        return argv
    options: list[str] = []
    words: list[str] = []
    rest = argv[i + 1 :]
    j = 0
    while j < len(rest):
        token = rest[j]
        if token in ("--query", "-q") and j + 1 < len(rest):
            options += rest[j : j + 2]
            j += 2
            continue
        if token in ("-h", "--help") or token.startswith("--query="):
            options.append(token)
        else:
            words.append(token)
        j += 1
    return [*argv[: i + 1], *options, "--", *words]


def query_words_last(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """For the commands that take a query, a `-word` that is none of their options is a word.

    The command's own options (exactly, as `--opt=value`, or as an unambiguous prefix of a long
    one, as argparse allows) stay in front with their values; every other word goes after `--`
    in its original order. Nothing changes unless such a word is there.
    """
    i = _command_index(argv)
    if i >= len(argv) or argv[i] not in QUERY_COMMANDS or "--" in argv[i + 1 :]:
        return argv
    sub = _subparser(parser, argv[i])
    if sub is None:
        return argv
    actions = sub._option_string_actions
    longs = [name for name in actions if name.startswith("--")]
    options: list[str] = []
    words: list[str] = []
    moved = False
    rest = argv[i + 1 :]
    j = 0
    while j < len(rest):
        token = rest[j]
        name = _option_name(token, actions, longs)
        if name is None:
            if token.startswith("-") and len(token) > 1:
                moved = True
            words.append(token)
            j += 1
            continue
        options.append(token)
        takes_value = (
            actions[name].nargs != 0
            and "=" not in token
            and (token == name or token.startswith("--"))
        )
        if takes_value and j + 1 < len(rest):
            options.append(rest[j + 1])
            j += 1
        j += 1
    if not moved:
        return argv
    return [*argv[: i + 1], *options, "--", *words]


def _option_name(token: str, actions: dict[str, argparse.Action], longs: list[str]) -> str | None:
    if not token.startswith("-") or token == "-":
        return None
    if token in actions:
        return token
    head = token.split("=", 1)[0]
    if token.startswith("--"):
        if head in actions:
            return head
        matches = [name for name in longs if name.startswith(head)]
        return matches[0] if len(matches) == 1 else None
    # `-fmd` is `-f md` to argparse: a short option with its value attached.
    short = token[:2]
    if short in actions and actions[short].nargs != 0:
        return short
    return None


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found = action.choices.get(name)
            return found if isinstance(found, argparse.ArgumentParser) else None
    return None
