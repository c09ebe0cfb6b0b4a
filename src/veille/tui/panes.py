"""The panes' sizes: side by side on a wide terminal, stacked on a narrow one, resizable with
`[ ]` and `- +`, and remembered between runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen

WIDE = 120  # columns from which the three panes stand side by side
MIN_ROWS = 10  # item rows a stacked list keeps, whatever its share of the height


class PaneLayout:
    """Sizes the feeds pane and the item list for the screen's width."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.feeds_width = 30
        self.list_size = 50

    def fit(self, width: int) -> None:
        """Size the panes for a screen `width` columns wide (and as high as it is now)."""
        screen = self._screen
        wide = width >= WIDE
        screen.set_class(wide, "-wide")
        screen.set_class(not wide, "-narrow")
        # A wide screen's feeds pane leaves the list and the article four fifths of it.
        feeds = max(12, min(self.feeds_width, width // 5 if wide else width // 2))
        screen.feed_tree.styles.width = feeds if wide else max(12, min(feeds, 26))
        size = max(10, min(self.list_size, 80))
        list_pane = screen.query_one("#list-pane")
        if wide:
            list_pane.styles.width = f"{size}%"
            list_pane.styles.height = "1fr"
        else:
            # Stacked: the list keeps at least MIN_ROWS rows (80×24 shows ten), the reader
            # the rest; `z` gives the reader the whole screen.
            below = max(screen.size.height - 2, 1)  # the status line and the footer aside
            rows = max(below * size // 100, min(MIN_ROWS + 1, below - 4))
            list_pane.styles.width = "1fr"
            list_pane.styles.height = rows

    def restore(self, feeds_width: int, list_size: int) -> None:
        self.feeds_width = feeds_width
        self.list_size = list_size
        self.fit(self._screen.size.width)

    def resize(self, pane: str, delta: int) -> None:
        screen = self._screen
        if pane == "feeds":
            self.feeds_width = max(12, min(self.feeds_width + delta, 80))
            screen.jobs.save_state("tui.feeds_width", str(self.feeds_width))
        else:
            self.list_size = max(10, min(self.list_size + delta, 80))
            screen.jobs.save_state("tui.list_size", str(self.list_size))
        self.fit(screen.size.width)
