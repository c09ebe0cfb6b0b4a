"""A full disk, a file size limit, a folder or nothing where a file should go: outputs stay whole.

Real mechanisms only: `/dev/full` (every write fails with ENOSPC), a child process under
`RLIMIT_FSIZE` (writes past the limit fail with EFBIG; works anywhere), and, where this test may
mount one, a small tmpfs filled to the last byte, holding the library itself. Each time the user
gets one plain line, the previous file keeps every byte, and no temporary file stays behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Flux</title>{items}</channel></rss>"""


def feed_file(folder: Path, items: int = 100) -> Path:
    body = "".join(
        f"<item><title>Article {n}</title><link>https://example.org/{n}</link><guid>{n}</guid>"
        f"<description>{'contenu ' * 300}</description></item>"
        for n in range(items)
    )
    path = folder / "feed.xml"
    path.write_text(FEED.format(items=body), encoding="utf-8")
    return path


def veille(
    home: Path, *args: str, limit: int | None = None, stdout: object = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VEILLE_HOME": str(home)}

    def limited() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "veille", *args],
        env=env,
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=limited,
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("veille: ")
    return lines[0]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert veille(home, "add", feed_file(tmp_path).as_uri()).returncode == 0
    assert veille(home, "refresh").returncode == 0
    assert veille(home, "star", *map(str, range(1, 101))).returncode == 0
    return home


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("command", [("export",), ("export-state",), ("export-opml",)])
def test_dev_full_as_output(home: Path, command: tuple[str, ...]) -> None:
    done = veille(home, *command, "-o", "/dev/full")
    assert done.returncode == 1
    assert one_line(done).startswith("veille: the disk is full (/dev/full)")


@pytest.mark.parametrize("command", [("export",), ("export-state",), ("items",), ("stats",)])
def test_stdout_on_dev_full(home: Path, command: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        done = veille(home, *command, stdout=full)
    assert done.returncode == 1
    assert one_line(done) == "veille: cannot write to standard output: the disk is full"


@pytest.mark.parametrize("command", [("export",), ("export-state",), ("export-opml",)])
def test_output_that_is_a_folder_or_has_no_folder(
    home: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    done = veille(home, *command, "-o", str(tmp_path))
    assert done.returncode == 1
    assert one_line(done) == f"veille: {tmp_path} is a folder; give a file name"
    missing = tmp_path / "nowhere" / "out.txt"
    done = veille(home, *command, "-o", str(missing))
    assert done.returncode == 1
    assert "does not exist" in one_line(done)
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    ("command", "private"),
    [
        (("export", "--format", "json"), False),
        (("export-state", "--include-secrets"), True),
        (("export", "--format", "atom"), False),
        (("backup",), True),
    ],
)
def test_file_size_limit_keeps_the_previous_file(
    home: Path, tmp_path: Path, command: tuple[str, ...], private: bool
) -> None:
    out = tmp_path / "out" / "file"
    out.parent.mkdir()
    target = [str(out)] if command == ("backup",) else ["-o", str(out)]
    done = veille(home, *command, *target)
    assert done.returncode == 0, done.stderr
    mode = out.stat().st_mode & 0o777
    assert mode == (0o600 if private else 0o666 & ~_umask()), oct(mode)
    before = out.read_bytes()
    # The limit leaves room for the library's own small files (its 32 KB shared-memory index).
    assert len(before) // 2 > 35_000
    veille(home, "tag", "1", "+plus-gros")  # the next output differs from this one
    done = veille(home, *command, *target, limit=len(before) // 2)
    assert done.returncode == 1
    line = one_line(done)
    # SQLite reports a refused write of the backup as an I/O error, without the reason.
    assert any(w in line for w in ("larger than this system allows", "cannot write")), line
    assert "damaged" not in line and "restore" not in line
    assert out.read_bytes() == before
    assert leftovers(out.parent) == []


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs, where mounting is allowed (root without a sandbox); skipped elsewhere."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        for size in (65536, 4096, 1):  # to the last byte
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    with pytest.raises(OSError) as full, filler.open("ab", buffering=0) as handle:
        handle.write(b"\0")
    assert full.value.errno == errno.ENOSPC
    return filler


def test_a_full_disk_under_the_library(tiny_disk: Path, tmp_path: Path) -> None:
    home = tiny_disk / "home"
    assert veille(home, "add", feed_file(tmp_path, items=5).as_uri()).returncode == 0
    assert veille(home, "refresh").returncode == 0
    assert veille(home, "star", "1").returncode == 0
    assert veille(home, "export", "-o", str(tiny_disk / "review.md")).returncode == 0
    assert veille(home, "backup").returncode == 0
    review = (tiny_disk / "review.md").read_bytes()
    backups = sorted((home / "data" / "backups").iterdir())
    # The app is open: its connection keeps SQLite's shared-memory index mapped.
    app = sqlite3.connect(home / "data" / "library.sqlite")
    app.execute("SELECT count(*) FROM items").fetchone()
    filler = fill(tiny_disk)

    # Reading goes on, and says nothing about damage.
    for args in (("stats",), ("items",), ("export",)):
        done = veille(home, *args)
        assert done.returncode == 0, (args, done.stderr)
    # Writing is refused in the right words, and changes nothing.
    for args in (
        ("star", "2"),
        ("note", "2", "une note " * 2000),
        ("tag", "2", "+x"),
        ("export", "--format", "html", "-o", str(tiny_disk / "review.md")),
        ("backup",),
        ("export-state", "-o", str(tiny_disk / "state.json")),
    ):
        done = veille(home, *args)
        assert done.returncode == 1, (args, done.stdout)
        line = one_line(done)
        assert "the disk is full" in line, line
        assert "damaged" not in line and "restore" not in line, line
    assert (tiny_disk / "review.md").read_bytes() == review
    assert not (tiny_disk / "state.json").exists()
    assert sorted((home / "data" / "backups").iterdir()) == backups
    assert leftovers(tiny_disk) == [] and leftovers(home / "data" / "backups") == []
    assert '"starred": 1' in veille(home, "stats", "--json").stdout

    # With the app closed and no byte left, SQLite cannot even map that index to read: then
    # reading too says the disk is full, never that the library is damaged.
    app.close()
    for args in (("stats",), ("items",)):
        done = veille(home, *args)
        if done.returncode != 0:
            assert "the disk is full" in one_line(done), (args, done.stderr)

    filler.unlink()
    assert veille(home, "star", "2").returncode == 0
    done = veille(home, "stats", "--json")
    assert '"starred": 2' in done.stdout
