"""Keys typed faster than the app answers: quitting, dialogs and the tag editor stay sound.

A real terminal delivers keys in bursts; the pilot's `press` waits for the app between keys, so
these tests post the keys all at once, as a busy machine would deliver them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from tests.tui.conftest import build_library
from tests.tui.helpers import ready, until
from veille.core.library import open_library
from veille.core.settings import Paths, Settings, SiteSettings, resolve_paths
from veille.tui.app import VeilleApp, make_app
from veille.tui.screens.main import MainScreen
from veille.tui.screens.tags import TagEditor

pytestmark = pytest.mark.slow


@pytest.fixture
def home(tmp_path: Path) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    build_library(paths)
    return paths


def burst(app: VeilleApp, *keys: str) -> None:
    """Deliver `keys` at once, without letting the app handle one before the next arrives."""
    assert app._driver is not None
    for key in keys:
        character = key if len(key) == 1 else ("\r" if key == "enter" else None)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


def tags_of(paths: Paths, item_id: int) -> list[str]:
    with open_library(paths.library, backups=paths.backups) as lib:
        return sorted(lib.item(item_id).tags)


async def current_id(pilot: Pilot[None]) -> int:
    app = await ready(pilot)
    row = app.main.item_list.current_row
    assert row is not None
    return row.id


@pytest.mark.parametrize("after", ["t", "a", "E", "W", "question_mark", "g", "slash", "s"])
async def test_keys_after_q_are_ignored(home: Paths, after: str) -> None:
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        burst(app, "q", after, after)
        await pilot.pause(0.3)
    assert app._exception is None
    assert app.return_code == 0


async def test_q_then_t_right_at_start(home: Paths) -> None:
    for wait in (0.0, 0.05, 0.2):
        app = make_app(home, Settings(lang="en"))
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause(wait)
            burst(app, "q", "t")
            await pilot.pause(0.3)
        assert app._exception is None, wait
        assert app.return_code == 0


async def test_crash_report_shows_no_local_variables(
    home: Paths, capfd: pytest.CaptureFixture[str]
) -> None:
    secret = "s3cr3t-session-cookie"
    settings = Settings(lang="en", sites={"example.org": SiteSettings(cookies={"s": secret})})

    def broken_star(self: MainScreen) -> None:
        cookie_seen = self.settings.sites["example.org"].cookies["s"]
        raise RuntimeError(f"the star broke ({len(cookie_seen)} characters)")

    app = make_app(home, settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MainScreen, "action_star", broken_star)
        with pytest.raises(RuntimeError):
            async with app.run_test(size=(160, 40)) as pilot:
                await ready(pilot)
                await pilot.press("s")
                await pilot.pause(0.2)
    report = capfd.readouterr()
    text = report.out + report.err
    assert "the star broke" in text  # the crash is reported…
    assert secret not in text  # …without the values of its local variables
    assert "locals" not in text


async def test_double_enter_saves_once(home: Paths) -> None:
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 40)) as pilot:
        item_id = await current_id(pilot)
        before = tags_of(home, item_id)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TagEditor))
        burst(app, *"urgent", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, lambda: "urgent" in tags_of(home, item_id))
        await pilot.pause(0.3)
        assert isinstance(app.screen, MainScreen)
    assert tags_of(home, item_id) == sorted({*before, "urgent"})


async def test_keys_after_saving_never_become_tags(home: Paths) -> None:
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 40)) as pilot:
        item_id = await current_id(pilot)
        before = tags_of(home, item_id)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TagEditor))
        # Type a tag, Enter, Enter to save, then go on with the list at once: j, t, x, Enter.
        burst(app, *"lu", "enter", "enter", "j", "j", "x", "y", "enter", "escape")
        await pilot.pause(0.5)
        await until(pilot, lambda: "lu" in tags_of(home, item_id))
        await pilot.pause(0.3)
    assert tags_of(home, item_id) == sorted({*before, "lu"})
    with open_library(home.library, backups=home.backups) as lib:
        for other in range(1, 19):
            assert not {"j", "jj", "xy", "jjxy", "x", "y"} & set(lib.item(other).tags)


async def test_ctrl_s_keeps_what_was_just_typed(home: Paths) -> None:
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 40)) as pilot:
        item_id = await current_id(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TagEditor))
        burst(app, *"vite", "ctrl+s", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, lambda: "vite" in tags_of(home, item_id))
        await pilot.pause(0.2)
        assert app._exception is None
