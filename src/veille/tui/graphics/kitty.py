"""Kitty's graphics protocol with Unicode placeholders.

The picture is sent to the terminal once, with a virtual placement of so many columns and rows;
the reader's text then holds placeholder characters (U+10EEEE with diacritics for the row and
the column) whose foreground colour names the picture. They are ordinary text cells, so the
picture scrolls, is clipped and is covered by dialogs like the text around it, and nothing is
sent again while it stays on screen.
"""

from __future__ import annotations

import base64
import itertools
import random
from functools import cache

from rich.color import Color, ColorSystem
from rich.style import Style
from rich.text import Text

PLACEHOLDER = "\U0010eeee"
_START, _END = "\x1b_G", "\x1b\\"
_CHUNK = 4096  # base64 bytes per escape sequence, as the protocol asks

# The combining marks that number rows and columns, in the protocol's order (its table of
# diacritics of class 230 with no decomposition), as ranges of code points.
_DIACRITIC_RANGES = (
    (0x305, 0x305), (0x30D, 0x30E), (0x310, 0x310), (0x312, 0x312), (0x33D, 0x33F),
    (0x346, 0x346), (0x34A, 0x34C), (0x350, 0x352), (0x357, 0x357), (0x35B, 0x35B),
    (0x363, 0x36F), (0x483, 0x487), (0x592, 0x595), (0x597, 0x599), (0x59C, 0x5A1),
    (0x5A8, 0x5A9), (0x5AB, 0x5AC), (0x5AF, 0x5AF), (0x5C4, 0x5C4), (0x610, 0x617),
    (0x657, 0x65B), (0x65D, 0x65E), (0x6D6, 0x6DC), (0x6DF, 0x6E2), (0x6E4, 0x6E4),
    (0x6E7, 0x6E8), (0x6EB, 0x6EC), (0x730, 0x730), (0x732, 0x733), (0x735, 0x736),
    (0x73A, 0x73A), (0x73D, 0x73D), (0x73F, 0x741), (0x743, 0x743), (0x745, 0x745),
    (0x747, 0x747), (0x749, 0x74A), (0x7EB, 0x7F1), (0x7F3, 0x7F3), (0x816, 0x819),
    (0x81B, 0x823), (0x825, 0x827), (0x829, 0x82D), (0x951, 0x951), (0x953, 0x954),
    (0xF82, 0xF83), (0xF86, 0xF87), (0x135D, 0x135F), (0x17DD, 0x17DD), (0x193A, 0x193A),
    (0x1A17, 0x1A17), (0x1A75, 0x1A7C), (0x1B6B, 0x1B6B), (0x1B6D, 0x1B73),
    (0x1CD0, 0x1CD2), (0x1CDA, 0x1CDB), (0x1CE0, 0x1CE0), (0x1DC0, 0x1DC1),
    (0x1DC3, 0x1DC9), (0x1DCB, 0x1DCC), (0x1DD1, 0x1DE6), (0x1DFE, 0x1DFE),
    (0x20D0, 0x20D1), (0x20D4, 0x20D7), (0x20DB, 0x20DC), (0x20E1, 0x20E1),
    (0x20E7, 0x20E7), (0x20E9, 0x20E9), (0x20F0, 0x20F0), (0x2CEF, 0x2CF1),
    (0x2DE0, 0x2DFF), (0xA66F, 0xA66F), (0xA67C, 0xA67D), (0xA6F0, 0xA6F1),
    (0xA8E0, 0xA8F1), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB3), (0xAAB7, 0xAAB8),
    (0xAABE, 0xAABF), (0xAAC1, 0xAAC1), (0xFE20, 0xFE26), (0x10A0F, 0x10A0F),
    (0x10A38, 0x10A38), (0x1D185, 0x1D189), (0x1D1AA, 0x1D1AD), (0x1D242, 0x1D244),
)  # fmt: skip
DIACRITICS = tuple(chr(code) for low, high in _DIACRITIC_RANGES for code in range(low, high + 1))
MAX_CELLS = len(DIACRITICS)  # rows or columns one placement can number

_ids = itertools.count(random.randrange(1 << 16, 1 << 23))  # two apps in one terminal rarely meet


def _xterm_rgb(index: int) -> tuple[int, int, int]:
    """The colour of `index` (16 to 255) in the usual 256-colour palette."""
    if index >= 232:
        grey = 8 + 10 * (index - 232)
        return grey, grey, grey
    index -= 16
    levels = (0, 95, 135, 175, 215, 255)
    return levels[index // 36], levels[index // 6 % 6], levels[index % 6]


@cache
def _palette_ids() -> tuple[int, ...]:
    """256-colour indices that come back to themselves from their RGB (some colours of the
    cube and of the grey ramp are the same)."""
    return tuple(
        index
        for index in range(16, 256)
        if Color.from_rgb(*_xterm_rgb(index)).downgrade(ColorSystem.EIGHT_BIT).number == index
    )


def new_id(color_system: str | None) -> int:
    """A picture id the terminal will read back from the placeholders' colour: any 24-bit
    number in true colour, else one of the 256 colours (the 16 first follow the theme)."""
    number = next(_ids)
    if color_system == "256":
        ids = _palette_ids()
        return ids[number % len(ids)]
    return number % (1 << 24) or 1


def _color(image_id: int, color_system: str | None) -> Color:
    if color_system == "256":
        return Color.from_rgb(*_xterm_rgb(image_id))
    return Color.from_rgb((image_id >> 16) & 255, (image_id >> 8) & 255, image_id & 255)


def placeholders(image_id: int, columns: int, rows: int, color_system: str | None) -> Text:
    """The picture's cells, one line per row (each ending with a newline)."""
    style = Style(color=_color(image_id, color_system))
    text = Text()
    for row in range(rows):
        mark = DIACRITICS[row]
        line = "".join(PLACEHOLDER + mark + DIACRITICS[column] for column in range(columns))
        text.append(line + "\n", style)
    return text


def transmit(png: bytes, image_id: int, columns: int, rows: int) -> str:
    """The sequences that send `png` (quietly: the terminal answers nothing the app would
    read as keys), then place it, virtually, on `columns` × `rows` cells."""
    data = base64.standard_b64encode(png).decode("ascii")
    chunks = [data[i : i + _CHUNK] for i in range(0, len(data), _CHUNK)] or [""]
    head = f"a=t,f=100,t=d,q=2,i={image_id}"
    parts = []
    for number, chunk in enumerate(chunks):
        more = int(number < len(chunks) - 1)
        keys = f"{head},m={more}" if number == 0 else f"q=2,m={more}"
        parts.append(f"{_START}{keys};{chunk}{_END}")
    parts.append(f"{_START}a=p,U=1,q=2,i={image_id},c={columns},r={rows}{_END}")
    return "".join(parts)


def through_tmux(sequence: str) -> str:
    """`sequence` wrapped for tmux to hand on to the terminal (with `allow-passthrough on`);
    the placeholders themselves are plain text, which tmux keeps in its own screen."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def delete(image_id: int) -> str:
    """The sequence that frees the picture and its placements in the terminal."""
    return f"{_START}a=d,d=I,i={image_id},q=2{_END}"
