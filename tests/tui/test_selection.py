"""Several items at once: `v` picks rows, then star, read and tags act on all of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tui.helpers import press_for, ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.settings import Paths
from veille.tui.app import VeilleApp
from veille.tui.screens.main import MainScreen
from veille.tui.screens.tags import TagEditor

pytestmark = pytest.mark.slow

Factory = Callable[..., VeilleApp]


def _marked_lines(app: VeilleApp) -> list[str]:
    return [line for line in screen_text(app).splitlines() if "✔" in line]


async def test_selected_rows_are_marked_and_counted(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("home", "v", "j", "v")  # items 1 and 3 (v moves down by itself)
        await pilot.pause()
        assert len(_marked_lines(app)) == 2
        assert "2 selected" in static_text(app, "#status-selection")
        await pilot.press("k", "v")  # item 3 again: unselected
        await pilot.pause()
        assert len(_marked_lines(app)) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert _marked_lines(app) == []
        assert "selected" not in static_text(app, "#status-selection")
        assert isinstance(app.screen, MainScreen)  # Esc cleared the selection, nothing else


async def test_star_and_read_act_on_the_whole_selection(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        # Items 2, 3 and 4 (item 4 is already read); the cursor ends on item 5.
        await pilot.press("home", "j", "v", "v", "v", "s", "u")
        await until(pilot, lambda: not app.main.workers)
        cursor_row = app.main.item_list.current_row
        assert cursor_row is not None and cursor_row.id == 5 and not cursor_row.starred
    with open_library(home.library) as lib:
        assert [lib.item(i).starred for i in (2, 3, 4)] == [True, True, True]
        assert [lib.item(i).read for i in (2, 3, 4)] == [True, True, True]
        assert not lib.item(5).starred and lib.item(5).read  # untouched (read in the fixture)


async def test_tags_go_on_every_selected_item(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("home", "j", "v", "v", "v", "t")  # items 2, 3, 4
        await until(pilot, lambda: isinstance(app.screen, TagEditor))
        editor = app.screen
        # Items 2 and 3 share #climat but item 4 has none: nothing is shared, nothing listed.
        assert editor.query_one("#tag-list").option_count == 0  # type: ignore[attr-defined]
        assert "3 items" in screen_text(app)
        editor.query_one("#tag-input").value = "revue"  # type: ignore[attr-defined]
        await press_for(pilot, "ctrl+s", MainScreen)
        rows = app.main.item_list.loaded_rows
        await until(pilot, lambda: sum("revue" in r.tags for r in rows()) == 3)
        assert "#revue" in screen_text(app)
    with open_library(home.library) as lib:
        assert set(lib.item(2).tags) == {"climat", "revue"}
        assert set(lib.item(3).tags) == {"climat", "revue"}
        assert set(lib.item(4).tags) == {"revue"}
        assert "revue" not in lib.item(5).tags


async def test_unchecking_a_shared_tag_removes_it_from_all(
    app_factory: Factory, home: Paths
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("home", "j", "v", "v", "t")  # items 2 and 3, both #climat
        await until(pilot, lambda: isinstance(app.screen, TagEditor))
        app.screen.query_one("#tag-list").deselect("climat")  # type: ignore[attr-defined]
        await press_for(pilot, "ctrl+s", MainScreen)
        await until(pilot, lambda: "#climat" not in screen_text(app).split("Tags")[0])
    with open_library(home.library) as lib:
        assert lib.item(2).tags == [] and lib.item(3).tags == []


async def test_selection_ends_with_the_view(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("v")
        assert app.main.item_list.selection
        await pilot.press("J")  # another feed: another list
        await until(pilot, lambda: not app.main.item_list.selection)
        await until(pilot, lambda: "selected" not in static_text(app, "#status-selection"))
