"""A corrupt or foreign file at the library path: one clear line, and the file is never touched.

The library unit tests check that `open_library` refuses such files; these run the real command
a user would type (`veille items`, `veille refresh`, the app's own opening) in a child process and
check what they see: a non-zero exit, one line on stderr without a traceback, and the file's bytes
exactly as they were.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.storing import ingest
from veille.core.library import SCHEMA_VERSION, open_library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import resolve_paths


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def real_library(path: Path, items: int = 300) -> None:
    with open_library(path) as lib:
        feed = lib.add_feed("https://example.org/feed.xml")
        entries = [
            ParsedEntry(
                guid=f"g{n}",
                link=f"https://example.org/{n}",
                title=f"Article {n}",
                summary="<p>" + "texte " * 200 + "</p>",
            )
            for n in range(items)
        ]
        ingest(lib, feed.id, ParsedFeed(title="Flux", entries=entries), status=200)
        lib.set_starred(lib.item_ids()[:5])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")  # everything in the one file, as a copy would be
    conn.close()


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(64 * 1024))


def zero_length(path: Path) -> None:
    path.write_bytes(b"")


def foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, iban TEXT)")
    conn.execute("INSERT INTO accounts (iban) VALUES ('FR76 0000')")
    conn.commit()
    conn.close()


def truncated(path: Path) -> None:
    real_library(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def newer_schema(path: Path) -> None:
    real_library(path, items=3)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def header_only(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 84)


def scrambled_pages(path: Path) -> None:
    real_library(path)
    data = bytearray(path.read_bytes())
    rng = random.Random(11)
    for _ in range(2000):  # page 1 stays whole, so the file still opens as SQLite
        data[rng.randrange(4096, len(data))] = rng.randrange(256)
    path.write_bytes(bytes(data))


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "random-bytes": (random_bytes, "not a veille library"),
    "zero-length": (zero_length, "empty"),
    "foreign-sqlite": (foreign_sqlite, "did not create"),
    "truncated": (truncated, "damaged"),
    "newer-schema": (newer_schema, "newer veille"),
    "header-only": (header_only, "library"),
}


def veille(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VEILLE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "veille", *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_gets_one_clear_line_and_stays_untouched(tmp_path: Path, case: str) -> None:
    make, words = CASES[case]
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    make(paths.library)
    before = digest(paths.library)
    for args in (("items",), ("refresh",), ("stats", "--json")):
        done = veille(home, *args)
        assert done.returncode != 0, (args, done.stdout)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith("veille: ") and words in lines[0], lines[0]
        assert str(paths.library) in lines[0]
        assert digest(paths.library) == before, f"{case}: `veille {args[0]}` changed the file"
    assert not list(paths.backups.glob("*.sqlite"))  # nothing "migrated" either


@pytest.mark.slow
def test_scrambled_pages_never_crash_with_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    scrambled_pages(paths.library)
    before = digest(paths.library)
    done = veille(home, "items", "--limit", "0")
    assert "Traceback" not in done.stderr, done.stderr
    if done.returncode != 0:
        assert len(done.stderr.strip().splitlines()) == 1
    assert digest(paths.library) == before
