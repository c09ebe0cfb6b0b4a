"""The feeds' health in the app, from the command palette: the failing feed comes first."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tui.helpers import ready, screen_text, until
from veille.tui.app import VeilleApp
from veille.tui.screens.health import FeedHealthScreen

pytestmark = pytest.mark.slow


async def test_the_feed_health_view_lists_failing_feeds_first(
    app_factory: Callable[..., VeilleApp],
) -> None:
    app = app_factory()
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"health")
        await until(pilot, lambda: "Feed health" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FeedHealthScreen))
        await until(pilot, lambda: "Down feed" in screen_text(app))
        text = screen_text(app)
        assert "Feed health — the last 30 days" in text
        lines = [line.strip(" █") for line in text.splitlines()]
        first = next(n for n, line in enumerate(lines) if "Down feed" in line)
        assert "1/1 failed" in lines[first + 1]  # its figures, under its name
        assert first < next(n for n, line in enumerate(lines) if line.startswith("Feed 0"))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, FeedHealthScreen))
