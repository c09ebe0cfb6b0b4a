"""`[keys]` of config.toml checked like the rest of it: an id no key has, or two verbs of the
main screen given the same key, is told with its line before the app takes the screen.

A key given twice would make one verb silently win (`star` and `note` both on `x`: `x` only
stars), and a misspelt id would be ignored; either leaves the user guessing.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen

from veille.core.settings import ConfigError
from veille.core.translations import _
from veille.tui.keys import MAIN_BINDINGS


def _screens(base: type[Screen[object]]) -> list[type[Screen[object]]]:
    found = []
    for sub in base.__subclasses__():
        if sub.__module__.startswith("veille.tui"):
            found.append(sub)
        found.extend(_screens(sub))
    return found


def known_ids() -> set[str]:
    """Every binding id of the app's screens (the main screen's and its dialogs')."""
    ids = {b.id for b in MAIN_BINDINGS if isinstance(b, Binding) and b.id}
    for screen in _screens(Screen):
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def _keys(text: str) -> list[str]:
    return [k.strip() for k in text.split(",") if k.strip()]


def _where(binding_id: str, lines: dict[str, int]) -> str:
    line = lines.get(binding_id)
    return f"keys.{binding_id} (line {line})" if line else f"keys.{binding_id}"


def check_keymap(keymap: dict[str, str], lines: dict[str, int]) -> None:
    """Raise `ConfigError` for an unknown id or a key two verbs of the main screen share."""
    known = known_ids()
    for binding_id in keymap:
        if binding_id not in known:
            raise ConfigError(
                _(
                    "config.toml: {where}: no key has this id (the help screen, ?, lists them)"
                ).format(where=_where(binding_id, lines))
            )
    owner: dict[str, str] = {}
    for binding in MAIN_BINDINGS:
        if not isinstance(binding, Binding) or not binding.id:
            continue
        for key in _keys(keymap.get(binding.id, binding.key)):
            other = owner.setdefault(key, binding.id)
            if other == binding.id:
                continue
            # Name the entry the user wrote; if both are theirs, the later line.
            mine = binding.id if binding.id in keymap else other
            if other in keymap and binding.id in keymap:
                mine = max((other, binding.id), key=lambda i: lines.get(i, 0))
            theirs = other if mine == binding.id else binding.id
            raise ConfigError(
                _("config.toml: {where}: {key} is already the key of {other}").format(
                    where=_where(mine, lines), key=key, other=theirs
                )
            )
