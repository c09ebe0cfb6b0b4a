"""Odd text: stacked combining marks, markup nested thousands deep, notes left by a killed run."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.storing import ingest
from tests.tui.conftest import BASE, build_library, entry
from tests.tui.helpers import ready, screen_text, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import Paths, Settings, resolve_paths
from veille.core.text import clean_line, html_to_text
from veille.tui.app import make_app
from veille.tui.render.terminal import render_html
from veille.tui.screens.note import edit_externally, editing_folder

ZALGO = "Z" + "\u0301" * 60 + "algo" + "\u0336\u0335\u0334\u0337\u0338" * 8 + " fin"


def longest_mark_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) else 0
        longest = max(longest, run)
    return longest


def test_clean_line_keeps_three_marks_per_character() -> None:
    cleaned = clean_line(ZALGO)
    assert longest_mark_run(cleaned) <= 3
    assert cleaned.startswith("Ź") and cleaned.endswith(" fin")  # letters all kept
    bare = unicodedata.normalize("NFD", cleaned)
    assert "".join(c for c in bare if not unicodedata.combining(c)) == "Zalgo fin"
    for fine in ("Ελληνικά", "tiếng Việt", "é", "ǘ̃"):
        assert clean_line(fine) == unicodedata.normalize("NFC", fine)


@pytest.fixture
def home(tmp_path: Path) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    build_library(paths, feeds=1, per_feed=2)
    return paths


@pytest.mark.slow
async def test_zalgo_title_shown_with_few_marks(home: Paths) -> None:
    with open_library(home.library, backups=home.backups) as lib:
        feed = lib.add_feed("https://z.example.org/rss.xml", title="Z")
        ingest(
            lib,
            feed.id,
            ParsedFeed(title="Z", entries=[entry(50, ZALGO, published=BASE)]),
            status=200,
            now=BASE.timestamp(),
        )
        stored = [i for i in lib.items_by_id(list(range(1, 10))) if "algo" in (i.title or "")]
    assert stored and longest_mark_run(stored[0].title or "") <= 3
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: "algo" in screen_text(app))
        assert longest_mark_run(screen_text(app)) <= 3


@pytest.mark.parametrize("depth", [300, 1000, 5000])
def test_deeply_nested_text_still_reads(depth: int) -> None:
    html = "<div>" * depth + "profondeur" + "</div>" * depth + "<p>ensuite</p>"
    for text in (html_to_text(html), render_html(html, width=80).text.plain):
        assert "profondeur" in text
        assert "ensuite" in text


def test_deep_item_is_found_by_search(home: Paths) -> None:
    html = "<div>" * 1000 + "introuvable" + "</div>" * 1000
    with open_library(home.library, backups=home.backups) as lib:
        feed = lib.add_feed("https://deep.example.org/rss.xml", title="Deep")
        ingest(
            lib,
            feed.id,
            ParsedFeed(title="Deep", entries=[entry(60, "Deep one", content=html)]),
            status=200,
            now=BASE.timestamp(),
        )
    env = {**os.environ, "VEILLE_HOME": str(home.data.parent)}
    out = subprocess.run(
        [sys.executable, "-m", "veille", "--home", str(home.data.parent), "items", "introuvable"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert "Deep one" in out.stdout, out.stderr


def test_editor_file_is_private_and_in_the_library_folder(tmp_path: Path) -> None:
    folder = editing_folder(tmp_path / "data")
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import os, stat, sys\n"
        f"open({str(seen)!r}, 'w').write(sys.argv[1] + ' ' + oct(stat.S_IMODE(os.stat(sys.argv[1]).st_mode)))\n"
        "open(sys.argv[1], 'a').write(' edited')\n"
    )
    edited = edit_externally("my note", f"{sys.executable} {editor}", folder)
    assert edited == "my note edited"
    path, mode = seen.read_text().split()
    assert Path(path).parent == folder and mode == "0o600"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not list(folder.iterdir())


@pytest.mark.slow
async def test_notes_left_by_a_killed_run_are_swept(home: Paths) -> None:
    folder = editing_folder(home.data)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    left = folder / f"note-{dead}-abc.md"
    left.write_text("secret draft")
    alive = folder / f"note-{os.getppid()}-def.md"  # another window still editing
    alive.write_text("open elsewhere")
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: not left.exists())
    assert alive.exists()
