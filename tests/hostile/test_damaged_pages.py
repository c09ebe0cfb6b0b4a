"""A library whose pages (not its header) are damaged: said plainly, never written, backups kept.

Three real damages of a real library file: the bytes of item titles made invalid UTF-8, a leaf
page of the items table overwritten, and a table's name in the schema page scrambled. Each time
the commands a user types get one line naming the file and the way out (`veille restore` and the
backups found), writing commands refuse without changing a byte, `backup` refuses to copy the
damage and keeps the good copies, and `restore` brings the library back.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.process import run_veille
from tests.hostile.test_corrupt import real_library
from veille.core.settings import resolve_paths

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def veille(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_veille(home, *args)


def pages_of(path: Path, table: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
            )
        ]
    finally:
        conn.close()


def bad_titles(path: Path) -> None:
    """Title bytes that are no longer UTF-8 (the record structure stays whole)."""
    data = bytearray(path.read_bytes())
    for n in range(100, 200):
        needle = f"Article {n}".encode()
        at = data.find(needle)
        while at != -1:
            data[at + 2 : at + 4] = b"\xff\xfe"
            at = data.find(needle, at + 1)
    path.write_bytes(bytes(data))


def scrambled_leaf(path: Path) -> None:
    size = 4096
    page = pages_of(path, "items")[3]
    data = bytearray(path.read_bytes())
    start = (page - 1) * size
    data[start : start + size] = random.Random(3).randbytes(size)
    path.write_bytes(bytes(data))


def scrambled_schema_name(path: Path) -> None:
    """The name of a table in a schema page, as stored in its record, made invalid UTF-8."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tableitemsitems")  # the record's type, name and table name
    assert at > 100, "the schema record was not found"
    data[at + 5 : at + 7] = b"\xff\xfe"
    path.write_bytes(bytes(data))


CASES: dict[str, Callable[[Path], None]] = {
    "bad-utf8-titles": bad_titles,
    "scrambled-leaf": scrambled_leaf,
    "scrambled-schema-name": scrambled_schema_name,
}


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("veille: "), lines
    return lines[0]


@pytest.mark.parametrize("case", list(CASES))
def test_damaged_pages(tmp_path: Path, case: str) -> None:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    real_library(paths.library)
    done = veille(home, "backup")
    assert done.returncode == 0, done.stderr
    good = sorted(paths.backups.iterdir())
    assert len(good) == 1
    good_bytes = good[0].read_bytes()
    CASES[case](paths.library)
    damaged = digest(paths.library)

    done = veille(home, "items", "--limit", "0")
    assert done.returncode == 1, done.stdout[-500:]
    line = one_line(done)
    assert "damaged" in line and str(paths.library) in line, line
    assert "veille restore" in line
    if case != "scrambled-schema-name":  # that one cannot be opened at all
        assert str(good[0]) in line, line  # the good backup, named
    for args in (
        ("star", "1"),
        ("refresh",),
        ("note", "1", "texte"),
        ("tag", "2", "+x"),
        ("backup",),
        ("stats",),
    ):
        done = veille(home, *args)
        if args == ("stats",) and done.returncode == 0:
            continue  # counting may not reach the damaged page; it writes nothing either
        assert done.returncode == 1, (args, done.stdout)
        assert "damaged" in one_line(done), (args, done.stderr)
        assert digest(paths.library) == damaged, f"`veille {' '.join(args)}` wrote into it"
    # The good backup is still the only one, untouched.
    assert sorted(paths.backups.iterdir()) == good and good[0].read_bytes() == good_bytes
    assert not [p for p in paths.data.rglob("*.part")]

    done = veille(home, "restore", str(good[0]))
    assert done.returncode == 0, done.stderr
    assert "library-damaged-" in done.stdout or "library-before-restore-" in done.stdout
    done = veille(home, "items", "--limit", "0", "--json")
    assert done.returncode == 0, done.stderr
    assert veille(home, "star", "7").returncode == 0
    assert veille(home, "backup").returncode == 0


def test_the_app_says_the_library_is_damaged(tmp_path: Path) -> None:
    """Through the app's own opening and list: a sentence instead of « No items here »."""
    import asyncio

    from tests.tui.helpers import notices, screen_text, until
    from veille.core.settings import Settings
    from veille.tui.app import make_app

    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    real_library(paths.library)
    conn = sqlite3.connect(paths.library)
    conn.execute("PRAGMA journal_mode = WAL")  # as veille keeps it: opening changes no byte
    conn.close()
    scrambled_leaf(paths.library)
    before = digest(paths.library)

    async def run() -> str:
        app = make_app(paths, Settings(), offline=True)
        async with app.run_test(size=(160, 40)) as pilot:
            await until(pilot, lambda: "damaged" in screen_text(app), timeout=10)
            await pilot.press("s")  # star: refused, the file stays as it was
            await pilot.pause(0.5)
            return screen_text(app) + "\n" + notices(app)

    text = asyncio.run(run())
    assert "The items cannot be read: the library" in text, text
    assert "damaged" in text and "No items here" not in text
    assert digest(paths.library) == before
