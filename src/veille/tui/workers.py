"""The main screen's background work: each verb one call to the library, off the event loop.

Library calls block (SQLite, rendering a body), so each runs in a thread worker; the network
verbs are coroutines and run as async workers. No worker catches its own failure: all are started
with `exit_on_error=False`, and `settle` — fed the screen's `Worker.StateChanged` messages — is
the one route a failure takes, into one notification in plain words (`TaskFailed`, shown by the
app), then the caller's `otherwise`. A worker that returned hands its result to `then`, on the
event loop, where widgets may be touched.
"""

from __future__ import annotations

import asyncio
import webbrowser
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from veille.core.library import Library, View
from veille.core.model import Item
from veille.core.settings import Paths, Settings
from veille.tui.messages import TaskFailed
from veille.tui.screens.entry_edit import EntryEdit
from veille.tui.screens.export import ExportChoice, ExportSelection
from veille.tui.screens.watch import WatchEdit
from veille.tui.source import RowSource, first_unread
from veille.tui.widgets.feeds import FeedsSnapshot
from veille.tui.widgets.reader import Body, Source, render_body

if TYPE_CHECKING:
    from veille.core.fulltext.cache import FullTextCache
    from veille.core.fulltext.service import FullTextResult
    from veille.core.ingest.refresh import RefreshProgress, RefreshReport

R = TypeVar("R")
SAVING_GROUPS = {"marks", "state", "open", "export"}  # workers that write what the user did


@dataclass(frozen=True, slots=True)
class _Job:
    then: Callable[[Any], object] | None
    otherwise: Callable[[BaseException], object] | None


