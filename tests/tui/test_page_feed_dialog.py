"""Following a web page from the app: the preview names what the selectors find, and which
found nothing, before the page is followed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Button, Input

from tests.httpserver import LocalServer
from tests.test_page_feeds import FIRST, news
from tests.tui.helpers import notices, ready, screen_text, until
from veille.core.library import open_library
from veille.core.settings import Paths
from veille.tui.app import VeilleApp
from veille.tui.screens.page_feed import PageFeedDialog

pytestmark = pytest.mark.slow


async def test_a_page_is_previewed_then_followed(
    app_factory: Callable[..., VeilleApp], home: Paths, local_server: LocalServer
) -> None:
    local_server.add("/actualites", news(*FIRST), content_type="text/html")
    app = app_factory()
    async with app.run_test(size=(140, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"web page")
        await until(pilot, lambda: "Follow a web page" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PageFeedDialog))
        dialog = app.screen
        dialog.query_one("#page-url", Input).value = local_server.url("/actualites")
        dialog.query_one("#page-item", Input).value = "article.actu"
        dialog.query_one("#page-date", Input).value = ".date"
        dialog.query_one("#page-preview-button", Button).press()
        # The count is drawn before the rows it counts: wait for both.
        await until(
            pilot,
            lambda: (
                "3 items found" in screen_text(app)
                and "Avis sur le traitement des données" in screen_text(app)
            ),
        )
        assert "--date found nothing" in screen_text(app)
        dialog.query_one("#page-follow", Button).press()
        await until(pilot, lambda: "Following" in notices(app))
    with open_library(home.library) as lib:
        assert lib.feed_by_url(local_server.url("/actualites")) is not None
        assert lib.feed_sources()  # a page feed, read by its selectors at refresh
