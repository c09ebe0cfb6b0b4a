"""The app under fast hands: keys that arrive while it quits, or while an editor closes."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from tests.hostile.test_user_input_escapes import build
from tests.tui.helpers import press_for, ready, until
from veille.core.library import open_library
from veille.core.settings import Settings
from veille.tui.app import make_app
from veille.tui.screens.main import MainScreen
from veille.tui.screens.tags import TagEditor

pytestmark = pytest.mark.slow


async def test_keys_after_quit_are_ignored(tmp_path: Path) -> None:
    paths = build(tmp_path)
    for key in ("t", "a", "question_mark"):
        app = make_app(paths, Settings(lang="en"))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            # Both keys are queued before either is handled, as when typed quickly.
            app.post_message(events.Key("q", "q"))
            app.post_message(events.Key(key, None))
            await pilot.pause(0.3)
        assert app.return_code == 0, app._exception
        assert app._exception is None


async def test_crash_screens_show_no_local_variables(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    paths = build(tmp_path)
    app = make_app(paths, Settings(lang="en"))
    with contextlib.suppress(RuntimeError):
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)

            def boom() -> None:
                cookie = "session-" + str(6 * 7)  # a local the crash screen would list
                raise RuntimeError(f"boom {len(cookie)}")

            app.call_later(boom)
            await pilot.pause(0.3)
    shown = capfd.readouterr().err
    assert "RuntimeError: boom 10" in shown
    assert "session-42" not in shown


async def test_double_enter_saves_once_and_later_keys_stay_off_the_item(tmp_path: Path) -> None:
    paths = build(tmp_path)
    app = make_app(paths, Settings(lang="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await press_for(pilot, "t", TagEditor)
        await pilot.press(*"cnil")
        # Enter adds the typed tag, Enter again saves, and the next keys come at once.
        await pilot.press("enter", "enter", "x", "y", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause(0.3)
        # Under load the second save and the next keys reach the editor before it has gone:
        # the same turns of the loop, without waiting between them.
        editor = await press_for(pilot, "t", TagEditor)
        field = editor.query_one("#tag-input", Input)
        field.value = "later"
        editor.action_save()
        field.value = "typed-after-saving"
        editor.post_message(Input.Submitted(field, field.value))
        editor.action_save()
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause(0.3)
        assert app._exception is None
    with open_library(paths.library) as lib:
        assert [t.name for t in lib.tags()] == ["cnil", "later"]
