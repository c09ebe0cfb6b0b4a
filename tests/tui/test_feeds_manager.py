"""The feeds manager (`F`): add by address or site (with a choice), rename, move, unsubscribe
after asking, retry now, and what went wrong with a feed — through the front door."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from tests.httpserver import LocalServer
from tests.tui.helpers import press_for, ready, screen_text, static_text, until
from tests.tui.test_refresh import rss
from veille.core.library import open_library
from veille.core.settings import Paths
from veille.tui.app import VeilleApp
from veille.tui.feeds_manager import FeedsManager
from veille.tui.prompts import Ask, Choose, Confirm

Factory = Callable[..., VeilleApp]
pytestmark = pytest.mark.slow


def listed(manager: FeedsManager) -> list[str]:
    return [f.display_title for f in manager.feeds]


async def answer(pilot: object, app: VeilleApp, key: str, text: str) -> None:
    ask = await press_for(pilot, key, Ask)  # type: ignore[arg-type]
    ask.query_one(Input).value = text
    await pilot.press("enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: isinstance(app.screen, FeedsManager))  # type: ignore[arg-type]


async def test_rename_move_and_unsubscribe_after_asking(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        manager = await press_for(pilot, "F", FeedsManager)
        await until(pilot, lambda: "Down feed" in listed(manager))
        assert listed(manager)[0] == "Down feed"  # no folder first
        details = static_text(app, "#feeds-details")
        assert "server error (HTTP 500)" in details and "Failing" in details
        await answer(pilot, app, "r", "Le flux en panne")
        await until(pilot, lambda: "Le flux en panne" in listed(manager))
        await answer(pilot, app, "m", "Archives/Pannes")
        await until(pilot, lambda: manager.feeds and "Archives/Pannes" in screen_text(app))
        manager.query_one(OptionList).highlighted = listed(manager).index("Le flux en panne")
        await press_for(pilot, "d", Confirm)
        await pilot.press("n")  # asked, and refused: nothing happens
        await until(pilot, lambda: isinstance(app.screen, FeedsManager))
        assert "Le flux en panne" in listed(manager)
        manager.query_one(OptionList).highlighted = listed(manager).index("Feed 1")
        await press_for(pilot, "d", Confirm)
        await pilot.press("y")
        await until(pilot, lambda: "Feed 1" not in listed(manager) and manager.feeds)
        assert "Unsubscribed from Feed 1." in static_text(app, "#feeds-status")
        await pilot.press("escape")
        await until(pilot, lambda: "Feed 1 " not in screen_text(app))
        await until(pilot, lambda: "Pannes" in screen_text(app))
    with open_library(home.library) as lib:
        feeds = {f.display_title: f for f in lib.feeds()}
        assert "Feed 1" not in feeds
        assert feeds["Le flux en panne"].folder == "Archives/Pannes"


async def test_add_a_site_with_a_choice_of_feeds_and_retry_one_now(
    app_factory: Factory, home: Paths, local_server: LocalServer
) -> None:
    local_server.add(
        "/site",
        '<html><head><meta charset="utf-8">'
        f'<link rel="alternate" type="application/rss+xml" title="Articles" href="{local_server.url("/a.xml")}">'
        f'<link rel="alternate" type="application/rss+xml" title="Brèves" href="{local_server.url("/b.xml")}">'
        "</head><body>Site</body></html>".encode(),
        content_type="text/html; charset=utf-8",
    )
    local_server.add("/a.xml", rss("Un article"))
    local_server.add("/b.xml", rss("Une brève"))
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        manager = await press_for(pilot, "F", FeedsManager)
        await until(pilot, lambda: manager.feeds)
        ask = await press_for(pilot, "a", Ask)
        ask.query_one(Input).value = local_server.url("/site")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Choose), timeout=10)
        await until(pilot, lambda: "Brèves" in screen_text(app))
        await pilot.press("down", "enter")
        await until(pilot, lambda: "Subscribed to" in static_text(app, "#feeds-status"), timeout=10)
        added = next(f for f in manager.feeds if f.url.endswith("/b.xml"))
        manager.query_one(OptionList).highlighted = manager.feeds.index(added)
        await pilot.press("R")
        await until(pilot, lambda: "Fetched" in static_text(app, "#feeds-status"), timeout=15)
    assert local_server.requests_to("/b.xml")
    with open_library(home.library) as lib:
        assert any(i.title == "Une brève" for i in lib.items())


async def test_a_failing_feed_shows_what_its_last_failures_said(
    app_factory: Factory, home: Paths, local_server: LocalServer
) -> None:
    from veille.core.ingest.refresh import refresh
    from veille.core.settings import Settings

    with open_library(home.library) as lib:
        feed = lib.add_feed(local_server.url("/flaky.xml"), title="Flux capricieux")
        local_server.add("/flaky.xml", b"oops", status=500)
        await refresh(lib, Settings(), [feed.id], force=True)
        local_server.add("/flaky.xml", b"gone", status=404)
        await refresh(lib, Settings(), [feed.id], force=True)
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        manager = await press_for(pilot, "F", FeedsManager)
        await until(pilot, lambda: "Flux capricieux" in listed(manager))
        manager.query_one(OptionList).highlighted = listed(manager).index("Flux capricieux")
        await until(pilot, lambda: "/flaky.xml" in static_text(app, "#feeds-details"))
        details = static_text(app, "#feeds-details")
        assert "Failures over 30 days" in details
        # Both failures, the newest first, each with what the server answered.
        assert details.index("404") < details.rindex("500")
        assert details.count(" — ") >= 2


async def test_an_imported_file_s_commands_come_in_only_on_a_yes(
    app_factory: Factory, home: Paths, tmp_path: Path
) -> None:
    urls = tmp_path / "urls"
    urls.write_text(
        'https://a.example/feed "presse"\n"exec:touch /tmp/nowhere" "scripts"\n', encoding="utf-8"
    )
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        manager = await press_for(pilot, "F", FeedsManager)
        await until(pilot, lambda: manager.feeds)
        for answered in ("n", "y"):
            ask = await press_for(pilot, "i", Ask)
            ask.query_one(Input).value = str(urls)
            await pilot.press("enter")
            await until(pilot, lambda: "command feed" in screen_text(app), timeout=10)
            assert "Also import its command feed? It would run this command" in screen_text(app)
            assert isinstance(app.screen, Confirm)
            assert app.screen.question.endswith(
                "on this computer at every refresh: exec:touch /tmp/nowhere"
            )
            with open_library(home.library) as lib:
                assert {f.url for f in lib.feeds()} >= {"https://a.example/feed"}
                assert not lib.feed_sources()  # nothing runs before the answer
            if answered == "y":  # the file changes under the question: only what was shown
                with urls.open("a", encoding="utf-8") as more:
                    more.write('"exec:touch /tmp/slipped-in"\n')
            await pilot.press(answered)
            await until(pilot, lambda: isinstance(app.screen, FeedsManager))
        await until(pilot, lambda: "Imported 1 command feed." in static_text(app, "#feeds-status"))
    with open_library(home.library) as lib:
        assert list(lib.feed_sources().values()) == [("exec", "touch /tmp/nowhere")]
