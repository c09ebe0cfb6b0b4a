"""A refresh killed with SIGKILL at random moments loses nothing and leaves a sound library."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import LocalServer

pytestmark = pytest.mark.slow
TRIALS = 20


def feed(n: int, version: int) -> str:
    items = "".join(
        f"<item><title>Article {n}.{k} v{version}</title><guid>{n}-{k}</guid>"
        f"<link>https://example.org/{n}/{k}</link>"
        f"<description>{'contenu ' * 200} version {version}</description></item>"
        for k in range(40)
    )
    return f'<rss version="2.0"><channel><title>Flux {n}</title>{items}</channel></rss>'


def test_kill_refresh_at_random_moments(tmp_path: Path, local_server: LocalServer) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "VEILLE_HOME": str(home)}
    veille = [sys.executable, "-m", "veille"]
    for n in range(10):
        local_server.add(f"/f{n}.xml", feed(n, 0), delay=0.01)
    opml = "".join(
        f'<outline text="f{n}" xmlUrl="{local_server.url(f"/f{n}.xml")}"/>' for n in range(10)
    )
    (tmp_path / "s.opml").write_text(f'<opml version="2.0"><body>{opml}</body></opml>')
    subprocess.run(
        [*veille, "import", str(tmp_path / "s.opml")], env=env, check=True, capture_output=True
    )
    subprocess.run([*veille, "refresh"], env=env, check=True, capture_output=True)
    items = json.loads(
        subprocess.run(
            [*veille, "items", "--json", "--limit", "0"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    chosen = [i["id"] for i in items[::37]]
    subprocess.run([*veille, "star", *map(str, chosen)], env=env, check=True, capture_output=True)
    subprocess.run(
        [*veille, "tag", *map(str, chosen), "+gardé"], env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*veille, "note", str(chosen[0]), "à ne pas perdre"],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([*veille, "read", *map(str, chosen)], env=env, check=True, capture_output=True)

    rng = random.Random(20261122)
    for trial in range(TRIALS):
        for n in range(10):  # every feed changes, so each refresh rewrites every item
            local_server.add(f"/f{n}.xml", feed(n, trial + 1), delay=0.01)
        proc = subprocess.Popen(
            [*veille, "refresh", "--force"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(home / "data" / "library.sqlite")
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            starred = {r[0] for r in conn.execute("SELECT id FROM items WHERE starred = 1")}
            read = {r[0] for r in conn.execute("SELECT id FROM items WHERE read = 1")}
            tagged = {r[0] for r in conn.execute("SELECT item_id FROM item_tags")}
            note = conn.execute("SELECT body FROM notes WHERE item_id = ?", (chosen[0],)).fetchone()
        finally:
            conn.close()
        assert set(chosen) <= starred and set(chosen) <= read and set(chosen) <= tagged
        assert note == ("à ne pas perdre",)
    done = subprocess.run(
        [*veille, "refresh", "--force", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["errors"] == []
    count = json.loads(
        subprocess.run(
            [*veille, "stats", "--json"], env=env, check=True, capture_output=True, text=True
        ).stdout
    )["items"]
    assert count == 400
