"""Pictures in the reader: an article's images drawn in place of their `[image: …]` labels.

Each is fetched by the core like a page and kept in its cache (so an article read once shows
them offline), then drawn the way the terminal can (`veille.tui.graphics`):

- half blocks everywhere: one character cell holds two pixels, the upper in the foreground
  colour of `▀`, the lower in the background; every colour terminal shows that;
- Kitty's graphics protocol: the picture is sent once and the text holds placeholder cells;
- Sixel and iTerm2's inline images: the text holds the half-block picture, and the reader's
  body draws each row of the real picture over it whenever that row is painted (see
  `veille.tui.widgets.article`), so it scrolls with the text and anything the terminal does not
  draw still shows the half blocks.

`images = "off"` in config.toml keeps the labels only and fetches nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.color import Color
from rich.style import Style
from rich.text import Text

from veille.core.errors import VeilleError
from veille.core.translations import _
from veille.tui.graphics import Kind, choose

if TYPE_CHECKING:
    from PIL.Image import Image

    from veille.core import Item
    from veille.tui.screens.main import MainScreen
    from veille.tui.widgets.reader import Body, Reader

MAX_PICTURES = 8  # per article: a gallery stays a list of labels after these
MAX_ROWS = 24  # cell rows of one picture
MAX_PIXELS = 40_000_000  # a picture claiming more is refused before it is decoded
OVERLAY = "veille-picture"  # meta key of a row's first cell: (picture number, row)


@dataclass(frozen=True, slots=True)
class Drawn:
    """A picture ready for the reader: the cells that stand in the text, and what the
    terminal is sent besides (once for Kitty, each row when painted for Sixel and iTerm2)."""

    text: Text  # rows, each ending with a newline
    rows: tuple[str, ...] = ()  # Sixel or iTerm2: each row's picture, drawn over its cells
    columns: int = 0
    send: str = ""  # Kitty: the picture and its placement, sent once
    forget: str = ""  # Kitty: frees it when the article is left
    number: int = 0  # which of the article's pictures (the overlay's key)


def _rgb(pixel: object) -> tuple[int, int, int]:
    if isinstance(pixel, tuple) and len(pixel) >= 3:
        return int(pixel[0]), int(pixel[1]), int(pixel[2])
    return (0, 0, 0)


def _open(data: bytes) -> Image | None:
    """`data` decoded to RGB, or None when it is not a picture or claims too many pixels."""
    from PIL import Image as Pillow

    try:
        with Pillow.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if not width or not height or width * height > MAX_PIXELS:
                return None
            return opened.convert("RGB")
    except (OSError, ValueError, Pillow.DecompressionBombError, SyntaxError, EOFError):
        return None


def _blocks(picture: Image, cols: int, rows: int, number: int | None = None) -> Text:
    """`picture` as `cols` × `rows` half-block cells; with `number`, each row's first cell
    says which picture and row it is (for the overlay)."""
    pixels = picture.resize((cols, rows * 2)).load()
    assert pixels is not None
    drawn = Text()
    for y in range(rows):
        for x in range(cols):
            top, bottom = _rgb(pixels[x, 2 * y]), _rgb(pixels[x, 2 * y + 1])
            style = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
            if number is not None and x == 0:
                style += Style(meta={OVERLAY: (number, y)})
            drawn.append("▀", style)
        drawn.append("\n")
    return drawn


def half_blocks(data: bytes, columns: int, max_rows: int = MAX_ROWS) -> Text | None:
    """`data` (a PNG, JPEG, GIF, WebP) drawn `columns` wide at most, or None if unreadable."""
    picture = _open(data)
    if picture is None:
        return None
    width, height = picture.size
    cols = max(1, min(columns, width))
    rows = max(1, min(max_rows, round(height * cols / width / 2)))
    cols = max(1, min(cols, round(width * rows * 2 / height)))
    return _blocks(picture, cols, rows)


def cells(size: tuple[int, int], columns: int, cell: tuple[int, int]) -> tuple[int, int]:
    """Columns and rows a picture of `size` pixels takes at its own size, `columns` wide and
    `MAX_ROWS` high at most, in cells of `cell` pixels."""
    from veille.tui.graphics.kitty import MAX_CELLS

    (width, height), (cell_width, cell_height) = size, cell
    cols = max(1, min(columns, -(-width // cell_width), MAX_CELLS))
    rows = max(1, round(height * cols * cell_width / width / cell_height))
    if rows > MAX_ROWS:
        rows = MAX_ROWS
        cols = max(1, min(cols, round(width * rows * cell_height / height / cell_width)))
    return cols, rows


def _png(picture: Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG", compress_level=1)  # fast: the bytes only cross to the terminal
    return out.getvalue()


def draw(
    data: bytes,
    kind: Kind,
    columns: int,
    *,
    cell: tuple[int, int] = (10, 20),
    color_system: str | None = None,
    number: int = 0,
    tmux: bool = False,
) -> Drawn | None:
    """`data` drawn for a terminal that shows pictures as `kind`, or None if unreadable."""
    if kind == "halfblock":
        text = half_blocks(data, columns)
        width = max((len(line) for line in text.plain.splitlines()), default=0) if text else 0
        return None if text is None else Drawn(text, columns=width)
    picture = _open(data)
    if picture is None:
        return None
    cols, rows = cells(picture.size, columns, cell)
    cell_width, cell_height = cell
    if kind == "kitty":
        from veille.tui.graphics import kitty

        image_id = kitty.new_id(color_system)
        png = _png(picture.resize((cols * cell_width, rows * cell_height)))
        send, forget = kitty.transmit(png, image_id, cols, rows), kitty.delete(image_id)
        if tmux:  # only when asked for: under tmux, "auto" draws half blocks
            send, forget = kitty.through_tmux(send), kitty.through_tmux(forget)
        return Drawn(
            kitty.placeholders(image_id, cols, rows, color_system),
            columns=cols,
            send=send,
            forget=forget,
        )
    width = cols * cell_width
    if kind == "iterm":
        from veille.tui.graphics.iterm import inline

        scaled = picture.resize((width, rows * cell_height))
        strips = tuple(
            inline(_png(scaled.crop((0, y * cell_height, width, (y + 1) * cell_height))), cols, 1)
            for y in range(rows)
        )
    else:
        from veille.tui.graphics import sixel

        # One sixel image per row, exactly a cell high: the last band's unset pixels are
        # transparent, so what spills onto the next line paints nothing (and that line's own
        # row is drawn after it anyway).
        scaled = sixel.quantized(picture.resize((width, rows * cell_height)))
        strips = tuple(
            sixel.encode(scaled.crop((0, y * cell_height, width, (y + 1) * cell_height)))
            for y in range(rows)
        )
    return Drawn(_blocks(picture, cols, rows, number), strips, cols, number=number)


def _room(reader: Reader) -> int:
    """Columns a picture row may take without wrapping, even once a scroll bar appears (the
    pictures may make the article taller than the pane)."""
    width = reader.query_one("#reader-body").content_size.width
    if not width:
        return reader.reading_width
    if not reader.show_vertical_scrollbar:
        width -= reader.styles.scrollbar_size_vertical
    return max(1, width)


def show_article(screen: MainScreen, item: Item, body: Body) -> Item:
    """Show `item` in the reader, then its pictures as they come (off the event loop)."""
    screen.reader_pane.show(item, body, screen.settings.lang)
    draw_pictures(screen, item, body)
    return item


def draw_pictures(screen: MainScreen, item: Item, body: Body) -> None:
    """Draw the pictures of `item`, shown in the reader, to fit the reader as it is now."""
    reader = screen.reader_pane
    app = screen.app
    terminal = getattr(app, "terminal", None)
    kind = choose(screen.settings.images, terminal.kind if terminal else "halfblock")
    if kind == "kitty" and getattr(app, "no_color", False):
        kind = "halfblock"  # NO_COLOR greys the placeholders' colour, which names the picture
    if kind is None or not body.images:
        return
    v = screen.veille
    columns = min(reader.reading_width, _room(reader))
    wanted = body.images[:MAX_PICTURES]
    color_system = app.console.color_system
    cell = terminal.cell if terminal else (10, 20)
    tmux = terminal.tmux if terminal else False

    def drawn_pictures() -> list[tuple[int, int, Drawn]]:
        from veille.tui.graphics.detect import cell_pixels

        size = cell_pixels() or cell  # the font may have changed since the start
        drawn = []
        for number, (start, end, url) in enumerate(wanted):
            try:
                picture = draw(
                    v.picture(url), kind, columns, cell=size, color_system=color_system,
                    number=number, tmux=tmux,
                )  # fmt: skip
            except VeilleError:  # not a picture, refused, not kept offline: its label stays
                continue
            except (OSError, ValueError):  # a picture that breaks while drawn: the same
                continue
            if picture is not None:
                drawn.append((start, end, picture))
        return drawn

    def shown(drawn: list[tuple[int, int, Drawn]]) -> None:
        if drawn and reader.item is not None and reader.item.id == item.id:
            reader.show_pictures(drawn, redraw=lambda: draw_pictures(screen, item, body))

    screen.jobs.run(_("drawing the pictures"), drawn_pictures, group="pictures", then=shown)
