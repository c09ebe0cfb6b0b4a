"""The morning at the keyboard: newsboat's reading loop, panes that follow the focus, the verbs
on the article shown, the link list, hiding read items and the orders of a view."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from tests.storing import ingest
from tests.tui.conftest import BASE, entry
from tests.tui.helpers import notices, press_for, ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.model import Enclosure, ParsedFeed
from veille.core.settings import Paths, PipeSettings, Settings
from veille.tui.app import VeilleApp
from veille.tui.links import LinkList
from veille.tui.messages import LibraryChanged
from veille.tui.piping import PipeOutput
from veille.tui.screens.main import MainScreen
from veille.tui.screens.note import NoteEditor
from veille.tui.screens.tags import TagEditor
from veille.tui.widgets.reader import reading_minutes
from veille.tui.workers import Workers

Factory = Callable[..., VeilleApp]
pytestmark = pytest.mark.slow


async def test_n_crosses_to_the_next_feed_with_unread_items_then_wraps(
    app_factory: Factory,
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        main = app.main
        main.feed_tree.select_key("feed:1")  # Feed 0: its last item is unread
        await until(pilot, lambda: main.entry.key == "feed:1" and main.item_list.count == 6)
        await pilot.press("end", "k", "n")  # from item 5 (read) to item 6
        await until(pilot, lambda: main.reader_pane.item is not None)
        item = main.reader_pane.item
        assert item is not None and item.title == "Article 6 from feed 0"
        await pilot.press("n")  # nothing after it in Feed 0: on to Feed 2, its first unread
        await until(pilot, lambda: main.entry.key == "feed:3")
        await until(pilot, lambda: "Feed 2" in static_text(app, "#reader-header"))
        assert "Next feed: Feed 2" in notices(app)
        assert main.reader_pane.item is not None
        assert main.reader_pane.item.title == "Article 13 from feed 2"
        await pilot.press("end", "n")  # past the last feed: back to the first with unread
        await until(pilot, lambda: main.entry.key == "feed:2")
        await until(pilot, lambda: "Wrapped to the first feed: Feed 1" in notices(app))
        await until(pilot, lambda: "Article 7 from feed 1" in static_text(app, "#reader-header"))


@pytest.mark.parametrize("view", ["tag:climat", "starred", "search"])
async def test_n_goes_on_from_a_view_with_nothing_unread_to_the_first_feed_with_some(
    app_factory: Factory, home: Paths, view: str
) -> None:
    with open_library(home.library) as lib:
        lib.set_read([1, 2, 3])  # the starred item and the two tagged #climat
        search = lib.save_search("Climat", "tag:climat")
    key = f"search:{search.id}" if view == "search" else view
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        main = app.main
        await until(pilot, lambda: main.feed_tree.entry_for(key) is not None)
        main.feed_tree.select_key(key)
        await until(pilot, lambda: main.entry.key == key and not main.item_list.fetching)
        await pilot.press("n")  # Feed 1 comes first in the pane (Institutions, then Presse)
        await until(pilot, lambda: main.entry.key == "feed:2")
        await until(pilot, lambda: "Article 7 from feed 1" in static_text(app, "#reader-header"))
        assert "Next feed: Feed 1" in notices(app)
        assert "No unread items left." not in notices(app)


async def test_movement_keys_move_the_pane_that_has_the_focus(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        main = app.main
        await pilot.press("shift+tab")  # from the list back to the feeds pane
        await until(pilot, lambda: main.focused is main.feed_tree)
        line = main.feed_tree.cursor_line
        await pilot.press("j", "j")
        assert main.feed_tree.cursor_line == line + 2
        assert main.item_list.cursor == 0  # the list behind it did not move
        await pilot.press("k")
        assert main.feed_tree.cursor_line == line + 1


async def test_verbs_act_on_the_article_shown_when_the_reader_has_the_focus(
    app_factory: Factory,
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        main = app.main
        await pilot.press("j", "enter")  # item 2, which has a note
        await until(pilot, lambda: main.reader_pane.item is not None)
        await pilot.press("j", "j")  # the list's cursor moves on to item 4
        main.reader_pane.focus()
        await pilot.pause()
        await pilot.press("j")  # scrolls the article, the list stays
        assert main.item_list.cursor == 3
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor))
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert "Relire avant lundi" in editor.query_one("#note-text", TextArea).text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main)
        await pilot.press("s")  # the star goes on the article shown, not on item 4
        await until(pilot, lambda: "★" in static_text(app, "#reader-header"))
        row = main.item_list.row_at(3)
        assert row is not None and not row.starred


async def test_link_list_shows_every_url_and_opens_or_copies_it(
    app_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(Workers, "open_url", staticmethod(browser))
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        main = app.main
        await pilot.press("enter")
        await until(pilot, lambda: main.reader_pane.item is not None)
        links = await press_for(pilot, "l", LinkList)
        text = screen_text(app)
        assert "https://example.org/articles/1" in text
        assert "https://example.org/ref/1" in text
        await pilot.press("j", "y")
        assert app.clipboard == "https://example.org/ref/1"
        await pilot.press("enter")
        await until(pilot, lambda: opened == ["https://example.org/ref/1"])
        await until(
            pilot, lambda: "Opened in the browser: https://example.org/ref/1" in notices(app)
        )
        assert links.is_active


async def test_o_says_when_no_browser_could_open_the_link(
    app_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Workers, "open_url", staticmethod(lambda url: False))
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await until(pilot, lambda: "No browser could be opened here" in notices(app))
        assert app.clipboard == "https://example.org/articles/1"


async def test_h_hides_read_items_per_view_and_remembers_it(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        main = app.main
        assert main.item_list.count == 18
        await pilot.press("h")
        await until(pilot, lambda: main.item_list.count == 16)  # items 4 and 5 are read
        assert "Read items hidden here" in notices(app)
        await until(pilot, lambda: not main.workers)
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.main.item_list.count == 16)
        app.main.feed_tree.select_key("feed:2")  # another view: every item shows
        await until(pilot, lambda: app.main.entry.key == "feed:2")
        await until(pilot, lambda: app.main.item_list.count == 6)


def _listed(app: VeilleApp) -> list[str]:
    """The item list's rows on screen (the column between the feeds pane and the reader)."""
    columns = [line.split("│") for line in screen_text(app).splitlines()]
    return [parts[1] for parts in columns if len(parts) > 2 and "Article" in parts[1]]


