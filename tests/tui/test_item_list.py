"""The item list is virtual: it asks for the rows on screen, not for the whole list."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.app import App, ComposeResult

import veille.tui.widgets.items as items_module
from tests.tui.helpers import until
from veille.core.errors import Stopped
from veille.core.model import ItemRow
from veille.tui.widgets.items import PAGE, ItemList

WHEN = datetime(2026, 2, 5, 16, 20, tzinfo=UTC)


class CountingSource:
    """An in-memory stand-in for the library that records every window asked of it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.windows: list[tuple[int, int]] = []
        self.afters: dict[int, int | None] = {}  # offset: the id each page was read after

    def count(self, stop: threading.Event | None = None) -> int:
        return self.total

    def rows(
        self,
        offset: int,
        limit: int,
        after: int | None = None,
        stop: threading.Event | None = None,
    ) -> list[ItemRow]:
        self.windows.append((offset, limit))
        self.afters[offset] = after
        end = min(self.total, offset + limit)
        return [
            ItemRow(
                id=self.total - n,
                feed_id=1,
                title=f"Row {n}",
                feed_title="Feed",
                sort_date=WHEN,
                read=n % 2 == 0,
                starred=False,
                truncated=False,
                has_full_text=False,
            )
            for n in range(offset, end)
        ]

    def explain(self, error: BaseException) -> str:
        return str(error)

    def position(self, item_id: int, stop: threading.Event | None = None) -> int | None:
        index = self.total - item_id
        return index if 0 <= index < self.total else None

    @property
    def fetched(self) -> int:
        return sum(min(limit, self.total - offset) for offset, limit in self.windows)


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ItemList(lang="en")


async def test_a_hundred_thousand_rows_cost_a_few_pages() -> None:
    source = CountingSource(100_000)
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.focus()
        items.show(source)
        await until(pilot, lambda: items.count == 100_000)
        assert items.virtual_size.height == 100_000
        assert source.fetched <= 2 * PAGE
        items.move_to(99_999)
        await until(pilot, lambda: items.current_row is not None)
        await pilot.pause()
        assert items.current_row is not None and items.current_row.title == "Row 99999"
        assert source.fetched <= 5 * PAGE
        assert len(items._pages) <= 8


async def test_reload_keeps_the_cursor_on_the_same_item() -> None:
    source = CountingSource(1_000)
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(source)
        await until(pilot, lambda: items.count == 1_000)
        items.move_to(500)
        await until(pilot, lambda: items.current_row is not None)
        assert items.current_row is not None
        kept = items.current_row.id
        source.total = 1_010  # ten newer items arrive on top: every index shifts by ten
        items.reload()
        await until(pilot, lambda: items.count == 1_010)
        await until(pilot, lambda: items.current_row is not None)
        assert items.current_row is not None and items.current_row.id == kept
        assert items.cursor == 510


async def test_keys_and_highlight_messages() -> None:
    source = CountingSource(50)
    seen: list[int] = []

    class Watching(ListApp):
        def on_item_list_highlighted(self, message: ItemList.Highlighted) -> None:
            seen.append(message.index)

    app = Watching()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(source)
        await until(pilot, lambda: items.count == 50)
        items.move_by(3)
        items.page_by(1)
        await pilot.pause()
        assert items.cursor > 3 and seen[-1] == items.cursor
        items.move_to(-5)
        assert items.cursor == 0


async def test_a_new_view_shows_its_first_rows_before_its_count() -> None:
    """Counting every hit of a common word costs more than the first screen: the rows come
    first with "100+", the real count replaces it, and a view that fits in a page is exact."""
    counted = threading.Event()

    class SlowCount(CountingSource):
        def count(self, stop: threading.Event | None = None) -> int:
            counted.wait(5)  # the library is still counting
            return self.total

    loads: list[tuple[int, bool]] = []

    class Watching(ListApp):
        def on_item_list_loaded(self, message: ItemList.Loaded) -> None:
            loads.append((message.count, message.exact))

    app = Watching()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(SlowCount(5_000))
        await until(pilot, lambda: items.current_row is not None)
        assert items.current_row is not None and items.current_row.title == "Row 0"
        assert loads == [(PAGE + 1, False)] and items.fetching  # rows on screen, still counting
        counted.set()
        await until(pilot, lambda: items.count == 5_000)
        assert loads[-1] == (5_000, True) and not items.fetching
        items.show(CountingSource(40))  # fits in one page: exact at once, no second count
        await until(pilot, lambda: items.count == 40)
        assert loads[-1] == (40, True)


