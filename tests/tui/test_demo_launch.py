"""`veille --demo` in the app: the shipped library, moved to today, fills the list at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.tui.helpers import ready, screen_text, until
from veille.cli.demo import prepare_demo
from veille.core import load_settings
from veille.tui.app import make_app

pytestmark = pytest.mark.slow


async def test_the_demo_opens_on_its_items_of_today(
    tmp_path: Path,
) -> None:
    paths = prepare_demo(tmp_path / "demo")
    settings = load_settings(paths)
    settings.lang = settings.ui_lang = "en"
    app = make_app(paths, settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.main.item_list.count > 50)
        assert "All 64" in screen_text(app)
        newest = app.main.item_list.current_row
        assert newest is not None and newest.sort_date is not None
        assert datetime.now(UTC) - newest.sort_date < timedelta(hours=1)
        await pilot.press("/")
        await pilot.press(*"since:1d", "enter")
        await until(pilot, lambda: 0 < app.main.item_list.count < 50)
