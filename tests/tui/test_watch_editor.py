"""The watch-rule editor (`W`) and the watches in the feeds pane."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Checkbox, Input, OptionList

from tests.tui.helpers import notices, press_for, ready, screen_text, until
from veille.core.library import open_library
from veille.core.settings import Paths, Settings, WatchSettings
from veille.tui.app import VeilleApp
from veille.tui.screens.main import MainScreen
from veille.tui.screens.watch import WatchEditor

pytestmark = pytest.mark.slow

Factory = Callable[..., VeilleApp]


async def test_a_new_watch_tags_and_stars_the_library_and_shows_in_the_pane(
    app_factory: Factory, home: Paths
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        editor = await press_for(pilot, "W", WatchEditor)
        editor.query_one("#watch-name", Input).value = "Climat"
        editor.query_one("#watch-query", Input).value = "tag:climat OR relire"
        editor.query_one("#watch-tags", Input).value = "veille/climat"
        editor.query_one("#watch-star", Checkbox).value = True
        editor.query_one("#watch-apply", Checkbox).value = True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, lambda: "It matched 2 items" in notices(app))
        await until(pilot, lambda: "Watches" in screen_text(app))
        assert "Climat" in screen_text(app)

        def second_row_tags() -> tuple[str, ...]:
            row = app.main.item_list.row_at(1)
            return row.tags if row is not None else ()

        await until(pilot, lambda: "veille/climat" in second_row_tags())
        assert "★" in screen_text(app).splitlines()[1]  # item 2, starred by the watch
    with open_library(home.library) as lib:
        [rule] = lib.rules()
        assert (rule.name, rule.query, rule.add_tags, rule.star) == (
            "Climat",
            "tag:climat OR relire",
            ["veille/climat"],
            True,
        )
        for item_id in (2, 3):
            item = lib.item(item_id)
            assert item.starred and "veille/climat" in item.tags
        assert not lib.item(4).starred


async def test_a_bad_query_is_explained_and_nothing_is_saved(
    app_factory: Factory, home: Paths
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        editor = await press_for(pilot, "W", WatchEditor)
        editor.query_one("#watch-name", Input).value = "Broken"
        editor.query_one("#watch-query", Input).value = "tag: climat"
        await pilot.pause()
        problem = str(editor.query_one("#watch-problem").render())
        assert "needs a value" in problem and "column" in problem
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, WatchEditor)  # still open, the message is there
    with open_library(home.library) as lib:
        assert lib.rules() == []


async def test_watches_from_config_are_shown_but_locked(app_factory: Factory) -> None:
    settings = Settings(lang="en")
    settings.watch.append(WatchSettings("Biométrie", "biométrie", add_tags=("surveillance",)))
    app = app_factory(settings)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await until(pilot, lambda: "Biométrie" in screen_text(app))  # in the feeds pane
        editor = await press_for(pilot, "W", WatchEditor)
        options = editor.query_one("#watch-list", OptionList)
        options.highlighted = 1
        await pilot.pause()
        assert editor.query_one("#watch-query", Input).value == "biométrie"
        assert "config.toml" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, WatchEditor)
        assert "edit it there" in notices(app)


async def test_renaming_and_deleting_a_watch(app_factory: Factory, home: Paths) -> None:
    with open_library(home.library) as lib:
        lib.save_rule("Old name", "climat", add_tags=["x"])
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        editor = await press_for(pilot, "W", WatchEditor)
        editor.query_one("#watch-list", OptionList).highlighted = 1
        await pilot.pause()
        editor.query_one("#watch-name", Input).value = "New name"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "« New name » saved" in notices(app))
        with open_library(home.library) as lib:
            assert [r.name for r in lib.rules()] == ["New name"]
        await until(pilot, lambda: "New name" in screen_text(app))
        editor = await press_for(pilot, "W", WatchEditor)
        editor.query_one("#watch-list", OptionList).highlighted = 1
        await pilot.pause()
        await pilot.click("#watch-delete")
        await until(pilot, lambda: "deleted" in notices(app))
    with open_library(home.library) as lib:
        assert lib.rules() == []
