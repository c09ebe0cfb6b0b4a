"""The reader's main screen: feeds, items and the article, and the verbs that act on them.

The screen owns the three panes and routes between them: the feeds pane says which view was
chosen, the screen points the item list at it; the list says which item was opened, the screen
loads it (in a thread worker) and hands it to the reader. Panes never talk to each other.

Library work happens in `veille.tui.tasks` (thread workers posting messages back); this file is
layout, bindings and routing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label

from veille.core.library import View
from veille.core.model import Item, ItemRow
from veille.tui.display import checked_link, literal
from veille.tui.edits import EditTasks
from veille.tui.messages import LibraryChanged
from veille.tui.screens.entry_edit import EntryEdit, FeedDialog, SearchDialog, TagDialog
from veille.tui.screens.export import ExportChoice, ExportDialog, ExportSelection
from veille.tui.screens.help import HelpScreen
from veille.tui.screens.link import LinkPrompt
from veille.tui.screens.note import NoteEditor, editing_folder
from veille.tui.screens.save_search import SaveSearchPrompt
from veille.tui.screens.tags import TagChange, TagEditor
from veille.tui.screens.watch import WatchEdit, WatchEditor, query_problem
from veille.tui.source import LibrarySource
from veille.tui.widgets.feeds import Entry, FeedTree
from veille.tui.widgets.inputs import SafeInput
from veille.tui.widgets.items import ItemList
from veille.tui.widgets.reader import Reader
from veille.tui.widgets.status import StatusBar

T = TypeVar("T")
WIDE = 120  # columns from which the three panes stand side by side
SEARCH_DELAY = 0.15  # seconds of quiet typing before the list follows the search box


def _nav(keys: str, action: str, description: str, binding_id: str) -> Binding:
    return Binding(keys, action, description, show=False, id=binding_id)


class MainScreen(EditTasks, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        _nav("j,down", "cursor(1)", "Next item", "down"),
        _nav("k,up", "cursor(-1)", "Previous item", "up"),
        _nav("pagedown", "cursor_page(1)", "Page down the list", "page-down"),
        _nav("pageup", "cursor_page(-1)", "Page up the list", "page-up"),
        _nav("home", "cursor_end(0)", "First item", "first"),
        _nav("end", "cursor_end(1)", "Last item", "last"),
        _nav("n", "unread(1)", "Next unread", "next-unread"),
        _nav("N", "unread(-1)", "Previous unread", "previous-unread"),
        _nav("J", "feed(1)", "Next feed", "next-feed"),
        _nav("K", "feed(-1)", "Previous feed", "previous-feed"),
        Binding("enter", "open", "Open", id="open"),
        _nav("space", "page", "Open, then page down", "page"),
        Binding("v", "select", "Select", id="select"),
        Binding("s", "star", "Star", id="star"),
        Binding("t", "tags", "Tags", id="tags"),
        Binding("a", "note", "Note", id="note"),
        Binding("u", "toggle_read", "Read", id="toggle-read"),
        Binding("A", "all_read", "All read", id="all-read"),
        Binding("U", "undo", "Undo", id="undo"),
        Binding("o", "browser", "Browser", id="open-browser"),
        Binding("y", "copy_link", "Copy link", id="copy-link"),
        Binding("f", "full_text", "Full text", id="full-text"),
        Binding("slash", "search", "Search", id="search"),
        Binding("E", "export", "Export", id="export"),
        Binding("W", "watches", "Watches", id="watches"),
        _nav("e", "edit_entry", "Edit the tag, saved search or feed shown", "edit-entry"),
        _nav("S", "save_search", "Save the current search", "save-search"),
        Binding("r", "refresh_feed", "Refresh", id="refresh"),
        Binding("R", "refresh_all", "Refresh all", id="refresh-all"),
        Binding("z", "zoom", "Zoom", id="zoom"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "back", "Back/quit", id="back"),
        _nav("escape", "escape", "Leave the search or the zoom", "escape"),
        _nav("g", "link_prompt", "Open link number…", "link-prompt"),
        *(_nav(str(n), f"link({n})", f"Open link {n}", f"link-{n}") for n in range(1, 10)),
        _nav("left_square_bracket", "resize('feeds', -2)", "Narrower feeds pane", "feeds-narrower"),
        _nav("right_square_bracket", "resize('feeds', 2)", "Wider feeds pane", "feeds-wider"),
        _nav("minus", "resize('list', -2)", "Smaller item list", "list-smaller"),
        _nav("plus,equals_sign", "resize('list', 2)", "Larger item list", "list-larger"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FeedTree(id="feeds")
            with Container(id="content"):
                with Vertical(id="list-pane"):
                    yield SafeInput(placeholder="search (tag:, is:starred, since:7d…)", id="search")
                    yield Label(Content(""), id="search-problem")
                    yield ItemList(lang=self.settings.lang, id="items")
                yield Reader(id="reader")
        yield StatusBar(id="status")
        yield Footer()

    # Setup ----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one("#search-problem", Label).display = False
        self.entry = Entry("all", View(), "All")
        self.search_text = ""
        self.undo_ids: list[int] = []
        self.feeds_width = 30
        self.list_size = 40
        self._search_timer: Timer | None = None
        self.query_one(ItemList).focus()
        self.status_bar.offline(self.offline)
        self.reader_pane.offline = self.offline
        self.start()

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        wide = width >= WIDE
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-narrow")
        feeds = max(12, min(self.feeds_width, width // 2))
        self.feed_tree.styles.width = feeds if wide else max(12, min(feeds, 26))
        size = max(10, min(self.list_size, 80))
        list_pane = self.query_one("#list-pane")
        if wide:
            list_pane.styles.width = f"{size}%"
            list_pane.styles.height = "1fr"
        else:
            list_pane.styles.width = "1fr"
            list_pane.styles.height = f"{size}%"

    def apply_layout_state(self, feeds_width: int, list_size: int) -> None:
        self.feeds_width = feeds_width
        self.list_size = list_size
        self._layout(self.size.width)

    def show_view(self, entry: Entry, *, keep_id: int | None = None) -> None:
        self.entry = entry
        source = LibrarySource(self.lib, entry.view, self.search_text)
        self.item_list.show(source, keep_id=keep_id)

    # Routing --------------------------------------------------------------------------------

    @on(FeedTree.ViewSelected)
    def view_selected(self, event: FeedTree.ViewSelected) -> None:
        self.show_view(event.entry)
        self.save_state("tui.view", event.entry.key)

    @on(ItemList.Loaded)
    def list_loaded(self, event: ItemList.Loaded) -> None:
        self.status_bar.describe(self.entry.title, event.count, self.search_text, exact=event.exact)
        self.status_bar.selection(len(self.item_list.selection))
        self.refresh_bindings()

    @on(ItemList.Highlighted)
    def highlighted(self, event: ItemList.Highlighted) -> None:
        # Redrawing the footer costs far more than moving the cursor: only do it when the verbs
        # that need a row change availability, not on every `j`.
        has_row = event.row is not None
        if has_row != getattr(self, "_had_row", None):
            self._had_row = has_row
            self.refresh_bindings()

    @on(ItemList.Selected)
    def selected(self, event: ItemList.Selected) -> None:
        self.open_item(event.row.id)

    def on_library_changed(self, message: LibraryChanged) -> None:
        self.item_list.reload()
        if message.feeds:
            self.load_feeds()

    def item_opened(self, item: Item) -> None:
        self.item_list.update_row(item.id, read=item.read)
        self.refresh_bindings()

    # Availability ---------------------------------------------------------------------------

    def refresh_bindings(self) -> None:
        """Redraw the footer only if what it shows changed.

        The footer rebuilds all its keys on every call, which costs more than moving through a
        list or switching feeds; most calls change nothing it shows. Its content is exactly the
        shown active bindings, their availability and tooltips, so that is what is compared.
        While the search box has the focus the footer stays as it was: the box takes the
        letters, so Textual would hide every verb for a few seconds of typing and rebuild the
        footer twice (a quarter of a second on entering the box and again on leaving it).
        """
        if isinstance(self.focused, Input) and self.focused.id == "search":
            return
        shown = tuple(
            (key, binding.action, binding.description, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.active_bindings.items()
            if binding.show
        )
        if shown != getattr(self, "_footer_state", None):
            self._footer_state = shown
            super().refresh_bindings()

    def open_dialog(
        self, dialog: Screen[T], done: Callable[[T | None], None] | None = None
    ) -> None:
        """Show `dialog` unless the app is quitting or this screen is no longer the one shown.

        Keys are read ahead: `q` then `t` typed quickly reach here after the quit began, and a
        worker may answer once the screen is gone; neither may open a dialog.
        """
        if getattr(self.app, "closing", False) or not self.is_mounted or not self.is_active:
            return
        self.app.push_screen(dialog, done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if getattr(self.app, "closing", False):
            return False  # keys typed after `q` find no screen to open: the app is leaving
        needs_row = {
            "star",
            "tags",
            "note",
            "toggle_read",
            "browser",
            "copy_link",
            "open",
            "page",
            "full_text",
        }
        if action in needs_row and not hasattr(self, "entry"):
            return None
        if action in needs_row and self.item_list.current_row is None:
            return None
        if action in ("browser", "copy_link"):
            row = self.item_list.current_row
            return True if row is not None and checked_link(row.url) else None
        if action == "link":
            number = parameters[0] if parameters else 0
            return True if isinstance(number, int) and self.reader_pane.link(number) else None
        if action == "link_prompt":
            return True if self.reader_pane.links else None
        if action == "undo":
            return True if getattr(self, "undo_ids", None) else None
        if action == "select":
            return True if self.item_list.current_row is not None else None
        return True

    # Navigation -----------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.item_list.move_by(delta)

    def action_cursor_page(self, pages: int) -> None:
        self.item_list.page_by(pages)

    def action_cursor_end(self, last: int) -> None:
        self.item_list.move_to(self.item_list.count - 1 if last else 0)

    def action_unread(self, direction: int) -> None:
        self.find_unread(direction)

    def action_feed(self, delta: int) -> None:
        self.feed_tree.step_feed(delta)

    def action_open(self) -> None:
        row = self.item_list.current_row
        if row is not None:
            self.open_item(row.id)

    def action_page(self) -> None:
        row = self.item_list.current_row
        shown = self.reader_pane.item
        if row is None:
            return
        if shown is None or shown.id != row.id:
            self.open_item(row.id)
        elif self.reader_pane.at_end:
            self.find_unread(1)
        else:
            self.reader_pane.scroll_page_down(animate=False)

    # Verbs on the current item ----------------------------------------------------------------

    def _current(self) -> ItemRow | None:
        return self.item_list.current_row

    def targets(self) -> list[ItemRow]:
        """What a verb acts on: the selection when there is one, else the current row."""
        selected = self.item_list.selected_rows()
        if selected:
            return selected
        row = self._current()
        return [row] if row is not None else []

    def action_select(self) -> None:
        row = self._current()
        if row is None:
            return
        self.item_list.toggle_selected(row)
        self.item_list.move_by(1)
        self._show_selection()

    def _show_selection(self) -> None:
        self.status_bar.selection(len(self.item_list.selection))
        self.refresh_bindings()

    def drop_selection(self) -> bool:
        if not self.item_list.selection:
            return False
        self.item_list.clear_selection()
        self._show_selection()
        return True

    def _mark_many(self, rows: list[ItemRow], mark: str, value: bool) -> None:
        """Star (`mark="starred"`) or read (`"read"`) several rows at once."""
        ids = [row.id for row in rows]
        for row in rows:
            self.item_list.update_row(row.id, **{mark: value})
        shown = self.reader_pane.item
        if shown is not None and shown.id in ids:
            changed = replace(shown, starred=value) if mark == "starred" else shown
            self.reader_pane.update_header(changed, self.settings.lang)
        if mark == "starred":
            self.set_marks(ids, starred=value)
        else:
            self.set_marks(ids, read=value)
        self.notify(f"{len(rows)} items {'' if value else 'no longer '}{mark}.")

    def action_star(self) -> None:
        rows = self.targets()
        if len(rows) > 1:
            # One verb for the lot: star them all unless all are starred already.
            self._mark_many(rows, "starred", not all(r.starred for r in rows))
            return
        row = self._current()
        if row is None:
            return
        starred = not row.starred
        self.item_list.update_row(row.id, starred=starred)
        if self.reader_pane.item is not None and self.reader_pane.item.id == row.id:
            item = replace(self.reader_pane.item, starred=starred)
            self.reader_pane.update_header(item, self.settings.lang)
        self.set_marks([row.id], starred=starred)

    def action_toggle_read(self) -> None:
        rows = self.targets()
        if len(rows) > 1:
            self._mark_many(rows, "read", not all(r.read for r in rows))
            return
        row = self._current()
        if row is None:
            return
        self.item_list.update_row(row.id, read=not row.read)
        self.set_marks([row.id], read=not row.read)

    def action_all_read(self) -> None:
        self.mark_view_read(self.entry.view, self.search_text)

    def action_undo(self) -> None:
        ids, self.undo_ids = self.undo_ids, []
        if ids:
            self.set_marks(ids, read=False, reload=True)
            self.notify(f"{len(ids)} items unread again.")
        self.refresh_bindings()

    def action_tags(self) -> None:
        rows = self.targets()
        if not rows:
            return
        ids = [row.id for row in rows]
        # Several items: the editor starts from the tags they all share; unchecking one removes
        # it from every item, a new one goes on every item, the others are left alone.
        shared = [t for t in rows[0].tags if all(t in r.tags for r in rows[1:])]

        def done(change: TagChange | None) -> None:
            if change and (change[0] or change[1]):
                self.change_tags(ids, *change)

        title = f"Tags of {len(rows)} items" if len(rows) > 1 else "Tags"
        self.open_dialog(TagEditor(shared, self.known_tags, title=title), done)

    def action_note(self) -> None:
        row = self._current()
        if row is None:
            return
        item_id = row.id

        def edit(item: Item) -> None:
            def done(text: str | None) -> None:
                if text is not None and text != item.note:
                    self.save_note(item_id, text)

            folder = editing_folder(self.paths.data) if self.paths is not None else None
            self.open_dialog(NoteEditor(item.note, folder=folder), done)

        self.with_item(item_id, edit)

    def action_browser(self) -> None:
        row = self._current()
        url = checked_link(row.url) if row else None
        if url:
            self.open_in_browser(url)

    def action_copy_link(self) -> None:
        row = self._current()
        url = checked_link(row.url) if row else None
        if url:
            self.app.copy_to_clipboard(url)
            self.notify("Link copied.")

    def action_full_text(self) -> None:
        row = self._current()
        if row is not None:
            self.fetch_full_text(row.id)

    def action_link(self, number: int) -> None:
        url = checked_link(self.reader_pane.link(number) or "")
        if url:
            self.open_in_browser(url)
        else:
            self.notify(f"Link {number} cannot be opened here.", severity="warning")

    def action_link_prompt(self) -> None:
        def done(number: int | None) -> None:
            if number is not None:
                self.action_link(number)

        self.open_dialog(LinkPrompt(len(self.reader_pane.links)), done)

    def action_export(self) -> None:
        selected = self.item_list.selected_rows()
        if selected:
            selection = ExportSelection(
                self.lib,
                ids=tuple(row.id for row in selected),
                description=f"The {len(selected)} selected items",
            )
        else:
            where = f"« {self.entry.title} »"
            if self.search_text:
                where += f", search: {self.search_text}"
            selection = ExportSelection(
                self.lib,
                view=self.entry.view,
                query=self.search_text,
                description=f"Everything in {where}",
            )
        if not self.item_list.count:
            self.notify("Nothing to export here.", severity="warning")
            return

        def done(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.export_to_file(selection, choice)

        self.open_dialog(ExportDialog(selection, lang=self.settings.lang), done)

    def action_watches(self) -> None:
        rules = self.snapshot.watches if self.snapshot else []

        def done(edit: WatchEdit | None) -> None:
            if edit is not None:
                self.save_watch(edit)

        editor = WatchEditor(
            rules,
            from_config={w.name for w in self.settings.watch},
            known_tags=self.known_tags,
            query=self.search_text,
        )
        self.open_dialog(editor, done)

    def action_edit_entry(self) -> None:
        entry, snap = self.entry, self.snapshot
        done = self._entry_edited
        if entry.feed is not None:
            folders = sorted({f.folder for f in snap.feeds if f.folder}) if snap else []
            feed = next((f for f in snap.feeds if f.id == entry.feed.id), None) if snap else None
            self.open_dialog(FeedDialog(feed or entry.feed, folders), done)
        elif entry.view.tag is not None:
            count = next((t.items for t in snap.tags if t.name == entry.view.tag), 0) if snap else 0
            self.open_dialog(TagDialog(entry.view.tag, count), done)
        elif entry.view.saved_search_id is not None and snap is not None:
            search = next((s for s in snap.searches if s.id == entry.view.saved_search_id), None)
            if search is not None:
                self.open_dialog(SearchDialog(search), done)
        elif entry.view.rule_id is not None:
            self.action_watches()
        else:
            self.notify(
                "Choose a tag, a saved search, a watch or a feed in the left pane, then press e."
            )

    def _entry_edited(self, edit: EntryEdit | None) -> None:
        if edit is not None:
            self.apply_entry_edit(edit)

    # Search -----------------------------------------------------------------------------------

    def action_save_search(self) -> None:
        query = self.search_text
        if not query:
            self.notify("Search first (/), then press S to keep the search.", markup=False)
            return

        def done(name: str | None) -> None:
            if name:
                self.save_search(name, query)

        self.open_dialog(SaveSearchPrompt(query), done)

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._apply_search)

    def _apply_search(self) -> None:
        text = self.query_one("#search", Input).value.strip()
        # A query being typed is often briefly wrong (`tag:` before its value): say where, and
        # keep showing the last good result rather than an empty list or an error popup.
        problem = query_problem(text) if text else ""
        label = self.query_one("#search-problem", Label)
        label.update(Content(problem))
        label.display = bool(problem)
        if problem:
            return
        if text != self.search_text:
            self.search_text = text
            self.show_view(self.entry)

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._apply_search()
        self.item_list.focus()

    def leave_search(self) -> bool:
        box = self.query_one("#search", Input)
        if not box.display:
            return False
        box.value = ""
        box.display = False
        self.query_one("#search-problem", Label).display = False
        if self._search_timer is not None:
            self._search_timer.stop()
        if self.search_text:
            self.search_text = ""
            self.show_view(self.entry)
        self.item_list.focus()
        return True

    # Screen-level ---------------------------------------------------------------------------

    def action_refresh_feed(self) -> None:
        feed = self.entry.feed
        if feed is not None:
            self.run_refresh([feed.id])
            return
        row = self._current()
        if row is not None:
            self.run_refresh([row.feed_id])

    def action_refresh_all(self) -> None:
        self.run_refresh(None)

    def action_zoom(self) -> None:
        self.toggle_class("-zoomed")
        if self.has_class("-zoomed"):
            self.reader_pane.focus()
        else:
            self.item_list.focus()

    def action_escape(self) -> None:
        if self.has_class("-zoomed"):
            self.action_zoom()
        elif self.drop_selection():
            pass
        elif not self.leave_search() and self.focused is not self.item_list:
            self.item_list.focus()

    def action_back(self) -> None:
        if self.has_class("-zoomed"):
            self.action_zoom()
        elif self.drop_selection() or self.leave_search():
            pass
        elif self.focused is not self.item_list and self.focused is not None:
            self.item_list.focus()
        else:
            self.request_quit()

    def action_help(self) -> None:
        keymap = self.app_keymap
        rows = []
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                keys = keymap.get(binding.id, binding.key)
                rows.append((keys, binding.description, binding.id))
        self.open_dialog(HelpScreen(rows))

    def action_resize(self, pane: str, delta: int) -> None:
        if pane == "feeds":
            self.feeds_width = max(12, min(self.feeds_width + delta, 80))
            self.save_state("tui.feeds_width", str(self.feeds_width))
        else:
            self.list_size = max(10, min(self.list_size + delta, 80))
            self.save_state("tui.list_size", str(self.list_size))
        self._layout(self.size.width)

    def announce_errors(self, errors: dict[int, str], titles: dict[int, str]) -> None:
        """Per-feed refresh errors, in one notification; feed text is shown literally."""
        if not errors:
            return
        lines = [Content(f"{len(errors)} feed(s) failed:")]
        for feed_id, error in list(errors.items())[:5]:
            lines.append(
                Content(
                    f"• {literal(titles.get(feed_id, str(feed_id))).plain}: {literal(error).plain}"
                )
            )
        if len(errors) > 5:
            lines.append(Content(f"… and {len(errors) - 5} more"))
        self.notify(str(Content("\n").join(lines)), severity="warning", markup=False)
