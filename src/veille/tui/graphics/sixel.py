"""Sixel: a picture as bands six pixels high, each a run of characters per colour.

The picture is reduced to at most `COLOURS` colours (Pillow's median cut, no dithering: flat runs
compress), then each band is written colour by colour over the same six pixel rows. Unset
pixels are left transparent (P2 = 1), so what was under them shows through instead of being
painted over. The bit arithmetic is done on whole rows at once (`bytes.translate` and big
integers), which keeps a reader-wide picture to a few tens of milliseconds in pure Python.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

COLOURS = 128
_RUN = re.compile(rb"(.)\1{3,}")  # four or more of one character: "!count" is shorter


@cache
def _only(index: int) -> bytes:
    """A translation table that keeps pixels of colour `index` as 1 and the others as 0."""
    table = bytearray(256)
    table[index] = 1
    return bytes(table)


def _runs(found: re.Match[bytes]) -> bytes:
    run = found.group()
    return b"!%d%c" % (len(run), run[0])


def quantized(picture: Image) -> Image:
    """`picture` with a palette of at most `COLOURS` colours (mode "P")."""
    from PIL import Image as Pillow

    return picture.convert("RGB").quantize(
        COLOURS, method=Pillow.Quantize.MEDIANCUT, dither=Pillow.Dither.NONE
    )


def encode(picture: Image) -> str:
    """The Sixel sequence drawing `picture` (mode "P", from `quantized`) at the cursor."""
    width, height = picture.size
    pixels = picture.tobytes()
    palette = picture.getpalette() or []
    out = [f'\x1bP0;1;0q"1;1;{width};{height}']
    for index in sorted(set(pixels)):
        red, green, blue = palette[3 * index : 3 * index + 3] or (0, 0, 0)
        out.append(f"#{index};2;{red * 100 // 255};{green * 100 // 255};{blue * 100 // 255}")
    offset = int.from_bytes(b"?" * width, "big")  # "?" is the sixel with no pixel set
    for top in range(0, height, 6):
        rows = [pixels[y * width : (y + 1) * width] for y in range(top, min(top + 6, height))]
        colours = sorted(set(b"".join(rows)))
        for number, index in enumerate(colours):
            table = _only(index)
            bits = 0
            for shift, row in enumerate(rows):
                bits |= int.from_bytes(row.translate(table), "big") << shift
            chars = (bits + offset).to_bytes(width, "big").rstrip(b"?")
            out.append(("$" if number else "") + f"#{index}" + _RUN.sub(_runs, chars).decode())
        out.append("-")
    out.append("\x1b\\")
    return "".join(out)
