"""The command palette, with Textual's one fixed sentence in the user's language.

Textual writes "No matches found" into the palette's list from inside a timer of its own; the
only way to choose its words is to start that timer here, as Textual does.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from veille.core.translations import _


class Palette(CommandPalette):
    """Textual's command palette saying "No matches found" in the user's language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            # An empty search is the palette's discovery list: there, no hits need no word.
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
