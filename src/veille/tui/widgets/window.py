"""What one (re)load of the item list reads: the count, where the cursor goes, and the pages
of rows around it, read in a worker thread away from the widget."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from veille.core.model import ItemRow
from veille.tui.source import RowSource

PAGE = 100


@dataclass
class Window:
    """What a (re)load found: the count, where the cursor goes, and the pages around it."""

    generation: int
    count: int
    cursor: int
    pages: dict[int, list[ItemRow]]
    exact: bool = True  # False: `count` only says "more than a page", the real one follows
    problem: str = ""  # why the rows could not be read: shown in their place


def read_after(pages: Mapping[int, list[ItemRow]], page: int) -> int | None:
    """The id `page` is read after: the last row of the page before, if held whole (a search's
    deep pages then cost what its first does; see `Veille.rows`)."""
    before = pages.get(page - 1)
    return before[-1].id if before and len(before) == PAGE else None


def read_window(
    generation: int,
    source: RowSource,
    keep_id: int | None,
    cursor: int,
    height: int,
    stop: threading.Event | None = None,
) -> Window:
    """The pages around the cursor (on `keep_id` if there, else at `cursor`) and the count
    they tell: exact once a page comes back short, else "at least one more" (the real count
    follows from its own thread). Given up (`Stopped`) once `stop` is set."""
    index = source.position(keep_id, stop) if keep_id is not None else None
    if index is None:
        index = cursor
    first = max(0, index - height) // PAGE
    pages: dict[int, list[ItemRow]] = {}
    for page in range(first, (index + height) // PAGE + 1):
        rows = source.rows(page * PAGE, PAGE, read_after(pages, page), stop)
        if not rows and page == first > 0:
            break  # the list ends before the cursor's place: it lost rows
        pages[page] = rows
        if len(rows) < PAGE:
            end = page * PAGE + len(rows)
            return Window(generation, end, max(0, min(index, end - 1)), pages)
    else:
        return Window(generation, (page + 1) * PAGE + 1, index, pages, exact=False)
    # Where the cursor goes needs the count.
    count = source.count(stop)
    index = max(0, min(index, count - 1))
    first, last = max(0, index - height) // PAGE, max(0, min(count - 1, index + height)) // PAGE
    pages = {p: source.rows(p * PAGE, PAGE, stop=stop) for p in range(first, last + 1)}
    return Window(generation, count, index, pages)
