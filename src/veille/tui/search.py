"""The search box (`/`): the list follows what is typed once the typing pauses.

A query being typed is often briefly wrong (`tag:` before its value): the box says where, and
the list keeps showing the last good result rather than an empty list or an error popup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Label

from veille.tui.screens.watch import query_problem

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen

SEARCH_DELAY = 0.15  # seconds of quiet typing before the list follows the search box


class SearchBox:
    """Shows, applies and leaves the screen's search box (`#search`, `#search-problem`)."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self._timer: Timer | None = None

    def _box(self) -> Input:
        return self._screen.query_one("#search", Input)

    def _problem(self) -> Label:
        return self._screen.query_one("#search-problem", Label)

    def hide(self) -> None:
        self._box().display = False
        self._problem().display = False

    def open(self) -> None:
        box = self._box()
        box.display = True
        # At once, not after the keys already read: `/` is a priority binding, run before the
        # next key is handed to the focused widget, which must then be the box.
        self._screen.set_focus(box)

    def changed(self) -> None:
        self._stop()
        self._timer = self._screen.set_timer(SEARCH_DELAY, self._apply)

    def submitted(self) -> None:
        self._stop()
        self._apply()
        self._screen.item_list.focus()

    def leave(self) -> bool:
        """Close the box and show the whole view again; False if it was not open."""
        screen = self._screen
        box = self._box()
        if not box.display:
            return False
        box.value = ""
        self.hide()
        self._stop()
        if screen.search_text:
            screen.search_text = ""
            screen.show_view(screen.entry)
        screen.item_list.focus()
        return True

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def _apply(self) -> None:
        screen = self._screen
        text = self._box().value.strip()
        problem = query_problem(text) if text else ""
        label = self._problem()
        label.update(Content(problem))
        label.display = bool(problem)
        if problem:
            return
        if text != screen.search_text:
            screen.search_text = text
            screen.show_view(screen.entry)
