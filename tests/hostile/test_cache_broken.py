"""A cache that is a file, cannot be created, or is read-only: only what needs it says so.

The cache holds what can be fetched again; the library holds what cannot. So with a cache that
cannot be used, every command that does not need it works as before, the two that do (`veille
cache`, `veille cache clear`) say why in one line, and a refresh says its full texts are kept
in the library only. Full texts live in the library, so `veille fulltext` and `f` in the app
work without the cache.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hostile.process import run_veille
from tests.hostile.test_corrupt import real_library
from veille.core.settings import Paths, Settings, resolve_paths

pytestmark = pytest.mark.slow


def veille(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_veille(home, *args)


def file_instead_of_folder(paths: Paths) -> str:
    shutil.rmtree(paths.cache, ignore_errors=True)
    paths.cache.write_text("not a folder")
    return "a file is where its folder should be"


def file_instead_of_subfolder(paths: Paths) -> str:
    shutil.rmtree(paths.cache / "fulltext", ignore_errors=True)
    (paths.cache / "fulltext").write_text("not a folder")
    return "a file is where its folder should be"


def missing_under_a_file(paths: Paths) -> str:
    """`[paths] cache` under something that is not a folder: it can never be created."""
    shutil.rmtree(paths.cache, ignore_errors=True)
    paths.cache.write_bytes(b"")
    return "a file is where its folder should be"


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Callable[[Paths], str]]:
    """A cache folder on a read-only file system (root ignores permission bits), else 0500."""
    mounted: list[Path] = []

    def make(paths: Paths) -> str:
        shutil.rmtree(paths.cache, ignore_errors=True)
        paths.cache.mkdir()
        if os.geteuid() != 0:
            paths.cache.chmod(0o500)
            return "permission denied"
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(paths.cache)],
            capture_output=True,
        )
        if done.returncode != 0:
            pytest.skip("a read-only file system cannot be mounted here")
        mounted.append(paths.cache)
        return "read-only"

    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


CASES = {
    "file": file_instead_of_folder,
    "subfolder-file": file_instead_of_subfolder,
    "missing-under-file": missing_under_a_file,
}


def broken_home(tmp_path: Path, case: str, read_only: Callable[[Paths], str]) -> tuple[Path, str]:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    real_library(paths.library, items=10)
    why = read_only(paths) if case == "read-only" else CASES[case](paths)
    return home, why


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.mark.parametrize("case", [*CASES, "read-only"])
def test_commands_without_the_cache(
    tmp_path: Path, case: str, read_only: Callable[[Paths], str]
) -> None:
    home, why = broken_home(tmp_path, case, read_only)
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>F</title><item><title>Nouveau</title>'
        "<guid>n1</guid><link>https://example.org/n1</link></item></channel></rss>"
    )
    for args in (
        ("stats",),
        ("items",),
        ("star", "1"),
        ("tag", "2", "+gardé"),
        ("note", "3", "une note"),
        ("export",),
        ("feeds",),
        ("backup",),
        ("export-state",),
        ("unstar", "1"),
        ("add", feed.as_uri()),
    ):
        done = veille(home, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    done = veille(home, "refresh", "--feed", feed.as_uri())
    assert done.returncode == 0, done.stderr
    line = one_line(done)
    assert "full-text cache" in line and why in line and "kept in the library only" in line
    assert "Nouveau" in veille(home, "items").stdout
    done = veille(home, "fulltext", "Nouveau")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    for args in (("cache",), ("cache", "clear")):
        done = veille(home, *args)
        assert done.returncode == 1, (args, done.stdout)
        line = one_line(done)
        assert line.startswith("veille: the full-text cache ") and why in line, line
        assert "this command needs it" in line


def test_f_fetches_without_the_cache(tmp_path: Path) -> None:
    from tests.tui.helpers import notices, until
    from veille.tui.app import make_app

    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    real_library(paths.library, items=10)
    file_instead_of_folder(paths)

    async def run() -> str:
        app = make_app(paths, Settings())
        async with app.run_test(size=(160, 40)) as pilot:
            await until(pilot, lambda: app.main.item_list.count > 0)
            await until(pilot, lambda: bool(app.main.follower.cache_problem))
            await pilot.press("enter")
            await pilot.pause(0.3)
            await pilot.press("f")
            await until(pilot, lambda: "Fetching the full text" in notices(app))
            return notices(app)

    said = asyncio.run(run())
    assert "cannot be fetched" not in said and "Offline" not in said, said
