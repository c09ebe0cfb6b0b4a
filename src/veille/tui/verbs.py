"""The main screen's verbs of the reading morning: the link list, hiding read items, the order
of a view, piping an item to a command, and the help screen.

They live beside the screen as a mixin so that its file stays layout, bindings and routing;
each reads the screen's state and calls the front door through the screen's workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding

from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.feeds_manager import FeedsManager
from veille.tui.language import help_rows
from veille.tui.links import LinkList, copy_link, item_links, open_link
from veille.tui.piping import pipe_current
from veille.tui.screens.help import HelpScreen
from veille.tui.viewprefs import HIDE_KEY, ORDER_KEY, order_name

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen


def _main(verbs: object) -> MainScreen:
    return cast("MainScreen", verbs)


class MorningVerbs:
    """Actions of `MainScreen` (mixed into it): `l`, `h`, `O`, `|` and `?`."""

    def action_link_list(self) -> None:
        screen = _main(self)
        row = screen.marker.current()
        shown = screen.reader_pane.item
        page = shown.url if shown is not None else (row.url if row is not None else "")
        footnotes = screen.reader_pane.links if shown is not None else []
        attachments = [
            (clean_line(e.type.split("/")[0] or "file", 12), e.url)
            for e in (shown.enclosures if shown is not None else [])
        ]
        links = item_links(page, footnotes, attachments)
        if not links:
            screen.notify(_("This item has no links."))
            return
        screen.open_dialog(LinkList(screen, links))

    def action_hide_read(self) -> None:
        screen = _main(self)
        key = screen.entry.key
        hidden = screen.prefs.toggle_hidden(key)
        screen.jobs.save_state(HIDE_KEY, screen.prefs.hidden_state())
        row = screen.item_list.current_row
        screen.show_view(screen.entry, keep_id=row.id if row else None)
        screen.notify(
            _("Read items hidden here (h shows them again).")
            if hidden
            else _("Read items shown again.")
        )

    def action_sort(self) -> None:
        screen = _main(self)
        order = screen.prefs.next_order(screen.entry.key)
        screen.jobs.save_state(ORDER_KEY, screen.prefs.order_state())
        row = screen.item_list.current_row
        screen.show_view(screen.entry, keep_id=row.id if row else None)
        screen.notify(_("Sorted {order}.").format(order=order_name(order)))

    def action_feeds_manager(self) -> None:
        screen = _main(self)
        screen.open_dialog(FeedsManager(screen.veille, screen))

    def action_pipe(self) -> None:
        pipe_current(_main(self))

    def action_help(self) -> None:
        screen = _main(self)
        bindings = [b for b in screen.BINDINGS if isinstance(b, Binding)]
        screen.open_dialog(HelpScreen(help_rows(bindings, screen.app_keymap)))

    def action_browser(self) -> None:
        screen = _main(self)
        row = screen.marker.current()
        if row is not None:
            open_link(screen, row.url)

    def action_copy_link(self) -> None:
        screen = _main(self)
        row = screen.marker.current()
        if row is not None:
            copy_link(screen, row.url)

    def action_link(self, number: int) -> None:
        screen = _main(self)
        url = screen.reader_pane.link(number)
        if url:
            open_link(screen, url)
        else:
            screen.notify(
                _("The article has no link {number}.").format(number=number), severity="warning"
            )
