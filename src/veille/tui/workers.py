"""The main screen's background work: each verb one call to the front door, off the event loop.

`Veille`'s verbs block (SQLite, the network in a loop of their own), so each runs in a thread
worker. No worker catches its own failure: all are started with `exit_on_error=False`, and
`settle` — fed the screen's `Worker.StateChanged` messages — is the one route a failure takes,
into one notification in plain words (`TaskFailed`, shown by the app), then the caller's
`otherwise`. A worker that returned posts its result to the screen (`Delivered`), which hands it
to `then` on the event loop, where widgets may be touched.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, WorkerState

from veille.core.translations import _
from veille.tui.messages import TaskFailed
from veille.tui.source import RowSource, first_unread
from veille.tui.widgets.feeds import FeedPlan, plan_feeds
from veille.tui.widgets.reader import Body, Source, render_body

if TYPE_CHECKING:  # names only: the refresh and full-text modules load when first used
    from veille.core import (
        Exported,
        ExportOptions,
        FullTextResult,
        Item,
        Opened,
        Refreshed,
        RefreshProgress,
        RefreshReport,
        Snapshot,
        SyncReport,
        Veille,
        View,
    )

R = TypeVar("R")
SAVING_GROUPS = {"marks", "state", "open", "export"}  # workers that write what the user did


@dataclass(frozen=True, slots=True)
class _Job:
    otherwise: Callable[[BaseException], object] | None


class Delivered(Message):
    """A worker's result, for its `then` on the event loop (`MainScreen` routes it)."""

    def __init__(self, then: Callable[[Any], object], result: object) -> None:
        super().__init__()
        self.then = then
        self.result = result


