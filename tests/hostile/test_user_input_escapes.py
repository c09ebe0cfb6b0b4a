"""The user's own inputs never carry escape sequences to a terminal.

Every way text enters the library from the user (the note command, from an argument or a pipe,
`set-feed --title`, `search save`, tag names, watch rules from config.toml, a state file) loses
its control characters there; every command that prints cleans again, which covers libraries
written by older versions that stored them raw.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.storing import ingest
from tests.tui.helpers import press_for, ready, screen_text
from veille.core.library import open_library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import Paths, Settings, resolve_paths
from veille.tui.app import make_app
from veille.tui.screens.note import NoteEditor
from veille.tui.screens.tags import TagEditor

pytestmark = pytest.mark.slow

# Clear the screen, set the window title, rewrite the clipboard, C1 CSI and OSC, a bidi override.
HOSTILE = (
    "x\x1b[2J\x1b]0;title\x07\x1b]52;c;cHduZWQ=\x07\x9b2J\x9d0;t\x9c\u202eevil [bold]b "
    "[@click=app.quit]q"
)
FORBIDDEN = re.compile(b"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]")


def build(tmp_path: Path) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    with open_library(paths.library, backups=paths.backups) as lib:
        feed = lib.add_feed("https://example.org/rss.xml")
        when = datetime(2026, 2, 5, 16, 20, tzinfo=UTC)
        entries = [
            ParsedEntry(
                guid="1",
                link="https://example.org/1",
                title="One",
                content="<p>body</p>",
                published=when,
            )
        ]
        ingest(lib, feed.id, ParsedFeed(title="Feed", entries=entries), status=200)
    return paths


def veille(
    paths: Paths, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "veille", "--home", str(paths.config.parent), *args],
        input=None if stdin is None else stdin.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )


def assert_clean(data: bytes) -> None:
    found = FORBIDDEN.search(data)
    assert found is None, f"terminal control {found.group(0)!r} in {data[:400]!r}"


def stored(paths: Paths, sql: str) -> list[str]:
    with sqlite3.connect(paths.library) as conn:
        return [row[0] for row in conn.execute(sql)]


def every_printing_command(paths: Paths) -> bytes:
    out = b""
    for args in (
        ["items"],
        ["items", "--json"],
        ["feeds"],
        ["note", "1"],
        ["search", "list"],
        ["watch", "list"],
        ["tags"],
    ):
        result = veille(paths, *args)
        assert result.returncode == 0, result.stderr
        out += result.stdout + result.stderr
    return out


def test_every_cli_input_is_cleaned_on_entry(tmp_path: Path) -> None:
    paths = build(tmp_path)
    paths.config.write_text(
        f"[[watch]]\nname = {json.dumps('w' + HOSTILE)}\nquery = {json.dumps('one')}\n"
        f"add_tags = [{json.dumps('t' + HOSTILE)}]\n",
        encoding="utf-8",
    )
    assert veille(paths, "note", "1", HOSTILE).returncode == 0
    assert veille(paths, "set-feed", "1", "--title", HOSTILE).returncode == 0
    assert veille(paths, "search", "save", HOSTILE, "one").returncode == 0
    assert veille(paths, "tag", "1", "+" + HOSTILE.replace(" ", "")).returncode == 0
    assert veille(paths, "watch", "apply").returncode == 0
    for sql in (
        "SELECT body FROM notes",
        "SELECT user_title FROM feeds",
        "SELECT name FROM saved_searches",
        "SELECT name FROM tags",
        "SELECT name FROM rules",
        "SELECT actions FROM rules",
    ):
        for value in stored(paths, sql):
            assert_clean(value.encode())
            assert "\u202e" not in value
    assert "[bold]b [@click=app.quit]q" in stored(paths, "SELECT body FROM notes")[0]
    assert_clean(every_printing_command(paths))
    # From a pipe, and the app reading it back.
    assert veille(paths, "note", "1", "-", stdin="piped " + HOSTILE + "\n").returncode == 0
    result = veille(paths, "note", "1")
    assert result.stdout.startswith(b"piped x[2J]0;title") and b"[bold]b" in result.stdout
    assert_clean(result.stdout)


def test_import_state_is_cleaned(tmp_path: Path) -> None:
    paths = build(tmp_path)
    state = {
        "format": "veille-state",
        "version": 1,
        "feeds": [{"url": "https://evil.example/rss", "title": HOSTILE, "folder": HOSTILE}],
        "saved_searches": [{"name": HOSTILE, "query": "one"}],
        "rules": [{"name": HOSTILE, "query": "one", "add_tags": [HOSTILE]}],
        "items": [
            {
                "feed": "https://evil.example/rss",
                "guid": "g",
                "title": HOSTILE,
                "author": HOSTILE,
                "note": HOSTILE,
                "tags": [HOSTILE],
                "read": False,
                "content": "<p>" + HOSTILE + "</p>",
            }
        ],
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    result = veille(paths, "import-state", str(path))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(paths.library) as conn:
        for table, column in (
            ("feeds", "title"),
            ("folders", "path"),
            ("items", "title"),
            ("items", "author"),
            ("items", "content"),
            ("notes", "body"),
            ("tags", "name"),
            ("saved_searches", "name"),
            ("rules", "name"),
            ("rules", "actions"),
        ):
            for (value,) in conn.execute(f"SELECT {column} FROM {table}"):
                assert_clean(str(value).encode())
    assert_clean(every_printing_command(paths))


def test_old_libraries_holding_raw_controls_print_clean(tmp_path: Path) -> None:
    paths = build(tmp_path)
    with sqlite3.connect(paths.library) as conn:  # as an older version stored them
        conn.execute("INSERT INTO notes (item_id, body, updated) VALUES (1, ?, 0)", (HOSTILE,))
        conn.execute("UPDATE feeds SET user_title = ?, title = ?", (HOSTILE, HOSTILE))
        conn.execute("UPDATE items SET title = ?, author = ?", (HOSTILE, HOSTILE))
        conn.execute("INSERT INTO saved_searches (name, query) VALUES (?, 'one')", (HOSTILE,))
        conn.execute("INSERT INTO tags (name) VALUES (?)", (HOSTILE,))
        conn.execute("INSERT INTO item_tags (item_id, tag_id) SELECT 1, id FROM tags")
    out = every_printing_command(paths)
    assert b"x[2J]0;title" in out
    assert_clean(out)


@pytest.mark.parametrize("key", ["t", "a"])
async def test_editors_of_an_old_library_draw_no_controls(tmp_path: Path, key: str) -> None:
    paths = build(tmp_path)
    with sqlite3.connect(paths.library) as conn:
        conn.execute("INSERT INTO notes (item_id, body, updated) VALUES (1, ?, 0)", (HOSTILE,))
        conn.execute("INSERT INTO tags (name) VALUES (?)", (HOSTILE,))
        conn.execute("INSERT INTO item_tags (item_id, tag_id) SELECT 1, id FROM tags")
    app = make_app(paths, Settings(lang="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await press_for(pilot, key, TagEditor if key == "t" else NoteEditor)
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]b" in text  # shown literally, never as markup
        assert_clean(text.encode())
        assert "\u202e" not in text
        assert app.is_running
