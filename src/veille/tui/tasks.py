"""The main screen's background work: every library call, off the event loop.

Each method starts a worker — a thread for SQLite and rendering, an async task for the network —
which posts a message back when done. A failure is caught where it happens and posted as
`TaskFailed`, which the app shows as one notification; a worker never takes the app down.
"""

from __future__ import annotations

import sqlite3
import threading
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import WorkerState

from veille.core.library import Library, LibraryBusy, View
from veille.core.model import Item
from veille.core.settings import Paths, Settings
from veille.tui.display import literal
from veille.tui.messages import LibraryChanged, TaskFailed
from veille.tui.widgets.feeds import Entry, FeedsSnapshot, FeedTree, entry_from_key
from veille.tui.widgets.items import ItemList
from veille.tui.widgets.reader import Body, Reader, Source, render_body
from veille.tui.widgets.status import StatusBar

if TYPE_CHECKING:
    from veille.core.fulltext.cache import FullTextCache
    from veille.core.ingest.refresh import RefreshProgress

STATE_KEYS = ("tui.view", "tui.item", "tui.feeds_width", "tui.list_size")
FEEDS_DELAY = 0.5  # seconds: unread counts follow reading without a query per keypress
OUTSIDE_CHECK = 2.0  # seconds between looks for changes made by another veille (a cron refresh)
SAVING_GROUPS = {"marks", "state", "open", "export"}  # workers that write what the user did
WAITING = "Waiting for another veille process to release the library…"


def read_snapshot(lib: Library) -> FeedsSnapshot:
    stats = lib.stats()
    return FeedsSnapshot(
        feeds=lib.feeds(),
        tags=lib.tags(),
        searches=lib.saved_searches(),
        unread=stats.unread,
        starred=stats.starred,
        total=stats.items,
        watches=lib.rules(),
    )


