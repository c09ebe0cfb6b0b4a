"""Attachments in the app: their playing time in the reader, and `d` in the link list downloads
one into the downloads folder through the same client as pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from tests.storing import ingest
from tests.tui.helpers import notices, press_for, ready, static_text, until
from veille.core.ingest.parse import parse_feed
from veille.core.library import open_library
from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp
from veille.tui.links import LinkList

Factory = Callable[..., VeilleApp]
pytestmark = pytest.mark.slow

EPISODE = b"ID3 not really an mp3, but bytes all the same"

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Podcast</title><link>{base}/</link>
<item><title>Épisode 12</title><link>{base}/episodes/12</link><guid>ep-12</guid>
  <description>Un entretien.</description>
  <enclosure url="{base}/media/%C3%A9pisode%2012.mp3" type="audio/mpeg" length="{size}"/>
  <itunes:duration>1:02:03</itunes:duration>
  <media:content url="{base}/media/clip.mp4" type="video/mp4" duration="95"/>
  <enclosure url="{base}/media/..%2F..%2Fescape" type="application/pdf"/>
  <enclosure url="{base}/media/missing.pdf" type="application/pdf"/>
</item></channel></rss>"""


def _podcast(home: Paths, server: LocalServer) -> int:
    feed_url = server.url("/rss.xml")
    parsed = parse_feed(RSS.format(base=server.base, size=len(EPISODE)).encode(), feed_url)
    with open_library(home.library) as lib:
        feed = lib.add_feed(feed_url, title="Podcast")
        ingest(lib, feed.id, parsed, status=200)
    server.add("/media/%C3%A9pisode%2012.mp3", EPISODE, content_type="audio/mpeg")
    server.add("/media/..%2F..%2Fescape", b"%PDF-1.4", content_type="application/pdf")
    server.add("/media/missing.pdf", b"gone", status=404)
    return feed.id


async def _open_links(app: VeilleApp, pilot: object, feed_id: int) -> None:
    await ready(pilot)  # type: ignore[arg-type]
    app.main.feed_tree.select_key(f"feed:{feed_id}")
    await until(pilot, lambda: app.main.item_list.count == 1)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: "Attachments" in static_text(app, "#reader-body"))  # type: ignore[arg-type]


async def test_the_reader_tells_each_attachment_s_playing_time(
    app_factory: Factory, home: Paths, local_server: LocalServer
) -> None:
    feed_id = _podcast(home, local_server)
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_links(app, pilot, feed_id)
        body = static_text(app, "#reader-body")
        assert f"audio/mpeg, {len(EPISODE)} B, 1:02:03" in body
        assert "video/mp4, 1:35" in body


async def test_d_downloads_the_chosen_attachment_into_the_downloads_folder(
    app_factory: Factory, home: Paths, local_server: LocalServer, tmp_path: Path
) -> None:
    feed_id = _podcast(home, local_server)
    folder = tmp_path / "Téléchargements"
    app = app_factory(Settings(lang="en", downloads=str(folder)))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await _open_links(app, pilot, feed_id)
        await press_for(pilot, "l", LinkList)
        # the page, then the enclosures in the feed's order, then the media:content
        await pilot.press("j", "d")
        saved = folder / "épisode 12.mp3"
        await until(pilot, lambda: f"Downloaded to {saved}" in notices(app))
        assert saved.read_bytes() == EPISODE
        await pilot.press("d")  # a second time: a new name, the first file kept
        again = folder / "épisode 12 (1).mp3"
        await until(pilot, lambda: f"Downloaded to {again}" in notices(app))
        assert again.read_bytes() == EPISODE

        await pilot.press("j", "d")  # a name that tries to climb out of the folder
        await until(pilot, lambda: notices(app).count("Downloaded to") == 3)
        assert sorted(p.name for p in folder.iterdir()) == [
            "escape.pdf",
            "épisode 12 (1).mp3",
            "épisode 12.mp3",
        ]
        assert not (tmp_path / "escape").exists()

        await pilot.press("j", "d")  # the server answers 404: said, and nothing left behind
        await until(pilot, lambda: "was not downloaded" in notices(app))
        assert "404" in notices(app)
        assert len(list(folder.iterdir())) == 3


async def test_a_download_shows_its_progress_on_the_status_line(
    app_factory: Factory, home: Paths, local_server: LocalServer, tmp_path: Path
) -> None:
    from textual.widgets import Static

    from tests.httpserver import Response

    feed_id = _podcast(home, local_server)
    chunk = b"z" * (256 * 1024)
    local_server.handle(
        "/media/%C3%A9pisode%2012.mp3",
        lambda _r: Response(
            200,
            stream=[chunk] * 12,
            headers={"Content-Length": str(12 * len(chunk))},
            chunk_delay=0.15,
            content_type="audio/mpeg",
        ),
    )
    folder = tmp_path / "out"
    app = app_factory(Settings(lang="en", downloads=str(folder)))

    def status() -> str:
        return str(app.main.query_one("#status-offline", Static).render())

    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await _open_links(app, pilot, feed_id)
        await press_for(pilot, "l", LinkList)
        await pilot.press("j", "d")
        await until(pilot, lambda: "of 3.0 MiB" in status(), timeout=10)
        assert status().startswith(" downloading: ")
        await until(pilot, lambda: "Downloaded to" in notices(app), timeout=15)
        await until(pilot, lambda: "downloading" not in status())
    assert (folder / "épisode 12.mp3").stat().st_size == 12 * len(chunk)
