"""`[keys]` checked like the rest of config.toml, and remapped keys shown where keys are."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tui.helpers import press_for, ready, screen_text, static_text
from veille.core.settings import ConfigError, Paths, Settings, parse_settings
from veille.tui.app import VeilleApp, make_app
from veille.tui.keymap import check_keymap
from veille.tui.screens.help import HelpScreen

CONFIG = 'lang = "en"\n\n[refresh]\nconcurrency = 4\n\n[keys]\nstar = "x"\nnote = "x"\n'


def test_the_default_keys_do_not_clash() -> None:
    check_keymap({}, {})


def test_an_unknown_id_is_told_with_its_line(home: Paths) -> None:
    settings = parse_settings('lang = "en"\n[keys]\nstra = "x"\n')
    with pytest.raises(ConfigError, match=r"keys\.stra \(line 3\): no key has this id"):
        make_app(home, settings)


def test_two_verbs_on_one_key_are_told_with_the_line(home: Paths) -> None:
    settings = parse_settings(CONFIG)
    with pytest.raises(ConfigError, match=r"keys\.note \(line 8\): x is already the key of star"):
        make_app(home, settings)
    settings = parse_settings('[keys]\nstar = "a"\n')  # a is the note's own key
    with pytest.raises(ConfigError, match=r"keys\.star \(line 2\): a is already the key of note"):
        make_app(home, settings)


def test_a_dialog_key_may_be_remapped(home: Paths) -> None:
    check_keymap({"tags-save": "ctrl+enter"}, {})


@pytest.mark.slow
async def test_a_remapped_key_keeps_its_place_in_the_footer_and_help(
    app_factory: Callable[..., VeilleApp],
) -> None:
    app = app_factory(Settings(lang="en", keymap={"star": "x"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "x Star" in footer and "? Help" in footer
        assert "▏" not in footer.split("? Help")[0]  # no key cut in half before the palette
        await press_for(pilot, "question_mark", HelpScreen)
        keys = static_text(app, "#help-keys").splitlines()
        assert any(line.split()[:3] == ["x", "Star", "star"] for line in keys)
