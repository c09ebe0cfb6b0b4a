"""The main screen's verbs on the current item: selecting, marks, tags, notes, exports,
watches, saved searches, full text and the link prompt.

They live beside the screen as a mixin so that its file stays layout, bindings and routing; each
hands the item over to the object of the screen that does the work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen


def _main(verbs: object) -> MainScreen:
    return cast("MainScreen", verbs)


class ItemVerbs:
    """Actions of `MainScreen` (mixed into it) on the item under the cursor or the selection."""

    def action_select(self) -> None:
        _main(self).marker.select()

    def action_star(self) -> None:
        _main(self).marker.star()

    def action_toggle_read(self) -> None:
        _main(self).marker.toggle_read()

    def action_all_read(self) -> None:
        _main(self).marker.all_read()

    def action_undo(self) -> None:
        _main(self).marker.undo()

    def action_tags(self) -> None:
        _main(self).dialogs.tags()

    def action_note(self) -> None:
        _main(self).dialogs.note()

    def action_export(self) -> None:
        _main(self).dialogs.export()

    def action_watches(self) -> None:
        _main(self).dialogs.watches()

    def action_edit_entry(self) -> None:
        _main(self).dialogs.edit_entry()

    def action_save_search(self) -> None:
        _main(self).dialogs.save_search()

    def action_full_text(self) -> None:
        screen = _main(self)
        row = screen.marker.current()
        if row is not None:
            screen.fetcher.full_text(row.id)

    def action_link_prompt(self) -> None:
        _main(self).dialogs.link_prompt()
