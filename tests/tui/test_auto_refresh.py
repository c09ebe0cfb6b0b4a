"""The app's auto-refresh (`[refresh] auto_refresh`), against a real HTTP server on the loopback.

Its minutes are shortened to a fraction of a second here; the feeds of the fixture library were
read long ago and a refresh `every` of a century keeps them from being due, so each tick only
fetches the loopback feed, until it has been read once.
"""

from __future__ import annotations

import pytest

from tests.httpserver import LocalServer
from tests.tui.helpers import notices, ready, screen_text, static_text, until
from tests.tui.test_refresh import rss
from veille.core.library import open_library
from veille.core.settings import (
    DEFAULT_CONFIG,
    ConfigError,
    Paths,
    RefreshSettings,
    Settings,
    parse_settings,
)
from veille.tui.app import VeilleApp, make_app
from veille.tui.autorefresh import AutoRefresher

pytest.importorskip("veille.core.ingest.parse")

CENTURY = 100 * 365 * 86400.0


@pytest.fixture
def short_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AutoRefresher, "seconds_per_minute", 0.2)


def auto_settings(minutes: int = 1) -> Settings:
    return Settings(lang="en", refresh=RefreshSettings(every=CENTURY, auto_refresh=minutes))


def reading(app: VeilleApp) -> tuple[object, ...]:
    """What the reader shows, and where in it the user is."""
    reader = app.main.reader_pane
    parts = ("#reader-header", "#reader-body", "#reader-status")
    return (*(static_text(app, part) for part in parts), reader.scroll_offset)


def test_the_setting_is_off_by_default_and_checked() -> None:
    assert Settings().refresh.auto_refresh == 0
    assert "auto_refresh = 0" in DEFAULT_CONFIG
    assert parse_settings(DEFAULT_CONFIG).refresh.auto_refresh == 0
    assert parse_settings("[refresh]\nauto_refresh = 15\n").refresh.auto_refresh == 15
    for wrong in ("-5", '"15m"', "2.5", "true"):
        with pytest.raises(ConfigError, match=r"refresh\.auto_refresh \(line 3\)"):
            parse_settings(f'[refresh]\nevery = "1h"\nauto_refresh = {wrong}\n')


@pytest.mark.slow
@pytest.mark.usefixtures("short_minutes")
async def test_new_items_arrive_while_reading_and_nothing_moves(
    home: Paths, local_server: LocalServer
) -> None:
    local_server.add("/news.xml", rss("Fresh one", "Fresh two"))
    app = make_app(home, auto_settings())
    async with app.run_test(size=(160, 16), notifications=True) as pilot:  # the list scrolls
        await ready(pilot)
        main = app.main
        items = main.item_list
        await pilot.press("j", "j", "v", "enter")  # one selected (v steps on), the next open
        await until(pilot, lambda: main.reader_pane.item is not None)
        await pilot.pause(0.1)
        row = items.current_row
        assert row is not None and row.title == "Article 4 from feed 0"
        line = items.cursor - int(items.scroll_offset.y)
        selected = set(items.selection)
        shown = reading(app)
        focused = app.focused
        with open_library(home.library) as lib:  # a feed subscribed from the command line
            lib.add_feed(local_server.url("/news.xml"), title="Local news")

        await until(pilot, lambda: "Auto-refresh: 2 new items" in notices(app), timeout=15)
        await until(pilot, lambda: items.count == 20 and not main.fetcher.refreshing)
        await pilot.pause(0.3)
        row = items.current_row
        assert row is not None and row.title == "Article 4 from feed 0"  # the same item…
        assert items.cursor - int(items.scroll_offset.y) == line  # …on the same line
        assert set(items.selection) == selected
        assert main.reader_pane.item is not None
        assert main.reader_pane.item.title == "Article 4 from feed 0"
        assert reading(app) == shown
        assert app.focused is focused
        assert "Auto-refresh: 2 new items" in screen_text(app)  # the status bar says it too
        assert "already running" not in notices(app)
        top = items.row_at(0)
        assert top is not None and top.title.startswith("Fresh")  # the new items, at the top
    assert len(local_server.requests_to("/news.xml")) == 1  # read once: not due afterwards


