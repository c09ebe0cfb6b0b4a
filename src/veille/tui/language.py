"""The app's words that are not in its own modules: key names, key descriptions, Textual's own.

Key descriptions live in class-level binding tables, built once at import, before the language
is chosen; they keep their English text there and are translated where they are shown (the
footer, the help screen). Textual's own words (the command palette's system commands and
prompt) are listed here for the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from textual.binding import ActiveBinding, Binding

from veille.core.translations import N_, _

# Names a reader recognises, in the help screen and the footer, for Textual's key names.
_SYMBOLS = {
    "slash": "/",
    "vertical_line": "|",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "minus": "-",
    "plus": "+",
    "equals_sign": "=",
    "comma": ",",
    "full_stop": ".",
    "colon": ":",
    "semicolon": ";",
    "asterisk": "*",
    "number_sign": "#",
    "exclamation_mark": "!",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
}
_WORDS = {
    "enter": N_("Enter"),
    "space": N_("Space"),
    "escape": N_("Esc"),
    "tab": N_("Tab"),
    "backspace": N_("Backspace"),
    "delete": N_("Del"),
    "home": N_("Home"),
    "end": N_("End"),
    "pageup": N_("PgUp"),
    "pagedown": N_("PgDn"),
    "ctrl": N_("Ctrl"),
    "shift": N_("Shift"),
    "alt": N_("Alt"),
}


def key_name(key: str) -> str:
    """One key as a reader names it: `slash` → `/`, `ctrl+s` → `Ctrl+s`, `pagedown` → `PgDn`."""
    *modifiers, last = key.split("+") if key != "plus" else ["plus"]
    named = _SYMBOLS.get(last) or (_(_WORDS[last]) if last in _WORDS else last)
    return "+".join([*(_(_WORDS.get(m, m)) for m in modifiers), named])


def key_names(keys: str) -> str:
    """A binding's keys (`j,down`) as a reader names them (`j ↓`)."""
    return " ".join(key_name(key.strip()) for key in keys.split(",") if key.strip())


def describe(binding: Binding) -> str:
    """A binding's description in the user's language."""
    link = binding.id[5:] if binding.id and binding.id.startswith("link-") else ""
    if link.isdigit():
        return _("Open link {n}").format(n=link)
    return _(binding.description)


def translated(active: Mapping[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The screen's active bindings with their descriptions in the user's language."""
    return {
        key: found._replace(binding=replace(found.binding, description=describe(found.binding)))
        for key, found in active.items()
    }


def help_rows(bindings: Iterable[object], keymap: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(keys, description, id) for each binding with an id, keys as remapped by `keymap`."""
    return [
        (key_names(keymap.get(b.id, b.key)), describe(b), b.id)
        for b in bindings
        if isinstance(b, Binding) and b.id
    ]


TEXTUAL_WORDS = (
    N_("Search for commands…"),
    N_("palette"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Keys"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Hide the keys and widget help panel"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
