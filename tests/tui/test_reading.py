"""Reading: the first screen, opening items, the feeds pane, mouse, and the reader's marks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from textual import events

from tests.httpserver import LocalServer
from tests.storing import ingest
from tests.tui.conftest import entry
from tests.tui.helpers import ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp


@pytest.mark.slow
async def test_first_screen_lists_items_newest_first(app_factory: Callable[..., VeilleApp]) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        lines = [line for line in text.splitlines() if "Article" in line]
        assert "Article 1 from feed 0" in lines[0]
        assert "Article 2 from feed 0" in lines[1]
        assert "#climat" in lines[1]
        assert "Down feed ⚠" in text  # a failing feed carries a mark
        assert "Presse" in text and "Institutions" in text
        assert "18 items" in text


@pytest.mark.slow
async def test_enter_opens_the_item_and_marks_it_read(
    app_factory: Callable[..., VeilleApp], home: Paths
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "enter")
        main = app.main
        await until(pilot, lambda: main.reader_pane.item is not None)
        assert main.reader_pane.item is not None
        assert main.reader_pane.item.title == "Article 3 from feed 0"
        header = static_text(app, "#reader-header")
        assert "Article 3 from feed 0" in header
        assert "Feed 0 · Camille Martin" in header
        assert "#climat" in header
        assert "Second paragraph." in static_text(app, "#reader-body")
        assert main.item_list.current_row is not None and main.item_list.current_row.read
    with open_library(home.library) as lib:
        assert lib.item(3).read


@pytest.mark.slow
async def test_reader_shows_the_note_and_a_truncation_mark(
    app_factory: Callable[..., VeilleApp], home: Paths
) -> None:
    with open_library(home.library) as lib:
        feed = lib.feeds()[0]
        ingest(
            lib,
            feed.id,
            ParsedFeed(entries=[entry(99, "Cut short", content="")]),
            status=200,
            is_truncated=lambda e, n, text: True,
        )
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        assert app.main.reader_pane.item is not None
        if app.main.reader_pane.item.truncated:
            assert "Truncated" in static_text(app, "#reader-status")
        await pilot.press("j", "enter")
        await until(pilot, lambda: "Relire" in static_text(app, "#reader-header"))


@pytest.mark.slow
async def test_click_opens_and_wheel_scrolls(app_factory: Callable[..., VeilleApp]) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        items = app.main.item_list
        await pilot.click(items, offset=(10, 2))
        assert items.cursor == 2
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        assert app.main.reader_pane.item is not None
        assert app.main.reader_pane.item.title == "Article 3 from feed 0"
        await pilot._post_mouse_events([events.MouseScrollDown], items, offset=(5, 1))
        await pilot._post_mouse_events([events.MouseScrollDown], items, offset=(5, 1))
        assert items.scroll_offset.y > 0


@pytest.mark.slow
async def test_next_and_previous_feed(app_factory: Callable[..., VeilleApp]) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        main = app.main
        await pilot.press("J")  # the first feed: the failing one, with nothing in it
        await until(pilot, lambda: main.entry.title == "Down feed" and main.item_list.count == 0)
        assert "No items here." in screen_text(app)
        await pilot.press("J")
        await until(pilot, lambda: main.entry.title == "Feed 1" and main.item_list.count == 6)
        rows = main.item_list.loaded_rows()
        assert {row.feed_title for row in rows} == {"Feed 1"}
        await pilot.press("K")
        await until(pilot, lambda: main.entry.title == "Down feed")


@pytest.mark.slow
async def test_narrow_terminal_stacks_the_list_above_the_reader(
    app_factory: Callable[..., VeilleApp],
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        main = app.main
        assert main.has_class("-narrow")
        items, reader = main.item_list.region, main.reader_pane.region
        assert reader.y >= items.bottom and reader.width > 40
        await pilot.press("enter", "z")
        assert main.has_class("-zoomed")
        assert main.reader_pane.region.width == 80
        await pilot.press("z")
        assert not main.has_class("-zoomed")


@pytest.mark.slow
async def test_a_story_from_several_feeds_lists_its_other_sources(home: Paths) -> None:
    from veille.core.model import ParsedEntry
    from veille.core.settings import Settings
    from veille.tui.app import make_app

    with open_library(home.library) as lib:
        ids = []
        for n, name in enumerate(("Le Quotidien", "La Dépêche")):
            feed = lib.add_feed(f"https://wire{n}.example/rss.xml", title=name)
            entry = ParsedEntry(
                guid=f"w{n}",
                link=f"https://story.example/a?utm_source=f{n}",
                title=f"La même histoire racontée par {name}",
                published=datetime(2026, 2, 6, 9, n, tzinfo=UTC),
            )
            ids += ingest(lib, feed.id, ParsedFeed(title=name, entries=[entry]), status=200).new_ids
        lib.cluster(ids)
    app = make_app(home, Settings(lang="fr"))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        first = app.main.item_list.row_at(0)
        assert first is not None and first.cluster_size == 2  # one row for the story
        assert app.main.item_list.count == 19
        await pilot.press("home", "enter")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        await pilot.pause()
        text = screen_text(app)
        assert "Also in:" in text
        assert "La même histoire racontée par La Dépêche" in text or (
            "La même histoire racontée par Le Quotidien" in text
        )
    with open_library(home.library) as lib:
        assert all(lib.item(i).read for i in ids)  # reading one source reads the story


@pytest.mark.slow
async def test_the_view_item_and_pane_sizes_come_back_at_the_next_start(
    app_factory: Callable[..., VeilleApp],
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("J", "J")  # the second feed in the pane: "Feed 1" (Institutions)
        await until(pilot, lambda: app.main.entry.key == "feed:2")
        await pilot.press("j", "enter", "right_square_bracket")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        opened = app.main.reader_pane.item
        assert opened is not None
        await until(pilot, lambda: not app.main.workers)
    again = app_factory()
    async with again.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: again.main.entry.title == "Feed 1")  # the real title
        assert "Feed 1" in static_text(again, "#status-text")
        await until(pilot, lambda: again.main.reader_pane.item is not None)
        shown = again.main.reader_pane.item
        assert shown is not None and shown.id == opened.id
        assert again.main.panes.feeds_width == 32


async def test_a_remembered_feed_that_is_gone_falls_back_to_all(
    app_factory: Callable[..., VeilleApp], home: Paths
) -> None:
    with open_library(home.library) as lib:
        lib.set_state("tui.view", "feed:999")
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: getattr(app.main, "snapshot", None) is not None)
        await until(pilot, lambda: app.main.entry.key == "all")
        await until(pilot, lambda: app.main.item_list.count == 18)


@pytest.mark.slow
async def test_feed_counts_follow_reading_without_rebuilding_the_pane(
    app_factory: Callable[..., VeilleApp], home: Paths
) -> None:
    """Reading changes a few counts: those labels change in place (a folder the reader closed
    stays closed); a new feed from outside rebuilds the pane with it."""
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        tree = app.main.feed_tree
        row = app.main.item_list.current_row
        assert row is not None and not row.read
        key = f"feed:{row.feed_id}"
        await until(pilot, lambda: tree.entry_for(key) is not None)
        node = tree._by_key[key]
        title, unread = str(node.label).rsplit(" ", 1)
        folder = tree._by_key["folder:Presse"]
        folder.collapse()
        await pilot.press("enter")  # the current item is read
        await until(pilot, lambda: str(node.label) == f"{title} {int(unread) - 1}")
        assert tree._by_key[key] is node and not folder.is_expanded
        with open_library(home.library) as lib:
            lib.add_feed("https://new.example.org/rss.xml", title="Une nouvelle source")
        app.main.follower.load_feeds()
        await until(pilot, lambda: "Une nouvelle source" in screen_text(app))
        assert tree._by_key[key] is not node


@pytest.mark.slow
async def test_f_fetches_the_full_text_now_and_offline_says_it_cannot(
    app_factory: Callable[..., VeilleApp], home: Paths, local_server: LocalServer
) -> None:
    """A cut item: online, `f` fetches its article from the site and the reader shows it as
    soon as it arrives; offline, the reader says the full text is not available."""
    from tests.test_fulltext import PARAGRAPHS, article_page

    local_server.add(
        "/articles/cut",
        article_page("Coupé court", PARAGRAPHS),
        content_type="text/html; charset=utf-8",
    )
    with open_library(home.library) as lib:
        feed = lib.feeds()[0]
        newest = entry(
            0,
            "Coupé court",
            link=local_server.url("/articles/cut"),
            content="<p>Le début.</p><p>Lire la suite</p>",
            published=datetime(2026, 2, 6, tzinfo=UTC),
        )
        ingest(
            lib,
            feed.id,
            ParsedFeed(entries=[newest]),
            status=200,
            is_truncated=lambda e, n, text: True,
        )
    app = app_factory(offline=True)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: "Coupé court" in static_text(app, "#reader-header"))
        assert "not available offline" in static_text(app, "#reader-status")
        await pilot.press("f")
        await until(pilot, lambda: "Offline" in screen_text(app))
        assert not local_server.requests_to("/articles/cut")
    # The site is on loopback, a private address: the user allows it in config.toml.
    app = app_factory(Settings(lang="en", allow=(f"127.0.0.1:{local_server.port}",)))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(
            pilot, lambda: "press f for the full text" in static_text(app, "#reader-status")
        )
        await pilot.press("f")
        await until(pilot, lambda: "moratoire" in static_text(app, "#reader-body"), timeout=10)
        assert static_text(app, "#reader-status").startswith("Full text")
        assert local_server.requests_to("/articles/cut")


@pytest.mark.slow
async def test_opening_an_item_lowers_its_counts_without_reading_the_pane_again(
    app_factory: Callable[..., VeilleApp],
) -> None:
    """At a million items reading the pane's counts takes a core for a good part of a second:
    the counts an opening changes (its feed, its tags, the totals) go down at once, and the
    whole pane is read again only once the reading pauses."""
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        main = app.main
        tree = main.feed_tree
        reads: list[int] = []
        snapshot = main.veille.snapshot
        main.veille.snapshot = lambda: reads.append(1) or snapshot()  # type: ignore[method-assign]
        row = main.item_list.current_row
        assert row is not None and not row.read
        feed = tree._by_key[f"feed:{row.feed_id}"]
        title, unread = str(feed.label).rsplit(" ", 1)
        total = main.snapshot.unread if main.snapshot else 0
        await pilot.press("enter")
        await until(pilot, lambda: str(feed.label) == f"{title} {int(unread) - 1}")
        assert main.feed_tree.unread_of("all") == total - 1
        await pilot.pause(1.0)
        assert reads == []  # not read again while the reader reads
