"""Links leaving the app: `o` opens the item's page, `l` lists every link of the article.

Opening says what happened: the browser took the link, or there is none (a server, a bare
console) and the link went to the clipboard instead, or the link is not one veille opens (only
http, https and mailto). Nothing is opened silently and nothing fails silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.display import checked_link
from veille.tui.widgets.status import StatusBar

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen


def open_link(screen: MainScreen, url: str) -> None:
    """Open `url` in the browser, off the event loop, and tell the user what came of it."""
    from veille.tui.workers import Workers

    safe = checked_link(url)
    if not safe:
        screen.notify(_("This link cannot be opened: only http, https and mailto are."))
        return

    def opened(result: object) -> None:
        if result is False:  # webbrowser found no browser to hand the link to
            screen.app.copy_to_clipboard(safe)
            screen.notify(
                _("No browser could be opened here; the link is copied: {url}").format(url=safe),
                severity="warning",
                markup=False,
            )
        else:
            screen.notify(_("Opened in the browser: {url}").format(url=safe), markup=False)

    screen.jobs.run(
        _("opening the browser"),
        lambda: Workers.open_url(safe),
        group="browser",
        then=opened,
    )


def download_link(screen: MainScreen, url: str) -> None:
    """Download what `url` serves into the downloads folder, off the event loop, and say where
    it went (or, through the failure route, why not)."""
    safe = checked_link(url)
    if not safe or safe.startswith("mailto:"):
        screen.notify(_("This link cannot be downloaded: only http and https are."))
        return
    screen.notify(_("Downloading {url}…").format(url=safe), markup=False)
    v = screen.veille

    def done(path: Path) -> None:
        screen.notify(_("Downloaded to {path}").format(path=clean_line(str(path))), markup=False)

    bar = screen.status_bar

    def told(received: int, total: int) -> None:
        bar.post_message(StatusBar.Downloading(received, total))

    def call() -> Path:
        try:
            return v.download(safe, on_progress=told)
        finally:
            bar.post_message(StatusBar.Downloading(0, 0, over=True))

    screen.jobs.run(_("downloading"), call, group="download", then=done)


def copy_link(screen: MainScreen, url: str) -> None:
    safe = checked_link(url)
    if not safe:
        screen.notify(_("This link cannot be copied: only http, https and mailto are."))
        return
    screen.app.copy_to_clipboard(safe)
    screen.notify(_("Link copied: {url}").format(url=safe), markup=False)


def item_links(
    page: str, footnotes: list[str], attachments: Sequence[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """(label, url) for the item's own page, each numbered link of its text, then its
    attachments (labelled with their type)."""
    links: list[tuple[str, str]] = []
    if page:
        links.append((_("page"), page))
    links.extend((f"[{number}]", url) for number, url in enumerate(footnotes, 1))
    links.extend(attachments)
    return links


class LinkList(ModalScreen[None]):
    """Every link of the article shown: Enter opens the highlighted one, `y` copies it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,l", "close", _("Close"), id="links-close"),
        Binding("y", "copy", _("Copy"), id="links-copy"),
        Binding("o", "open", _("Open"), id="links-open"),
        Binding("d", "download", _("Download"), id="links-download"),
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
    ]

    def __init__(self, screen: MainScreen, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self._main = screen
        self.links = links

    def compose(self) -> ComposeResult:
        width = max((len(label) for label, _url in self.links), default=3)
        with Vertical(id="links-dialog", classes="dialog"):
            yield Label(
                Content(_("Links — Enter or o opens, y copies, Esc closes")),
                classes="dialog-title",
            )
            yield OptionList(
                *(
                    Option(Content.assemble((label.rjust(width), "bold"), " ", clean_line(url)))
                    for label, url in self.links
                ),
                id="links-list",
            )

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = 0
        listing.focus()

    def _chosen(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return self.links[index][1] if index is not None else None

    @on(OptionList.OptionSelected)
    def action_open(self) -> None:
        url = self._chosen()
        if url:
            open_link(self._main, url)

    def action_copy(self) -> None:
        url = self._chosen()
        if url:
            copy_link(self._main, url)

    def action_download(self) -> None:
        url = self._chosen()
        if url:
            download_link(self._main, url)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
