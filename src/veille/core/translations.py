"""The words veille shows, in the user's language.

Every user-visible string goes through `_` (or `ngettext` where a count decides the form), with
the English text as the message id; `N_` marks a string whose translation is looked up later,
where it is shown (a key's description in a class-level table, say). The catalogues are gettext
`.mo` files under `veille/locale/`, compiled from the `.po` files beside them with Babel.

The language is process-wide on purpose: a terminal program speaks one language, and the list
rendering calls `_` on every row, so a lookup is one dict lookup. It is chosen
by `lang` in config.toml, else by the locale's environment variables, else English; nothing here
calls `setlocale`.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "choose_language",
    "current_language",
    "language_from_environment",
    "ngettext",
    "use_language",
]

DOMAIN = "veille"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("en", "fr")
"""The languages veille speaks; English is the message ids themselves."""

_ENGLISH = gettext.NullTranslations()
_messages: dict[str, str] = {}  # the catalogue's singular messages: one dict lookup per `_`
_ngettext = _ENGLISH.ngettext
_language = "en"


def _(message: str) -> str:
    """The translation of `message` in the user's language."""
    return _messages.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count `n` in the user's language (« 1 élément », « 2
    éléments »; French says « 0 élément »)."""
    return _ngettext(singular, plural, n)


def N_(message: str) -> str:
    """`message` unchanged, marked for the catalogue: it is translated where it is shown."""
    return message


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return _ENGLISH
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:
        return _ENGLISH  # a damaged install still speaks English rather than failing


@cache
def _singular(catalogue: gettext.NullTranslations) -> dict[str, str]:
    # GNUTranslations keeps singular messages under their id and plural forms under (id, n).
    found: dict[object, str] = getattr(catalogue, "_catalog", {})
    return {key: text for key, text in found.items() if isinstance(key, str) and key}


def use_language(language: str) -> None:
    """Speak `language` ("en" or "fr") from now on, in every thread."""
    global _messages, _ngettext, _language
    if language not in LANGUAGES:
        language = "en"
    catalogue = _catalogue(language)
    _messages, _ngettext, _language = _singular(catalogue), catalogue.ngettext, language


def current_language() -> str:
    return _language


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for: LC_ALL, else LC_MESSAGES, else LANG decide the locale
    (POSIX order); under a locale other than C, LANGUAGE may list preferences ("fr:en").
    Anything veille does not speak is English."""
    env = os.environ if environ is None else environ
    locale = next((env[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(v)), "")
    if _code(locale) in ("", "c", "posix"):
        return "en"
    for wanted in env.get("LANGUAGE", "").split(":"):
        if _code(wanted) in LANGUAGES:
            return _code(wanted)
    code = _code(locale)
    return code if code in LANGUAGES else "en"


def _code(locale: str) -> str:
    """ "fr_FR.UTF-8@euro" → "fr"."""
    return locale.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].split("-", 1)[0].lower()


def choose_language(setting: str = "", environ: Mapping[str, str] | None = None) -> str:
    """`setting` (config.toml's `lang`, empty when unset) if given, else the locale's."""
    return setting if setting in LANGUAGES else language_from_environment(environ)
