"""Keeping the panes in step with the library: the start, the feeds pane, outside changes.

The start shows the remembered view at once and lets the feeds pane's counts follow: counting
unread items per feed, tag and watch takes a large library a good part of a second, and the list
needs none of it. Then the full-text cache is opened and the library's structure checked, one
after the other so neither competes with the first screen. Every few seconds the library is asked
whether another veille (a cron refresh) wrote to it; the panes reload when it did.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.timer import Timer

from veille.core import Item, Snapshot, Veille, View
from veille.core.translations import _
from veille.tui.messages import LibraryChanged, TaskFailed
from veille.tui.viewprefs import HIDE_KEY, ORDER_KEY
from veille.tui.widgets.feeds import Entry, FeedPlan, entry_from_key

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen

STATE_KEYS = (
    "tui.view",
    "tui.item",
    "tui.feeds_width",
    "tui.list_size",
    HIDE_KEY,
    ORDER_KEY,
)
FEEDS_DELAY = 0.5  # seconds: unread counts follow reading without a query per keypress
FEEDS_SETTLE = 5.0  # seconds after an item read before the whole pane is read again
OUTSIDE_CHECK = 2.0  # seconds between looks for changes made by another veille (a cron refresh)


def read_start(veille: Veille) -> dict[str, str]:
    """What the app starts from: the remembered view, item and layout (a few rows of the state
    table), and the baseline for outside changes."""
    veille.changed()
    return {key: veille.get_state(key) for key in STATE_KEYS}


class Follower:
    """Starts the screen from the library and reloads the feeds pane when the library changes."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self._feeds_timer: Timer | None = None
        self._settling = False  # the timer pending is the one after reading, not a change's
        self.cache_problem = ""

    def start(self, state: dict[str, str] | None = None) -> None:
        """Show the remembered view: from `state` if it was read before the app ran (see
        `read_start`), else once a worker has read it."""
        if state is not None:
            self._started(state)
            return
        veille = self._screen.veille
        self._screen.jobs.run(
            _("reading the library"), lambda: read_start(veille), group="start", then=self._started
        )

    def _started(self, state: dict[str, str]) -> None:
        screen = self._screen
        screen.panes.restore(_int(state["tui.feeds_width"], 30), _int(state["tui.list_size"], 50))
        screen.prefs.load(state[HIDE_KEY], state[ORDER_KEY])
        entry = entry_from_key(state["tui.view"] or "all") or Entry("all", View(), _("All"))
        screen.feed_tree.selected_key = entry.key
        item_id = _int(state["tui.item"], 0) or None
        screen.show_view(entry, keep_id=item_id)
        if item_id is not None:
            screen.open_item(item_id, mark_read=False)
        screen.set_interval(OUTSIDE_CHECK, self._check_outside)
        screen.jobs.read_feeds(
            self._first_feeds,
            width=screen.feed_tree.size.width,
            sync_watch=True,
            otherwise=lambda _: self._after_start(),
        )

    def _first_feeds(self, snap: FeedPlan) -> None:
        self.feeds_loaded(snap)
        self._after_start()

    def _after_start(self) -> None:
        jobs = self._screen.jobs
        jobs.sweep_notes()
        jobs.cache_problem(self._cache_looked_at, otherwise=lambda _: self._cache_looked_at(None))

    def _cache_looked_at(self, problem: str | None) -> None:
        """The cache only adds full texts: reading goes on without it, and `f` will say why."""
        if problem is not None:
            self.cache_problem = problem
            self._screen.post_message(TaskFailed(_("opening the full-text cache"), problem))
        app = self._screen.app
        idle = getattr(app, "idle", None)  # VeilleApp's; a bare App (a test's) has none
        self._screen.jobs.check_library(self._checked, idle=idle or (lambda: True))

    def _checked(self, damage: str | None) -> None:
        """A damaged library is told at start (the list may still read): never written into."""
        if damage is not None:
            self._screen.post_message(TaskFailed(_("checking the library"), damage))

    # Feeds ----------------------------------------------------------------------------------

    def items_read(self, items: list[Item]) -> None:
        """`items` were just marked read by opening them: the pane's counts of their feeds and
        tags and the totals go down at once, without reading the library again (at a million
        items that read takes a core for a good part of a second, after every item opened).
        The whole pane is read again once the reading pauses: saved searches and watches
        count in the library only."""
        screen = self._screen
        snap = screen.snapshot
        if not items:
            return
        if snap is None:
            self.load_feeds()
            return
        feeds = {feed.id: feed for feed in snap.feeds}
        fewer: dict[str, int] = {}
        for item in items:
            feed = feeds.get(item.feed_id)
            if feed is not None:
                feed.unread = max(0, feed.unread - 1)
            for tag in item.tags:
                fewer[tag] = fewer.get(tag, 0) + 1
        snap.tags = [replace(t, unread=max(0, t.unread - fewer.get(t.name, 0))) for t in snap.tags]
        snap.unread = max(0, snap.unread - len(items))
        screen.jobs.plan_feeds(snap, screen.feed_tree.size.width, self.feeds_loaded)
        if self._feeds_timer is None:
            self._settling = True
            self._feeds_timer = screen.set_timer(FEEDS_SETTLE, self._load_feeds_now)

    def load_feeds(self) -> None:
        """Reload the feeds pane soon (coalescing a burst of changes into one query)."""
        if self._feeds_timer is not None and self._settling:
            self._feeds_timer.stop()  # the library changed otherwise: the pane follows soon
            self._feeds_timer = None
        if self._feeds_timer is None:
            self._settling = False
            self._feeds_timer = self._screen.set_timer(FEEDS_DELAY, self._load_feeds_now)

    def _load_feeds_now(self) -> None:
        self._feeds_timer = None
        screen = self._screen
        screen.jobs.read_feeds(self.feeds_loaded, width=screen.feed_tree.size.width)

    def feeds_loaded(self, read: Snapshot | FeedPlan, select: str | None = None) -> None:
        """Fill the pane; move to `select` (a renamed tag, say) if given."""
        screen = self._screen
        snap = read.snap if isinstance(read, FeedPlan) else read
        screen.known_tags = [t.name for t in snap.tags]
        screen.snapshot = snap
        screen.feed_tree.fill(read, select=select)
        if select is None:
            # The view shown before the pane was filled: take its real title, or fall back to
            # "All" if what was remembered is gone (a feed removed from the command line).
            known = screen.feed_tree.entry_for(screen.entry.key)
            if known is None:
                select = "all"
            else:
                screen.entry = known
                if not screen.item_list.fetching:  # the counts follow the feeds pane's
                    screen.status_bar.describe(
                        known.title,
                        screen.item_list.count,
                        screen.search_text,
                        unread=screen.feed_tree.unread_of(known.key),
                    )
        if select is not None:
            entry = screen.feed_tree.entry_for(select) or screen.feed_tree.entry_for("all")
            if entry is not None:
                screen.show_view(entry)
                screen.jobs.save_state("tui.view", entry.key)

    # Outside changes ------------------------------------------------------------------------

    def _check_outside(self) -> None:
        self._screen.jobs.look_for_changes(self._outside_changed)

    def _outside_changed(self, changed: bool) -> None:
        """A cron `veille refresh` or another veille wrote to the library: show what changed.

        The app's own worker threads write through other connections, so their writes count
        too; reloading then is redundant but harmless.
        """
        if changed and not self._screen.fetcher.refreshing:
            self._screen.post_message(LibraryChanged(feeds=True))


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default
