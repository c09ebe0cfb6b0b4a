"""`e` on a feeds-pane entry: rename, merge or delete a tag; edit a saved search; set a feed's
title, folder and full-text policy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Input, Select

from tests.tui.helpers import notices, press_for, ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.settings import Paths
from veille.tui.app import VeilleApp
from veille.tui.screens.entry_edit import FeedDialog, SearchDialog, TagDialog
from veille.tui.screens.main import MainScreen

pytestmark = pytest.mark.slow

Factory = Callable[..., VeilleApp]


async def _go_to(pilot: object, app: VeilleApp, key: str) -> None:
    await until(pilot, lambda: app.main.feed_tree.entry_for(key) is not None)  # type: ignore[arg-type]
    app.main.feed_tree.select_key(key)
    await until(pilot, lambda: app.main.entry.key == key)  # type: ignore[arg-type]


async def test_renaming_a_tag_onto_another_merges_them(app_factory: Factory, home: Paths) -> None:
    with open_library(home.library) as lib:
        lib.tag([4], add=["climate"])
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await _go_to(pilot, app, "tag:climat")
        await press_for(pilot, "e", TagDialog)
        assert "On 2 items" in screen_text(app)
        app.screen.query_one("#entry-name", Input).value = "climate"
        await press_for(pilot, "ctrl+s", MainScreen)
        await until(pilot, lambda: "#climat is now #climate on 2 items" in notices(app))
        await until(pilot, lambda: app.main.entry.key == "tag:climate")  # the view followed
        await until(pilot, lambda: "3 items" in static_text(app, "#status-text"))
    with open_library(home.library) as lib:
        assert [(t.name, t.items) for t in lib.tags()] == [("climate", 3)]


async def test_deleting_a_tag_asks_twice(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await _go_to(pilot, app, "tag:climat")
        await press_for(pilot, "e", TagDialog)
        await pilot.click("#entry-delete")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)  # the first press only asks
        assert "again to remove #climat from 2 items" in screen_text(app)
        await pilot.pause(0.3)  # a button ignores presses while it shows the last one
        await pilot.click("#entry-delete")
        await until(pilot, lambda: "removed from 2 items" in notices(app))
        await until(pilot, lambda: app.main.entry.key == "all")
    with open_library(home.library) as lib:
        assert lib.tags() == []
        assert lib.item(2).note == "Relire avant lundi"  # nothing else touched


async def test_editing_a_saved_search_keeps_its_place(app_factory: Factory, home: Paths) -> None:
    with open_library(home.library) as lib:
        search = lib.save_search("Feed 0", "feed:feed0")
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await _go_to(pilot, app, f"search:{search.id}")
        await press_for(pilot, "e", SearchDialog)
        box = app.screen.query_one("#entry-query", Input)
        box.value = "tag:"
        await pilot.pause()
        assert "needs a value" in screen_text(app)
        box.value = "is:starred"
        app.screen.query_one("#entry-name", Input).value = "Étoiles"
        await press_for(pilot, "ctrl+s", MainScreen)
        await until(pilot, lambda: "Étoiles" in screen_text(app))
        await until(pilot, lambda: "1 item" in static_text(app, "#status-text"))
    with open_library(home.library) as lib:
        [saved] = lib.saved_searches()
        assert (saved.id, saved.name, saved.query) == (search.id, "Étoiles", "is:starred")


async def test_a_feed_gets_a_title_a_folder_and_a_full_text_policy(
    app_factory: Factory, home: Paths
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await _go_to(pilot, app, "feed:1")
        dialog = await press_for(pilot, "e", FeedDialog)
        dialog.query_one("#entry-name", Input).value = "Le fil du matin"
        dialog.query_one("#entry-folder", Input).value = "Presse/Quotidiens"
        dialog.query_one("#entry-policy", Select).value = "always"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "full text: always" in notices(app))
        await until(pilot, lambda: "Quotidiens" in screen_text(app))
        assert "Le fil du matin" in screen_text(app)
    with open_library(home.library) as lib:
        feed = next(f for f in lib.feeds() if f.id == 1)
        assert (feed.title, feed.folder, feed.full_text) == (
            "Le fil du matin",
            "Presse/Quotidiens",
            "always",
        )


async def test_e_on_all_explains_what_it_does(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await until(pilot, lambda: "then press e" in notices(app))
        assert isinstance(app.screen, MainScreen)