class Workers:
    """Starts the screen's workers and routes what each one ends with."""

    open_url: ClassVar[Callable[[str], object]] = staticmethod(webbrowser.open)

    def __init__(self, node: DOMNode, lib: Library, settings: Settings) -> None:
        self._node = node
        self.lib = lib
        self.settings = settings
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
        worker = self._node.run_worker(
            call, name=what, group=group, thread=True, exit_on_error=False
        )
        self._jobs[worker] = _Job(then, otherwise)

    def run_async(
        self,
        what: str,
        call: Callable[[], Awaitable[R]],
        *,
        group: str,
        exclusive: bool = False,
        then: Callable[[R], object] | None = None,
        otherwise: Callable[[BaseException], object] | None = None,
    ) -> None:
        """Run the coroutine `call()` on the event loop (network work), settled like `run`."""
        worker = self._node.run_worker(
            call(), name=what, group=group, exclusive=exclusive, exit_on_error=False
        )
        self._jobs[worker] = _Job(then, otherwise)

    def settle(self, event: Worker.StateChanged) -> None:
        """The one failure route: a failed worker becomes a notification, never a traceback."""
        worker = event.worker
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        job = self._jobs.pop(worker, None)
        if job is None:
            return
        if event.state is WorkerState.SUCCESS and job.then is not None:
            job.then(worker.result)
        elif event.state is WorkerState.ERROR:
            error = worker.error or RuntimeError("the worker failed")
            self._node.post_message(TaskFailed(worker.name, self.describe(error)))
            if job.otherwise is not None:
                job.otherwise(error)

    def describe(self, error: BaseException) -> str:
        """`error` in the user's words: the library's own wording when it knows the error."""
        known = self.lib.db.problem(error)
        return str(known) if known is not None else str(error) or type(error).__name__

    # The verbs ----------------------------------------------------------------------------------

    def read_state(self, keys: Sequence[str]) -> dict[str, str]:
        """The app's remembered state (blocking: call it from a worker)."""
        return {key: self.lib.get_state(key) for key in keys}

    def save_state(self, key: str, value: str) -> None:
        self.run(
            "remembering the app's state", lambda: self.lib.set_state(key, value), group="state"
        )

    def read_feeds(
        self,
        then: Callable[[FeedsSnapshot], object],
        *,
        sync_watch: bool = False,
        otherwise: Callable[[BaseException], object] | None = None,
    ) -> None:
        self.run(
            "reading the feeds",
            lambda: read_snapshot(self.lib, self.settings if sync_watch else None),
            group="feeds",
            then=then,
            otherwise=otherwise,
        )

    def open_item(
        self, item_id: int, mark_read: bool, then: Callable[[tuple[Item, Body]], object]
    ) -> None:
        self.run(
            "opening the item",
            lambda: open_item(self.lib, self.settings, item_id, mark_read),
            group="open",
            then=then,
        )

    def item(self, item_id: int, then: Callable[[Item], object]) -> None:
        self.run("reading the item", lambda: self.lib.item(item_id), group="item", then=then)

    def items(self, ids: Sequence[int], then: Callable[[list[Item]], object]) -> None:
        self.run("reading the items", lambda: self.lib.items_by_id(ids), group="item", then=then)

    def set_marks(
        self,
        ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        then: Callable[[None], object],
        otherwise: Callable[[BaseException], object],
    ) -> None:
        self.run(
            "saving the change",
            lambda: set_marks(self.lib, ids, read, starred),
            group="marks",
            then=then,
            otherwise=otherwise,
        )

    def mark_view_read(self, view: View, query: str, then: Callable[[list[int]], object]) -> None:
        self.run(
            "marking the view read",
            lambda: mark_view_read(self.lib, view, query),
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
        self.run(
            "changing the tags",
            lambda: change_tags(self.lib, ids, add, remove),
            group="marks",
            then=then,
        )

    def save_note(self, item_id: int, text: str, then: Callable[[Item], object]) -> None:
        self.run(
            "saving the note", lambda: save_note(self.lib, item_id, text), group="marks", then=then
        )

    def find_unread(
        self,
        source: RowSource,
        start: int,
        direction: int,
        count: int,
        then: Callable[[tuple[int, int] | None], object],
    ) -> None:
        self.run(
            "looking for unread items",
            lambda: first_unread(source, start, direction, count),
            group="find",
            then=then,
        )

    def save_search(self, name: str, query: str, then: Callable[[None], object]) -> None:
        self.run(
            "saving the search",
            lambda: save_search(self.lib, name, query),
            group="marks",
            then=then,
        )

    def save_watch(self, edit: WatchEdit, then: Callable[[str], object]) -> None:
        self.run("saving the watch", lambda: save_watch(self.lib, edit), group="marks", then=then)

    def apply_entry_edit(
        self, edit: EntryEdit, then: Callable[[tuple[FeedsSnapshot, str, str]], object]
    ) -> None:
        self.run(
            "saving the change",
            lambda: apply_entry_edit(self.lib, edit),
            group="marks",
            then=then,
        )

    def export(
        self, selection: ExportSelection, choice: ExportChoice, then: Callable[[int], object]
    ) -> None:
        self.run(
            "exporting",
            lambda: export_to_file(self.lib, selection, choice),
            group="export",
            then=then,
        )

    def open_in_browser(self, url: str) -> None:
        self.run("opening the browser", lambda: type(self).open_url(url), group="browser")

    def sweep_notes(self, paths: Paths) -> None:
        """Notes left in the editing folder by a run that was killed mid-edit."""
        from veille.tui.screens.note import editing_folder, sweep_notes

        self.run(
            "tidying the notes folder",
            lambda: sweep_notes(editing_folder(paths.data)),
            group="start",
        )

    def check_library(self, then: Callable[[str | None], object]) -> None:
        self.run("checking the library", self.lib.db.check, group="start", then=then)

    def open_cache(
        self,
        paths: Paths,
        then: Callable[[FullTextCache], object],
        otherwise: Callable[[BaseException], object],
    ) -> None:
        self.run(
            "opening the full-text cache",
            lambda: open_cache(self.lib, paths, self.settings),
            group="start",
            then=then,
            otherwise=otherwise,
        )

    def fetch_full_text(
        self, cache: FullTextCache, item_id: int, then: Callable[[FullTextResult], object]
    ) -> None:
        self.run_async(
            "fetching the full text",
            lambda: fetch_full_text(self.lib, cache, self.settings, item_id),
            group="fulltext",
            exclusive=True,
            then=then,
        )

    def refresh(
        self,
        cache: FullTextCache | None,
        feed_ids: list[int] | None,
        progress: Callable[[RefreshProgress], None],
        then: Callable[[RefreshReport], object],
        otherwise: Callable[[BaseException], object],
    ) -> None:
        self.run_async(
            "refreshing",
            lambda: refresh(self.lib, self.settings, cache, feed_ids, progress),
            group="refresh",
            then=then,
            otherwise=otherwise,
        )


# Library work of more than one call ----------------------------------------------------------


def read_snapshot(lib: Library, watch_from: Settings | None = None) -> FeedsSnapshot:
    """The feeds pane's counts; with `watch_from`, config.toml's [[watch]] entries first (they
    win over the library's)."""
    if watch_from is not None:
        lib.sync_watch(watch_from.watch)
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


def open_item(lib: Library, settings: Settings, item_id: int, mark_read: bool) -> tuple[Item, Body]:
    item = lib.item(item_id)
    if mark_read and not item.read:
        ids = [item_id]
        if settings.cluster_mark_read and item.cluster_size > 1:
            ids = lib.cluster_members(item_id) or ids
        with lib.db.doing(f"the read mark of item {item_id}"):
            lib.set_read(ids)
        item.read = True
    body = render_body(item)
    if item.cluster_size > 1:
        others = [i for i in lib.cluster_members(item_id) if i != item_id]
        body.sources = [Source(o.feed_title, o.title, o.sort_date) for o in lib.items_by_id(others)]
    lib.set_state("tui.item", str(item_id))
    return item, body


def set_marks(lib: Library, ids: Sequence[int], read: bool | None, starred: bool | None) -> None:
    with lib.db.doing(_describe_marks(ids, read, starred)):
        if read is not None:
            lib.set_read(ids, read)
        if starred is not None:
            lib.set_starred(ids, starred)


def mark_view_read(lib: Library, view: View, query: str) -> list[int]:
    ids = lib.item_ids(query, view=replace(view, unread_only=True))
    lib.set_read(ids)
    return ids


def change_tags(lib: Library, ids: list[int], add: list[str], remove: list[str]) -> list[Item]:
    with lib.db.doing(f"the tags of {len(ids)} item(s)"):
        lib.tag(ids, add=add, remove=remove)
    return lib.items_by_id(ids)


def save_note(lib: Library, item_id: int, text: str) -> Item:
    with lib.db.doing(f"the note of item {item_id}"):
        lib.set_note(item_id, text)
    return lib.item(item_id)


def save_search(lib: Library, name: str, query: str) -> None:
    """Keep `query` as a saved search, replacing one of the same name."""
    for old in lib.saved_searches():
        if old.name == name:
            lib.delete_search(old.id)
    lib.save_search(name, query)


def save_watch(lib: Library, edit: WatchEdit) -> str:
    """Save, rename or delete a watch rule; run it over the whole library if asked."""
    if edit.delete_id is not None:
        lib.delete_rule(edit.delete_id)
        return f"Watch « {edit.name} » deleted."
    if edit.replaces:
        for old in lib.rules():
            if old.name == edit.replaces:
                lib.delete_rule(old.id)
    lib.save_rule(
        edit.name,
        edit.query,
        add_tags=edit.add_tags,
        star=edit.star,
        mark_read=edit.mark_read,
        hide=edit.hide,
    )
    message = f"Watch « {edit.name} » saved."
    if edit.apply_now:
        matched = lib.apply_rules(name=edit.name).get(edit.name, 0)
        message += f" It matched {matched} item{'s' if matched != 1 else ''}."
    return message


def apply_entry_edit(lib: Library, edit: EntryEdit) -> tuple[FeedsSnapshot, str, str]:
    """Rename or delete a tag, edit or delete a saved search, or change a feed; the pane's new
    counts, the entry to move to and what to say."""
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
    return read_snapshot(lib), select, message


def export_to_file(lib: Library, selection: ExportSelection, choice: ExportChoice) -> int:
    """Write the export whole or not at all (see `veille.core.outfile`); the items written."""
    from veille.core.export import export_items
    from veille.core.outfile import OutputError, describe, write_output

    items = selection.items()
    feeds = lib.feeds() if choice.fmt == "opml" else []
    text = export_items(items, choice.fmt, choice.options, feeds)
    path = choice.path
    try:
        # A folder typed in the dialog is the user's own choice: it is made for them.
        path.parent.mkdir(parents=True, exist_ok=True)
        write_output(path, text)
    except OSError as error:
        raise OutputError(f"{describe(error, path.parent)}; nothing was written") from error
    return len(items)


class CacheProblem(Exception):
    """The full-text cache cannot be used (it says why); reading goes on without it."""


def open_cache(lib: Library, paths: Paths, settings: Settings) -> FullTextCache:
    from veille.core.fulltext.cache import open_cache

    cache = open_cache(paths, settings)
    if cache.problem is not None:
        raise CacheProblem(cache.problem)
    lib.attach_cache(cache)
    return cache


async def fetch_full_text(
    lib: Library, cache: FullTextCache, settings: Settings, item_id: int
) -> FullTextResult:
    from veille.core.fulltext.service import FullTextService
    from veille.core.ingest.refresh import make_fetcher

    item = await asyncio.to_thread(lib.item, item_id)
    feeds = await asyncio.to_thread(lambda: lib.feeds(counts=False))
    service = FullTextService(lib, cache, settings)
    try:
        async with make_fetcher(settings, (f.url for f in feeds)) as fetcher:
            return await service.fetch(item, fetcher)
    finally:
        await asyncio.to_thread(service.close)


async def refresh(
    lib: Library,
    settings: Settings,
    cache: FullTextCache | None,
    feed_ids: list[int] | None,
    progress: Callable[[RefreshProgress], None],
) -> RefreshReport:
    from veille.core.pipeline import refresh_all

    report, _prefetch = await refresh_all(lib, settings, cache, feed_ids, on_progress=progress)
    return report


def _describe_marks(ids: Sequence[int], read: bool | None, starred: bool | None) -> str:
    which = f"item {ids[0]}" if len(ids) == 1 else f"{len(ids)} items"
    if starred is not None:
        return f"the {'star' if starred else 'unstar'} of {which}"
    return f"the {'read' if read else 'unread'} mark of {which}"
