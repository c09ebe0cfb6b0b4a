"""The network verbs of the main screen: refreshing feeds (`r`, `R`) and fetching a full text
(`f`).

A refresh reports its progress in the status bar and refills the list as new items arrive (at
most every `FEEDS_DELAY`); per-feed errors are told in one notification once it is done. Being
offline is a state, not an error: the library still reads, and the screen says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content
from textual.message import Message
from textual.timer import Timer

from veille.core.errors import failure_words
from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.display import literal
from veille.tui.follow import FEEDS_DELAY

if TYPE_CHECKING:
    from veille.core import FullTextResult, Refreshed, RefreshProgress, RefreshReport
    from veille.tui.screens.main import MainScreen


@dataclass
class Progressed(Message):
    progress: RefreshProgress

    def can_replace(self, message: Message) -> bool:
        # A burst of progress reports only needs its latest shown, unless it carries news.
        return isinstance(message, Progressed) and not message.progress.new_items


@dataclass
class Stored(Message):
    """The feeds' items are in the library; their articles are being fetched."""


@dataclass
class ArticlesProgressed(Message):
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ArticlesProgressed)


class Fetcher:
    """Runs refreshes and full-text fetches for the screen, and shows how they went."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.refreshing = False
        self.everything = False  # the refresh running is R's, of every feed
        self.auto = False  # the refresh running is the auto-refresh's (`AutoRefresher`)
        self._titles: dict[int, str] = {}
        self._list_timer: Timer | None = None

    # Full text --------------------------------------------------------------------------------

    def full_text(self, item_id: int) -> None:
        screen = self._screen
        if screen.veille.offline:
            screen.notify(_("Offline: the full text cannot be fetched now."), severity="warning")
            return
        screen.notify(_("Fetching the full text…"))
        screen.jobs.fetch_full_text(item_id, self._fetched)

    def _fetched(self, result: FullTextResult) -> None:
        # The reader says which state now holds, and what to do about a teaser or a failure.
        self._screen.open_item(result.item_id, mark_read=False)
        if result.state == "paywalled":
            words = _("Teaser only: {why}").format(why=failure_words(result.error))
        elif not result.ok:
            words = _("Full text failed: {why}").format(why=failure_words(result.error))
        else:
            return
        self._screen.notify(literal(words).plain, severity="warning", markup=False)

    # Refresh --------------------------------------------------------------------------------

    def refresh(self, feed_ids: list[int] | None, *, auto: bool = False) -> None:
        """Refresh `feed_ids` (every feed if None); `auto`: quietly, the auto-refresh's."""
        screen = self._screen
        if screen.veille.offline:
            screen.notify(_("Offline: showing what the library holds."), severity="warning")
            return
        if self.refreshing:
            screen.notify(_("A refresh is already running."))
            return
        self.refreshing = True
        self.everything = feed_ids is None
        self.auto = auto
        screen.refresh_bindings()
        screen.status_bar.progress(0, len(feed_ids) if feed_ids else 0, 0)
        self._titles = {}
        screen.jobs.refresh(
            feed_ids,
            self._report,
            self._refreshed,
            lambda _: self._finished(failed=True),
            stored=self._stored,
            articles=self._articles,
        )

    def _stored(self, _report: RefreshReport) -> None:
        self._screen.post_message(Stored())

    def _articles(self, done: int, total: int) -> None:
        self._screen.post_message(ArticlesProgressed(done, total))

    def stored(self) -> None:
        """New items read at once, while their articles are fetched."""
        if self._list_timer is not None:
            self._list_timer.stop()
        self._reload_list()

    def _report(self, progress: RefreshProgress) -> None:
        self._titles[progress.feed_id] = progress.feed_title
        self._screen.post_message(Progressed(progress))

    def progressed(self, progress: RefreshProgress) -> None:
        self._screen.status_bar.progress(progress.done, progress.total, progress.new_items)
        if progress.new_items and self._list_timer is None:
            self._list_timer = self._screen.set_timer(FEEDS_DELAY, self._reload_list)

    def _reload_list(self) -> None:
        self._list_timer = None
        # An auto-refresh came unasked: the cursor's row keeps its place on screen too.
        self._screen.item_list.reload(keep_line=self.auto)
        self._screen.follower.load_feeds()

    def _refreshed(self, refreshed: Refreshed) -> None:
        report = refreshed.report
        if self.auto:
            self._finished(offline=report.offline, auto=report)
            return
        self._finished(report.new_items, dict(report.errors), offline=report.offline)
        fetched = refreshed.full_text
        if fetched is not None and (fetched.paywalled or fetched.errors or fetched.unreachable):
            self._screen.notify(
                _(
                    "Full text: {fetched} articles kept, {paywalled} teasers only, "
                    "{failed} failed ({seconds:.1f} s)"
                ).format(
                    fetched=fetched.fetched,
                    paywalled=len(fetched.paywalled),
                    failed=len(fetched.errors),
                    seconds=report.prefetch_elapsed,
                )
                + "".join(
                    "\n"
                    + _("{host}: {why}").format(host=clean_line(host), why=clean_line(why, 200))
                    for host, why in list(fetched.unreachable.items())[:3]
                ),
                severity="warning",
                markup=False,
            )

    def _finished(
        self,
        new_items: int = 0,
        errors: dict[int, str] | None = None,
        *,
        offline: bool = False,
        failed: bool = False,
        auto: RefreshReport | None = None,
    ) -> None:
        screen = self._screen
        self.refreshing = False
        screen.refresh_bindings()
        if self._list_timer is not None:
            self._list_timer.stop()
        self._reload_list()
        self.auto = False
        if auto is not None:
            if auto.feeds:  # a refresh of feeds all resting after failures tells nothing new
                screen.status_bar.offline(offline or screen.veille.offline)
                screen.reader_pane.offline = offline or screen.veille.offline
            screen.autorefresher.finished(auto)
            return
        if self.everything and not failed:
            # After R, the accounts' servers (which fetch their feeds) are asked too, even when
            # the feeds seemed out of reach: a server on the local network may answer.
            screen.syncer.sync()
        if offline:
            screen.status_bar.offline(True)
            screen.reader_pane.offline = True
            screen.status_bar.finished("offline")
            screen.notify(
                _("Offline: the feeds cannot be reached. Everything in the library still reads."),
                severity="warning",
            )
            return
        # The network answered: an "offline" seen at an earlier refresh is over.
        screen.status_bar.offline(screen.veille.offline)
        screen.reader_pane.offline = screen.veille.offline
        screen.status_bar.finished("" if failed else f"{new_items} new")
        self._announce_errors(errors or {})

    def _announce_errors(self, errors: dict[int, str]) -> None:
        """Per-feed refresh errors, in one notification; feed text is shown literally."""
        if not errors:
            return
        lines = [Content(_("{n_errors} feed(s) failed:").format(n_errors=len(errors)))]
        for feed_id, error in list(errors.items())[:5]:
            title = self._titles.get(feed_id, str(feed_id))
            lines.append(Content(f"• {literal(title).plain}: {literal(error).plain}"))
        if len(errors) > 5:
            lines.append(Content(_("… and {value} more").format(value=len(errors) - 5)))
        self._screen.notify(str(Content("\n").join(lines)), severity="warning", markup=False)