class Workers:
    """Starts the screen's workers and routes what each one ends with."""

    open_url: ClassVar[Callable[[str], object]] = staticmethod(webbrowser.open)

    def __init__(self, node: DOMNode, veille: Veille) -> None:
        self._node = node
        self.veille = veille
        self._jobs: dict[Worker[Any], _Job] = {}

    def run(
        self,
        what: str,
        call: Callable[[], R],
        *,
        group: str,
        then: Callable[[R], object] | None = None,
        otherwise: Callable[[BaseException], object] | None = None,
    ) -> None:
        """Run `call` in a thread; `what` names it in a failure ("opening the item failed: …")."""
        node = self._node

        def deliver() -> R:
            result = call()
            if then is not None:
                # Posted from the thread, as soon as the result is there: waiting for the worker's
                # SUCCESS state to reach the screen costs an opening 15-20 ms more.
                node.post_message(Delivered(then, result))
            return result

        worker = node.run_worker(deliver, name=what, group=group, thread=True, exit_on_error=False)
        self._jobs[worker] = _Job(otherwise)

    def settle(self, event: Worker.StateChanged) -> None:
        """The one failure route: a failed worker becomes a notification, never a traceback."""
        worker = event.worker
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        job = self._jobs.pop(worker, None)
        if job is None:
            return
        if event.state is WorkerState.ERROR:
            error = worker.error or RuntimeError("the worker failed")
            self._node.post_message(TaskFailed(worker.name, self.describe(error)))
            if job.otherwise is not None:
                job.otherwise(error)

    def describe(self, error: BaseException) -> str:
        """`error` in the user's words: the library's own wording when it knows the error."""
        known = self.veille.explain(error)
        return str(known) if known is not None else str(error) or type(error).__name__

    # The verbs ----------------------------------------------------------------------------------

    def save_state(self, key: str, value: str) -> None:
        v = self.veille
        self.run(_("remembering the app's state"), lambda: v.set_state(key, value), group="state")

    def plan_feeds(self, snap: Snapshot, width: int, then: Callable[[FeedPlan], object]) -> None:
        """The feeds pane's nodes for a snapshot already read (its counts changed here)."""
        self.run(_("reading the feeds"), lambda: plan_feeds(snap, width), group="feeds", then=then)

    def read_feeds(
        self,
        then: Callable[[FeedPlan], object],
        *,
        width: int,
        sync_watch: bool = False,
        otherwise: Callable[[BaseException], object] | None = None,
    ) -> None:
        """The feeds pane's snapshot, its nodes planned for a pane `width` columns wide."""
        v = self.veille

        def read() -> FeedPlan:
            if sync_watch:
                v.sync_watches()  # config.toml's [[watch]] entries win
            return plan_feeds(v.snapshot(), width)

        self.run(_("reading the feeds"), read, group="feeds", then=then, otherwise=otherwise)

    def open_item(
        self,
        item_id: int,
        mark_read: bool,
        then: Callable[[tuple[Item, Body, list[Item]]], object],
    ) -> None:
        v = self.veille
        self.run(
            _("opening the item"),
            lambda: _shown(v.open_item(item_id, mark_read=mark_read, remember="tui.item")),
            group="open",
            then=then,
        )

    def item(self, item_id: int, then: Callable[[Item], object]) -> None:
        self.run(_("reading the item"), lambda: self.veille.item(item_id), group="item", then=then)

    def set_marks(
        self,
        ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        then: Callable[[int], object],
        otherwise: Callable[[BaseException], object],
    ) -> None:
        v = self.veille
        self.run(
            _("saving the change"),
            lambda: v.set_marks(ids, read=read, starred=starred),
            group="marks",
            then=then,
            otherwise=otherwise,
        )

    def mark_view_read(self, view: View, query: str, then: Callable[[list[int]], object]) -> None:
        v = self.veille
        self.run(
            _("marking the view read"),
            lambda: v.mark_view_read(view, query),
            group="marks",
            then=then,
        )

    def change_tags(
        self,
        ids: list[int],
        add: list[str],
        remove: list[str],
        then: Callable[[list[Item]], object],
    ) -> None:
        v = self.veille
        self.run(
            _("changing the tags"),
            lambda: v.tag(ids, add=add, remove=remove),
            group="marks",
            then=then,
        )

    def save_note(self, item_id: int, text: str, then: Callable[[Item], object]) -> None:
        v = self.veille
        self.run(_("saving the note"), lambda: v.set_note(item_id, text), group="marks", then=then)

    def save_search(self, name: str, query: str, then: Callable[[object], object]) -> None:
        v = self.veille
        self.run(
            _("saving the search"), lambda: v.save_search(name, query), group="marks", then=then
        )

    def change(self, what: str, call: Callable[[Veille], R], then: Callable[[R], object]) -> None:
        """A dialog's answer written: `call` picks the verb (a watch, a tag, a feed…)."""
        v = self.veille
        self.run(what, lambda: call(v), group="marks", then=then)

    def export(
        self,
        fmt: str,
        options: ExportOptions,
        to: Path,
        *,
        ids: Sequence[int] = (),
        view: View | None = None,
        query: str = "",
        remember: tuple[str, str] | None = None,
        send_as: str = "",
        then: Callable[[Exported], object],
    ) -> None:
        """Export to `to`; with `remember` (key, value), keep the choice in the library; with
        `send_as`, mail that review profile's recipients the same selection too."""
        v = self.veille

        def export() -> Exported:
            if remember is not None:
                v.set_state(*remember)
            # A folder typed in the dialog is the user's own choice: it is made for them.
            done = v.export(fmt, options, ids=ids, view=view, query=query, to=to, make_folder=True)
            if send_as:
                chosen = list(ids) or v.item_ids(query, view=view)
                done.sent_to = v.send_review(send_as, options=options, ids=chosen)
            return done

        self.run(_("exporting"), export, group="export", then=then)

    def find_unread(
        self,
        source: RowSource,
        start: int,
        direction: int,
        count: int,
        then: Callable[[tuple[int, int] | None], object],
    ) -> None:
        self.run(
            _("looking for unread items"),
            lambda: first_unread(source, start, direction, count),
            group="find",
            then=then,
        )

    def open_in_browser(self, url: str) -> None:
        self.run(_("opening the browser"), lambda: type(self).open_url(url), group="browser")

    def look_for_changes(self, then: Callable[[bool], object]) -> None:
        self.run(_("looking for outside changes"), self.veille.changed, group="outside", then=then)

    def sweep_notes(self) -> None:
        """Notes left in the editing folder by a run that was killed mid-edit."""
        from veille.tui.screens.note import editing_folder, sweep_notes

        folder = editing_folder(self.veille.paths.data)
        self.run(_("tidying the notes folder"), lambda: sweep_notes(folder), group="start")

    def cache_problem(
        self,
        then: Callable[[str | None], object],
        otherwise: Callable[[BaseException], object],
    ) -> None:
        v = self.veille
        self.run(
            _("opening the full-text cache"),
            lambda: v.cache_problem,
            group="start",
            then=then,
            otherwise=otherwise,
        )

    def check_library(
        self, then: Callable[[str | None], object], *, idle: Callable[[], bool]
    ) -> None:
        """The library's structure, checked only while `idle()` says the user is not busy: at a
        million items the check reads gigabytes."""
        v = self.veille
        self.run(
            _("checking the library"),
            lambda: v.check(gently=True, idle=idle),
            group="start",
            then=then,
        )

    def fetch_full_text(self, item_id: int, then: Callable[[FullTextResult], object]) -> None:
        v = self.veille
        self.run(
            _("fetching the full text"),
            lambda: v.fetch_full_text(item_id),
            group="fulltext",
            then=then,
        )

    def refresh(
        self,
        feed_ids: list[int] | None,
        progress: Callable[[RefreshProgress], None],
        then: Callable[[Refreshed], object],
        otherwise: Callable[[BaseException], object],
        stored: Callable[[RefreshReport], None] | None = None,
        articles: Callable[[int, int], None] | None = None,
    ) -> None:
        v = self.veille
        self.run(
            _("refreshing"),
            lambda: v.refresh(
                feed_ids, on_progress=progress, on_stored=stored, on_full_text=articles
            ),
            group="refresh",
            then=then,
            otherwise=otherwise,
        )

    def due_feeds(
        self,
        then: Callable[[list[int]], object],
        otherwise: Callable[[BaseException], object],
    ) -> None:
        self.run(
            _("looking for the feeds due"),
            self.veille.due_feeds,
            group="due",
            then=then,
            otherwise=otherwise,
        )

    def sync(
        self,
        progress: Callable[[str, int, int], None],
        then: Callable[[list[SyncReport]], object],
        otherwise: Callable[[BaseException], object],
    ) -> None:
        v = self.veille
        self.run(
            "syncing", lambda: v.sync(on_progress=progress), group="sync", then=then,
            otherwise=otherwise,
        )  # fmt: skip


def _shown(opened: Opened) -> tuple[Item, Body, list[Item]]:
    """The opened item, its body rendered for the reader (blocking: in the worker), and the
    items the opening marked read (it, and its story's others when the settings say so)."""
    body = render_body(opened.item)
    body.sources = [Source(o.feed_title, o.title, o.sort_date) for o in opened.others]
    marked = set(opened.marked_read)
    read_now = [i for i in (opened.item, *opened.others) if i.id in marked]
    return opened.item, body, read_now
