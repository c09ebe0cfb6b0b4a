"""The reading loop of `n` and `N`: the next unread item, then the next feed that has one.

Within a view, `n` finds the next unread row. When the view is a feed and nothing unread is left
in it this way, the loop goes on to the next feed (in the feeds pane's order) that has unread
items and opens its first one (`N`: the previous feed, its last one), as newsboat does. Past the
last feed it wraps to the first, and past the end of any other view to its top, and says so: a
reader should never wonder why the cursor jumped back. A view that is not a feed (a tag, a
saved search, the starred items) has no place among the feeds: once nothing unread is left in
it at all, the loop goes on to the first feed with unread items (`N`: the last).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veille.core.translations import _

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen
    from veille.tui.widgets.feeds import Entry


class ReadingFlow:
    """Where `n`/`N` go once the current view has nothing unread left in their direction."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self._pending: tuple[int, str] | None = None  # (direction, notice) once the list loads

    def find(self, direction: int) -> None:
        """`n` (1) or `N` (-1): the next unread item of the view, else of the next feed."""
        if self.open_current(direction):
            return
        screen = self._screen
        items = screen.item_list
        generation = items.generation

        def found(where: tuple[int, int] | None) -> None:
            if where is None:
                self.exhausted(direction)
            elif generation == screen.item_list.generation:
                screen.item_list.move_to(where[0])
                screen.open_item(where[1])

        screen.jobs.find_unread(items.source, items.cursor, direction, items.count, found)

    def open_current(self, direction: int) -> bool:
        """`n` at the top of a list whose first row is unread and not yet opened opens it:
        the first `n` of a view reads its first unread item, not the one after it. Elsewhere
        `n` goes past the row under the cursor, as newsboat's does."""
        screen = self._screen
        items = screen.item_list
        row = items.current_row
        shown = screen.reader_pane.item
        unopened = row is not None and (shown is None or shown.id != row.id)
        if direction > 0 and items.cursor == 0 and row is not None and not row.read and unopened:
            screen.open_item(row.id)
            return True
        return False

    def exhausted(self, direction: int) -> None:
        """Nothing unread after (or before) the cursor in the view shown."""
        screen = self._screen
        current = screen.entry
        if current.feed is not None:
            target, wrapped = self._next_feed(current, direction)
            if target is not None and target.key != current.key:
                if wrapped:
                    notice = (
                        _("Wrapped to the first feed: {feed}")
                        if direction > 0
                        else _("Wrapped to the last feed: {feed}")
                    )
                else:
                    notice = _("Next feed: {feed}") if direction > 0 else _("Previous feed: {feed}")
                self._go_to(target, direction, notice)
                return
        self._wrap_in_view(direction, feeds_after=current.feed is None)

    def _go_to(self, target: Entry, direction: int, notice: str) -> None:
        """Show feed `target`, then open its first (or last) unread item and tell `notice`."""
        self._pending = (direction, notice.format(feed=target.title))
        self._screen.feed_tree.select_key(target.key)

    def _first_feed(self, direction: int) -> Entry | None:
        """The first feed with unread items in the pane's order (the last, going back)."""
        order = self._screen.feed_tree.feed_order
        with_unread = [e for e in order if e.feed is not None and e.feed.unread > 0]
        if not with_unread:
            return None
        return with_unread[0] if direction > 0 else with_unread[-1]

    def _next_feed(self, current: Entry, direction: int) -> tuple[Entry | None, bool]:
        """The nearest feed with unread items in `direction`, and whether the search wrapped."""
        order = self._screen.feed_tree.feed_order
        keys = [e.key for e in order]
        if current.key not in keys:
            return None, False
        here = keys.index(current.key)
        for step in range(1, len(order) + 1):
            index = here + direction * step
            entry = order[index % len(order)]
            if entry.feed is not None and entry.feed.unread > 0 and entry.key != current.key:
                return entry, not 0 <= index < len(order)
        return None, False

    def _wrap_in_view(self, direction: int, *, feeds_after: bool = False) -> None:
        """Start again from the other end of the view and say so; when nothing unread is left
        in it, go on to the first feed with some if `feeds_after`, else say so."""
        screen = self._screen
        items = screen.item_list
        generation = items.generation
        start = -1 if direction > 0 else items.count

        def found(where: tuple[int, int] | None) -> None:
            if generation != screen.item_list.generation:
                return
            if where is None:
                target = self._first_feed(direction) if feeds_after else None
                if target is None:
                    screen.notify(_("No unread items left."))
                else:
                    notice = _("Next feed: {feed}") if direction > 0 else _("Previous feed: {feed}")
                    self._go_to(target, direction, notice)
                return
            screen.item_list.move_to(where[0])
            screen.open_item(where[1])
            screen.notify(
                _("Wrapped to the top of the list.")
                if direction > 0
                else _("Wrapped to the bottom of the list.")
            )

        screen.jobs.find_unread(items.source, start, direction, items.count, found)

    def loaded(self, *, exact: bool = True) -> None:
        """The list of the feed `n` moved to is there: open its first (or last) unread item."""
        if self._pending is None or not exact:
            return
        direction, notice = self._pending
        self._pending = None
        screen = self._screen
        items = screen.item_list
        generation = items.generation
        start = -1 if direction > 0 else items.count

        def found(where: tuple[int, int] | None) -> None:
            if where is not None and generation == screen.item_list.generation:
                screen.item_list.move_to(where[0])
                screen.open_item(where[1])
            screen.notify(notice, markup=False)

        screen.jobs.find_unread(items.source, start, direction, items.count, found)
