"""The footer, fitted to the width: it shortens instead of cutting a key in half.

Textual's footer lays every shown binding on one line and cuts what does not fit, so on a
narrow terminal `R Refr▏` is all that is left of the last key, and a remapped key (which moves
to the end of the bindings) disappears. Here the keys keep the order of the screen's binding
table whatever key the user gave them, as many as fit are shown, and Help (`?`) always is:
the help screen lists every key.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_WIDTH = 13  # the command palette's key, docked at the right
ALWAYS = "help"  # the action every footer keeps


def key_width(key: FooterKey) -> int:
    """Columns `key` takes: its key and description with their padding."""
    return len(key.key_display) + len(key.description) + 3


class FittingFooter(Footer):
    """A footer that keeps the binding table's order and drops what does not fit."""

    _fitted_width = 0

    def compose(self) -> Iterator[Widget]:
        widgets = list(super().compose())
        keys = [
            w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")
        ]
        others = [w for w in widgets if w not in keys]
        order = {
            getattr(b, "action", ""): n for n, b in enumerate(getattr(self.screen, "BINDINGS", []))
        }
        keys.sort(key=lambda k: order.get(k.action, len(order)))
        # Before its first layout the footer has no width yet: it takes the screen's, which it
        # spans, and is not composed again when its first resize says the same.
        width = self.size.width or self.app.size.width
        self._fitted_width = width
        room = width - PALETTE_WIDTH
        kept_help = [k for k in keys if k.action == ALWAYS]
        room -= sum(key_width(k) for k in kept_help)
        shown: list[FooterKey] = []
        for key in keys:
            if key.action == ALWAYS:
                continue
            if key_width(key) <= room:
                shown.append(key)
                room -= key_width(key)
            else:
                room = -1  # keep the order: nothing after the first key that does not fit
        yield from shown
        yield from kept_help
        yield from others

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._fitted_width:
            self._fitted_width = event.size.width
            self.call_after_refresh(self.recompose)
