"""The check before a command's first write: whole for a small library; for a large one, whole
once a day or when the file was replaced, and the other tables only in between."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from tests.hostile.test_corrupt import real_library
from veille.core.library import _checks, open_library
from veille.core.library._problems import LibraryDamaged


def damage_items(path: Path) -> None:
    """A leaf page of the items table overwritten, in place (the same inode)."""
    conn = sqlite3.connect(path)
    page = conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'items' AND pagetype = 'leaf' LIMIT 1 OFFSET 3"
    ).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(random.Random(3).randbytes(size))


def damage_tags(path: Path) -> None:
    """The tags table's only page overwritten: a table outside the items and their index."""
    conn = sqlite3.connect(path)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tags'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(random.Random(5).randbytes(size))


def first_write(path: Path) -> None:
    with open_library(path, verify_writes=True) as lib:
        lib.add_feed(f"https://example.net/{len(lib.feeds())}.xml")


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A library the checks treat as large, checked whole once (its record written)."""
    monkeypatch.setattr(_checks, "FULL_UP_TO", 0)
    path = tmp_path / "library.sqlite"
    real_library(path)
    with open_library(path) as lib:
        lib.tag([1], ["x"])
    first_write(path)
    assert _checks.record_path(path).exists()
    return path


def test_a_small_library_is_checked_whole_at_each_command(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    real_library(path)
    first_write(path)
    damage_items(path)
    with pytest.raises(LibraryDamaged, match="damaged"):
        first_write(path)


def test_a_large_one_checked_today_is_checked_but_for_its_items(large: Path) -> None:
    damage_items(large)
    before = large.read_bytes()
    first_write(large)  # the items' pages are left to the daily check
    assert large.read_bytes() != before  # and the write went through
    damage_tags(large)
    damaged = large.read_bytes()
    with pytest.raises(LibraryDamaged, match="damaged"):
        first_write(large)
    assert large.read_bytes() == damaged


def test_a_large_one_is_checked_whole_once_a_day(large: Path) -> None:
    record = _checks.record_path(large)
    stale = time.time() - _checks.FULL_EVERY - 60
    record.write_text(record.read_text().replace('"at": ', f'"at": {stale}, "was": '))
    damage_items(large)
    damaged = large.read_bytes()
    with pytest.raises(LibraryDamaged, match="damaged"):
        first_write(large)
    assert large.read_bytes() == damaged


def test_a_replaced_library_is_checked_whole(large: Path) -> None:
    copy = large.with_name("copy.sqlite")
    shutil.copyfile(large, copy)
    damage_items(copy)
    os.replace(copy, large)  # another file under the same name: the record is not its own
    with pytest.raises(LibraryDamaged, match="damaged"):
        first_write(large)
