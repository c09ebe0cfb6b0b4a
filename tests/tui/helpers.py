"""Small helpers for driving the app in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from textual.pilot import Pilot
from textual.widgets import Static

from veille.tui.app import VeilleApp

S = TypeVar("S")


async def until(pilot: Pilot[None], condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds (workers answer in their own time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.02)


async def ready(pilot: Pilot[None]) -> VeilleApp:
    """Wait for the first screen: the list filled (and the remembered item opened)."""
    app = pilot.app
    assert isinstance(app, VeilleApp)
    await until(pilot, lambda: app.main.item_list.count and app.main.snapshot is not None)
    await until(pilot, lambda: app.main.item_list.current_row is not None)
    await until(pilot, lambda: " item" in static_text(app, "#status-text"))
    await pilot.pause()  # let the screen repaint what the workers delivered
    return app


def screen_text(app: VeilleApp) -> str:
    """The screen as plain text, as a user would read it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def static_text(app: VeilleApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render())


def notices(app: VeilleApp) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(str(n.message) for n in app._notifications)  # type: ignore[attr-defined]


async def press_for(pilot: Pilot[None], key: str, kind: type[S]) -> S:
    """Press `key` and wait for the screen it opens (a dialog, an editor)."""
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen
