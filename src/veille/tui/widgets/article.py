"""The article's text in the reader, with pictures drawn over their half-block cells by the
terminal's own graphics (Sixel, iTerm2's inline images) each time those cells are painted.

Textual repaints a region by writing its lines again; a picture drawn by an escape sequence is
erased by the text written over it. So each picture row's sequence rides at the end of that
row's own cells, as a zero-width control segment: it is written right after them, wrapped in a
cursor save and restore, and only when Textual paints that line. A row scrolled away, covered
by another widget or on a screen under a dialog is not drawn, and its half blocks show instead.
Nothing is sent for lines Textual does not repaint, so keys that leave the reader alone send
nothing.
"""

from __future__ import annotations

from rich.segment import ControlType, Segment
from textual.dom import NoScreen
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static

from veille.tui.pictures import OVERLAY

_ZERO_WIDTH = ((ControlType.CURSOR_FORWARD, 0),)  # marks the segment as control: no cells


class ArticleText(Static):
    """A `Static` whose picture rows (marked by `OVERLAY` in their first cell's style) are
    drawn over by `rows[number][row]`, the escape sequence of that row's picture."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.rows: dict[int, tuple[str, ...]] = {}
        self.columns: dict[int, int] = {}

    def set_pictures(self, pictures: dict[int, tuple[int, tuple[str, ...]]]) -> None:
        """Picture number → (its columns, each row's sequence); {} draws none."""
        self.columns = {number: columns for number, (columns, _rows) in pictures.items()}
        self.rows = {number: rows for number, (_columns, rows) in pictures.items()}

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if not self.rows:
            return lines
        try:
            if not self.screen.is_active:
                return lines  # a dialog is over the reader: drawing would cover it
            region = self.region
            # A sixel's last band may reach into the next line, and a terminal may put the
            # cursor below the image: never near the bottom, where that would scroll the screen
            # (the status line and the footer are there anyway).
            last = self.screen.size.height - 3
        except NoScreen:  # not on a screen any more
            return lines
        left = region.x + crop.x
        return [
            self._drawn_over(strip, left, region.y + crop.y + y)
            if region.y + crop.y + y <= last
            else strip
            for y, strip in enumerate(lines)
        ]

    def _drawn_over(self, strip: Strip, left: int, y: int) -> Strip:
        x = 0
        for segment in strip:
            text, style, control = segment
            if control or not text.strip():
                x += segment.cell_length
                continue  # padding before the line's first cell
            meta = style.meta if style is not None else {}
            if OVERLAY not in meta:
                return strip  # a line of words
            number, row = meta[OVERLAY]
            rows, columns = self.rows.get(number, ()), self.columns.get(number, 0)
            if row >= len(rows) or x + columns > strip.cell_length:
                return strip
            sequence = f"\x1b7\x1b[{y + 1};{left + x + 1}H{rows[row]}\x1b8"
            end = x + columns
            before, *after = strip.divide(
                [end, strip.cell_length] if end < strip.cell_length else [end]
            )
            mark = Strip([Segment(sequence, None, _ZERO_WIDTH)], 0)
            return Strip.join([before, mark, *after])
        return strip
