"""The item list: a `ScrollView` on the Line API, one line per item whatever the count. Rows come
in pages of `PAGE` fetched in thread workers (`window.py`) and kept in a small cache
(`pages.py`), so memory and load time do not grow with the library; a row not yet fetched draws
as a dim placeholder.
It posts `Highlighted` when its cursor moves and `Selected` when a row is opened; it never talks
to the other panes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from veille.core.errors import Stopped
from veille.core.model import ItemRow
from veille.core.translations import _
from veille.tui.messages import TaskFailed
from veille.tui.source import EmptySource, RowSource
from veille.tui.widgets.columns import empty_lines, line_strip, row_styles, row_text
from veille.tui.widgets.pages import Pages
from veille.tui.widgets.window import PAGE, Window, read_after, read_window

# Lines drawn, by what they show: a repaint of the whole list (the focus coming back, a page
# arriving, a scroll of a few rows) then draws only the rows it has not drawn yet.
LINE_CACHE = 1_000


# Not a scroll view's keys: arrows, pages, Home and End move the cursor (the screen's bindings),
# where a scroll view's own would move the view and leave the cursor behind.
class ItemList(ScrollView, can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "item-list--cursor",
        "item-list--unread",
        "item-list--dim",
        "item-list--star",
        "item-list--tag",
        "item-list--selected",
    }

    @dataclass
    class Highlighted(Message):
        item_list: ItemList
        row: ItemRow | None
        index: int

    @dataclass
    class Selected(Message):
        item_list: ItemList
        row: ItemRow

    @dataclass
    class Loaded(Message):
        """A (re)load finished: `count` rows in the current view (at least, if not `exact`)."""

        item_list: ItemList
        count: int
        exact: bool = True

    @dataclass
    class _Reloaded(Message):
        window: Window

    @dataclass
    class _Counted(Message):
        generation: int
        count: int | None  # None: it could not be counted (the rows shown stay)

    @dataclass
    class _PageLoaded(Message):
        generation: int
        page: int
        rows: list[ItemRow]

    def __init__(
        self,
        *,
        lang: str = "fr",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lang = lang
        self.source: RowSource = EmptySource()
        self.count = 0
        self.cursor = 0
        self.generation = 0
        self.fetching = False
        self._pages = Pages()
        self._in_flight: set[int] = set()
        self.shown_generation = 0  # the load whose rows are on screen (counted or not)
        # Item ids, not row indexes: a selection survives reloads that move rows around.
        self.selection: dict[int, ItemRow] = {}
        self.problem = ""  # shown instead of "No items here" when the rows cannot be read
        self._keep_line: tuple[int, int] | None = None  # (generation, the cursor's screen line)
        self._early_count: int | None = None  # the count of this load, if before its rows
        self._early_failed = False  # this load's count failed before its rows came
        self._provisional: int | None = None  # the count shown while a reload counts again
        self._stop_reads = threading.Event()  # set when the view's reads are of no use
        self._lines: dict[tuple[ItemRow, int, bool, bool], Strip] = {}

    # Loading --------------------------------------------------------------------------------

    def show(self, source: RowSource, *, keep_id: int | None = None, cursor: int = 0) -> None:
        """Show `source`, putting the cursor on `keep_id` if it is there, else at `cursor`."""
        if source != self.source:
            self.selection.clear()  # another view: what was picked in the last one is not here
        # The same view again (items changed): its last count stands until the new one comes,
        # rather than "100+ items, counting…" after every read mark or refresh.
        counted = source == self.source and self.shown_generation == self.generation
        self._provisional = self.count if counted and not self.fetching else None
        self.source = source
        self.generation += 1
        self.fetching = True
        self._early_count = None
        self._early_failed = False
        # The last view's reads, if still running, are of no use now: at a million items the
        # rows of a search typed over would hold a core the new search needs.
        self._stop_reads.set()
        self._stop_reads = threading.Event()
        # The rows and the count are read at once, on two threads: counting every hit of a
        # common word (or a million items) costs more than the first screen, which shows
        # first, with "100+" until the count replaces it.
        height = max(self.size.height, 24)
        self._load(self.generation, source, keep_id, cursor, height, self._stop_reads)
        self._count(self.generation, source, self._stop_reads)

    def reload(self, *, keep_line: bool = False) -> None:
        """Items changed: fetch again, keeping the cursor on the same item (or index); with
        `keep_line`, on the same line of the screen too (rows coming in above scroll off)."""
        current = self.current_row
        line = self.cursor - int(self.scroll_offset.y)
        self.show(self.source, keep_id=current.id if current else None, cursor=self.cursor)
        self._keep_line = (self.generation, line) if keep_line and current else None

    @work(thread=True, group="item-list-load", exclusive=True)
    def _load(
        self,
        generation: int,
        source: RowSource,
        keep_id: int | None,
        cursor: int,
        height: int,
        stop: threading.Event,
    ) -> None:
        try:
            window = read_window(generation, source, keep_id, cursor, height, stop)
        except Stopped:
            return  # another view or search came first: its own rows are on their way
        except Exception as error:  # one place shows failures; the list says why it is empty
            self._failed(generation, source, error)
            return
        self.post_message(self._Reloaded(window))

    @work(thread=True, group="item-list-count", exclusive=True)
    def _count(self, generation: int, source: RowSource, stop: threading.Event) -> None:
        if stop.is_set():
            return  # another view or search came first: its own count is on its way
        try:
            count = source.count(stop)
        except Stopped:
            return
        except Exception as error:
            # The rows may be on screen already: a count that fails is told, not a reason to
            # empty the list.
            self.post_message(TaskFailed(_("counting the item list"), source.explain(error)))
            self.post_message(self._Counted(generation, None))
            return
        self.post_message(self._Counted(generation, count))

    def _failed(self, generation: int, source: RowSource, error: Exception) -> None:
        problem = source.explain(error)
        self.post_message(TaskFailed(_("loading the item list"), problem))
        self.post_message(self._Reloaded(Window(generation, 0, 0, {}, problem=problem)))

    def on_item_list__reloaded(self, message: _Reloaded) -> None:
        window = message.window
        if window.generation != self.generation:
            return
        self.fetching = not window.exact  # still counting
        self.shown_generation = window.generation
        self.problem = window.problem
        self._pages = Pages(sorted(window.pages.items()))
        self._in_flight.clear()
        told = window.exact or self._provisional is None
        self.count = window.count if told else max(window.count, self._provisional or 0)
        self.virtual_size = Size(self.size.width, self.count)
        self._move(window.cursor, force=True, center=True)
        kept, self._keep_line = self._keep_line, None
        height = self.scrollable_content_region.height
        if kept is not None and kept[0] == window.generation and 0 <= kept[1] < height:
            self.scroll_to(y=max(0, window.cursor - kept[1]), animate=False, immediate=True)
        self.refresh()
        if told:
            self.post_message(self.Loaded(self, self.count, window.exact))
        if not window.exact and (self._early_count is not None or self._early_failed):
            self.on_item_list__counted(self._Counted(window.generation, self._early_count))

    def on_item_list__counted(self, message: _Counted) -> None:
        if message.generation != self.generation:
            return
        if self.shown_generation != message.generation:
            self._early_count = message.count  # counted before the rows came: they take it
            self._early_failed = message.count is None
            return
        if not self.fetching:
            return  # the rows told the count themselves (or could not be read)
        self.fetching = False
        if message.count is None:
            self.refresh()  # the provisional count stays, no longer "counting…"
            return
        self.count = message.count
        self.virtual_size = Size(self.size.width, self.count)
        self._move(self.cursor)  # only moves if the cursor was past the real end
        self.refresh()
        self.post_message(self.Loaded(self, self.count))

    @work(thread=True, group="item-list-page")
    def _fetch_page(
        self,
        generation: int,
        source: RowSource,
        page: int,
        after: int | None,
        stop: threading.Event,
    ) -> None:
        try:
            rows = source.rows(page * PAGE, PAGE, after, stop)
        except Stopped:
            return  # the list moved on to another view: this page has no place in it
        except Exception as error:
            self.post_message(TaskFailed(_("loading items"), source.explain(error)))
            rows = []
        self.post_message(self._PageLoaded(generation, page, rows))

    def on_item_list__page_loaded(self, message: _PageLoaded) -> None:
        if message.generation != self.generation:
            return  # the set of pages on their way was emptied when this load was left
        self._in_flight.discard(message.page)
        self._pages.keep(message.page, message.rows, int(self.scroll_offset.y) // PAGE)
        top = int(self.scroll_offset.y)
        bottom = top + self.scrollable_content_region.height
        if message.page * PAGE < bottom and top < (message.page + 1) * PAGE:
            self.refresh()  # a page read ahead, off screen, has nothing to draw yet
        if self.cursor // PAGE == message.page:
            self.post_message(self.Highlighted(self, self.current_row, self.cursor))

    # Rows -----------------------------------------------------------------------------------

    def row_at(self, index: int) -> ItemRow | None:
        return self._pages.row_at(index)

    @property
    def current_row(self) -> ItemRow | None:
        return self.row_at(self.cursor) if self.count else None

    def loaded_rows(self) -> list[ItemRow]:
        """The rows the cache holds now (for searching the next unread nearby)."""
        return self._pages.rows()

    def update_row(self, item_id: int, **changes: object) -> None:
        """Change a cached row in place (a star, a read mark) so the list reflects it at once."""
        index = self._pages.index_of(item_id)
        if index is not None:
            page = self._pages[index // PAGE]
            page[index % PAGE] = replace(page[index % PAGE], **changes)  # type: ignore[arg-type]
            if item_id in self.selection:
                self.selection[item_id] = page[index % PAGE]
            self.refresh_line(index)

    # Selection ------------------------------------------------------------------------------

    def toggle_selected(self, row: ItemRow) -> None:
        if self.selection.pop(row.id, None) is None:
            self.selection[row.id] = row
        self._refresh_item(row.id)

    def clear_selection(self) -> None:
        self.selection.clear()
        self.refresh()

    def selected_rows(self) -> list[ItemRow]:
        """The selected rows as the list holds them now (marks and tags up to date)."""
        latest = {row.id: row for row in self.loaded_rows() if row.id in self.selection}
        return [latest.get(item_id, row) for item_id, row in self.selection.items()]

    def _refresh_item(self, item_id: int) -> None:
        index = self._pages.index_of(item_id)
        if index is not None:
            self.refresh_line(index)

    def update_all(self, **changes: object) -> None:
        for page in self._pages.values():
            page[:] = [replace(row, **changes) for row in page]  # type: ignore[arg-type]
        self.refresh()

    # Cursor ---------------------------------------------------------------------------------

    def _move(self, index: int, *, force: bool = False, center: bool = False) -> None:
        index = 0 if not self.count else max(0, min(index, self.count - 1))
        if index == self.cursor and not force:
            return
        old = self.cursor
        self.cursor = index
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if center and not (top <= index < top + height):
            self.scroll_to(y=max(0, index - height // 2), animate=False, immediate=True)
        elif index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        self.refresh_line(old)
        self.refresh_line(index)
        # The pages on either side are read ahead: a burst of `j` then never meets a row still
        # loading, whose verbs the footer would grey out and bring back a moment later.
        here = index // PAGE
        for page in (here, here + 1, here - 1):
            self._want(page)
        self.post_message(self.Highlighted(self, self.current_row, index))

    def _want(self, page: int) -> None:
        """Fetch `page` unless it is held, on its way, or past the end."""
        if page < 0 or page * PAGE >= self.count or page in self._pages:
            return
        if page not in self._in_flight:
            self._in_flight.add(page)
            after = read_after(self._pages, page)
            self._fetch_page(self.generation, self.source, page, after, self._stop_reads)

    def move_to(self, index: int) -> None:
        self._move(index)

    def move_by(self, delta: int) -> None:
        self._move(self.cursor + delta)

    def page_by(self, pages: int) -> None:
        self._move(self.cursor + pages * max(1, self.scrollable_content_region.height - 1))

    # Mouse ----------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < self.count:
            self._move(index)
            row = self.current_row
            if row is not None:
                self.post_message(self.Selected(self, row))

    # Drawing --------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.count)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        base = self.rich_style
        if index >= self.count:
            said = empty_lines(self.problem, width) if self.count == 0 and not self.fetching else []
            return self._line(said[y], width, base) if y < len(said) else Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            self._want(index // PAGE)
            return self._line(
                Text(" …", style=self.get_component_rich_style("item-list--dim")), width, base
            )
        selected = row.id in self.selection
        key = (row, width, index == self.cursor, selected)
        strip = self._lines.get(key)
        if strip is not None:
            return strip
        styles = row_styles(self.get_component_rich_style)
        text = row_text(row, width, styles, lang=self.lang, selected=selected)
        if selected:
            text.stylize(self.get_component_rich_style("item-list--selected"))
        if index == self.cursor:
            text.stylize(self.get_component_rich_style("item-list--cursor"))
        strip = self._line(text, width, base)
        if len(self._lines) >= LINE_CACHE:
            self._lines.clear()
        self._lines[key] = strip
        return strip

    def notify_style_update(self) -> None:
        """The styles changed (focus, theme): every line is drawn afresh."""
        super().notify_style_update()
        self._lines = {}

    def _line(self, text: Text, width: int, base: Style) -> Strip:
        return line_strip(text, width, base, self.app.console)
