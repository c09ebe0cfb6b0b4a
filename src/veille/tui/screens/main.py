"""The reader's main screen: feeds, items and the article, and the verbs that act on them.

The screen owns the three panes and routes between them: the feeds pane says which view was
chosen, the screen points the item list at it; the list says which item was opened, the screen
loads it (in a thread worker) and hands it to the reader. Panes never talk to each other.

This file is layout, bindings and routing; the state it routes on is built in `__init__`. The
work is done by small objects it builds there: `Workers` (every call to the front door, off the
event loop, and the one route a failure takes), `Follower` (start, feeds pane, outside changes),
`Marker` (marks and the selection), `Dialogs`, `Fetcher` (refresh, full text), `SearchBox`,
`PaneLayout` and `SaveGuard` (quitting without losing a change). The keys are in `keys.py`;
the verbs on the current item are in `item_verbs.py`, those of the reading morning in `verbs.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Input, Label
from textual.worker import Worker

from veille.core import Item, Snapshot, Veille, View
from veille.core.translations import _
from veille.tui.autorefresh import AutoRefresher
from veille.tui.dialogs import Dialogs
from veille.tui.display import checked_link
from veille.tui.fetching import ArticlesProgressed, Fetcher, Progressed, Stored
from veille.tui.flow import ReadingFlow
from veille.tui.follow import Follower
from veille.tui.item_verbs import ItemVerbs
from veille.tui.keys import MAIN_BINDINGS, NEEDS_ROW
from veille.tui.language import translated
from veille.tui.marking import Marker
from veille.tui.messages import LibraryChanged
from veille.tui.panes import PaneLayout
from veille.tui.pictures import show_article
from veille.tui.quitting import SaveGuard
from veille.tui.search import SearchBox
from veille.tui.source import LibrarySource
from veille.tui.syncing import Syncer, SyncProgressed
from veille.tui.verbs import MorningVerbs
from veille.tui.viewprefs import ViewPrefs
from veille.tui.widgets.feeds import Entry, FeedTree
from veille.tui.widgets.footer import FittingFooter
from veille.tui.widgets.inputs import SafeInput
from veille.tui.widgets.items import ItemList
from veille.tui.widgets.reader import Body, Reader
from veille.tui.widgets.status import StatusBar
from veille.tui.workers import Delivered, Workers

T = TypeVar("T")


class MainScreen(ItemVerbs, MorningVerbs, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = MAIN_BINDINGS

    def __init__(self, veille: Veille, *, start: dict[str, str] | None = None) -> None:
        """The screen over `veille`; `start`: the remembered state, if already read."""
        super().__init__()
        self.veille = veille
        self._start = start
        self.settings = veille.settings
        self.app_keymap = dict(veille.settings.keymap)
        self.entry = Entry("all", View(), "All")
        self.search_text = ""
        self.known_tags: list[str] = []
        self.snapshot: Snapshot | None = None
        self._had_row: bool | None = None
        self._footer_state: tuple[object, ...] | None = None
        self.jobs = Workers(self, veille)
        self.guard = SaveGuard(self, veille)
        self.follower = Follower(self)
        self.marker = Marker(self)
        self.dialogs = Dialogs(self)
        self.fetcher = Fetcher(self)
        self.syncer = Syncer(self)
        self.autorefresher = AutoRefresher(self)
        self.search = SearchBox(self)
        self.panes = PaneLayout(self)
        self.flow = ReadingFlow(self)
        self.prefs = ViewPrefs()

    @property
    def item_list(self) -> ItemList:
        return self.query_one(ItemList)

    @property
    def reader_pane(self) -> Reader:
        return self.query_one(Reader)

    @property
    def feed_tree(self) -> FeedTree:
        return self.query_one(FeedTree)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FeedTree(id="feeds")
            with Container(id="content"):
                with Vertical(id="list-pane"):
                    yield SafeInput(
                        placeholder=_("search (tag:, is:starred, since:7d…)"), id="search"
                    )
                    yield Label(Content(""), id="search-problem")
                    yield ItemList(lang=self.settings.lang, id="items")
                yield Reader(id="reader")
        yield StatusBar(id="status")
        yield FittingFooter()

    # Setup ----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.search.hide()
        self.query_one(ItemList).focus()
        self.status_bar.offline(self.veille.offline)
        self.reader_pane.offline = self.veille.offline
        self.reader_pane.set_reading_width(self.settings.reading_width)
        self.follower.start(self._start)
        self.syncer.start_timer()
        self.autorefresher.start_timer()

    def on_resize(self, event: Resize) -> None:
        self.panes.fit(event.size.width)

    def show_view(self, entry: Entry, *, keep_id: int | None = None) -> None:
        self.entry = entry
        prefs = self.prefs
        source = LibrarySource(
            self.veille,
            entry.view,
            self.search_text,
            order=prefs.order(entry.key),
            hide_read=prefs.hides_read(entry.key),
        )
        self.item_list.show(source, keep_id=keep_id)

    # Routing --------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.jobs.settle(event)

    @on(Delivered)
    def delivered(self, message: Delivered) -> None:
        message.then(message.result)

    @on(Progressed)
    def progressed(self, message: Progressed) -> None:
        self.fetcher.progressed(message.progress)

    @on(Stored)
    def stored(self, _message: Stored) -> None:
        self.fetcher.stored()

    @on(ArticlesProgressed)
    def articles_progressed(self, message: ArticlesProgressed) -> None:
        self.status_bar.articles(message.done, message.total)

    @on(SyncProgressed)
    def sync_progressed(self, message: SyncProgressed) -> None:
        self.syncer.progressed(message)

    @on(FeedTree.ViewSelected)
    def view_selected(self, event: FeedTree.ViewSelected) -> None:
        self.show_view(event.entry)
        self.jobs.save_state("tui.view", event.entry.key)

    @on(ItemList.Loaded)
    def list_loaded(self, event: ItemList.Loaded) -> None:
        self.status_bar.describe(
            self.entry.title,
            event.count,
            self.search_text,
            exact=event.exact,
            unread=self.feed_tree.unread_of(self.entry.key),
        )
        self.status_bar.selection(len(self.item_list.selection))
        self.refresh_bindings()
        self.flow.loaded(exact=event.exact)

    @on(ItemList.Highlighted)
    def highlighted(self, event: ItemList.Highlighted) -> None:
        # Redrawing the footer costs far more than moving the cursor: only do it when the verbs
        # that need a row change availability, not on every `j`.
        has_row = event.row is not None
        if has_row != self._had_row:
            self._had_row = has_row
            self.refresh_bindings()

    @on(ItemList.Selected)
    def selected(self, event: ItemList.Selected) -> None:
        self.open_item(event.row.id)

    def on_library_changed(self, message: LibraryChanged) -> None:
        self.item_list.reload()
        if message.feeds:
            self.follower.load_feeds()

    def open_item(self, item_id: int, *, mark_read: bool = True) -> None:
        if mark_read:
            self.keep_listed([item_id])
        self.jobs.open_item(item_id, mark_read, self._opened)

    def keep_listed(self, ids: Iterable[int]) -> None:
        """A list that leaves read rows out keeps these until the view is left, so that the
        cursor, and `u`, stay on the article just read (as newsboat and FreshRSS do)."""
        source = self.item_list.source
        if isinstance(source, LibrarySource):
            self.item_list.source = source.keeping(ids)

    def _opened(self, opened: tuple[Item, Body, list[Item]]) -> None:
        shown, body, read_now = opened
        item = show_article(self, shown, body)
        self.item_list.update_row(item.id, read=item.read)
        self.refresh_bindings()
        self.follower.items_read(read_now)

    def find_unread(self, direction: int) -> None:
        self.flow.find(direction)

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
        if shown != self._footer_state:
            self._footer_state = shown
            super().refresh_bindings()

    def open_dialog(
        self, dialog: Screen[T], done: Callable[[T | None], None] | None = None
    ) -> None:
        """Show `dialog` unless the app is quitting or this screen is no longer the one shown.

        Keys are read ahead: `q` then `t` typed quickly reach here after the quit began, and a
        worker may answer once the screen is gone; neither may open a dialog.
        """
        if self.app.return_code is not None or not self.is_mounted or not self.is_active:
            return
        self.app.push_screen(dialog, done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.app.return_code is not None:
            return False  # keys typed after `q` find no screen to open: the app is leaving
        if action in ("search", "back") and isinstance(self.focused, Input):
            return False  # `/` or `q` typed in the box is a character of the query (`tag:a/b`)
        if action in NEEDS_ROW and (not self.is_mounted or self.item_list.current_row is None):
            return None
        if action in ("browser", "copy_link"):
            row = self.item_list.current_row
            return True if row is not None and checked_link(row.url) else None
        if action == "undo":
            return True if self.marker.undo_ids else None
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

    # Search -----------------------------------------------------------------------------------

    def action_search(self) -> None:
        self.search.open()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search.changed()

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        self.search.submitted()

    # Screen-level ---------------------------------------------------------------------------

    def action_refresh_feed(self) -> None:
        feed = self.entry.feed
        if feed is not None:
            self.fetcher.refresh([feed.id])
            return
        row = self.item_list.current_row
        if row is not None:
            self.fetcher.refresh([row.feed_id])

    def action_refresh_all(self) -> None:
        self.fetcher.refresh(None)

    def action_zoom(self) -> None:
        self.toggle_class("-zoomed")
        if self.has_class("-zoomed"):
            self.reader_pane.focus()
        else:
            self.item_list.focus()

    def action_escape(self) -> None:
        if self.has_class("-zoomed"):
            self.action_zoom()
        elif self.marker.drop_selection():
            pass
        elif not self.search.leave() and self.focused is not self.item_list:
            self.item_list.focus()

    def action_back(self) -> None:
        if self.has_class("-zoomed"):
            self.action_zoom()
        elif self.marker.drop_selection() or self.search.leave():
            pass
        elif self.focused is not self.item_list and self.focused is not None:
            self.item_list.focus()
        else:
            self.guard.request_quit()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """What the footer shows, in the user's language."""
        return translated(super().active_bindings)

    def action_resize(self, pane: str, delta: int) -> None:
        self.panes.resize(pane, delta)
