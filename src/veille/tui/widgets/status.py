"""The status line: what the list shows, refresh progress, and whether the app is offline."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import ProgressBar, Static

from veille.core.translations import _, ngettext
from veille.tui.display import literal


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


class StatusBar(Horizontal):
    _selected = 0  # the selection count shown

    @dataclass
    class Downloading(Message):
        """A download's progress, posted from its thread; `over` once it ended, either way."""

        received: int
        total: int  # 0 when the server did not say
        over: bool = False

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, StatusBar.Downloading) and not message.over

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="status-text")
        yield Static(Text(""), id="status-selection")
        yield ProgressBar(total=None, show_eta=False, id="status-progress")
        yield Static(Text(""), id="status-offline")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False

    def describe(
        self,
        view_title: str,
        count: int,
        query: str = "",
        *,
        exact: bool = True,
        unread: int | None = None,
    ) -> None:
        """`count` rows in the list; `unread`: the feeds pane's unread count for the view."""
        text = literal(view_title, "bold")
        if unread is not None and not query:
            text.append("  ")
            text.append(
                ngettext("{n} unread", "{n} unread", unread).format(n=_number(unread)), "bold"
            )
            text.append(" /")
        if exact:
            text.append(
                ngettext("  {count} item", "  {count} items", count)
                .format(count=f"{count:,}")
                .replace(",", "\u202f")
            )
        else:
            text.append(_("  {value}+ items, counting…").format(value=count - 1))
        if query:
            text.append(_("  search: "), "dim")
            text.append_text(literal(query))
        # A fixed-size slot: no layout pass (it costs more than the rest of a feed switch).
        self.query_one("#status-text", Static).update(text, layout=False)

    def selection(self, count: int) -> None:
        if count == self._selected:
            return  # unchanged: spare the layout pass a new width would need
        self._selected = count
        label = _("  {count} selected (Esc clears)").format(count=count) if count else ""
        self.query_one("#status-selection", Static).update(Text(label, "bold"))

    def progress(self, done: int, total: int, new_items: int) -> None:
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#status-offline", Static).update(
            Text(
                _(" {done}/{total} feeds, {new_items} new").format(
                    done=done, total=total, new_items=new_items
                )
            ),
            layout=False,
        )

    def articles(self, done: int, total: int) -> None:
        """The prefetch after a refresh: the feeds are stored, their articles on the way."""
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#status-offline", Static).update(
            Text(_(" {done}/{total} articles").format(done=done, total=total)), layout=False
        )

    @on(Downloading)
    def downloading(self, message: Downloading) -> None:
        bar = self.query_one(ProgressBar)
        status = self.query_one("#status-offline", Static)
        if message.over:
            bar.display = False
            status.update(Text(""), layout=False)
            return
        mib = 1024 * 1024
        if message.total:
            bar.display = True
            bar.update(total=message.total, progress=message.received)
            text = _(" downloading: {received:.1f} of {total:.1f} MiB").format(
                received=message.received / mib, total=message.total / mib
            )
        else:
            text = _(" downloading: {received:.1f} MiB").format(received=message.received / mib)
        status.update(Text(text), layout=False)

    def finished(self, text: str) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#status-offline", Static).update(Text(f" {text}"))

    def offline(self, is_offline: bool) -> None:
        self.set_class(is_offline, "-offline")
        if is_offline:
            self.query_one("#status-offline", Static).update(Text(_(" offline"), "bold"))