async def _reloaded(pilot: Pilot[None], main: MainScreen) -> None:
    """The list read again, as after the app's own look for changes sees a read mark."""
    generation = main.item_list.generation
    main.post_message(LibraryChanged(feeds=True))
    await until(pilot, lambda: main.item_list.generation > generation)
    await until(pilot, lambda: not main.item_list.fetching)
    await pilot.pause()


@pytest.mark.parametrize("hiding", ["unread view", "h"])
async def test_an_item_read_in_an_unread_list_stays_until_the_view_is_left(
    app_factory: Factory, home: Paths, hiding: str
) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        main = app.main
        if hiding == "h":
            await pilot.press("h")
        else:
            main.feed_tree.select_key("unread")
        await until(pilot, lambda: main.item_list.count == 16)  # items 4 and 5 are read
        await pilot.press("j", "enter")
        await until(
            pilot, lambda: bool(main.item_list.current_row and main.item_list.current_row.read)
        )
        await _reloaded(pilot, main)
        row = main.item_list.current_row
        assert row is not None and row.title == "Article 2 from feed 0"
        assert main.item_list.count == 16
        assert "Article 2 from feed 0" in _listed(app)[1]
        await pilot.press("u")  # unread again: the article just read, not the one below it
        await until(pilot, lambda: not main.workers)
        with open_library(home.library) as lib:
            assert not lib.item(2).read and not lib.item(3).read
        await pilot.press("enter")
        await until(
            pilot, lambda: bool(main.item_list.current_row and main.item_list.current_row.read)
        )
        main.feed_tree.select_key("starred")  # leaving the view lets the read items go
        await until(pilot, lambda: main.entry.key == "starred")
        if hiding == "h":
            main.feed_tree.select_key("all")
            await until(pilot, lambda: main.entry.key == "all" and main.item_list.count == 15)
        else:
            main.feed_tree.select_key("unread")
            await until(pilot, lambda: main.entry.key == "unread" and main.item_list.count == 15)
        await pilot.pause()
        assert not any("Article 2 from" in line for line in _listed(app))


