"""The demo's library, shipped ready: built once from the demo's feeds (`build_template`), then
copied into each demo home and moved to its addresses and to today (`place_library`).

Building it takes a refresh and the extraction of the demo's pages, seconds on a cold start;
a copy takes milliseconds, so the demo's list is on screen at once. The copy is the library as
veille wrote it: opening it runs any migration a newer veille has, as for any library.

The shipped file records a digest of the assets it was built from; `tests/test_demo.py` fails
when they change without it (`python -m veille.cli.demo_library` builds it again).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from veille.cli.demo_dates import NEWEST_AGE

TEMPLATE = "library.sqlite"
# The addresses the shipped library was built with, replaced by each home's own.
TEMPLATE_BASE = "file://localhost/veille-demo"
TEMPLATE_SITE = "http://127.0.0.1:9/pages/"
DIGEST_KEY = "demo.assets"

# Every column holding a moment (seconds since the epoch), moved by one offset.
MOMENTS = {
    "items": ("published", "updated", "first_seen", "sort_ts", "starred_at"),
    "feeds": ("next_retry", "last_fetched", "added"),
    "notes": ("updated",),
    "fetch_log": ("at",),
    "fetch_errors": ("at",),
}
ADDRESSES = {"items": ("url", "canonical_url"), "feeds": ("url",)}


def assets_digest(folder: Path) -> str:
    """A digest of what the demo library is built from: its feeds, pages, OPML and state."""
    digest = hashlib.sha256()
    files = [*folder.glob("feeds/*"), *folder.glob("pages/*"), folder / "demo.opml"]
    for path in sorted([*files, folder / "state.json"]):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def shipped_digest(template: Path) -> str:
    with sqlite3.connect(f"file:{template}?mode=ro", uri=True) as db:
        row = db.execute("SELECT value FROM state WHERE key = ?", (DIGEST_KEY,)).fetchone()
    return str(row[0]) if row else ""


def _move(db: sqlite3.Connection, replacements: dict[str, str], offset: float) -> None:
    for table, columns in MOMENTS.items():
        moved = ", ".join(f"{c} = {c} + :offset" for c in columns)
        db.execute(f"UPDATE {table} SET {moved}", {"offset": offset})
    for old, new in replacements.items():
        for table, columns in ADDRESSES.items():
            for column in columns:
                db.execute(
                    f"UPDATE {table} SET {column} = :new || substr({column}, :cut)"
                    f" WHERE substr({column}, 1, :length) = :old",
                    {"new": new, "old": old, "cut": len(old) + 1, "length": len(old)},
                )


def place_library(template: Path, target: Path, replacements: dict[str, str]) -> None:
    """Copy the shipped library to `target` (private), its addresses replaced by prefix and its
    newest item moved to half an hour ago, every other moment by the same offset."""
    tmp = target.with_name(target.name + ".demo")
    shutil.copyfile(template, tmp)
    os.chmod(tmp, 0o600)
    with sqlite3.connect(tmp) as db:
        newest = db.execute("SELECT max(sort_ts) FROM items").fetchone()[0] or time.time()
        _move(db, replacements, time.time() - NEWEST_AGE.total_seconds() - newest)
    db.close()
    os.replace(tmp, target)


def build_template(assets: Path, out: Path) -> None:
    """Build the demo library from `assets` into `out`, with the template's addresses."""
    from veille.cli.demo import demo_home_addresses, prepare_demo

    with tempfile.TemporaryDirectory(prefix="veille-demo-build-") as root:
        paths = prepare_demo(Path(root) / "home", build=True)
        base, site = demo_home_addresses(paths)
        tmp = Path(root) / TEMPLATE
        with sqlite3.connect(paths.library) as db:
            db.execute("VACUUM INTO ?", (str(tmp),))
        db.close()
        with sqlite3.connect(tmp) as db:
            _move(db, {base: TEMPLATE_BASE, site: TEMPLATE_SITE}, 0.0)
            db.execute(
                "INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)",
                (DIGEST_KEY, assets_digest(assets)),
            )
        db.close()
        with sqlite3.connect(tmp) as db:
            db.execute("VACUUM")
        db.close()
        shutil.copyfile(tmp, out)


if __name__ == "__main__":  # python -m veille.cli.demo_library: build the shipped library again
    from veille.cli.demo import demo_assets

    folder = demo_assets()
    build_template(folder, folder / TEMPLATE)
    print(f"built {folder / TEMPLATE}", file=sys.stderr)
