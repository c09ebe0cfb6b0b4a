"""Feed text is data: markup, escapes, bidi tricks and huge titles show literally in every pane."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.storing import ingest
from tests.tui.helpers import notices, press_for, ready, screen_text, until
from veille.core.library import open_library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import Paths, Settings, resolve_paths
from veille.tui.app import make_app
from veille.tui.messages import TaskFailed
from veille.tui.screens.help import HelpScreen
from veille.tui.screens.tags import TagEditor

pytestmark = pytest.mark.slow

HOSTILE_TITLE = "a[/i] [@click=app.quit]boom[/] [bold red]x[/]"
HOSTILE_FEED = "Feed [link=https://evil.example]here[/link] \x1b]0;pwned\x07"
HOSTILE_BODY = (
    "<p>Body [@click=app.quit]quit[/] and \x1b[2J clear and \u202eevil\u202c and "
    "<a href='javascript:alert(1)'>js link</a> and <script>alert(2)</script>"
    "<img src=x onerror=alert(3) alt='[b]alt[/b]'></p>"
)


def build(tmp_path: Path) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    with open_library(paths.library, backups=paths.backups) as lib:
        feed = lib.add_feed("https://evil.example/rss.xml", folder="Dossier [i]")
        when = datetime(2026, 2, 5, 16, 20, tzinfo=UTC)
        entries = [
            ParsedEntry(
                guid="1",
                link="https://evil.example/1",
                title=HOSTILE_TITLE,
                author="[@click=app.bell]Auteur[/]",
                content=HOSTILE_BODY,
                published=when,
                categories=["[red]cat[/red]"],
            ),
            ParsedEntry(
                guid="2",
                link="javascript:alert(4)",
                title="Long " + "w" * 10_000,
                summary="<p>x</p>",
                published=when,
            ),
        ]
        ids = ingest(
            lib, feed.id, ParsedFeed(title=HOSTILE_FEED, entries=entries), status=200
        ).new_ids
        lib.tag([ids[0]], add=["[b]tag[/b]"])
        lib.set_note(ids[0], "note [@click=app.quit]q[/] \x1b[31mred")
        lib.save_search("[i]saved[/i]", "is:unread")
    return paths


async def test_hostile_text_is_shown_literally_everywhere(tmp_path: Path) -> None:
    paths = build(tmp_path)
    app = make_app(paths, Settings(lang="en"))
    async with app.run_test(size=(200, 48), notifications=True) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "a[/i] [@click=app.quit]boom[/]" in text  # the list
        assert "Feed [link=https://evi" in text  # the feeds pane (ellipsised before its count)
        assert "[i]saved[/i]" in text and "Dossier [i]" in text
        await pilot.press("j", "enter")  # the hostile item is the second row
        await until(pilot, lambda: (i := app.main.reader_pane.item) is not None and i.id == 1)
        await pilot.pause()
        text = screen_text(app)
        assert "Body [@click=app.quit]quit[/]" in text  # the reader's body
        assert "[@click=app.bell]Auteur[/]" in text and "#[b]tag[/b]" in text
        assert "note [@click=app.quit]q[/]" in text
        assert "[image:" in text and "[b]alt[/b]]" in text  # wraps at the pane edge
        assert "js link" in text and "javascript:" not in text  # not offered as a link
        assert "alert(2)" not in text  # scripts are not content
        # Clicking where the hostile "action" is drawn does nothing but select.
        await pilot.click("#reader-body", offset=(8, 0))
        await press_for(pilot, "t", TagEditor)
        assert "[b]tag[/b]" in screen_text(app)
        await pilot.press("escape")
        await press_for(pilot, "question_mark", HelpScreen)
        await pilot.press("escape")
        app.post_message(TaskFailed(f"refreshing {HOSTILE_FEED}", HOSTILE_TITLE + "\x1b[2J"))
        await until(pilot, lambda: "pwned" in notices(app))
        assert "[@click=app.quit]boom[/]" in notices(app)
        # The click gave the reader the focus, where k scrolls: Esc goes back to the list.
        await pilot.press("escape", "k", "enter")
        await until(pilot, lambda: (i := app.main.reader_pane.item) is not None and i.id == 2)
        await pilot.pause()
        assert app.is_running  # no hostile action ran (app.quit would have ended it)
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert "\x1b" not in segment.text and "\u202e" not in segment.text
                assert "\x07" not in segment.text