class Tasks(Screen[None]):
    """Workers and their replies; `EditTasks` adds the dialogs' ones, `MainScreen` the layout and
    the bindings."""

    open_url: ClassVar[Callable[[str], object]] = staticmethod(webbrowser.open)

    @dataclass
    class _Started(Message):
        state: dict[str, str]

    @dataclass
    class _FeedsLoaded(Message):
        snap: FeedsSnapshot
        select: str | None = None  # an entry to move to (a renamed tag, say)

    @dataclass
    class _Opened(Message):
        item: Item
        body: Body

    @dataclass
    class _ItemChanged(Message):
        item: Item

    @dataclass
    class _Call(Message):
        callback: Callable[[Item], None]
        item: Item

    @dataclass
    class _MarkedAll(Message):
        ids: list[int]

    @dataclass
    class _Found(Message):
        generation: int
        index: int
        item_id: int

    @dataclass
    class _Progress(Message):
        progress: RefreshProgress

        def can_replace(self, message: Message) -> bool:
            # A burst of progress reports only needs its latest shown, unless it carries news.
            return isinstance(message, Tasks._Progress) and not message.progress.new_items

    @dataclass
    class _Refreshed(Message):
        new_items: int = 0
        errors: dict[int, str] = field(default_factory=dict)
        titles: dict[int, str] = field(default_factory=dict)
        offline: bool = False
        failed: bool = False

    # Set by MainScreen.
    entry: Entry
    search_text: str
    undo_ids: list[int]

    def __init__(
        self,
        lib: Library,
        settings: Settings,
        paths: Paths | None = None,
        *,
        offline: bool = False,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.lib = lib
        self.settings = settings
        self.paths = paths
        self.offline = offline
        self.app_keymap = dict(keymap or {})
        self.known_tags: list[str] = []
        self.snapshot: FeedsSnapshot | None = None
        self.refreshing = False
        self.cache: FullTextCache | None = None
        self._feeds_timer: Timer | None = None
        self._list_timer: Timer | None = None
        self._watch_conn: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self.cache_problem = ""
        self.quitting = False
        self.forced_quit = False
        self._waiting: dict[int, str] = {}  # thread id → the change waiting for the lock
        self._waiting_lock = threading.Lock()
        lib.db.waiting = self._wait_for_lock

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

    def show_view(self, entry: Entry, *, keep_id: int | None = None) -> None:
        raise NotImplementedError

    def apply_layout_state(self, feeds_width: int, list_size: int) -> None:
        raise NotImplementedError

    def item_opened(self, item: Item) -> None:
        raise NotImplementedError

    def announce_errors(self, errors: dict[int, str], titles: dict[int, str]) -> None:
        raise NotImplementedError

    def fail(self, what: str, error: BaseException) -> None:
        known = self.lib.db.problem(error)
        text = str(known) if known is not None else str(error) or type(error).__name__
        self.post_message(TaskFailed(what, text))

    # Saving and quitting ----------------------------------------------------------------------

    def _wait_for_lock(self, seconds: float | None) -> None:
        """Called by a worker thread while another process holds the library's write lock."""
        me = threading.get_ident()
        if seconds is None:
            with self._waiting_lock:
                self._waiting.pop(me, None)
            return
        what = self.lib.db.current_change
        if self.forced_quit:
            raise LibraryBusy(f"{what} was not saved: another veille process held the library")
        with self._waiting_lock:
            first = me not in self._waiting
            self._waiting[me] = what
        if first:
            self.app.call_from_thread(
                self.notify, f"{WAITING} ({what})", severity="warning", markup=False
            )

    def unsaved(self) -> list[str]:
        """The changes not yet written: waiting for the lock, or not started."""
        with self._waiting_lock:
            waiting = list(dict.fromkeys(self._waiting.values()))
        running = [
            w
            for w in self.app.workers
            if w.group in SAVING_GROUPS and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        return waiting or (["a change"] if running else [])

    def request_quit(self) -> None:
        """Quit once every confirmed change is written; a second request quits without them."""
        if self.quitting:
            self.forced_quit = True
            left = self.unsaved()
            if left:
                self.app.exit(
                    return_code=1,
                    message=f"veille: not saved: {', '.join(left)} (another veille process "
                    "held the library)",
                )
                return
            self.app.exit()
            return
        if not self.unsaved():
            self.app.exit()
            return
        self.quitting = True
        self.notify(
            f"{WAITING} Quitting when it is saved; press q again to quit without it.",
            severity="warning",
            timeout=30,
            markup=False,
        )
        self.set_interval(0.1, self._quit_when_saved)

    def _quit_when_saved(self) -> None:
        if not self.forced_quit and not self.unsaved():
            self.app.exit()

    # Start and feeds ------------------------------------------------------------------------

    @work(thread=True, group="start")
    def start(self) -> None:
        """Show the remembered view at once; the feeds pane's counts follow.

        Counting unread items per feed, tag and watch takes a large library a good part of a
        second; the list needs none of it, so it is not kept waiting.
        """
        try:
            self._check_outside_changes_now()  # the baseline: what this app starts from
            state = {key: self.lib.get_state(key) for key in STATE_KEYS}
        except Exception as error:
            self.fail("reading the library", error)
            return
        self.post_message(self._Started(state))
        if self.paths is not None:
            from veille.tui.screens.note import editing_folder, sweep_notes

            sweep_notes(editing_folder(self.paths.data))
        try:
            self.lib.sync_watch(self.settings.watch)  # config.toml's [[watch]] entries win
            self.post_message(self._FeedsLoaded(read_snapshot(self.lib)))
        except Exception as error:
            self.fail("reading the feeds", error)
        if self.paths is not None:
            try:
                from veille.core.fulltext.cache import open_cache

                self.cache = open_cache(self.paths, self.settings)
                problem = self.cache.problem
                if problem is not None:
                    self.cache_problem = problem
                    self.cache = None
                    self.fail("opening the full-text cache", ValueError(problem))
                else:
                    self.lib.attach_cache(self.cache)
            except Exception as error:  # the cache only adds full texts; reading goes on
                self.cache = None
                self.fail("opening the full-text cache", error)
        self._check_library()

    def _check_library(self) -> None:
        """A damaged library is told at start (the list may still read): never written into."""
        try:
            damage = self.lib.db.check()
        except Exception as error:
            self.fail("checking the library", error)
            return
        if damage is not None:
            self.post_message(TaskFailed("checking the library", damage))

    @on(_Started)
    def started(self, message: _Started) -> None:
        state = message.state
        self.apply_layout_state(
            _int(state["tui.feeds_width"], 30), _int(state["tui.list_size"], 40)
        )
        entry = entry_from_key(state["tui.view"] or "all") or Entry("all", View(), "All")
        self.feed_tree.selected_key = entry.key
        item_id = _int(state["tui.item"], 0) or None
        self.show_view(entry, keep_id=item_id)
        if item_id is not None:
            self.open_item(item_id, mark_read=False)
        self.set_interval(OUTSIDE_CHECK, self._check_outside_changes)

    @work(thread=True, group="outside", exclusive=True)
    def _check_outside_changes(self) -> None:
        self._check_outside_changes_now()

    def _check_outside_changes_now(self) -> None:
        """A cron `veille refresh` or another veille wrote to the library: show what changed.

        SQLite's `data_version` moves when another connection commits; one connection kept for
        this check alone makes it a cheap poll. The app's own worker threads use other
        connections, so their writes count too; reloading then is redundant but harmless.
        """
        try:
            if self._watch_conn is None:
                self._watch_conn = sqlite3.connect(self.lib.db.path, check_same_thread=False)
            version = int(self._watch_conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return  # the next tick tries again; reading goes on meanwhile
        if self._data_version is not None and version != self._data_version and not self.refreshing:
            self.post_message(LibraryChanged(feeds=True))
        self._data_version = version

    def load_feeds(self) -> None:
        """Reload the feeds pane soon (coalescing a burst of changes into one query)."""
        if self._feeds_timer is None:
            self._feeds_timer = self.set_timer(FEEDS_DELAY, self._load_feeds_now)

    def _load_feeds_now(self) -> None:
        self._feeds_timer = None
        self._read_feeds()

    @work(thread=True, group="feeds", exclusive=True)
    def _read_feeds(self) -> None:
        try:
            self.post_message(self._FeedsLoaded(read_snapshot(self.lib)))
        except Exception as error:
            self.fail("reading the feeds", error)

    @on(_FeedsLoaded)
    def feeds_loaded(self, message: _FeedsLoaded) -> None:
        self.known_tags = [t.name for t in message.snap.tags]
        self.snapshot = message.snap
        self.feed_tree.fill(message.snap, select=message.select)
        if message.select is None and hasattr(self, "entry"):
            # The view shown before the pane was filled: take its real title, or fall back to
            # "All" if what was remembered is gone (a feed removed from the command line).
            known = self.feed_tree.entry_for(self.entry.key)
            if known is None:
                message.select = "all"
            elif known != self.entry:
                self.entry = known
                self.status_bar.describe(known.title, self.item_list.count, self.search_text)
        if message.select is not None:
            entry = self.feed_tree.entry_for(message.select) or self.feed_tree.entry_for("all")
            if entry is not None:
                self.show_view(entry)
                self.save_state("tui.view", entry.key)

    @work(thread=True, group="state")
    def save_state(self, key: str, value: str) -> None:
        try:
            self.lib.set_state(key, value)
        except Exception as error:
            self.fail("remembering the app's state", error)

    # Items ------------------------------------------------------------------------------------

    @work(thread=True, group="open", exclusive=True)
    def open_item(self, item_id: int, *, mark_read: bool = True) -> None:
        try:
            item = self.lib.item(item_id)
            if mark_read and not item.read:
                ids = [item_id]
                if self.settings.cluster_mark_read and item.cluster_size > 1:
                    ids = self.lib.cluster_members(item_id) or ids
                with self.lib.db.doing(f"the read mark of item {item_id}"):
                    self.lib.set_read(ids)
                item.read = True
            body = render_body(item)
            if item.cluster_size > 1:
                others = [i for i in self.lib.cluster_members(item_id) if i != item_id]
                body.sources = [
                    Source(o.feed_title, o.title, o.sort_date) for o in self.lib.items_by_id(others)
                ]
            self.lib.set_state("tui.item", str(item_id))
        except Exception as error:
            self.fail("opening the item", error)
            return
        self.post_message(self._Opened(item, body))

    @on(_Opened)
    def opened(self, message: _Opened) -> None:
        self.reader_pane.show(message.item, message.body, self.settings.lang)
        self.item_opened(message.item)
        self.load_feeds()

    @work(thread=True, group="item")
    def with_item(self, item_id: int, callback: Callable[[Item], None]) -> None:
        try:
            self.post_message(self._Call(callback, self.lib.item(item_id)))
        except Exception as error:
            self.fail("reading the item", error)

    @on(_Call)
    def call(self, message: _Call) -> None:
        if getattr(self.app, "closing", False):
            return  # an editor asked for before `q` is not opened on the way out
        message.callback(message.item)

    @work(thread=True, group="marks")
    def set_marks(
        self,
        ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        reload: bool = False,
    ) -> None:
        try:
            with self.lib.db.doing(_describe_marks(ids, read, starred)):
                if read is not None:
                    self.lib.set_read(ids, read)
                if starred is not None:
                    self.lib.set_starred(ids, starred)
        except Exception as error:
            self.fail("saving the change", error)
            reload = True  # show the library as it really is
        if reload:
            self.post_message(LibraryChanged())
        else:
            self.app.call_from_thread(self.load_feeds)

    @work(thread=True, group="marks")
    def mark_view_read(self, view: View, query: str) -> None:
        try:
            ids = self.lib.item_ids(query, view=replace(view, unread_only=True))
            self.lib.set_read(ids)
        except Exception as error:
            self.fail("marking the view read", error)
            return
        self.post_message(self._MarkedAll(ids))

    @on(_MarkedAll)
    def marked_all(self, message: _MarkedAll) -> None:
        self.undo_ids = message.ids
        self.notify(f"{len(message.ids)} items marked read. Press U to undo.")
        self.item_list.update_all(read=True)
        self.post_message(LibraryChanged())

    @work(thread=True, group="marks")
    def change_tags(self, ids: list[int], add: list[str], remove: list[str]) -> None:
        try:
            with self.lib.db.doing(f"the tags of {len(ids)} item(s)"):
                self.lib.tag(ids, add=add, remove=remove)
            for item in self.lib.items_by_id(ids):
                self.post_message(self._ItemChanged(item))
        except Exception as error:
            self.fail("changing the tags", error)

    @work(thread=True, group="marks")
    def save_search(self, name: str, query: str) -> None:
        """Keep `query` as a saved search (replacing one of the same name)."""
        try:
            for old in self.lib.saved_searches():
                if old.name == name:
                    self.lib.delete_search(old.id)
            self.lib.save_search(name, query)
            self.post_message(LibraryChanged(feeds=True))
            self.app.call_from_thread(
                self.notify, f"Saved search « {name} »: {query}", markup=False
            )
        except Exception as error:
            self.fail("saving the search", error)

    @work(thread=True, group="marks")
    def save_note(self, item_id: int, text: str) -> None:
        try:
            with self.lib.db.doing(f"the note of item {item_id}"):
                self.lib.set_note(item_id, text)
            self.post_message(self._ItemChanged(self.lib.item(item_id)))
        except Exception as error:
            self.fail("saving the note", error)

    @on(_ItemChanged)
    def item_changed(self, message: _ItemChanged) -> None:
        item = message.item
        self.item_list.update_row(
            item.id, tags=tuple(item.tags), starred=item.starred, read=item.read
        )
        if self.reader_pane.item is not None and self.reader_pane.item.id == item.id:
            self.reader_pane.update_header(item, self.settings.lang)
        self.load_feeds()

    @work(thread=True, group="find")
    def find_unread(self, direction: int) -> None:
        items = self.item_list
        generation, source, start = items.generation, items.source, items.cursor
        try:
            found = _scan_unread(source, start, direction, items.count)
        except Exception as error:
            self.fail("looking for unread items", error)
            return
        if found is None:
            self.app.call_from_thread(self.notify, "No more unread items this way.")
            return
        self.post_message(self._Found(generation, found[0], found[1]))

    @on(_Found)
    def found(self, message: _Found) -> None:
        if message.generation == self.item_list.generation:
            self.item_list.move_to(message.index)
            self.open_item(message.item_id)

    @work(thread=True, group="browser")
    def open_in_browser(self, url: str) -> None:
        try:
            type(self).open_url(url)
        except Exception as error:
            self.fail("opening the browser", error)

    # Network --------------------------------------------------------------------------------

    @work(group="fulltext", exclusive=True)
    async def fetch_full_text(self, item_id: int) -> None:
        if self.cache is None and self.cache_problem:
            self.notify(
                f"The full text cannot be fetched: {self.cache_problem}.",
                severity="warning",
                markup=False,
            )
            return
        if self.offline or self.cache is None:
            self.notify("Offline: the full text cannot be fetched now.", severity="warning")
            return
        try:
            from veille.core.fulltext.service import FullTextService
            from veille.core.ingest.refresh import make_fetcher

            self.notify("Fetching the full text…")
            item = await _in_thread(self.lib.item, item_id)
            feeds = await _in_thread(lambda: self.lib.feeds(counts=False))
            service = FullTextService(self.lib, self.cache, self.settings)
            try:
                async with make_fetcher(self.settings, (f.url for f in feeds)) as fetcher:
                    result = await service.fetch(item, fetcher)
            finally:
                await _in_thread(service.close)
        except Exception as error:
            self.fail("fetching the full text", error)
            return
        if result.ok:
            self.open_item(item_id, mark_read=False)
        else:
            self.notify(
                literal(f"Full text failed: {result.error}").plain, severity="warning", markup=False
            )

    def run_refresh(self, feed_ids: list[int] | None) -> None:
        if self.offline:
            self.notify("Offline: showing what the library holds.", severity="warning")
            return
        if self.refreshing:
            self.notify("A refresh is already running.")
            return
        self.refreshing = True
        self.refresh_bindings()
        self.status_bar.progress(0, len(feed_ids) if feed_ids else 0, 0)
        self._refresh(feed_ids)

    @work(group="refresh")
    async def _refresh(self, feed_ids: list[int] | None) -> None:
        titles: dict[int, str] = {}

        def progress(report: RefreshProgress) -> None:
            titles[report.feed_id] = report.feed_title
            self.post_message(self._Progress(report))

        try:
            from veille.core.pipeline import refresh_all

            report, _prefetch = await refresh_all(
                self.lib, self.settings, self.cache, feed_ids, on_progress=progress
            )
        except Exception as error:
            self.fail("refreshing", error)
            self.post_message(self._Refreshed(failed=True))
            return
        self.post_message(
            self._Refreshed(report.new_items, dict(report.errors), titles, report.offline)
        )

    @on(_Progress)
    def progressed(self, message: _Progress) -> None:
        p = message.progress
        self.status_bar.progress(p.done, p.total, p.new_items)
        if p.new_items and self._list_timer is None:
            self._list_timer = self.set_timer(FEEDS_DELAY, self._reload_list)

    def _reload_list(self) -> None:
        self._list_timer = None
        self.item_list.reload()
        self.load_feeds()

    @on(_Refreshed)
    def refreshed(self, message: _Refreshed) -> None:
        self.refreshing = False
        self.refresh_bindings()
        self.item_list.reload()
        self.load_feeds()
        if message.offline:
            self.status_bar.offline(True)
            self.reader_pane.offline = True
            self.status_bar.finished("offline")
            self.notify(
                "Offline: the feeds cannot be reached. Everything in the library still reads.",
                severity="warning",
            )
            return
        # The network answered: an "offline" seen at an earlier refresh is over.
        self.status_bar.offline(self.offline)
        self.reader_pane.offline = self.offline
        self.status_bar.finished("" if message.failed else f"{message.new_items} new")
        self.announce_errors(message.errors, message.titles)


def _describe_marks(ids: Sequence[int], read: bool | None, starred: bool | None) -> str:
    which = f"item {ids[0]}" if len(ids) == 1 else f"{len(ids)} items"
    if starred is not None:
        return f"the {'star' if starred else 'unstar'} of {which}"
    return f"the {'read' if read else 'unread'} mark of {which}"


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _scan_unread(source: Any, start: int, direction: int, count: int) -> tuple[int, int] | None:
    """The index and id of the first unread row after (or before) `start`."""
    chunk = 200
    if direction > 0:
        offset = start + 1
        while offset < count:
            rows = source.rows(offset, chunk)
            for n, row in enumerate(rows):
                if not row.read:
                    return offset + n, int(row.id)
            if not rows:
                return None
            offset += chunk
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


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    import asyncio

    return await asyncio.to_thread(fn, *args)
