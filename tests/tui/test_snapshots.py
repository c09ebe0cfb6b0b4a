"""What the screen looks like: the first screen wide and narrow, the reader zoomed, the modals.

Baselines live in `__snapshots__/`; after a deliberate change of look, regenerate them with
`uv run pytest tests/tui/test_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tests.tui.helpers import ready, until
from veille.tui.app import VeilleApp
from veille.tui.feeds_manager import FeedsManager
from veille.tui.links import LinkList
from veille.tui.screens.help import HelpScreen
from veille.tui.screens.tags import TagEditor

pytestmark = pytest.mark.slow

Factory = Callable[..., VeilleApp]
Compare = Callable[..., bool]


def opened(*keys: str, then: Callable[[VeilleApp], bool] | None = None) -> Any:
    """A `run_before` that waits for the first screen, opens the first item, presses `keys`."""

    async def run(pilot: Pilot[None]) -> None:
        app = await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        await pilot.press(*keys)
        if then is not None:
            await until(pilot, lambda: then(app))
        # Opening marks the item read; the feeds pane's counts follow half a second later.
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture a coin toss
        await pilot.pause()

    return run


def test_first_screen_wide(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(app_factory(), terminal_size=(160, 48), run_before=opened())


def test_first_screen_80_by_24(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=opened())


def test_reader_zoomed(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(app_factory(), terminal_size=(100, 30), run_before=opened("z"))


def test_help_screen(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(
        app_factory(),
        terminal_size=(120, 40),
        run_before=opened("question_mark", then=lambda app: isinstance(app.screen, HelpScreen)),
    )


def test_tag_editor(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(
        app_factory(),
        terminal_size=(120, 40),
        run_before=opened("t", then=lambda app: isinstance(app.screen, TagEditor)),
    )


SIZES = [(80, 24), (120, 40), (160, 48)]


def test_first_screen_120_by_40(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(app_factory(), terminal_size=(120, 40), run_before=opened())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_link_list(snap_compare: Compare, app_factory: Factory, size: tuple[int, int]) -> None:
    assert snap_compare(
        app_factory(),
        terminal_size=size,
        run_before=opened("l", then=lambda app: isinstance(app.screen, LinkList)),
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_feeds_manager(snap_compare: Compare, app_factory: Factory, size: tuple[int, int]) -> None:
    def filled(app: VeilleApp) -> bool:
        if not isinstance(app.screen, FeedsManager) or not app.screen.feeds:
            return False
        # Feed 1, fetched at the library's fixed time (the failing feed's is the clock's).
        app.screen.query_one(OptionList).highlighted = 1
        return True

    assert snap_compare(app_factory(), terminal_size=size, run_before=opened("F", then=filled))
