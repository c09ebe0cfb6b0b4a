"""Simple tables laid out as tables: cells padded into columns, a rule under the header.

A table of short text cells (a schedule, a list of decisions with their dates) reads best
aligned. A table that would not fit the reading width, or whose cells hold links (which must
keep their footnote numbers) or other tables, is left to the renderer's row-by-row form.
"""

from __future__ import annotations

from lxml import html as lxml_html
from rich.cells import cell_len

from veille.core.text import clean_line

READING_WIDTH = 72  # the width tables are fitted to when the reader's is not known
MAX_ROWS = 200


def _rows(table: lxml_html.HtmlElement) -> list[tuple[list[str], bool]] | None:
    rows: list[tuple[lxml_html.HtmlElement, bool]] = []
    for part in table:
        tag = part.tag if isinstance(part.tag, str) else ""
        if tag in ("thead", "tbody", "tfoot"):
            rows.extend((row, tag == "thead") for row in part if row.tag == "tr")
        elif tag == "tr":
            rows.append((part, False))
        elif tag not in ("caption", "colgroup", "col"):
            return None
    found: list[tuple[list[str], bool]] = []
    for row, header in rows[: MAX_ROWS + 1]:
        cells = [c for c in row if c.tag in ("td", "th")]
        if any(c.xpath(".//a[@href]|.//table|.//img") for c in cells):
            return None
        texts = [clean_line(c.text_content()) for c in cells]
        header = header or (bool(cells) and all(c.tag == "th" for c in cells))
        if texts:
            found.append((texts, header))
    return found if 0 < len(found) <= MAX_ROWS else None


def aligned(table: lxml_html.HtmlElement, width: int | None) -> list[tuple[str, bool]] | None:
    """The table's lines (text, is a header line) padded into columns, or None when it is not a
    simple table that fits `width` (the reading width when None)."""
    rows = _rows(table)
    if not rows:
        return None
    columns = max(len(cells) for cells, _ in rows)
    widths = [0] * columns
    for cells, _ in rows:
        for index, cell in enumerate(cells):
            widths[index] = max(widths[index], cell_len(cell))
    if sum(widths) + 3 * (columns - 1) > (width or READING_WIDTH):
        return None
    lines: list[tuple[str, bool]] = []
    for number, (cells, header) in enumerate(rows):
        padded = [cell + " " * (widths[i] - cell_len(cell)) for i, cell in enumerate(cells)]
        padded += [" " * widths[i] for i in range(len(cells), columns)]
        lines.append((" │ ".join(padded).rstrip(), header))
        if header and (number + 1 == len(rows) or not rows[number + 1][1]):
            lines.append(("─┼─".join("─" * w for w in widths), False))
    return lines
