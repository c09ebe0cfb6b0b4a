"""The marks the user puts on items (star, read, tags, note, "all read" with its undo) and the
selection they act on.

Each verb acts on the selection when there is one, else on the current row. The list and the
reader's header show the change at once; the library is written in a worker, and if that fails
the panes reload to show the library as it really is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from veille.core import Item, ItemRow
from veille.core.translations import N_, _, ngettext
from veille.tui.messages import LibraryChanged

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen


# What the user is told after marking several rows, by (mark, value).
_MARKED = {
    ("starred", True): N_("{count} items starred."),
    ("starred", False): N_("{count} items no longer starred."),
    ("read", True): N_("{count} items read."),
    ("read", False): N_("{count} items no longer read."),
}


class Marker:
    """Star, read, tag and annotate items for the screen."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.undo_ids: list[int] = []

    def current(self) -> ItemRow | None:
        """The item a verb means: the article shown when the reader has the focus (the list's
        cursor may have moved on since it was opened), else the list's current row."""
        screen = self._screen
        shown = screen.reader_pane.item
        if shown is None or screen.focused is not screen.reader_pane:
            return screen.item_list.current_row
        listed = next((r for r in screen.item_list.loaded_rows() if r.id == shown.id), None)
        return listed or ItemRow(
            id=shown.id,
            feed_id=shown.feed_id,
            title=shown.title,
            feed_title=shown.feed_title,
            sort_date=shown.sort_date,
            read=shown.read,
            starred=shown.starred,
            truncated=shown.truncated,
            has_full_text=bool(shown.full_text),
            tags=tuple(shown.tags),
            url=shown.url,
            cluster_size=shown.cluster_size,
        )

    def targets(self) -> list[ItemRow]:
        """What a verb acts on: the selection when there is one, else the current item."""
        items = self._screen.item_list
        selected = items.selected_rows()
        if selected:
            return selected
        row = self.current()
        return [row] if row is not None else []

    def select(self) -> None:
        items = self._screen.item_list
        row = items.current_row
        if row is None:
            return
        items.toggle_selected(row)
        items.move_by(1)
        self._show_selection()

    def drop_selection(self) -> bool:
        items = self._screen.item_list
        if not items.selection:
            return False
        items.clear_selection()
        self._show_selection()
        return True

    def _show_selection(self) -> None:
        self._screen.status_bar.selection(len(self._screen.item_list.selection))
        self._screen.refresh_bindings()

    def set_marks(
        self,
        ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        reload: bool = False,
    ) -> None:
        screen = self._screen

        def saved(_: int) -> None:
            if reload:
                screen.post_message(LibraryChanged())
            else:
                screen.follower.load_feeds()

        screen.jobs.set_marks(
            ids,
            read=read,
            starred=starred,
            then=saved,
            otherwise=lambda _: screen.post_message(LibraryChanged()),  # show what is real
        )

    def _mark_many(self, rows: list[ItemRow], mark: str, value: bool) -> None:
        """Star (`mark="starred"`) or read (`"read"`) several rows at once."""
        screen = self._screen
        ids = [row.id for row in rows]
        for row in rows:
            screen.item_list.update_row(row.id, **{mark: value})
        shown = screen.reader_pane.item
        if shown is not None and shown.id in ids:
            changed = replace(shown, starred=value) if mark == "starred" else shown
            screen.reader_pane.update_header(changed, screen.settings.lang)
        if mark == "starred":
            self.set_marks(ids, starred=value)
        else:
            if value:
                screen.keep_listed(ids)
            self.set_marks(ids, read=value)
        screen.notify(_(_MARKED[mark, bool(value)]).format(count=len(rows)))

    def star(self) -> None:
        screen = self._screen
        rows = self.targets()
        if len(rows) > 1:
            # One verb for the lot: star them all unless all are starred already.
            self._mark_many(rows, "starred", not all(r.starred for r in rows))
            return
        row = self.current()
        if row is None:
            return
        starred = not row.starred
        screen.item_list.update_row(row.id, starred=starred)
        shown = screen.reader_pane.item
        if shown is not None and shown.id == row.id:
            screen.reader_pane.update_header(replace(shown, starred=starred), screen.settings.lang)
        self.set_marks([row.id], starred=starred)

    def toggle_read(self) -> None:
        screen = self._screen
        rows = self.targets()
        if len(rows) > 1:
            self._mark_many(rows, "read", not all(r.read for r in rows))
            return
        row = self.current()
        if row is None:
            return
        if not row.read:
            screen.keep_listed([row.id])
        screen.item_list.update_row(row.id, read=not row.read)
        self.set_marks([row.id], read=not row.read)

    def all_read(self) -> None:
        screen = self._screen
        screen.jobs.mark_view_read(screen.entry.view, screen.search_text, self._marked_all)

    def _marked_all(self, ids: list[int]) -> None:
        screen = self._screen
        self.undo_ids = ids
        screen.notify(
            ngettext(
                "{n_ids} item marked read. Press U to undo.",
                "{n_ids} items marked read. Press U to undo.",
                len(ids),
            ).format(n_ids=len(ids))
        )
        screen.item_list.update_all(read=True)
        screen.post_message(LibraryChanged())

    def undo(self) -> None:
        ids, self.undo_ids = self.undo_ids, []
        if ids:
            self.set_marks(ids, read=False, reload=True)
            self._screen.notify(
                ngettext(
                    "{n_ids} item unread again.", "{n_ids} items unread again.", len(ids)
                ).format(n_ids=len(ids))
            )
        self._screen.refresh_bindings()

    def change_tags(self, ids: list[int], add: list[str], remove: list[str]) -> None:
        self._screen.jobs.change_tags(ids, add, remove, self._items_changed)

    def save_note(self, item_id: int, text: str) -> None:
        self._screen.jobs.save_note(item_id, text, lambda item: self._items_changed([item]))

    def _items_changed(self, items: list[Item]) -> None:
        screen = self._screen
        for item in items:
            screen.item_list.update_row(
                item.id, tags=tuple(item.tags), starred=item.starred, read=item.read
            )
            shown = screen.reader_pane.item
            if shown is not None and shown.id == item.id:
                screen.reader_pane.update_header(item, screen.settings.lang)
        screen.follower.load_feeds()
