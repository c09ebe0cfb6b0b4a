"""The demo library: a fresh copy of `assets/demo` in a temporary home, read offline.

The demo's feeds and article pages are local files served as `file://` URLs, so the demo shows
every part of veille — refresh, full text, tags, stars, notes, saved searches, watch rules —
without the network and without touching the user's own library.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from veille.core.settings import Paths, load_settings, resolve_paths

if TYPE_CHECKING:
    from veille.core.fulltext.cache import FullTextCache
    from veille.core.library import Library

PLACEHOLDER = "{DEMO}"
# Item links must be web addresses (a feed may not make veille read files): the demo's items link
# to this made-up site, whose pages are read from the demo folder into the cache at set-up.
PAGES_SITE = "https://demo.veille.example/pages/"


def demo_assets() -> Path:
    """The demo folder: beside the sources in a checkout, inside the package when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[2] / "assets" / "demo", here.parent / "demo_assets"):
        if (candidate / "demo.opml").is_file():
            return candidate
    raise FileNotFoundError("the demo library is missing from this installation of veille")


def _config_text(state: dict[str, object]) -> str:
    lines = ['lang = "fr"', ""]
    for watch in state.get("watch", []):  # type: ignore[attr-defined]
        lines.append("[[watch]]")
        for key in ("name", "query"):
            lines.append(f"{key} = {json.dumps(watch[key], ensure_ascii=False)}")
        if watch.get("add_tags"):
            lines.append(f"add_tags = {json.dumps(watch['add_tags'], ensure_ascii=False)}")
        for flag in ("star", "mark_read", "hide"):
            if watch.get(flag):
                lines.append(f"{flag} = true")
        lines.append("")
    return "\n".join(lines)


def prepare_demo(home: str | Path | None = None) -> Paths:
    """Build the demo library in `home` (a new temporary folder when None) and return its paths."""
    root = Path(home) if home else Path(tempfile.mkdtemp(prefix="veille-demo-"))
    paths = resolve_paths(root)
    if paths.library.exists():
        return paths  # an existing demo home: keep what the user did in it
    paths.ensure()
    source = demo_assets()
    copy = root / "demo"
    shutil.copytree(source, copy, dirs_exist_ok=True)
    # "file://localhost/…" rather than "file:///…": some parsers read the empty host of the
    # short form as a missing one and lose a slash.
    base = "file://localhost" + quote(copy.resolve().as_posix())
    for path in [*copy.glob("feeds/*"), *copy.glob("pages/*"), copy / "demo.opml"]:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if PLACEHOLDER in text:
                text = text.replace(PLACEHOLDER + "/pages/", PAGES_SITE)
                path.write_text(text.replace(PLACEHOLDER, base), encoding="utf-8")
    state = json.loads((copy / "state.json").read_text(encoding="utf-8"))
    paths.config.write_text(_config_text(state), encoding="utf-8")
    load_demo(paths, copy, state)
    return paths


def _keep_pages(lib: Library, cache: FullTextCache, pages: Path) -> None:
    """The full texts of the demo's cut items, from its own pages, as a prefetch would keep them."""

    from veille.core.fulltext.cache import CachedArticle
    from veille.core.fulltext.extract import ExtractionError, extract

    rows = lib.conn.execute(
        "SELECT id, url FROM items WHERE url LIKE ?", (PAGES_SITE + "%",)
    ).fetchall()
    for item_id, url in rows:
        page = pages / url.removeprefix(PAGES_SITE).split("?", 1)[0]
        try:
            article = extract(page.read_bytes(), url)
        except (OSError, ExtractionError):
            continue
        cache.put_article(item_id, CachedArticle.of(url, article))
        lib.record_full_text(item_id, article.html, pin=False)


def load_demo(paths: Paths, folder: Path, state: dict[str, object]) -> None:
    from veille.core.fulltext.cache import open_cache
    from veille.core.ingest.opml import read_subscriptions
    from veille.core.library import open_library
    from veille.core.pipeline import refresh_all

    settings = load_settings(paths)
    cache = open_cache(paths, settings)
    with open_library(paths.library, backups=paths.backups) as lib:
        lib.attach_cache(cache)
        lib.add_feeds(read_subscriptions((folder / "demo.opml").read_bytes(), "demo.opml"))
        asyncio.run(refresh_all(lib, settings, cache, prefetch=False))
        _keep_pages(lib, cache, folder / "pages")
        by_guid = dict(lib.conn.execute("SELECT guid, id FROM items").fetchall())
        marks: dict[str, dict[str, object]] = state.get("items", {})  # type: ignore[assignment]
        for guid, mark in marks.items():
            item_id = by_guid.get(guid)
            if item_id is None:
                continue
            if mark.get("read"):
                lib.set_read([item_id])
            if mark.get("starred"):
                lib.set_starred([item_id])
            if mark.get("tags"):
                lib.tag([item_id], add=mark["tags"])  # type: ignore[arg-type]
            if mark.get("note"):
                lib.set_note(item_id, str(mark["note"]))
        for search in state.get("saved_searches", []):  # type: ignore[attr-defined]
            lib.save_search(search["name"], search["query"])
    cache.close()
