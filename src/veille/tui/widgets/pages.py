"""The pages of rows the item list holds: a few of `PAGE` rows each, by page number, the ones
far from where the reader is let go first."""

from __future__ import annotations

from collections import OrderedDict

from veille.core.model import ItemRow
from veille.tui.widgets.window import PAGE

MAX_PAGES = 8


class Pages(OrderedDict[int, list[ItemRow]]):
    def row_at(self, index: int) -> ItemRow | None:
        page = self.get(index // PAGE)
        if page is None:
            return None
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    def rows(self) -> list[ItemRow]:
        return [row for page in self.values() for row in page]

    def index_of(self, item_id: int) -> int | None:
        """Where item `item_id` stands in the list, if a page held has it."""
        for number, page in self.items():
            for offset, row in enumerate(page):
                if row.id == item_id:
                    return number * PAGE + offset
        return None

    def keep(self, number: int, rows: list[ItemRow], here: int) -> None:
        """Hold page `number`, letting go of the pages farthest from page `here` past
        `MAX_PAGES`."""
        self[number] = rows
        while len(self) > MAX_PAGES:
            del self[max(self, key=lambda p: abs(p - here))]
