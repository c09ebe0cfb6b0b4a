"""The main screen's work for its dialogs: watch rules, edits of the feeds pane's entries, exports.

Like the rest of `Tasks`, each runs in a worker thread, reports a failure as one notification and
posts what changed; split from `veille.tui.tasks` because these answer dialogs, not reading.
"""

from __future__ import annotations

from textual import work

from veille.tui.messages import LibraryChanged
from veille.tui.screens.entry_edit import EntryEdit
from veille.tui.screens.export import ExportChoice, ExportSelection
from veille.tui.screens.watch import WatchEdit
from veille.tui.tasks import Tasks, read_snapshot


class EditTasks(Tasks):
    """`Tasks` plus the dialogs' workers; `MainScreen` adds the layout and the bindings."""

    @work(thread=True, group="marks")
    def save_watch(self, edit: WatchEdit) -> None:
        """Save, rename or delete a watch rule; run it over the whole library if asked."""
        try:
            if edit.delete_id is not None:
                self.lib.delete_rule(edit.delete_id)
                message = f"Watch « {edit.name} » deleted."
            else:
                if edit.replaces:
                    for old in self.lib.rules():
                        if old.name == edit.replaces:
                            self.lib.delete_rule(old.id)
                self.lib.save_rule(
                    edit.name,
                    edit.query,
                    add_tags=edit.add_tags,
                    star=edit.star,
                    mark_read=edit.mark_read,
                    hide=edit.hide,
                )
                message = f"Watch « {edit.name} » saved."
                if edit.apply_now:
                    matched = self.lib.apply_rules(name=edit.name).get(edit.name, 0)
                    message += f" It matched {matched} item{'s' if matched != 1 else ''}."
        except Exception as error:
            self.fail("saving the watch", error)
            return
        self.post_message(LibraryChanged(feeds=True))
        self.app.call_from_thread(self.notify, message, markup=False)

    @work(thread=True, group="marks")
    def apply_entry_edit(self, edit: EntryEdit) -> None:
        """Rename or delete a tag, edit or delete a saved search, or change a feed."""
        lib = self.lib
        select: str | None = None
        try:
            if edit.kind == "rename-tag":
                touched = lib.rename_tag(edit.target, edit.name)
                message = f"#{edit.target} is now #{edit.name} on {touched} items."
                select = f"tag:{edit.name}"
            elif edit.kind == "delete-tag":
                touched = lib.delete_tag(edit.target)
                message = f"#{edit.target} removed from {touched} items."
                select = "all"
            elif edit.kind == "edit-search":
                lib.update_search(int(edit.target), edit.name, edit.query)
                message = f"Saved search « {edit.name} » changed."
                select = f"search:{edit.target}"
            elif edit.kind == "delete-search":
                lib.delete_search(int(edit.target))
                message = f"Saved search « {edit.name} » deleted."
                select = "all"
            else:
                feed_id = int(edit.target)
                lib.set_feed_title(feed_id, edit.name)
                lib.set_feed_folder(feed_id, edit.folder)
                lib.set_feed_policy(feed_id, edit.policy)  # type: ignore[arg-type]
                message = f"Feed saved; full text: {edit.policy or 'as config.toml says'}."
                select = f"feed:{feed_id}"
            snap = read_snapshot(lib)
        except Exception as error:
            self.fail("saving the change", error)
            return
        self.post_message(self._FeedsLoaded(snap, select))
        self.app.call_from_thread(self.notify, message, markup=False)

    @work(thread=True, group="export")
    def export_to_file(self, selection: ExportSelection, choice: ExportChoice) -> None:
        """Write the export whole or not at all (see `veille.core.outfile`)."""
        from veille.core.export import export_items
        from veille.core.outfile import OutputError, describe, write_output

        try:
            items = selection.items()
            feeds = self.lib.feeds() if choice.fmt == "opml" else []
            text = export_items(items, choice.fmt, choice.options, feeds)
        except Exception as error:
            self.fail("exporting", error)
            return
        path = choice.path
        try:
            # A folder typed in the dialog is the user's own choice: it is made for them.
            path.parent.mkdir(parents=True, exist_ok=True)
            write_output(path, text)
        except OSError as error:
            self.fail(
                "exporting", OutputError(f"{describe(error, path.parent)}; nothing was written")
            )
            return
        except OutputError as error:
            self.fail("exporting", error)
            return
        count = len(items)
        self.app.call_from_thread(
            self.notify, f"Exported {count} item{'s' if count != 1 else ''} to {path}", markup=False
        )
