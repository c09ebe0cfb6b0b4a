"""Sync with the user's accounts from the app: after `R`, and every `[sync] every` minutes.

The sync runs in a thread worker (`Workers.sync`); its stages come back as coalescing messages
for the status bar, and the list and feeds reload when it is done. Edits made while offline or
while a sync runs wait in the library's journal for the next one: nothing here queues them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from veille.core.translations import _, ngettext

if TYPE_CHECKING:
    from veille.core import SyncReport
    from veille.tui.screens.main import MainScreen

STAGES = {
    "login": _("signing in"),
    "subscriptions": _("subscriptions"),
    "push": _("sending changes"),
    "state": _("reading marks"),
    "items": _("new items"),
    "done": _("done"),
}


@dataclass
class SyncProgressed(Message):
    stage: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgressed)


class Syncer:
    """Starts syncs for the screen and shows how they went."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.syncing = False

    def start_timer(self) -> None:
        minutes = self._screen.veille.settings.sync_every
        if minutes > 0:
            self._screen.set_interval(minutes * 60, self.sync)

    def sync(self) -> None:
        screen = self._screen
        if self.syncing or screen.veille.offline:
            return
        self.syncing = True
        screen.jobs.sync(self._report, self._synced, lambda _: self._ended())

    def _report(self, stage: str, done: int, total: int) -> None:
        self._screen.post_message(SyncProgressed(stage, done, total))

    def progressed(self, message: SyncProgressed) -> None:
        bar = self._screen.status_bar
        words = STAGES.get(message.stage, message.stage)
        if message.total:
            words = f"{words} {message.done}/{message.total}"
        bar.finished(_("sync: {stage}").format(stage=words))

    def _ended(self) -> None:
        self.syncing = False

    def _synced(self, reports: list[SyncReport]) -> None:
        self.syncing = False
        if not reports:
            return
        screen = self._screen
        pulled = sum(sum(r.pulled.values()) - r.pulled["gone"] for r in reports)
        pushed = sum(sum(r.pushed.values()) for r in reports)
        screen.status_bar.finished(
            ngettext("synced: {count} change", "synced: {count} changes", pulled + pushed).format(
                count=pulled + pushed
            )
        )
        if pulled:
            screen.item_list.reload()
            screen.follower.load_feeds()
