"""The main screen's dialogs: what each opens with, and what is done with its answer.

Tags (`t`), note (`a`), export (`E`), watches (`W`), editing the feeds pane's entry (`e`) and
saving a search (`S`). A dialog only answers; the change is written in a worker and the panes
follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veille.core import Exported, Item, Snapshot, Veille
from veille.core.translations import _, ngettext
from veille.tui.messages import LibraryChanged
from veille.tui.screens.entry_edit import EntryEdit, FeedDialog, SearchDialog, TagDialog
from veille.tui.screens.export import REMEMBERED, ExportChoice, ExportDialog, ExportSelection
from veille.tui.screens.link import LinkPrompt
from veille.tui.screens.note import NoteEditor, editing_folder
from veille.tui.screens.save_search import SaveSearchPrompt
from veille.tui.screens.tags import TagChange, TagEditor
from veille.tui.screens.watch import WatchEdit, WatchEditor

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen


class Dialogs:
    """Opens the screen's dialogs and carries out their answers."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen

    def tags(self) -> None:
        screen = self._screen
        rows = screen.marker.targets()
        if not rows:
            return
        ids = [row.id for row in rows]
        # Several items: the editor starts from the tags they all share; unchecking one removes
        # it from every item, a new one goes on every item, the others are left alone.
        shared = [t for t in rows[0].tags if all(t in r.tags for r in rows[1:])]

        def done(change: TagChange | None) -> None:
            if change and (change[0] or change[1]):
                screen.marker.change_tags(ids, *change)

        title = _("Tags of {count} items").format(count=len(rows)) if len(rows) > 1 else _("Tags")
        screen.open_dialog(TagEditor(shared, screen.known_tags, title=title), done)

    def note(self) -> None:
        screen = self._screen
        row = screen.marker.current()
        if row is None:
            return
        item_id = row.id

        def edit(item: Item) -> None:
            def done(text: str | None) -> None:
                if text is not None and text != item.note:
                    screen.marker.save_note(item_id, text)

            folder = editing_folder(screen.veille.paths.data)
            screen.open_dialog(NoteEditor(item.note, folder=folder), done)

        screen.jobs.item(item_id, edit)

    def link_prompt(self) -> None:
        screen = self._screen
        if not screen.reader_pane.links:
            screen.notify(_("The article has no numbered links."), severity="warning")
            return

        def done(number: int | None) -> None:
            if number is not None:
                screen.action_link(number)

        screen.open_dialog(LinkPrompt(len(screen.reader_pane.links)), done)

    def export(self) -> None:
        screen = self._screen
        selected = screen.item_list.selected_rows()
        if selected:
            selection = ExportSelection(
                screen.veille,
                ids=tuple(row.id for row in selected),
                description=_("The {n_selected} selected items").format(n_selected=len(selected)),
            )
        else:
            # The quotation marks are the language's own: “All” in English, « Tout » in French.
            if screen.search_text:
                description = _("Everything in “{view}”, search: {search_text}").format(
                    view=screen.entry.title, search_text=screen.search_text
                )
            else:
                description = _("Everything in “{view}”").format(view=screen.entry.title)
            selection = ExportSelection(
                screen.veille,
                view=screen.entry.view,
                query=screen.search_text,
                description=description,
            )
        if not screen.item_list.count:
            screen.notify(_("Nothing to export here."), severity="warning")
            return

        def done(choice: ExportChoice | None) -> None:
            if choice is not None:
                screen.jobs.export(
                    choice.fmt,
                    choice.options,
                    choice.path,
                    ids=selection.ids,
                    view=selection.view,
                    query=selection.query,
                    remember=(REMEMBERED, choice.remembered()),
                    send_as=choice.profile if choice.send else "",
                    then=lambda done: exported(choice, done),
                )

        def exported(choice: ExportChoice, done: Exported) -> None:
            screen.notify(exported_message(done, choice.path), markup=False)

        settings = screen.settings
        dialog = ExportDialog(
            selection,
            lang=settings.lang,
            profiles=screen.veille.review_profiles(),
            folder=screen.veille.paths.reviews,
            can_send=bool(settings.smtp.host),
        )
        screen.open_dialog(dialog, done)

    def watches(self) -> None:
        screen = self._screen
        rules = screen.snapshot.watches if screen.snapshot else []

        def done(edit: WatchEdit | None) -> None:
            if edit is not None:
                screen.jobs.change(
                    _("saving the watch"), lambda v: save_watch(v, edit), self._saved
                )

        editor = WatchEditor(
            rules,
            from_config={w.name for w in screen.settings.watch},
            known_tags=screen.known_tags,
            query=screen.search_text,
        )
        screen.open_dialog(editor, done)

    def _saved(self, message: str) -> None:
        self._screen.post_message(LibraryChanged(feeds=True))
        self._screen.notify(message, markup=False)

    def edit_entry(self) -> None:
        screen = self._screen
        entry, snap = screen.entry, screen.snapshot
        done = self._entry_edited
        if entry.feed is not None:
            folders = sorted({f.folder for f in snap.feeds if f.folder}) if snap else []
            feed = next((f for f in snap.feeds if f.id == entry.feed.id), None) if snap else None
            screen.open_dialog(FeedDialog(feed or entry.feed, folders), done)
        elif entry.view.tag is not None:
            count = next((t.items for t in snap.tags if t.name == entry.view.tag), 0) if snap else 0
            screen.open_dialog(TagDialog(entry.view.tag, count), done)
        elif entry.view.saved_search_id is not None and snap is not None:
            search = next((s for s in snap.searches if s.id == entry.view.saved_search_id), None)
            if search is not None:
                screen.open_dialog(SearchDialog(search), done)
        elif entry.view.rule_id is not None:
            self.watches()
        else:
            screen.notify(
                _("Choose a tag, a saved search, a watch or a feed in the left pane, then press e.")
            )

    def _entry_edited(self, edit: EntryEdit | None) -> None:
        if edit is not None:
            self._screen.jobs.change(
                _("saving the change"), lambda v: apply_entry_edit(v, edit), self._entry_saved
            )

    def _entry_saved(self, outcome: tuple[Snapshot, str, str]) -> None:
        snap, select, message = outcome
        self._screen.follower.feeds_loaded(snap, select)
        self._screen.notify(message, markup=False)

    def save_search(self) -> None:
        screen = self._screen
        query = screen.search_text
        if not query:
            screen.notify(_("Search first (/), then press S to keep the search."), markup=False)
            return

        def done(name: str | None) -> None:
            if name:
                screen.jobs.save_search(name, query, lambda _: saved(name))

        def saved(name: str) -> None:
            screen.post_message(LibraryChanged(feeds=True))
            screen.notify(
                _("Saved search « {name} »: {query}").format(name=name, query=query), markup=False
            )

        screen.open_dialog(SaveSearchPrompt(query), done)


