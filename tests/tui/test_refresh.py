"""Refreshing inside the app, against a real HTTP server on the loopback; and reading offline."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from tests.httpserver import LocalServer
from tests.tui.helpers import notices, ready, screen_text, until
from veille.core.library import open_library
from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp, make_app

pytestmark = pytest.mark.slow

pytest.importorskip("veille.core.ingest.parse")

Factory = Callable[..., VeilleApp]


def rss(*titles: str) -> str:
    items = "".join(
        f"<item><title>{t}</title><guid>{t}</guid><link>https://example.org/{n}</link>"
        f"<pubDate>Sat, 07 Feb 2026 0{n}:00:00 +0000</pubDate>"
        f"<description>About {t}.</description></item>"
        for n, t in enumerate(titles)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local news</title>'
        f"<link>https://example.org/</link>{items}</channel></rss>"
    )


async def test_refresh_all_adds_items_and_reports_failing_feeds(
    home: Paths, local_server: LocalServer
) -> None:
    local_server.add("/news.xml", rss("Fresh one", "Fresh two"), delay=0.3)
    local_server.add("/broken.xml", "nope", status=500)
    with open_library(home.library) as lib:
        lib.add_feed(local_server.url("/news.xml"), title="Local news")
        lib.add_feed(local_server.url("/broken.xml"), title="Broken [b]feed")
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("j", "j")  # reading position: item 3
        await pilot.press("R")
        assert app.main.fetcher.refreshing
        await pilot.press("R")  # a second refresh does not start
        assert "already running" in notices(app)
        await until(pilot, lambda: not app.main.fetcher.refreshing, timeout=15)
        items = app.main.item_list
        await until(pilot, lambda: items.count == 20)
        row = items.current_row
        assert row is not None and row.title == "Article 3 from feed 0"  # position kept
        await until(pilot, lambda: "Broken [b]feed ⚠" in screen_text(app))
        assert "Broken [b]feed" in notices(app)
        assert "Fresh one" in screen_text(app)
    assert len(local_server.requests_to("/news.xml")) == 1


async def test_offline_reads_the_library_and_says_so(app_factory: Factory) -> None:
    app = app_factory(offline=True)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        assert "offline" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        await pilot.press("R")
        assert "Offline" in notices(app)
        assert not app.main.fetcher.refreshing


async def test_network_failure_is_reported_as_offline(home: Paths) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with open_library(home.library) as lib:
        for feed in lib.feeds():
            lib.remove_feed(feed.id)
        lib.add_feed(f"http://127.0.0.1:{port}/feed.xml", title="Unreachable")
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.pause(0.3)
        await pilot.press("R")
        await until(pilot, lambda: not app.main.fetcher.refreshing, timeout=15)
        text = notices(app)
        assert "Offline" in text or "Unreachable" in text
        assert app.is_running


async def test_items_stored_by_another_process_appear(
    home: Paths, local_server: LocalServer
) -> None:
    """A cron `veille refresh` runs while the app is open: the list shows its new items."""
    import asyncio
    import os
    import sys

    local_server.add("/cron.xml", rss("From cron one", "From cron two"))
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        with open_library(home.library) as lib:
            lib.add_feed(local_server.url("/cron.xml"), title="Cron feed")
        env = {**os.environ, "VEILLE_HOME": str(home.config.parent)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "veille",
            "refresh",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        assert proc.returncode in (0, 1), err  # other fixture feeds are unreachable: exit 1
        assert b"locked" not in out + err
        await until(pilot, lambda: "From cron one" in screen_text(app), timeout=10)
        assert app.main.item_list.count == 20
