"""Pictures in the reader: drawn in place of their labels, fetched like pages, kept in the
cache for reading offline, and off with `images = "off"`."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from tests.httpserver import LocalServer
from tests.storing import ingest
from tests.tui.conftest import BASE, entry
from tests.tui.helpers import ready, static_text, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp

Factory = Callable[..., VeilleApp]
pytestmark = pytest.mark.slow


def _png() -> bytes:
    picture = Image.new("RGB", (8, 2), (200, 30, 30))  # one row of cells: red over blue
    for x in range(8):
        picture.putpixel((x, 1), (20, 40, 220))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _article(home: Paths, server: LocalServer) -> int:
    server.add("/carte.png", _png(), content_type="image/png")
    server.add("/logo.svg", "<svg/>", content_type="image/svg+xml")
    html = (
        "<p>Avant la carte.</p>"
        f'<img src="{server.url("/carte.png")}" alt="Carte des sols">'
        '<p>Après la carte.</p><img src="/logo.svg" alt="Logo">'
    )
    with open_library(home.library) as lib:
        feed = lib.add_feed(server.url("/rss.xml"), title="Gazette")
        item = entry(400, "Sécheresse", content=html, link=server.url("/a"), published=BASE)
        ingest(lib, feed.id, ParsedFeed(title="Gazette", entries=[item]), status=200)
    return feed.id


async def _read(app: VeilleApp, pilot: object, feed_id: int) -> None:
    await ready(pilot)  # type: ignore[arg-type]
    app.main.feed_tree.select_key(f"feed:{feed_id}")
    await until(pilot, lambda: app.main.item_list.count == 1)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: "Avant la carte" in static_text(app, "#reader-body"))  # type: ignore[arg-type]


def _drawn(app: VeilleApp) -> bool:
    return "▀" in static_text(app, "#reader-body")


async def test_a_picture_is_drawn_in_place_of_its_label_then_read_offline_from_the_cache(
    app_factory: Factory, home: Paths, local_server: LocalServer
) -> None:
    feed_id = _article(home, local_server)
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: _drawn(app))
        body = static_text(app, "#reader-body")
        assert "[image: Carte des sols]" not in body
        assert body.index("Avant la carte") < body.index("▀") < body.index("Après la carte")
        assert "[image: Logo]" in body  # an SVG is not drawn: its label stays
        drawn = app.main.reader_pane.query_one("#reader-body").render()
        styles = {str(span.style) for span in getattr(drawn, "spans", [])}
        assert "rgb(200,30,30) on rgb(20,40,220)" in styles, styles
    asked = [r.path for r in local_server.requests].count("/carte.png")
    assert asked == 1

    offline = app_factory(offline=True)
    async with offline.run_test(size=(160, 48)) as pilot:
        await _read(offline, pilot, feed_id)
        await until(pilot, lambda: _drawn(offline))
    assert [r.path for r in local_server.requests].count("/carte.png") == 1


async def test_images_off_keeps_the_labels_and_fetches_nothing(
    app_factory: Factory, home: Paths, local_server: LocalServer
) -> None:
    feed_id = _article(home, local_server)
    app = app_factory(Settings(lang="en", images="off"))
    async with app.run_test(size=(160, 48)) as pilot:
        await _read(app, pilot, feed_id)
        await pilot.pause(0.3)
        assert "[image: Carte des sols]" in static_text(app, "#reader-body")
        assert not _drawn(app)
    assert "/carte.png" not in [r.path for r in local_server.requests]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_reader_with_a_picture(
    snap_compare: Callable[..., bool],
    app_factory: Factory,
    home: Paths,
    local_server: LocalServer,
    size: tuple[int, int],
) -> None:
    feed_id = _article(home, local_server)

    async def run(pilot: object) -> None:
        app = pilot.app  # type: ignore[attr-defined]
        await _read(app, pilot, feed_id)
        await until(pilot, lambda: _drawn(app))  # type: ignore[arg-type]
        await app.workers.wait_for_complete()
        # On a busy machine the picture's last rows land later: take the screen once it holds.
        before = None
        for _ in range(20):
            await pilot.pause(0.4)  # type: ignore[attr-defined]
            now = app.export_screenshot()
            if now == before:
                break
            before = now

    assert snap_compare(app_factory(), terminal_size=size, run_before=run)
