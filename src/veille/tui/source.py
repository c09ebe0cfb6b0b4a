"""What the item list reads from: a view and a query over the library, as one small object.

The list only needs three questions answered: how many rows, which rows in a window, and where a
given item stands. Keeping them behind this protocol lets the list be tested with a stand-in and
keeps SQL out of the widget. Every method blocks, so the list calls them from thread workers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from veille.core import ItemRow, Veille, View


class RowSource(Protocol):
    def count(self, stop: threading.Event | None = None) -> int:
        """The number of rows; given up (`Stopped`) once `stop` is set."""
        ...

    def rows(
        self,
        offset: int,
        limit: int,
        after: int | None = None,
        stop: threading.Event | None = None,
    ) -> list[ItemRow]:
        """`limit` rows from `offset`; `after`, the id of the row held just before them,
        lets a deep page be read from its place instead of stepping past every row. Given up
        (`Stopped`) once `stop` is set."""
        ...

    def position(self, item_id: int, stop: threading.Event | None = None) -> int | None: ...

    def explain(self, error: BaseException) -> str:
        """A failure of the calls above, in plain words."""
        ...


@dataclass(frozen=True, slots=True)
class LibrarySource:
    """The rows of `view` matching `query`, newest first (or in `order`), read ones left out
    when `hide_read`, but for those in `kept` (read while the list showed them)."""

    veille: Veille
    view: View | None = None
    query: str = ""
    order: str = "newest"
    hide_read: bool = False
    kept: frozenset[int] = frozenset()

    @property
    def hides_read(self) -> bool:
        """Whether rows leave this list once read (an unread view, or `h`)."""
        return self.hide_read or (self.view is not None and self.view.unread_only)

    def keeping(self, ids: Iterable[int]) -> LibrarySource:
        """This list, still showing `ids` once they are read."""
        if not self.hides_read or self.kept.issuperset(ids):
            return self
        return replace(self, kept=self.kept.union(ids))

    @property
    def _view(self) -> View | None:
        if not self.kept:
            return self.view
        # `is:unread` cannot name the rows it keeps: the view's own unread filter can.
        return replace(self.view or View(), unread_only=True, kept=self.kept)

    @property
    def _query(self) -> str:
        if not self.hide_read or self.kept:
            return self.query
        return f"({self.query}) is:unread" if self.query else "is:unread"

    def count(self, stop: threading.Event | None = None) -> int:
        return self.veille.count(self._query, view=self._view, stop=stop)

    def rows(
        self,
        offset: int,
        limit: int,
        after: int | None = None,
        stop: threading.Event | None = None,
    ) -> list[ItemRow]:
        return self.veille.rows(
            self._query,
            view=self._view,
            offset=offset,
            limit=limit,
            order=self.order,
            after=after,
            stop=stop,
        )

    def position(self, item_id: int, stop: threading.Event | None = None) -> int | None:
        return self.veille.position(
            item_id, self._query, view=self._view, order=self.order, stop=stop
        )

    def explain(self, error: BaseException) -> str:
        """The library's own words when the failure is the library's (damaged, full…)."""
        known = self.veille.explain(error)
        return str(known) if known is not None else plain(error)


@dataclass(frozen=True, slots=True)
class EmptySource:
    """Nothing to show (before the library answers, or after a bad query)."""

    def count(self, stop: threading.Event | None = None) -> int:
        return 0

    def rows(
        self,
        offset: int,
        limit: int,
        after: int | None = None,
        stop: threading.Event | None = None,
    ) -> list[ItemRow]:
        return []

    def position(self, item_id: int, stop: threading.Event | None = None) -> int | None:
        return None

    def explain(self, error: BaseException) -> str:
        return plain(error)


def plain(error: BaseException) -> str:
    return str(error) or type(error).__name__


def first_unread(
    source: RowSource, start: int, direction: int, count: int
) -> tuple[int, int] | None:
    """The index and id of the first unread row after (or before) `start`, read in chunks."""
    chunk = 200
    if direction > 0:
        offset = start + 1
        last: int | None = None  # each chunk is read on from the one before
        while offset < count:
            rows = source.rows(offset, chunk, last)
            for n, row in enumerate(rows):
                if not row.read:
                    return offset + n, int(row.id)
            if not rows:
                return None
            offset += chunk
            last = rows[-1].id
        return None
    end = start
    while end > 0:
        offset = max(0, end - chunk)
        rows = source.rows(offset, end - offset)
        for n in range(len(rows) - 1, -1, -1):
            if not rows[n].read:
                return offset + n, int(rows[n].id)
        end = offset
    return None
