"""Terminal graphics for the reader's pictures: which way a terminal can show them, and the
escape sequences of each (Kitty's graphics protocol, Sixel, iTerm2's inline images).

Half blocks (`veille.tui.pictures.half_blocks`) work in every colour terminal and stay the
default: a picture is drawn with a graphics protocol only when the user asks for one
(`images = "kitty"`…) or when the terminal is known to have it (`detect`). Under tmux or
screen the protocols need a passthrough that is often off, so there it is half blocks unless
forced.
"""

from __future__ import annotations

from typing import Literal

from veille.core.settings import PictureMode

Kind = Literal["kitty", "sixel", "iterm", "halfblock"]
KINDS: tuple[Kind, ...] = ("kitty", "sixel", "iterm", "halfblock")


def choose(mode: PictureMode, detected: Kind) -> Kind | None:
    """How pictures are drawn for the setting `mode`, on a terminal found to have `detected`;
    None: not at all."""
    if mode == "off":
        return None
    if mode == "auto":
        return detected
    return mode
