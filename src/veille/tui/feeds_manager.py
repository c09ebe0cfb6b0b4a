"""The feeds manager (`F`): every subscription with its state, and the verbs on them.

Add a feed by its address or a site's (the feeds found there are offered when there are
several), import an OPML file, rename, move to a folder, unsubscribe (after asking), retry a
failing feed now, and read what went wrong with it. Each verb is one call to the front door in
a thread; what it did, or why it could not, is said on the manager's own status line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from veille.core.errors import failure_words
from veille.core.translations import _, ngettext
from veille.tui.display import literal, long_date
from veille.tui.messages import LibraryChanged
from veille.tui.prompts import Ask, Choose, Confirm

if TYPE_CHECKING:
    from veille.core import Feed, Imported, Veille


def feed_line(feed: Feed) -> Text:
    text = literal(feed.display_title, "bold" if feed.unread else "")
    if feed.folder:
        text.append("  ")
        text.append_text(literal(feed.folder, "dim"))
    text.append("  ")
    text.append(ngettext("{n} unread", "{n} unread", feed.unread).format(n=feed.unread), "dim")
    if feed.failing:
        text.append("  ⚠ ", "bold red")
        text.append_text(literal(failure_words(feed.last_error), "red"))
    return text


def feed_details(feed: Feed, lang: str, errors: Sequence[tuple[datetime, str]] = ()) -> Text:
    """What the library knows of a feed's health: its address, last answer, failures, and what
    its latest failed fetches said (`errors`, newest first)."""
    text = literal(feed.url, "dim")
    fetched = long_date(feed.last_fetched, lang) or _("never")
    text.append("\n" + _("Last fetched: {when}").format(when=fetched))
    if feed.last_status is not None:
        text.append("  " + _("HTTP {status}").format(status=feed.last_status))
    if feed.failing:
        text.append("\n")
        text.append_text(
            literal(
                ngettext(
                    "Failing ({n} time in a row): {error}",
                    "Failing ({n} times in a row): {error}",
                    max(feed.failures, 1),
                ).format(n=max(feed.failures, 1), error=failure_words(feed.last_error)),
                "red",
            )
        )
        if feed.next_retry is not None:
            text.append(
                "\n"
                + _("Next try: {when} (R tries now)").format(when=long_date(feed.next_retry, lang))
            )
    else:
        text.append("\n" + _("No error at the last fetch."))
    if errors:
        text.append("\n" + _("Failures over 30 days, newest first:"), "dim")
        for when, error in errors:
            text.append("\n  ")
            text.append_text(literal(f"{long_date(when, lang)} — {failure_words(error)}", "dim"))
    return text


class FeedsManager(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", _("Close"), id="feeds-close"),
        Binding("a", "add", _("Add"), id="feeds-add"),
        Binding("i", "import_opml", _("Import OPML"), id="feeds-import"),
        Binding("r", "rename", _("Rename"), id="feeds-rename"),
        Binding("m", "move", _("Move"), id="feeds-move"),
        Binding("d", "unsubscribe", _("Unsubscribe"), id="feeds-unsubscribe"),
        Binding("R", "retry", _("Retry now"), id="feeds-retry"),
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
    ]

    def __init__(self, veille: Veille, main: Any) -> None:
        super().__init__()
        self.veille = veille
        self._main = main  # the main screen, told when the feeds changed
        self.feeds: list[Feed] = []
        self.errors: dict[int, list[tuple[datetime, str]]] = {}
        self._then: dict[Worker[Any], Callable[[Any], object]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-dialog", classes="dialog"):
            yield Label(
                Content(
                    _(
                        "Feeds — a add · i import OPML · r rename · m move · d unsubscribe · "
                        "R retry now · Esc close"
                    )
                ),
                classes="dialog-title",
            )
            yield OptionList(id="feeds-list")
            yield Static(Text(""), id="feeds-details")
            yield Static(Text(""), id="feeds-status")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    # Work in a thread, told on the status line ------------------------------------------------

    def _run(self, what: str, call: Callable[[], Any], then: Callable[[Any], object]) -> None:
        self.say(_("{what}…").format(what=what))
        worker = self.run_worker(call, name=what, thread=True, exit_on_error=False)
        self._then[worker] = then

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        then = self._then.get(event.worker)
        if then is None or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        del self._then[event.worker]
        if event.state is WorkerState.SUCCESS:
            then(event.worker.result)
        else:
            error = event.worker.error or RuntimeError("failed")
            known = self.veille.explain(error)
            why = str(known) if known is not None else str(error) or type(error).__name__
            self.say(_("{what} failed: {why}").format(what=event.worker.name, why=why), bad=True)

    def say(self, message: str, *, bad: bool = False) -> None:
        self.query_one("#feeds-status", Static).update(literal(message, "red" if bad else "dim"))

    # The list -----------------------------------------------------------------------------------

    def reload(self, then: Callable[[], object] | None = None) -> None:
        def shown(found: tuple[list[Feed], dict[int, list[tuple[datetime, str]]]]) -> None:
            feeds, self.errors = found
            self.feeds = feeds
            listing = self.query_one(OptionList)
            keep = listing.highlighted
            listing.clear_options()
            listing.add_options([Option(feed_line(f)) for f in feeds])
            if feeds:
                listing.highlighted = min(keep or 0, len(feeds) - 1)
            self._show_details()
            if then is not None:
                then()

        v = self.veille
        self._run(_("reading the feeds"), lambda: (v.feeds(), v.feed_errors()), shown)

    def current(self) -> Feed | None:
        index = self.query_one(OptionList).highlighted
        return self.feeds[index] if index is not None and index < len(self.feeds) else None

    @on(OptionList.OptionHighlighted)
    def _show_details(self) -> None:
        feed = self.current()
        lang = self.veille.settings.lang
        details = feed_details(feed, lang, self.errors.get(feed.id, ())) if feed else Text("")
        self.query_one("#feeds-details", Static).update(details)

    def _changed(self, message: str) -> None:
        self._main.post_message(LibraryChanged(feeds=True))
        self.reload(lambda: self.say(message))

    # The verbs ----------------------------------------------------------------------------------

    def action_add(self) -> None:
        def typed(url: str | None) -> None:
            if url:
                self._run(_("looking for feeds"), lambda: self.veille.discover(url), found)

        def found(discovery: Any) -> None:
            candidates = discovery.candidates
            if len(candidates) > 1:
                choices = [
                    (c.url, f"{c.title or c.url}  ({c.kind or '?'}) {c.url}") for c in candidates
                ]
                self.app.push_screen(Choose(_("Several feeds here: which one?"), choices), chosen)
            else:
                chosen(candidates[0].url if candidates else discovery.url)

        def chosen(url: str | None) -> None:
            if url:
                self._run(
                    _("subscribing"),
                    lambda: self.veille.subscribe(url),
                    lambda feed: self._changed(
                        _("Subscribed to {feed}; r in the reader refreshes it.").format(
                            feed=feed.display_title
                        )
                    ),
                )

        self.app.push_screen(Ask(_("Add a feed: its address, or a site's"), "https://"), typed)

    def action_import_opml(self) -> None:
        # A file's command feeds would run its commands at every refresh: they are left out,
        # then offered by name, and come in only on a yes.
        def typed(path: str | None) -> None:
            if path:
                file = Path(path).expanduser()
                self._run(
                    _("importing"), lambda: self.veille.import_subscriptions(file), imported(file)
                )

        def imported(file: Path) -> Callable[[Imported], None]:
            def told(done: Imported) -> None:
                said = _("Imported {new} feeds ({known} already there).").format(
                    new=done.added, known=done.known
                )
                refused = done.refused_commands
                if not refused:
                    self._changed(said)
                    return
                self._changed(
                    said
                    + " "
                    + ngettext(
                        "{n} command feed not imported.", "{n} command feeds not imported.",
                        len(refused),
                    ).format(n=len(refused))
                )  # fmt: skip
                question = ngettext(
                    "Also import its command feed? It would run this command on this computer "
                    "at every refresh: {commands}",
                    "Also import its {n} command feeds? They would run these commands on this "
                    "computer at every refresh: {commands}",
                    len(refused),
                ).format(n=len(refused), commands=" · ".join(refused))
                self.app.push_screen(Confirm(question), lambda yes: commands(file, refused, yes))

            return told

        def commands(file: Path, shown: list[str], yes: bool | None) -> None:
            if yes:  # those shown, and only those: the file may have changed since
                self._run(
                    _("importing"),
                    lambda: self.veille.import_subscriptions(file, allow_commands=shown),
                    lambda done: self._changed(
                        ngettext(
                            "Imported {n} command feed.", "Imported {n} command feeds.",
                            len(done.commands),
                        ).format(n=len(done.commands))
                    ),
                )  # fmt: skip

        self.app.push_screen(Ask(_("Import the feeds of an OPML or newsboat file"), "~/"), typed)

    def action_rename(self) -> None:
        feed = self.current()
        if feed is None:
            return

        def typed(title: str | None) -> None:
            if title is not None:
                self._run(
                    _("renaming"),
                    lambda: self.veille.set_feed(feed.id, title=title),
                    lambda done: self._changed(
                        _("Renamed: {feed}").format(feed=done.display_title)
                    ),
                )

        self.app.push_screen(Ask(_("New name (empty: the feed's own)"), feed.title), typed)

    def action_move(self) -> None:
        feed = self.current()
        if feed is None:
            return

        def typed(folder: str | None) -> None:
            if folder is not None:
                self._run(
                    _("moving"),
                    lambda: self.veille.set_feed(feed.id, folder=folder),
                    lambda done: self._changed(
                        _("{feed} is now in {folder}").format(
                            feed=done.display_title, folder=done.folder or _("no folder")
                        )
                    ),
                )

        hint = _("Folders nest with /, as in Presse/Climat; empty: no folder")
        self.app.push_screen(Ask(_("Move to folder"), feed.folder, hint=hint), typed)

    def action_unsubscribe(self) -> None:
        feed = self.current()
        if feed is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(
                    _("unsubscribing"),
                    lambda: self.veille.remove_feed(feed.id),
                    lambda gone: self._changed(
                        _("Unsubscribed from {feed}.").format(feed=gone.display_title)
                    ),
                )

        question = _("Unsubscribe from {feed} and delete its {n} items?").format(
            feed=feed.display_title, n=feed.total
        )
        self.app.push_screen(Confirm(question), answered)

    def action_retry(self) -> None:
        feed = self.current()
        if feed is None:
            return
        if self.veille.offline:
            self.say(_("Offline: the feed cannot be fetched now."), bad=True)
            return
        self._run(
            _("fetching {feed}").format(feed=feed.display_title),
            lambda: self.veille.refresh([feed.id], force=True, prefetch=False),
            lambda _done: self._changed(_("Fetched {feed}.").format(feed=feed.display_title)),
        )

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
