"""The export dialog (`E`): a preview of the real output, then a file on disk."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select

from tests.mailserver import PASSWORD, start
from tests.tui.helpers import notices, press_for, ready, screen_text, static_text, until
from veille.core.settings import Paths, Settings, parse_settings
from veille.tui.app import VeilleApp
from veille.tui.screens.export import ExportDialog
from veille.tui.screens.main import MainScreen

pytestmark = pytest.mark.slow

Factory = Callable[..., VeilleApp]


def _preview(app: VeilleApp) -> str:
    return str(app.screen.query_one("#export-preview").render())


async def _open_dialog(pilot: Pilot[None], app: VeilleApp) -> ExportDialog:
    dialog = await press_for(pilot, "E", ExportDialog)
    await until(pilot, lambda: "Preview" in screen_text(app))
    return dialog


@pytest.mark.parametrize(
    ("lang", "ready_word", "said"),
    [
        ("en", " item", "Everything in “All”"),
        ("fr", " élément", "Tout ce qui est dans «\xa0Tout\xa0»"),
    ],
)
async def test_the_dialog_names_the_view_in_the_quotation_marks_of_its_language(
    app_factory: Factory, lang: str, ready_word: str, said: str
) -> None:
    app = app_factory(Settings(lang=lang, ui_lang=lang))
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: ready_word in static_text(app, "#status-text"))
        await press_for(pilot, "E", ExportDialog)
        await until(pilot, lambda: said in screen_text(app))
        assert ("«" in screen_text(app)) == (lang == "fr")


async def test_preview_follows_the_options_and_the_file_is_written(
    app_factory: Factory, tmp_path: Path
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        dialog = await _open_dialog(pilot, app)
        assert "Export 18 items" in screen_text(app)  # the whole "All" view
        assert "Article 1 from feed 0" in _preview(app)  # Markdown: the titles as links
        assert "](https://example.org/articles/1)" in _preview(app)
        dialog.query_one("#export-format", Select).value = "csv"
        await until(pilot, lambda: _preview(app).startswith('"id","date",'))
        box = dialog.query_one("#export-path", Input)
        assert box.value.endswith(".csv")  # the name followed the format
        target = tmp_path / "out" / "review.csv"
        box.value = str(target)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, target.exists)
        await until(pilot, lambda: "Exported 18 items" in notices(app))
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 18
    assert rows[0]["title"] == "Article 1 from feed 0"
    assert not list(target.parent.glob(".*.part"))  # no leftover of the atomic write


async def test_the_selection_is_what_gets_exported(app_factory: Factory, tmp_path: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("home", "v", "v")  # items 1 and 2
        dialog = await _open_dialog(pilot, app)
        assert "Export 2 items" in screen_text(app)
        assert "selected" in screen_text(app)
        dialog.query_one("#export-format", Select).value = "json"
        await until(pilot, lambda: '"version"' in _preview(app))
        target = tmp_path / "two.json"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until(pilot, target.exists)
    text = target.read_text(encoding="utf-8")
    assert "Article 1 from feed 0" in text and "Article 2 from feed 0" in text
    assert "Article 3 from feed 0" not in text


async def test_an_unwritable_path_is_reported_and_the_app_goes_on(
    app_factory: Factory, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        dialog = await _open_dialog(pilot, app)
        dialog.query_one("#export-path", Input).value = str(blocker / "review.md")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "cannot write" in notices(app))
        assert isinstance(app.screen, MainScreen)
        await pilot.press("j")  # still answering
    assert blocker.read_text(encoding="utf-8") == "not a folder"


async def test_escape_closes_without_writing(app_factory: Factory, tmp_path: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        dialog = await _open_dialog(pilot, app)
        dialog.query_one("#export-path", Input).value = str(tmp_path / "never.md")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
    assert not (tmp_path / "never.md").exists()


async def test_the_file_goes_to_the_reviews_folder_and_the_choice_is_remembered(
    app_factory: Factory, home: Paths
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        dialog = await _open_dialog(pilot, app)
        box = dialog.query_one("#export-path", Input)
        # Never a bare file in the home folder: the reviews folder, shown before saving.
        assert Path(box.value).parent == home.reviews
        dialog.query_one("#export-group", Select).value = "tag"
        dialog.query_one("#export-format", Select).value = "html"
        await until(pilot, lambda: "<!DOCTYPE html>" in _preview(app))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Exported 18 items to" in notices(app))
        assert str(home.reviews) in notices(app)
        await until(pilot, lambda: any(home.reviews.glob("veille-*.html")))
        dialog = await _open_dialog(pilot, app)
        await until(pilot, lambda: dialog.query_one("#export-group", Select).value == "tag")
        assert dialog.query_one("#export-format", Select).value == "html"


async def test_a_profile_is_offered_and_its_review_sent(
    app_factory: Factory, home: Paths, tmp_path: Path
) -> None:
    controller, mailhost = start(auth_require_tls=False)
    try:
        settings = parse_settings(
            f"""
lang = "en"
[reviews.matin]
group_by = "feed"
format = "md"
output = "{tmp_path / "matin-{date}.md"}"
to = ["equipe@example.fr"]
title = "Morning review"
[smtp]
host = "127.0.0.1"
port = {mailhost.port}
security = "none"
user = "moi"
password = "{PASSWORD}"
from = "veille@example.fr"
"""
        )
        app = app_factory(settings)
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await ready(pilot)
            dialog = await _open_dialog(pilot, app)
            send = dialog.query_one("#export-send", Button)
            assert send.disabled  # no profile chosen yet
            dialog.query_one("#export-profile", Select).value = "matin"
            await until(pilot, lambda: "# Morning review" in _preview(app))
            assert dialog.query_one("#export-group", Select).value == "feed"
            assert Path(dialog.query_one("#export-path", Input).value).parent == tmp_path
            assert not send.disabled
            await pilot.click("#export-send")
            await until(pilot, lambda: "sent to equipe@example.fr" in notices(app), timeout=20)
            assert PASSWORD not in notices(app)
        [written] = list(tmp_path.glob("matin-*.md"))
        assert written.read_text(encoding="utf-8").startswith("# Morning review")
        [(recipients, message)] = mailhost.inbox.messages
        assert recipients == ["equipe@example.fr"]
        assert message.get_body(("html",)) is not None
    finally:
        controller.stop()


async def test_options_changed_quickly_show_the_preview_of_the_last_choice(
    app_factory: Factory,
) -> None:
    import threading
    from dataclasses import dataclass, field

    from veille.tui.screens.export import ExportSelection

    @dataclass(frozen=True)
    class SlowFirst(ExportSelection):
        """A selection whose first reading is slow, as on a loaded machine or a big library:
        the preview asked first ends after the ones asked later."""

        first: threading.Event = field(default_factory=threading.Event)

        def item_ids(self) -> list[int]:
            if not self.first.is_set():
                self.first.set()
                threading.Event().wait(1.0)
            return super().item_ids()

    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        selection = SlowFirst(app.main.veille, description="all")
        dialog = ExportDialog(selection, lang="en")
        app.push_screen(dialog)
        await until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await until(pilot, selection.first.is_set)
        for fmt in ("json", "atom", "csv"):
            dialog.query_one("#export-format", Select).value = fmt
            await pilot.pause()
        await until(pilot, lambda: _preview(app).startswith('"id","date",'), timeout=10)
        await pilot.pause(1.5)  # the first, slow preview (Markdown) has ended by now
        assert _preview(app).startswith('"id","date",')
        assert dialog.query_one("#export-path", Input).value.endswith(".csv")
