"""Another veille process holds the library: no confirmed change is lost, and restore refuses.

(a) A second connection holds SQLite's write lock (`BEGIN IMMEDIATE`, as a long refresh
transaction would) while the user stars an item and quits. The app says it is waiting, stays
open, and quits only once the star is written; a second `q` quits without it, with status 1 and
the change named. (b) `veille restore` while another process has the library open refuses with
one line and changes nothing; once that process is gone, it restores.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.process import run_veille
from tests.tui.conftest import build_library
from tests.tui.helpers import notices, ready, until
from veille.core.settings import Paths, Settings, resolve_paths
from veille.tui.app import make_app

pytestmark = pytest.mark.slow

WAITING = "Waiting for another veille process to release the library…"


def home(tmp_path: Path) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    build_library(paths)
    return paths


def starred(paths: Paths, item_id: int) -> bool:
    conn = sqlite3.connect(paths.library)
    try:
        return bool(
            conn.execute("SELECT starred FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        )
    finally:
        conn.close()


def test_quit_waits_for_the_star_then_saves_it(tmp_path: Path) -> None:
    paths = home(tmp_path)

    async def run() -> tuple[int, int | None, str]:
        app = make_app(paths, Settings(), offline=True)
        async with app.run_test(size=(160, 40)) as pilot:
            await ready(pilot)
            await pilot.press("down")  # the first item is starred already
            await until(pilot, lambda: getattr(app.main.item_list.current_row, "id", 1) != 1)
            await pilot.pause(0.3)  # opening it writes its read mark: let that land first
            row = app.main.item_list.current_row
            assert row is not None and not row.starred
            other = sqlite3.connect(paths.library, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # another process writes, for a long while
            try:
                await pilot.press("s", "q")
                await until(pilot, lambda: WAITING in notices(app), timeout=10)
                await pilot.pause(1.5)
                assert app.return_code is None, "the app quit with the star unsaved"
                assert app.is_running
            finally:
                other.execute("COMMIT")
                other.close()
            await until(pilot, lambda: app.return_code is not None, timeout=10)
            return row.id, app.return_code, notices(app)

    item_id, code, said = asyncio.run(run())
    assert code == 0
    assert "press q again to quit without it" in said
    assert starred(paths, item_id)


def test_a_second_q_quits_without_the_change_and_says_so(tmp_path: Path) -> None:
    paths = home(tmp_path)
    other = sqlite3.connect(paths.library, isolation_level=None)

    async def run() -> tuple[int, int | None, str]:
        app = make_app(paths, Settings(), offline=True)
        async with app.run_test(size=(160, 40)) as pilot:
            await ready(pilot)
            await pilot.press("down")  # the first item is starred already
            await until(pilot, lambda: getattr(app.main.item_list.current_row, "id", 1) != 1)
            await pilot.pause(0.3)  # opening it writes its read mark: let that land first
            row = app.main.item_list.current_row
            assert row is not None and not row.starred
            other.execute("BEGIN IMMEDIATE")
            await pilot.press("s", "q")
            await until(pilot, lambda: WAITING in notices(app), timeout=10)
            await until(pilot, lambda: any("star" in w for w in app.main.guard.unsaved()))
            await pilot.press("q")
            await until(pilot, lambda: app.return_code is not None, timeout=10)
            message = " ".join(str(r) for r in app._exit_renderables)
            return row.id, app.return_code, message

    try:
        item_id, code, message = asyncio.run(run())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 1
    assert message.startswith("veille: not saved: ")
    assert message.endswith(" (another veille process held the library)")
    assert f"the star of item {item_id}" in message
    assert not starred(paths, item_id)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def veille(paths: Paths, *args: str) -> subprocess.CompletedProcess[str]:
    return run_veille(paths.library.parent.parent, *args)


HOLDER = """
import sys, time
from pathlib import Path
from veille.core.library import open_library
lib = open_library(Path(sys.argv[1]))
lib.item_ids()
print("open", flush=True)
sys.stdin.readline()
lib.close()
"""


def test_restore_refuses_while_another_process_has_the_library_open(tmp_path: Path) -> None:
    paths = home(tmp_path)
    assert veille(paths, "backup", str(tmp_path / "good.sqlite")).returncode == 0
    assert veille(paths, "star", "2").returncode == 0  # the library moves on from the backup
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(paths.library)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = digest(paths.library)
        done = veille(paths, "restore", str(tmp_path / "good.sqlite"))
        assert done.returncode == 1, done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr
        assert lines[0] == (
            f"veille: another veille process (the app, or a refresh) has the library "
            f"{paths.library} open; quit it, then restore; nothing was changed"
        )
        assert digest(paths.library) == before
        assert starred(paths, 2)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    done = veille(paths, "restore", str(tmp_path / "good.sqlite"))
    assert done.returncode == 0, done.stderr
    assert not starred(paths, 2)  # the backup's state, as asked


def test_restore_refuses_while_the_app_runs(tmp_path: Path) -> None:
    paths = home(tmp_path)
    assert veille(paths, "backup", str(tmp_path / "good.sqlite")).returncode == 0

    async def run() -> subprocess.CompletedProcess[str]:
        app = make_app(paths, Settings(), offline=True)
        async with app.run_test(size=(160, 40)) as pilot:
            await ready(pilot)
            done = await asyncio.to_thread(veille, paths, "restore", str(tmp_path / "good.sqlite"))
            await pilot.press("q")
            return done

    done = asyncio.run(run())
    assert done.returncode == 1
    assert "has the library" in done.stderr and "quit it, then restore" in done.stderr
