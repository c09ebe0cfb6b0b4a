"""Items and notes of hostile size or shape: bounded work, nothing lost that the user meant."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.hostile.test_user_input_escapes import veille
from tests.tui.helpers import ready, screen_text, static_text, until
from veille.library import open_library
from veille.model import ParsedEntry, ParsedFeed
from veille.settings import Paths, Settings, resolve_paths
from veille.text import clean_line, html_to_text
from veille.tui.app import make_app

DEEP = "<p>before</p>" + "<div>" * 3000 + "deep secret words" + "</div>" * 3000


def build(tmp_path: Path, bodies: list[str]) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    with open_library(paths.library, backups=paths.backups) as lib:
        feed = lib.add_feed("https://example.org/rss.xml")
        when = datetime(2026, 2, 5, 16, 20, tzinfo=UTC)
        entries = [
            ParsedEntry(
                guid=str(i),
                link=f"https://example.org/{i}",
                title=f"Item {i}",
                content=body,
                published=when,
            )
            for i, body in enumerate(bodies)
        ]
        lib.ingest(feed.id, ParsedFeed(title="Feed", entries=entries), status=200)
    return paths


async def test_a_ten_megabyte_line_opens_bounded(tmp_path: Path) -> None:
    paths = build(tmp_path, ["<p>" + "word " * 2_000_000 + "</p>"])
    app = make_app(paths, Settings(lang="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        started = time.monotonic()
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: "truncated, " in static_text(app, "#reader-body"), timeout=30)
        await pilot.press("j")  # and the app still answers
        await pilot.pause()
        elapsed = time.monotonic() - started
    assert elapsed < 8, f"the reader took {elapsed:.1f} s"


async def test_a_body_past_the_cap_says_so(tmp_path: Path) -> None:
    paths = build(tmp_path, ["<p>" + "abc " * 60_000 + "</p>"])
    app = make_app(paths, Settings(lang="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: "more characters; open in" in static_text(app, "#reader-body"))
        assert "abc abc" in screen_text(app)
    with open_library(paths.library) as lib:  # the library keeps all of it
        assert len(lib.item(1).content) > 240_000


def test_text_nested_past_the_parser_limit_is_read_and_searched(tmp_path: Path) -> None:
    assert "deep secret words" in html_to_text(DEEP)
    paths = build(tmp_path, [DEEP])
    result = veille(paths, "items", "secret")
    assert result.returncode == 0 and b"Item 0" in result.stdout, result.stdout


def test_combining_mark_runs_are_limited(tmp_path: Path) -> None:
    zalgo = "Z" + "\u0301" * 50 + "algo" + "\u0300\u0301\u0302\u0303\u0304" * 10
    assert clean_line(zalgo) == "Ź\u0301\u0301algò\u0301\u0302"
    assert clean_line("Tiếng Việt") == "Tiếng Việt"  # real text keeps its marks
    paths = build(tmp_path, ["<p>x</p>"])
    assert veille(paths, "set-feed", "1", "--title", zalgo).returncode == 0
    out = veille(paths, "feeds").stdout.decode()
    assert "\u0301" * 3 not in out and "Ź" in out


def test_a_note_past_the_limit_is_refused_whole(tmp_path: Path) -> None:
    paths = build(tmp_path, ["<p>x</p>"])
    assert veille(paths, "note", "1", "kept").returncode == 0
    result = veille(paths, "note", "1", "-", stdin="x" * 200_000)
    assert result.returncode == 1
    assert result.stderr.decode().startswith(
        "veille: a note holds at most 100,000 characters; this one has 200,000"
    )
    assert b"Traceback" not in result.stderr
    assert veille(paths, "note", "1").stdout == b"kept\n"  # the confirmed note is unchanged


def test_editor_files_of_a_killed_app_are_swept(tmp_path: Path) -> None:
    from veille.tui.screens.note import edit_externally, sweep_stale_notes

    folder = tmp_path / "tmp"
    folder.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = folder / f"veille-note-{dead.stdout.strip()}-abc.md"
    stale.write_text("private note", encoding="utf-8")
    live = folder / f"veille-note-{os.getpid()}-def.md"
    live.write_text("being edited", encoding="utf-8")
    assert sweep_stale_notes(folder) == 1
    assert not stale.exists() and live.exists()
    # A normal edit leaves nothing behind.
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("veille-note-*"))
    assert edit_externally("hello", "true") == "hello"
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("veille-note-*")) <= before
