"""Pictures in the reader: an article's images drawn in place of their `[image: …]` labels.

Each is fetched by the core like a page and kept in its cache (so an article read once shows
them offline), then drawn with half blocks: one character cell holds two pixels, the upper in
the foreground colour of `▀`, the lower in the background. Every colour terminal shows that.
`images = false` in config.toml keeps the labels only.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.color import Color
from rich.style import Style
from rich.text import Text

from veille.core.errors import VeilleError
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core import Item
    from veille.tui.screens.main import MainScreen
    from veille.tui.widgets.reader import Body

MAX_PICTURES = 8  # per article: a gallery stays a list of labels after these
MAX_ROWS = 24  # cell rows of one picture
MAX_PIXELS = 40_000_000  # a picture claiming more is refused before it is decoded


def _rgb(pixel: object) -> tuple[int, int, int]:
    if isinstance(pixel, tuple) and len(pixel) >= 3:
        return int(pixel[0]), int(pixel[1]), int(pixel[2])
    return (0, 0, 0)


def half_blocks(data: bytes, columns: int, max_rows: int = MAX_ROWS) -> Text | None:
    """`data` (a PNG, JPEG, GIF, WebP) drawn `columns` wide at most, or None if unreadable."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if not width or not height or width * height > MAX_PIXELS:
                return None
            picture = opened.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
    cols = max(1, min(columns, width))
    rows = max(1, min(max_rows, round(height * cols / width / 2)))
    cols = max(1, min(cols, round(width * rows * 2 / height)))
    pixels = picture.resize((cols, rows * 2)).load()
    assert pixels is not None
    drawn = Text()
    for y in range(rows):
        for x in range(cols):
            top, bottom = _rgb(pixels[x, 2 * y]), _rgb(pixels[x, 2 * y + 1])
            drawn.append("▀", Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom)))
        drawn.append("\n")
    return drawn


def show_article(screen: MainScreen, item: Item, body: Body) -> Item:
    """Show `item` in the reader, then its pictures as they come (off the event loop)."""
    reader = screen.reader_pane
    reader.show(item, body, screen.settings.lang)
    if not screen.settings.images or not body.images:
        return item
    v = screen.veille
    columns = reader.reading_width
    wanted = body.images[:MAX_PICTURES]

    def draw() -> list[tuple[int, int, Text]]:
        drawn = []
        for start, end, url in wanted:
            try:
                picture = half_blocks(v.picture(url), columns)
            except VeilleError:  # not a picture, refused, not kept offline: its label stays
                continue
            if picture is not None:
                drawn.append((start, end, picture))
        return drawn

    def shown(drawn: list[tuple[int, int, Text]]) -> None:
        if drawn and reader.item is not None and reader.item.id == item.id:
            reader.show_pictures(drawn)

    screen.jobs.run(_("drawing the pictures"), draw, group="pictures", then=shown)
    return item