def save_watch(v: Veille, edit: WatchEdit) -> str:
    """Save, rename or delete a watch rule (and run it if asked); what to tell the user."""
    if edit.delete_id is not None:
        v.delete_watch(edit.delete_id)
        return _("Watch « {name} » deleted.").format(name=edit.name)
    matched = v.save_watch(
        edit.name,
        edit.query,
        add_tags=edit.add_tags,
        star=edit.star,
        mark_read=edit.mark_read,
        hide=edit.hide,
        replaces=edit.replaces or None,
        apply_now=edit.apply_now,
    )
    message = _("Watch « {name} » saved.").format(name=edit.name)
    if matched is not None:
        message += ngettext(
            " It matched {matched} item.", " It matched {matched} items.", matched
        ).format(matched=matched)
    return message


def apply_entry_edit(v: Veille, edit: EntryEdit) -> tuple[Snapshot, str, str]:
    """Rename or delete a tag, edit or delete a saved search, or change a feed: the pane's new
    counts, the entry to move to and what to tell the user."""
    if edit.kind == "rename-tag":
        touched = v.rename_tag(edit.target, edit.name)
        message = _("#{target} is now #{name} on {touched} items.").format(
            target=edit.target, name=edit.name, touched=touched
        )
        select = f"tag:{edit.name}"
    elif edit.kind == "delete-tag":
        touched = v.delete_tag(edit.target)
        message = _("#{target} removed from {touched} items.").format(
            target=edit.target, touched=touched
        )
        select = "all"
    elif edit.kind == "edit-search":
        v.update_search(int(edit.target), edit.name, edit.query)
        message = _("Saved search « {name} » changed.").format(name=edit.name)
        select = f"search:{edit.target}"
    elif edit.kind == "delete-search":
        v.delete_search(int(edit.target))
        message = _("Saved search « {name} » deleted.").format(name=edit.name)
        select = "all"
    else:
        feed_id = int(edit.target)
        v.set_feed(feed_id, title=edit.name, folder=edit.folder, policy=edit.policy)  # type: ignore[arg-type]
        message = _("Feed saved; full text: {value}.").format(
            value=edit.policy or _("as config.toml says")
        )
        select = f"feed:{feed_id}"
    return v.snapshot(), select, message


def exported_message(done: Exported, path: object) -> str:
    """What the app says once an export is written (and sent)."""
    told = ngettext("Exported {count} item", "Exported {count} items", done.count).format(
        count=done.count
    )
    if done.stories and done.stories != done.count:
        told += " " + ngettext(
            "({stories} story: outlets telling one story are one entry)",
            "({stories} stories: outlets telling one story are one entry)",
            done.stories,
        ).format(stories=done.stories)
    told = _("{told} to {path}").format(told=told, path=path)
    if done.sent_to:
        told += " · " + _("sent to {recipients}").format(recipients=", ".join(done.sent_to))
    return told
