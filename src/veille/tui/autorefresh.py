"""Auto-refresh: every `[refresh] auto_refresh` minutes the app reads the feeds that are due.

It takes the same road as `r` and `R` (`Fetcher.refresh`, one thread worker), but quietly: it
never starts while another refresh runs, it leaves the cursor, the open article, the selection,
a dialog and the search box alone, and it tells its outcome in the status bar (a short notice
when new items came). Which feeds are due is the library's answer (`Veille.due_feeds`: their
`every`, ttl, max-age and skipHours), so a tick with nothing due fetches nothing. A network
that cannot be reached is told once, until a refresh reaches it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.timer import Timer

from veille.core.translations import _, ngettext

if TYPE_CHECKING:
    from veille.core import RefreshReport
    from veille.tui.screens.main import MainScreen


class AutoRefresher:
    """The screen's auto-refresh timer and what each of its refreshes says."""

    seconds_per_minute: ClassVar[float] = 60.0  # the tests' minutes are shorter

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.timer: Timer | None = None
        self._looking = False  # asking the library which feeds are due
        self._told_offline = False

    def start_timer(self) -> None:
        screen = self._screen
        minutes = screen.veille.settings.refresh.auto_refresh
        if minutes > 0 and not screen.veille.offline:
            self.timer = screen.set_interval(minutes * self.seconds_per_minute, self.tick)

    def tick(self) -> None:
        screen = self._screen
        if self._looking or screen.fetcher.refreshing or screen.app.return_code is not None:
            return  # a refresh runs (the user's or the last tick's): this tick is not needed
        self._looking = True
        screen.jobs.due_feeds(self._due, otherwise=lambda _: self._stop_looking())

    def _stop_looking(self) -> None:
        self._looking = False

    def _due(self, feed_ids: list[int]) -> None:
        self._looking = False
        screen = self._screen
        if feed_ids and not screen.fetcher.refreshing and screen.app.return_code is None:
            screen.fetcher.refresh(feed_ids, auto=True)

    def finished(self, report: RefreshReport) -> None:
        """What the refresh brought, in the status bar; no notice for failing feeds (the feeds
        pane marks them) and one only for the network being out of reach."""
        screen = self._screen
        if report.offline or (self._told_offline and not report.feeds):
            # (No feed fetched at all: those that failed rest before their next try.)
            screen.status_bar.finished(_("offline"))
            if not self._told_offline:
                self._told_offline = True
                screen.notify(
                    _("Auto-refresh: the network cannot be reached; the library still reads."),
                    timeout=4,
                )
            return
        if len(report.errors) < report.feeds:
            self._told_offline = False  # a feed answered: a later outage is news again
        words = ngettext(
            "Auto-refresh: {count} new item", "Auto-refresh: {count} new items", report.new_items
        ).format(count=report.new_items)
        screen.status_bar.finished(words)
        if report.new_items:
            screen.notify(words, timeout=4)