@pytest.mark.slow
@pytest.mark.usefixtures("short_minutes")
async def test_off_by_default_no_timer_and_nothing_fetched(
    home: Paths, local_server: LocalServer
) -> None:
    local_server.add("/news.xml", rss("Fresh one"))
    with open_library(home.library) as lib:
        lib.add_feed(local_server.url("/news.xml"), title="Local news")
    app = make_app(home, Settings(lang="en", refresh=RefreshSettings(every=CENTURY)))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        assert app.main.autorefresher.timer is None
        await pilot.pause(1.0)  # five of the short minutes
        assert not app.main.fetcher.refreshing
    assert local_server.requests_to("/news.xml") == []


@pytest.mark.slow
@pytest.mark.usefixtures("short_minutes")
async def test_a_refresh_running_is_not_doubled(home: Paths, local_server: LocalServer) -> None:
    """The feed answers slowly: it stays due for many ticks while its refresh runs."""
    local_server.add("/news.xml", rss("Fresh one", "Fresh two"), delay=1.5)
    with open_library(home.library) as lib:
        lib.add_feed(local_server.url("/news.xml"), title="Local news")
    app = make_app(home, auto_settings())
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.main.fetcher.refreshing, timeout=5)
        await until(pilot, lambda: "Auto-refresh: 2 new items" in notices(app), timeout=15)
        await pilot.pause(0.5)
        assert "already running" not in notices(app)
        assert app.main.item_list.count == 20
    assert len(local_server.requests_to("/news.xml")) == 1


@pytest.mark.slow
@pytest.mark.usefixtures("short_minutes")
async def test_an_unreachable_network_is_told_once(home: Paths) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with open_library(home.library) as lib:
        for feed in lib.feeds():
            lib.remove_feed(feed.id)
        lib.add_feed(f"http://127.0.0.1:{port}/feed.xml", title="Unreachable")
    settings = Settings(lang="en", refresh=RefreshSettings(auto_refresh=1))  # due every tick
    app = make_app(home, settings)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.pause(0.3)
        told = "the network cannot be reached"
        await until(pilot, lambda: told in notices(app), timeout=10)
        await pilot.pause(1.5)  # several more ticks, the feed due at each
        assert notices(app).count(told) == 1
        assert "Offline: the feeds cannot be reached" not in notices(app)  # R's loud warning
        await until(pilot, lambda: not app.main.fetcher.refreshing)
        assert app.main.status_bar.has_class("-offline")
        assert "offline" in static_text(app, "#status-offline")


@pytest.mark.slow
@pytest.mark.usefixtures("short_minutes")
async def test_an_open_dialog_and_the_search_box_stay(
    home: Paths, local_server: LocalServer
) -> None:
    from textual.widgets import Input

    from veille.tui.screens.help import HelpScreen

    local_server.add("/one.xml", rss("Fresh one"))
    local_server.add("/two.xml", rss("Fresh two"))
    app = make_app(home, auto_settings())
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        with open_library(home.library) as lib:
            lib.add_feed(local_server.url("/one.xml"), title="One")
        await until(pilot, lambda: "Auto-refresh: 1 new item" in notices(app), timeout=15)
        assert isinstance(app.screen, HelpScreen)  # still open, over the list
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)

        await pilot.press("slash", "f", "e", "e", "d")
        box = app.main.query_one("#search", Input)
        await until(pilot, lambda: app.main.search_text == "feed")
        with open_library(home.library) as lib:
            lib.add_feed(local_server.url("/two.xml"), title="Two")
        await until(pilot, lambda: len(local_server.requests_to("/two.xml")) == 1, timeout=15)
        await until(pilot, lambda: not app.main.fetcher.refreshing)
        await pilot.pause(0.3)
        assert box.display and box.value == "feed" and app.focused is box
        assert app.main.search_text == "feed"