async def test_the_next_page_is_read_before_the_cursor_reaches_it() -> None:
    """A long run of `j` never lands on a row still loading (its verbs would be greyed out in
    the footer for a moment, on every page): the page after the cursor's is read while the
    cursor is still in the middle of its own, far from the screen's last line."""
    source = CountingSource(10_000)
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(source)
        await until(pilot, lambda: items.count == 10_000)
        for page in range(3):
            items.move_to(page * PAGE + PAGE // 2)
            await until(pilot, lambda p=page: p + 1 in items._pages, timeout=2)
            items.move_to((page + 1) * PAGE)
            assert items.current_row is not None
        assert len(items._pages) <= 8


async def test_a_page_read_ahead_starts_from_the_last_row_of_the_one_before() -> None:
    """A deep page of a search is read from its place (`after`), not by stepping past every
    row above it: the widget names the last row it holds of the page before."""
    source = CountingSource(10_000)
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(source)
        await until(pilot, lambda: items.count == 10_000)
        for page in range(1, 4):
            items.move_to(page * PAGE - PAGE // 2)
            await until(pilot, lambda p=page: p in items._pages, timeout=2)
            held = items._pages[page - 1][-1].id
            assert source.afters[page * PAGE] == held == source.total - (page * PAGE - 1)
        items.move_to(9_000)  # a jump: nothing held just before, the offset says where
        await until(pilot, lambda: 90 in items._pages, timeout=2)
        assert source.afters[9_000] is None


async def test_the_count_is_read_beside_the_rows_not_after_them() -> None:
    """The rows and the count of a new view are read at once, on two threads: the count of a
    search is on screen after the slower of the two, not after both one after the other."""
    asked = threading.Event()

    class Watching(CountingSource):
        counted_during_rows = False

        def rows(
            self,
            offset: int,
            limit: int,
            after: int | None = None,
            stop: threading.Event | None = None,
        ) -> list[ItemRow]:
            if offset == 0:
                self.counted_during_rows = asked.wait(2)
            return super().rows(offset, limit, after, stop)

        def count(self, stop: threading.Event | None = None) -> int:
            asked.set()
            return self.total

    source = Watching(5_000)
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(source)
        await until(pilot, lambda: items.count == 5_000 and not items.fetching)
        assert source.counted_during_rows


async def test_a_new_search_stops_the_rows_of_the_last_one() -> None:
    """The first rows of a search typed over are given up (`stop`), as its count is: at a
    million items they would hold a core the new search needs."""
    from veille.core.errors import Stopped

    class Slow(CountingSource):
        stopped: bool | None = None

        def rows(
            self,
            offset: int,
            limit: int,
            after: int | None = None,
            stop: threading.Event | None = None,
        ) -> list[ItemRow]:
            self.stopped = stop is not None and stop.wait(5)
            if self.stopped:
                raise Stopped("given up")
            return super().rows(offset, limit, after, stop)

    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        slow = Slow(5_000)
        items.show(slow)
        await pilot.pause(0.1)
        items.show(CountingSource(30))  # typed over before its rows came
        await until(pilot, lambda: items.count == 30 and slow.stopped is not None, timeout=3)
        assert slow.stopped is True
        assert items.current_row is not None and items.current_row.title == "Row 0"
        assert not items.problem  # a given-up read is no failure to show


async def test_a_reload_keeps_the_count_shown_until_the_new_one() -> None:
    loads: list[tuple[int, bool]] = []

    class Watching(ListApp):
        def on_item_list_loaded(self, message: ItemList.Loaded) -> None:
            loads.append((message.count, message.exact))

    source = CountingSource(5_000)
    app = Watching()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(source)
        await until(pilot, lambda: items.count == 5_000 and not items.fetching)
        loads.clear()
        source.total = 5_003
        items.reload()
        await until(pilot, lambda: items.count == 5_003 and not items.fetching)
        # Never "100+ items, counting…" in between (a late message of the first load, under
        # load, may still carry its own exact count).
        assert loads and all(exact for _, exact in loads) and loads[-1] == (5_003, True)


async def test_a_new_search_stops_the_count_of_the_last_one() -> None:
    """Counting a common word at a million items takes a quarter of a second: a search typed
    over is not left counting beside the new one."""
    stopped: list[bool] = []

    class Slow(CountingSource):
        def count(self, stop: threading.Event | None = None) -> int:
            assert stop is not None
            stopped.append(stop.wait(5))  # counting until told to stop
            if stop.is_set():
                raise Stopped()
            return self.total

    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(Slow(5_000))
        await until(pilot, lambda: items.current_row is not None)
        items.show(CountingSource(3_000))
        await until(pilot, lambda: items.count == 3_000 and not items.fetching)
        await until(pilot, lambda: stopped == [True], timeout=2)


async def test_a_repaint_draws_again_only_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines are kept by what they show: a repaint (a page arriving, the focus coming back
    from the search box) draws no row twice, while a change of style draws them all again."""
    from textual.widgets import Input

    class Two(App[None]):
        CSS = """
        ItemList > .item-list--cursor { background: blue; }
        ItemList:focus > .item-list--cursor { background: red; }
        """

        def compose(self) -> ComposeResult:
            yield Input()
            yield ItemList(lang="en")

    drawn: list[int] = []
    app = Two()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        original = items_module.row_text

        def counted(row: ItemRow, *args: Any, **kwargs: Any) -> Any:
            drawn.append(row.id)
            return original(row, *args, **kwargs)

        monkeypatch.setattr(items_module, "row_text", counted)
        items.focus()
        items.show(CountingSource(500))
        await until(pilot, lambda: items.count == 500)
        await pilot.pause()
        focused = items.render_line(0)
        drawn.clear()
        items.refresh()
        await pilot.pause()
        assert drawn == []
        app.query_one(Input).focus()
        await pilot.pause()
        assert items.render_line(0) != focused and drawn  # the cursor's colour without focus
        items.focus()
        await pilot.pause()
        assert items.render_line(0) == focused


async def test_a_count_that_fails_leaves_the_rows_shown() -> None:
    """The count runs beside the rows: when it fails (a busy library, say) the rows the user
    reads stay, and the list no longer says it is counting."""

    class Failing(CountingSource):
        def count(self, stop: threading.Event | None = None) -> int:
            raise OSError("database is locked")

    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        items = app.query_one(ItemList)
        items.show(Failing(5_000))
        await until(pilot, lambda: items.current_row is not None and not items.fetching)
        await pilot.pause(0.2)
        assert items.current_row is not None and not items.problem
