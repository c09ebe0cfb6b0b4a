"""The item list's columns at a given width: which show, and how wide each is.

From the left: marks (unread, star, full text, selection), date, feed, title, other sources
(`+2`), tags. As the list narrows they give way in a fixed order — the other sources first,
then the tags, the feed, the date — so that the title keeps at least `TITLE_MIN` columns; the
title takes whatever is left, and a row without tags lends their room to its title.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from veille.core import list_mark
from veille.core.model import ItemRow
from veille.core.translations import _
from veille.tui.display import clean_line, short_date

MARKS = 4
DATE = 9  # "26-02-05 "
TITLE_MIN = 30
SOURCES = 4  # " +12"
FEED_MIN, FEED_MAX = 10, 20
TAGS_MAX = 30
TAGS_MIN = 8

# Characters a terminal draws wider than Unicode width tables say (an emoji turned to its
# picture form, joined emoji): dropped from list rows so a row never pushes the border out.
_WIDENERS = dict.fromkeys(map(ord, "\ufe0f\u200d\u20e3"))


@dataclass(frozen=True, slots=True)
class Columns:
    date: int
    feed: int  # 0: not shown; else its width, its separating space included
    sources: int
    tags: int  # the most the tags may take


def columns(width: int) -> Columns:
    """The columns of a list `width` cells wide: each one only if those before it are."""
    room = width - MARKS
    date = DATE if room - DATE >= TITLE_MIN else 0
    room -= date
    feed = max(FEED_MIN, min(FEED_MAX, width // 6)) + 1
    feed = feed if date and room - feed >= TITLE_MIN + 4 else 0
    room -= feed
    spare = room - TITLE_MIN if feed else 0
    sources = SOURCES if spare >= 2 * TAGS_MIN + SOURCES else 0
    tags = min(TAGS_MAX, spare - sources)
    return Columns(date, feed, sources, tags if tags >= TAGS_MIN else 0)


def narrow_safe(text: str) -> str:
    """`text` without the characters that make terminals draw it wider than it measures."""
    return text.translate(_WIDENERS)


@dataclass(frozen=True, slots=True)
class RowStyles:
    unread: Style
    star: Style
    dim: Style
    selected: Style
    tag: Style


def row_text(row: ItemRow, width: int, styles: RowStyles, *, lang: str, selected: bool) -> Text:
    """One row of the list, `width` cells wide, its columns as `columns` says."""
    dim = styles.dim
    cols = columns(width)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("●" if not row.read else " ", styles.unread)
    text.append("★" if row.starred else " ", styles.star)
    text.append(list_mark(row.full_text_state, row.truncated), dim)
    if selected:
        text.append("✔", styles.selected)
    else:
        text.append(" ")
    if cols.date:
        text.append(short_date(row.sort_date, lang), dim)
        text.append(" ")
    if cols.feed:
        feed = Text(narrow_safe(clean_line(row.feed_title)), dim)
        _fit(feed, cols.feed - 1)
        text.append_text(feed)
        text.append(" ")
    tags = Text()
    if cols.tags and row.tags:
        tag_style = styles.tag
        tags = Text(" ").join(Text(f"#{narrow_safe(clean_line(t))}", tag_style) for t in row.tags)
        if tags.cell_len > cols.tags:
            tags.truncate(cols.tags - 1)
            tags.append("…", tag_style)
    sources = ""
    if cols.sources and row.cluster_size > 1:
        sources = f"+{row.cluster_size - 1}".rjust(cols.sources - 1)
    title_room = width - text.cell_len - cols.sources - (tags.cell_len + 1 if tags else 0)
    title = Text(narrow_safe(clean_line(row.title)) or _("(untitled)"), Style(bold=not row.read))
    _fit(title, max(title_room, 1))
    text.append_text(title)
    if cols.sources:
        text.append(" " + sources.rjust(cols.sources - 1) if sources else " " * cols.sources, dim)
    if tags:
        text.append(" ")
        text.append_text(tags)
    return text


def _fit(text: Text, width: int) -> None:
    """Cut `text` to `width` cells with an ellipsis, or pad it to them."""
    if text.cell_len > width:
        text.truncate(max(width - 1, 0))
        text.append("…")
    else:
        text.pad_right(width - text.cell_len)


def row_styles(style: Callable[[str], Style]) -> RowStyles:
    """The list's row styles, read from its component classes by `style`."""
    return RowStyles(
        unread=style("item-list--unread"),
        star=style("item-list--star"),
        dim=style("item-list--dim"),
        selected=style("item-list--selected"),
        tag=style("item-list--tag"),
    )


def empty_lines(problem: str, width: int) -> list[Text]:
    """What an empty list says, a line each: why its rows cannot be read, or that it has none."""
    if not problem:
        return [Text(_(" No items here."), style="italic")]
    said = clean_line(_("The items cannot be read: {problem}").format(problem=problem))
    return [Text(f" {line}", style="bold") for line in textwrap.wrap(said, max(width - 2, 10))]


def line_strip(text: Text, width: int, base: Style, console: Console) -> Strip:
    """`text` as one line of exactly `width` cells over the `base` style."""
    text.truncate(width, overflow="ellipsis", pad=True)
    segments = [
        Segment(seg.text, base + seg.style if seg.style else base)
        for seg in text.render(console)
        if seg.text != "\n"
    ]
    return Strip(segments, width).crop_extend(0, width, base)
