"""The app, a cron `veille refresh` and a `veille export`, all at once, on one library.

The app writes marks as the user reads (one small transaction per key press); the cron job writes
hundreds of items; the export reads everything. Here the marks come from this process, through the
same library API the app uses, while the other two run as real child processes. Nobody may see
"database is locked", every mark must survive, and the new items must be visible afterwards.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.core.ingest.refresh import refresh
from veille.core.library import open_library
from veille.core.settings import load_settings, resolve_paths

pytestmark = pytest.mark.slow
FEEDS = 8


def feed(n: int, *versions: int) -> str:
    items = "".join(
        f"<item><title>Article {n}.{k} v{version}</title><guid>{n}-{k}-{version}</guid>"
        f"<link>https://example.org/{n}/{k}/{version}</link>"
        f"<description>Dépêche {n}-{k}-{version} : {'contenu ' * 100}</description></item>"
        for version in reversed(versions)
        for k in range(40)
    )
    return f'<rss version="2.0"><channel><title>Flux {n}</title>{items}</channel></rss>'


def test_refresh_export_and_marks_at_once(tmp_path: Path, local_server: LocalServer) -> None:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text('full_text = "never"\n[refresh]\ntotal_timeout = 20\n')
    for n in range(FEEDS):
        local_server.add(f"/f{n}.xml", feed(n, 1), delay=0.02)
    lib = open_library(paths.library, backups=paths.backups)
    try:
        for n in range(FEEDS):
            lib.add_feed(local_server.url(f"/f{n}.xml"))
        asyncio.run(refresh(lib, load_settings(paths)))
        first = lib.item_ids()
        assert len(first) == FEEDS * 40
        for n in range(FEEDS):  # the cron job will find 40 new items in every feed
            local_server.add(f"/f{n}.xml", feed(n, 1, 2), delay=0.02)
        lib.set_starred(first[:3])  # something for the press review to export
        env = {**os.environ, "VEILLE_HOME": str(home)}
        veille = [sys.executable, "-m", "veille"]
        procs = [
            subprocess.Popen(
                [*veille, "refresh", "--force"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            *(
                subprocess.Popen(
                    [*veille, "export", "--format", fmt, "-o", str(tmp_path / f"out.{fmt}")],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for fmt in ("json", "md", "csv")
            ),
        ]
        marked: list[int] = []
        deadline = time.monotonic() + 60
        k = 0
        while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
            item = first[k % len(first)]
            lib.set_read([item])  # as the app does on each key press
            lib.tag([item], add=["lu/concurrence"])
            if k % 5 == 0:
                lib.set_starred([item])
                lib.set_note(item, f"note {k}")
            marked.append(item)
            k += 1
        outputs = [p.communicate(timeout=60) for p in procs]
        for proc, (out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
            assert "locked" not in (out + err).lower(), err
        assert k >= 10, "the marks loop never overlapped the child processes"
        # Every mark survived the refresh that rewrote the same feeds.
        read = set(lib.item_ids("is:read"))
        tagged = set(lib.item_ids("tag:lu/concurrence"))
        assert set(marked) <= read and set(marked) <= tagged
        starred = set(lib.item_ids("is:starred"))
        assert {m for i, m in enumerate(marked) if i % 5 == 0} <= starred
        # The new items are visible to this (long-lived, app-like) connection.
        titles = [r.title for r in lib.rows(limit=10_000)]
        assert sum(t.endswith(" v2") for t in titles) == FEEDS * 40, (len(titles), outputs[0])
        for fmt in ("json", "md", "csv"):
            assert (tmp_path / f"out.{fmt}").stat().st_size > 0
    finally:
        lib.close()
