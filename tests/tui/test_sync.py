"""Sync in the app: after `R`, with its stages and outcome in the status bar; offline edits wait."""

from __future__ import annotations

import pytest

from tests.greader_fake import serve
from tests.tui.helpers import ready, screen_text, static_text, until
from veille.core import open_veille
from veille.core.settings import Paths, Settings
from veille.tui.app import make_app

pytestmark = pytest.mark.slow


async def test_r_syncs_after_refreshing_and_says_so(home: Paths) -> None:
    with serve("freshrss-1.26") as (fake, endpoint):
        feed = fake.add_feed("https://server.example.org/feed.xml", "Server news")
        item = fake.add_item(feed, "Synced first", "https://server.example.org/1")
        with open_veille(home) as v:
            v.add_account("home", "freshrss", endpoint, "alice", password="secret-pw")
        app = make_app(home, Settings(lang="en"))
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await ready(pilot)
            await pilot.press("R")
            await until(pilot, lambda: "synced:" in static_text(app, "#status-offline"), 20)
            await until(pilot, lambda: "Synced first" in screen_text(app))
            assert not app.main.syncer.syncing
        assert not item.read  # nothing was read in the app
