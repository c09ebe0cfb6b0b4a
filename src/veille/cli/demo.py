"""The demo library: a fresh copy of `assets/demo` in a temporary home, read offline.

The demo's feeds and article pages are local files served as `file://` URLs, so the demo shows
every part of veille — refresh, full text, tags, stars, notes, saved searches, watch rules —
without the network and without touching the user's own library.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from veille.cli.demo_dates import shift_dates
from veille.cli.demo_library import TEMPLATE, TEMPLATE_BASE, TEMPLATE_SITE, place_library
from veille.cli.demo_server import HOST, free_port, pages_site
from veille.core import Paths, load_settings, resolve_paths

if TYPE_CHECKING:
    from veille.core import Item, Veille

PLACEHOLDER = "{DEMO}"
# Item links must be web addresses (a feed may not make veille read files): the demo's items link
# to its own pages, served on 127.0.0.1 while it runs (`demo_server`), and kept in the cache at
# set-up as a prefetch would keep them.
PAGES_SITE = "http://127.0.0.1:"


def demo_assets() -> Path:
    """The demo folder: beside the sources in a checkout, inside the package when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[2] / "assets" / "demo", here.parent / "demo_assets"):
        if (candidate / "demo.opml").is_file():
            return candidate
    raise FileNotFoundError("the demo library is missing from this installation of veille")


def _config_text(state: dict[str, object], port: int) -> str:
    lines = ['lang = "fr"', "", "[network]", f'allow = ["{HOST}:{port}"]', ""]
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


def remove_demo(paths: Paths) -> None:
    """Remove a temporary demo home on leaving: each `veille --demo` starts afresh."""
    root = paths.config.parent
    if root.name.startswith("veille-demo-"):
        shutil.rmtree(root, ignore_errors=True)


def demo_home_addresses(paths: Paths) -> tuple[str, str]:
    """Where a demo home's feeds are (a file:// folder) and where its pages are served."""
    copy = paths.config.parent / "demo"
    # "file://localhost/…" rather than "file:///…": some parsers read the empty host of the
    # short form as a missing one and lose a slash.
    base = "file://localhost" + quote(copy.resolve().as_posix())
    return base, pages_site(int((copy / "port").read_text(encoding="utf-8")))


def prepare_demo(home: str | Path | None = None, *, build: bool = False) -> Paths:
    """Set up the demo in `home` (a new temporary folder when None) and return its paths.

    The library is a copy of the one shipped with the demo (`library.sqlite`), moved to this
    home's addresses and to today; it is built from the feeds (a refresh, then the pages' full
    texts) only when that copy is missing, or when `build` asks for it."""
    root = Path(home) if home else Path(tempfile.mkdtemp(prefix="veille-demo-"))
    paths = resolve_paths(root)
    if paths.library.exists():
        return paths  # an existing demo home: keep what the user did in it
    paths.ensure()
    source = demo_assets()
    copy = root / "demo"
    shutil.copytree(source, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(TEMPLATE))
    port = free_port()
    (copy / "port").write_text(str(port), encoding="utf-8")
    base, site = demo_home_addresses(paths)
    for path in [*copy.glob("feeds/*"), *copy.glob("pages/*"), copy / "demo.opml"]:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if PLACEHOLDER in text:
                text = text.replace(PLACEHOLDER + "/pages/", site)
                path.write_text(text.replace(PLACEHOLDER, base), encoding="utf-8")
    shift_dates([path for path in copy.glob("feeds/*") if path.is_file()])
    state = json.loads((copy / "state.json").read_text(encoding="utf-8"))
    paths.config.write_text(_config_text(state, port), encoding="utf-8")
    template = source / TEMPLATE
    if template.is_file() and not build:
        place_library(template, paths.library, {TEMPLATE_BASE: base, TEMPLATE_SITE: site})
    else:
        load_demo(paths, copy, state, site)
    return paths


def _keep_pages(v: Veille, items: list[Item], pages: Path, site: str) -> None:
    """The full texts of the demo's cut items, from its own pages, as a prefetch would keep them."""
    from veille.core import VeilleError

    for item in items:
        if not item.url.startswith(site):
            continue
        page = pages / item.url.removeprefix(site).split("?", 1)[0]
        try:
            v.keep_page(item.id, page.read_bytes(), item.url)
        except (OSError, VeilleError):
            continue


def load_demo(paths: Paths, folder: Path, state: dict[str, object], site: str) -> None:
    from veille.core import Veille

    with Veille(paths, load_settings(paths)) as v:
        v.import_subscriptions(folder / "demo.opml")
        v.refresh(prefetch=False)
        items = v.items()
        _keep_pages(v, items, folder / "pages", site)
        by_guid = {item.guid: item.id for item in items}
        marks: dict[str, dict[str, object]] = state.get("items", {})  # type: ignore[assignment]
        for guid, mark in marks.items():
            item_id = by_guid.get(guid)
            if item_id is None:
                continue
            if mark.get("read"):
                v.set_marks([item_id], read=True)
            if mark.get("starred"):
                v.set_marks([item_id], starred=True)
            if mark.get("tags"):
                v.tag([item_id], add=mark["tags"])  # type: ignore[arg-type]
            if mark.get("note"):
                v.set_note(item_id, str(mark["note"]))
        for search in state.get("saved_searches", []):  # type: ignore[attr-defined]
            v.save_search(search["name"], search["query"])
