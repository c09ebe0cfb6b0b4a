"""The command line's language, chosen before argparse builds its help, and argparse's own words.

`--help` is written while the parser is built, before any command runs, so the language is
decided first: `lang` in the config.toml of the home the arguments name (`--home`, else
$VEILLE_HOME, else the usual place), else the locale. A config that cannot be read does not
stop anything here; the command reports it later, in the language of the locale.

argparse looks its words up through a module-level `_` and `ngettext` (its gettext domain);
pointing those at veille's catalogue makes "usage:", "options" and its error messages speak the
same language as the rest. The strings below are argparse's own, listed for the catalogue.
"""

from __future__ import annotations

import argparse

from veille.core import VeilleError, load_settings, resolve_paths
from veille.core.translations import N_, _, choose_language, ngettext, use_language

ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unexpected option string: %s"),
)


def _argparse_plurals() -> None:  # pragma: no cover - never called: read by the extractor
    ngettext("expected %s argument", "expected %s arguments", 1)


def _home(argv: list[str]) -> str | None:
    for n, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--home" and n + 1 < len(argv):
            return argv[n + 1]
        if arg.startswith("--home="):
            return arg.split("=", 1)[1]
    return None


def speak(argv: list[str]) -> None:
    """Choose the language for a command run with `argv`, argparse's words included."""
    try:
        setting = load_settings(resolve_paths(_home(argv))).ui_lang
    except (VeilleError, OSError, ValueError):
        setting = ""
    use_language(choose_language(setting))
    # argparse reads these module globals at each call, so its words follow the language.
    setattr(argparse, "_", _)  # noqa: B010
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