async def test_sort_cycles_the_orders_of_a_view(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        main = app.main

        def first() -> str:
            row = main.item_list.row_at(0)
            return row.title if row else ""

        await pilot.press("O")  # oldest first
        await until(pilot, lambda: first() == "Article 18 from feed 2")
        assert "Sorted oldest first." in notices(app)
        await pilot.press("O")  # by title: "Article 1 …", "Article 10 …"
        await until(pilot, lambda: first() == "Article 1 from feed 0")
        row = main.item_list.row_at(1)
        assert row is not None and row.title == "Article 10 from feed 1"
        await pilot.press("O")  # by feed, newest first within each
        await until(pilot, lambda: "Sorted by feed." in notices(app))
        await until(pilot, lambda: first() == "Article 1 from feed 0")
        row = main.item_list.row_at(6)
        assert row is not None and row.title == "Article 7 from feed 1"


async def test_tag_editor_lists_matches_to_choose_with_arrows_and_saves_on_one_enter(
    app_factory: Factory, home: Paths
) -> None:
    with open_library(home.library) as lib:
        lib.tag([7], add=["cnil/sanctions", "cnil/avis", "surveillance/cnil"])
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        editor = await press_for(pilot, "t", TagEditor)
        await pilot.press(*"cnil")
        matches = editor.query_one("#tag-matches", OptionList)
        await until(pilot, lambda: matches.option_count == 3)
        listed = [str(matches.get_option_at_index(i).prompt) for i in range(3)]
        assert listed == ["cnil/avis", "cnil/sanctions", "surveillance/cnil"]
        await pilot.press("down", "down")
        await press_for(pilot, "enter", MainScreen)
        await until(pilot, lambda: not app.main.workers)
        row = app.main.item_list.current_row
        assert row is not None and row.tags == ("cnil/sanctions",)
    with open_library(home.library) as lib:
        assert lib.item(1).tags == ["cnil/sanctions"]


async def test_pipe_sends_the_item_as_json_to_a_command_and_shows_its_answer(
    app_factory: Factory,
) -> None:
    script = (
        "import json, sys; item = json.load(sys.stdin); print('got', item['title'], item['url'])"
    )
    settings = Settings(
        lang="en", pipes={"show": PipeSettings((sys.executable, "-c", script), "json")}
    )
    app = app_factory(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("vertical_line")
        await until(pilot, lambda: isinstance(app.screen, PipeOutput))
        await until(pilot, lambda: "got Article 1 from feed 0" in screen_text(app))
        assert "https://example.org/articles/1" in screen_text(app)
        assert "answered" in screen_text(app)


async def test_pipe_says_how_to_set_a_command_up_when_there_is_none(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("vertical_line")
        await until(pilot, lambda: "[pipe.NAME]" in notices(app))


async def test_reader_header_tells_the_reading_time(app_factory: Factory) -> None:
    assert reading_minutes("mot " * 700) == 3
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: "1 min read" in static_text(app, "#reader-header"))
        await pilot.press("s")  # item 1 was starred: the header redrawn for it keeps the time
        await until(pilot, lambda: "★" not in static_text(app, "#reader-header"))
        assert "1 min read" in static_text(app, "#reader-header")


async def test_enclosures_are_listed_in_the_reader_and_in_the_link_list(
    app_factory: Factory, home: Paths
) -> None:
    podcast = Enclosure("https://example.org/episode-12.mp3", "audio/mpeg", 12_345_678)
    with open_library(home.library) as lib:
        feed = lib.add_feed("https://podcast.example.org/rss.xml", title="Podcast")
        episode = entry(300, "Épisode 12", enclosures=[podcast], published=BASE)
        ingest(lib, feed.id, ParsedFeed(title="Podcast", entries=[episode]), status=200)
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        app.main.feed_tree.select_key(f"feed:{feed.id}")
        await until(pilot, lambda: app.main.item_list.count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: "Attachments" in static_text(app, "#reader-body"))
        body = static_text(app, "#reader-body")
        assert "audio/mpeg, 12.3 MB" in body and "https://example.org/episode-12.mp3" in body
        await press_for(pilot, "l", LinkList)
        await pilot.press("end", "y")
        assert app.clipboard == "https://example.org/episode-12.mp3"
