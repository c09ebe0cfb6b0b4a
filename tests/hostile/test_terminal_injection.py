"""The user's own inputs are data too: escape sequences never reach the terminal.

Feed text is cleaned at ingest; these cases bring control characters in by the other doors — a
state file, a note typed or piped, a feed title, a saved search, a watch rule, a tag — and by a
library written before those doors were cleaned. Each is then read back through every command
that prints it, and through the app's editors.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from tests.hostile.process import run_veille
from tests.storing import ingest
from tests.tui.helpers import press_for, ready, until
from veille.cli import main
from veille.core.library import open_library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import Settings, resolve_paths
from veille.tui.app import make_app
from veille.tui.screens.note import NoteEditor
from veille.tui.screens.tags import TagEditor

# A screen clear, a window title, the clipboard rewritten (OSC 52), CSI and OSC in their
# one-byte C1 forms, a bell, and a bidi override.
ATTACKS = (
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b]52;c;cm0gLXJmIH4K\x07",
    "\x9b31m",
    "\x9d2;title\x9c",
    "\x07",
    "\u202e",
)
HOSTILE = "avant " + " ".join(ATTACKS) + " après"
FORBIDDEN = ("\x1b", "\x9b", "\x9d", "\x9c", "\x07", "\u202e")


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def assert_clean(text: str) -> None:
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} reached the terminal in {text!r}"


def _library_with_an_item(home: Path) -> int:
    paths = resolve_paths(home)
    paths.ensure()
    with open_library(paths.library, backups=paths.backups) as lib:
        feed = lib.add_feed("https://example.org/feed.xml")
        entry = ParsedEntry(guid="1", link="https://example.org/1", title="Un article")
        return ingest(
            lib, feed.id, ParsedFeed(title="Source", entries=[entry]), status=200
        ).new_ids[0]


@pytest.fixture
def home() -> Path:
    return Path(os.environ["VEILLE_HOME"])


def test_inputs_from_the_command_line_are_stored_and_printed_clean(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    item = _library_with_an_item(home)
    assert veille(capsys, "note", str(item), HOSTILE)[0] == 0
    assert veille(capsys, "set-feed", "1", "--title", HOSTILE)[0] == 0
    assert veille(capsys, "search", "save", HOSTILE, "is:unread")[0] == 0
    assert veille(capsys, "tag", str(item), "+" + HOSTILE.replace(" ", "-"))[0] == 0

    outputs = []
    for command in (
        ["note", str(item)],
        ["items"],
        ["items", "--json"],
        ["feeds"],
        ["feeds", "--json"],
        ["search", "list"],
        ["tags"],
        ["export", "--format", "md", "is:unread"],
    ):
        status, out, err = veille(capsys, *command)
        assert status == 0, (command, err)
        assert_clean(out + err)
        outputs.append(out)
    # What was typed survives as text, less what a terminal would obey.
    assert "avant" in outputs[0] and "après" in outputs[0] and "pwned" in outputs[0]
    stored = sqlite3.connect(resolve_paths(home).library)
    for (value,) in stored.execute(
        "SELECT body FROM notes UNION ALL SELECT user_title FROM feeds "
        "UNION ALL SELECT name FROM saved_searches UNION ALL SELECT name FROM tags"
    ):
        assert_clean(value)


def test_a_note_from_a_pipe_is_stored_clean(home: Path) -> None:
    item = _library_with_an_item(home)
    piped = run_veille(home, "note", str(item), "-", stdin=f"{HOSTILE}\r\nseconde ligne\n")
    assert piped.returncode == 0, piped.stderr
    text = run_veille(home, "note", str(item)).stdout
    assert_clean(text)
    assert "après\nseconde ligne" in text  # the line break is kept, the carriage return folded


def test_a_state_file_cannot_bring_escapes_in(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    state = {
        "format": "veille-state",
        "version": 2,
        "feeds": [{"url": "https://example.org/feed.xml", "title": HOSTILE, "folder": HOSTILE}],
        "items": [
            {
                "feed": "https://example.org/feed.xml",
                "guid": "1",
                "url": "file:///etc/passwd",
                "title": HOSTILE,
                "author": HOSTILE,
                "note": HOSTILE,
                "tags": [HOSTILE, "\x1b[2J"],
                "starred": True,
            }
        ],
        "saved_searches": [{"name": HOSTILE, "query": "is:starred"}],
        "rules": [{"name": HOSTILE, "query": "is:starred", "add_tags": [HOSTILE]}],
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    status, _, err = veille(capsys, "import-state", str(path))
    assert status == 0, err
    for command in (
        ["items", "--json"],
        ["items"],
        ["feeds"],
        ["tags"],
        ["search", "list"],
        ["watch", "list"],
        ["note", "1"],
    ):
        status, out, err = veille(capsys, *command)
        assert status == 0, (command, err)
        assert_clean(out + err)
    item = json.loads(veille(capsys, "items", "--json")[1])[0]
    assert item["url"] == ""  # a file link is not an item's link
    assert "pwned" in item["title"] and "[2j" in item["tags"]  # what is left is plain text
    # The same file imported twice adds nothing.
    assert veille(capsys, "import-state", str(path))[0] == 0
    assert len(json.loads(veille(capsys, "items", "--json")[1])) == 1


def test_a_library_written_before_cleaning_prints_clean(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    item = _library_with_an_item(home)
    raw = sqlite3.connect(resolve_paths(home).library)
    with raw:
        raw.execute("INSERT INTO notes (item_id, body, updated) VALUES (?, ?, 0)", (item, HOSTILE))
        raw.execute("UPDATE feeds SET user_title = ?", (HOSTILE,))
        raw.execute("INSERT INTO saved_searches (name, query) VALUES (?, 'is:unread')", (HOSTILE,))
        raw.execute("INSERT INTO tags (name) VALUES (?)", (HOSTILE,))
        raw.execute("INSERT INTO item_tags (item_id, tag_id) SELECT ?, id FROM tags", (item,))
    raw.close()  # the same version: nothing cleans these rows before they are printed
    for command in (
        ["note", str(item)],
        ["items"],
        ["items", "--json"],
        ["feeds"],
        ["tags"],
        ["search", "list"],
        ["export", "--format", "json", "is:unread"],
    ):
        status, out, err = veille(capsys, *command)
        assert status == 0, (command, err)
        assert_clean(out + err)
    data = json.loads(veille(capsys, "items", "--json")[1])
    assert "avant" in data[0]["note"]  # JSON output stays valid JSON, escapes written as such


def test_a_note_too_long_is_refused_whole(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    item = _library_with_an_item(home)
    assert veille(capsys, "note", str(item), "gardée")[0] == 0
    status, _, err = veille(capsys, "note", str(item), "x" * 100_001)
    assert status == 1 and "at most 100,000 characters" in err and "nothing was saved" in err
    assert veille(capsys, "note", str(item))[1].strip() == "gardée"


@pytest.mark.slow
async def test_the_app_editors_never_hold_escapes(home: Path) -> None:
    item = _library_with_an_item(home)
    raw = sqlite3.connect(resolve_paths(home).library)
    with raw:  # as an older version could have stored them
        raw.execute("INSERT INTO notes (item_id, body, updated) VALUES (?, ?, 0)", (item, HOSTILE))
        raw.execute("INSERT INTO tags (name) VALUES (?)", ("\x1b]0;pwned\x07tag",))
        raw.execute("INSERT INTO item_tags (item_id, tag_id) SELECT ?, id FROM tags", (item,))
        raw.execute("PRAGMA user_version = 9")  # written by the version before inputs were cleaned
    raw.close()
    app = make_app(resolve_paths(home), Settings(lang="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        editor = await press_for(pilot, "a", NoteEditor)
        area = editor.query_one("#note-text")
        text = area.text  # type: ignore[attr-defined]
        assert "avant" in text
        assert_clean(text)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, NoteEditor))
        tags = await press_for(pilot, "t", TagEditor)
        box = tags.query_one("#tag-input")
        box.value = "+\x1b]52;c;AAAA\x07x"  # type: ignore[attr-defined]
        assert_clean(box.value)  # type: ignore[attr-defined]
        await pilot.pause()
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert_clean(segment.text)
        assert app.is_running
