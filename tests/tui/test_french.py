"""The app in French (`lang = "fr"`): what it shows at 80×24 and 160×48, and nothing cut off.

Baselines live in `__snapshots__/`; regenerate with
`uv run pytest tests/tui/test_french.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.cells import cell_len
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input
from textual.widgets._footer import FooterKey

from tests.tui.helpers import press_for, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp
from veille.tui.screens.help import HelpScreen
from veille.tui.screens.note import NoteEditor
from veille.tui.screens.save_search import SaveSearchPrompt
from veille.tui.screens.tags import TagEditor
from veille.tui.screens.watch import WatchEditor

pytestmark = pytest.mark.slow

Factory = Callable[..., VeilleApp]
Compare = Callable[..., bool]
FRENCH = Settings(lang="fr", ui_lang="fr")


async def ready_fr(pilot: Pilot[None]) -> VeilleApp:
    app = pilot.app
    assert isinstance(app, VeilleApp)
    await until(pilot, lambda: app.main.item_list.count and app.main.snapshot is not None)
    await until(pilot, lambda: app.main.item_list.current_row is not None)
    await until(pilot, lambda: " élément" in static_text(app, "#status-text"))
    await pilot.pause()
    return app


def opened(*keys: str, then: Callable[[VeilleApp], bool] | None = None) -> Any:
    async def run(pilot: Pilot[None]) -> None:
        app = await ready_fr(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        await pilot.press(*keys)
        if then is not None:
            await until(pilot, lambda: then(app))
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run


def test_first_screen_in_french_160_by_48(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(app_factory(FRENCH), terminal_size=(160, 48), run_before=opened())


def test_first_screen_in_french_80_by_24(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(app_factory(FRENCH), terminal_size=(80, 24), run_before=opened())


def test_help_screen_in_french(snap_compare: Compare, app_factory: Factory) -> None:
    assert snap_compare(
        app_factory(FRENCH),
        terminal_size=(80, 24),
        run_before=opened("question_mark", then=lambda app: isinstance(app.screen, HelpScreen)),
    )


async def test_the_reader_and_panes_speak_french(app_factory: Factory) -> None:
    app = app_factory(FRENCH)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready_fr(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        await pilot.pause(0.3)
        text = screen_text(app)
        for french in ("Tout", "Non lus", "Favoris", "Étiquettes", "Contenu du flux", "février"):
            assert french in text
        for english in ("Unread", "Starred", "Feed content", "items", "February"):
            assert english not in text
        assert "⏎ Lire" in text and "s Favori" in text  # the footer


async def test_the_command_palette_says_in_french_that_nothing_matches(
    app_factory: Factory,
) -> None:
    app = app_factory(FRENCH)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready_fr(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"zzqx")
        await until(pilot, lambda: "Aucun résultat" in screen_text(app))
        assert "No matches found" not in screen_text(app)


async def test_the_command_palette_matches_without_accents(
    app_factory: Factory, home: Paths
) -> None:
    with open_library(home.library) as lib:
        lib.add_feed("https://guetteur.example.org/rss.xml", title="Le Guetteur numérique")
    app = app_factory(FRENCH)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready_fr(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"numerique")
        await until(pilot, lambda: "flux\xa0: Le Guetteur numérique" in screen_text(app))
        await pilot.press(*["backspace"] * len("numerique"), *"theme")
        await until(pilot, lambda: "Thème\xa0: " in screen_text(app))


def _cut_off(screen: Screen[Any]) -> list[str]:
    """Words of `screen` that do not fit where they are shown: a button narrower than its
    label, a title or a line of the key list wrapped or cut, a dialog reaching past the right
    edge of the terminal. (The footer is judged against English, below.)"""
    problems = []
    right = screen.region.right
    for widget in screen.query(Widget):
        if not widget.display or widget.region.width == 0 or isinstance(widget, FooterKey):
            continue
        width = widget.content_region.width
        if isinstance(widget, Button):
            label = str(widget.label)
            if cell_len(label) > width:
                problems.append(f"button {label!r} in {width} columns")
        elif widget.has_class("dialog-title") or widget.id in ("help-keys", "status-text"):
            for line in str(widget.render()).splitlines():
                if cell_len(line.rstrip()) > width:
                    problems.append(f"{line.strip()!r} wider than {width} columns")
        elif widget.region.right > right:
            problems.append(f"{widget!r} reaches column {widget.region.right}")
    return problems


async def _footer(app: VeilleApp) -> list[str]:
    """The footer's keys shown whole at 80 columns (not under the palette key on the right)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.item_list.current_row is not None)
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)

        def shown() -> list[str] | None:
            keys = list(app.screen.query(FooterKey))
            edges = [k.region.x for k in keys if k.has_class("-command-palette")]
            if not edges or not all(k.region.width for k in keys):
                return None  # the footer is being composed again
            return [k.key for k in keys if k.region.right <= edges[0]]

        await until(pilot, lambda: shown() is not None)
        return shown() or []


async def test_the_french_footer_shows_every_key_the_english_one_does(
    app_factory: Factory,
) -> None:
    english = await _footer(app_factory(Settings(lang="en", ui_lang="en")))
    french = await _footer(app_factory(FRENCH))
    assert len(english) >= 6
    assert french[: len(english)] == english


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("question_mark", HelpScreen),
        ("t", TagEditor),
        ("a", NoteEditor),
        ("W", WatchEditor),
    ],
)
async def test_no_french_dialog_is_cut_off_at_80_columns(
    app_factory: Factory, key: str, kind: type[Screen[Any]]
) -> None:
    app = app_factory(FRENCH)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_fr(pilot)
        assert not _cut_off(app.screen)
        await press_for(pilot, key, kind)
        await pilot.pause(0.2)
        assert not _cut_off(app.screen), screen_text(app)


async def test_the_save_search_dialog_fits_at_80_columns(app_factory: Factory) -> None:
    app = app_factory(FRENCH)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_fr(pilot)
        await pilot.press("slash", "c", "enter")
        await press_for(pilot, "S", SaveSearchPrompt)
        await pilot.pause(0.2)
        assert not _cut_off(app.screen)
