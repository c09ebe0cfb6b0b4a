"""Every verb of the reader, driven by its key, checked on screen and in the library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, TextArea

from tests.storing import ingest
from tests.tui.conftest import BASE, build_library, entry
from tests.tui.helpers import notices, press_for, ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import Paths, Settings, resolve_paths
from veille.tui.app import VeilleApp, make_app
from veille.tui.screens.help import HelpScreen
from veille.tui.screens.main import MainScreen
from veille.tui.screens.note import NoteEditor
from veille.tui.screens.tags import TagEditor
from veille.tui.workers import Workers

Factory = Callable[..., VeilleApp]


@pytest.mark.slow
async def test_star_and_read_toggles(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        items = app.main.item_list
        await pilot.press("j", "s", "u")  # item 2: starred, and unread again? it was unread
        row = items.current_row
        assert row is not None and row.starred and row.read
        await pilot.press("k", "s")  # item 1 was starred: unstar it
        await until(pilot, lambda: not app.main.workers)
    with open_library(home.library) as lib:
        assert lib.item(2).starred and lib.item(2).read
        assert not lib.item(1).starred


@pytest.mark.slow
async def test_tag_editor_adds_and_removes_several_tags(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("j", "t")  # item 2 has #climat
        await until(pilot, lambda: isinstance(app.screen, TagEditor))
        editor = app.screen
        assert isinstance(editor, TagEditor)
        tags = editor.query_one("#tag-list")
        tags.deselect("climat")  # type: ignore[attr-defined]
        box = editor.query_one("#tag-input")
        box.value = "ue/ai-act, nouveau"  # type: ignore[attr-defined]
        await press_for(pilot, "enter", MainScreen)  # one Enter saves
        await until(pilot, lambda: "#nouveau" in screen_text(app))
        row = app.main.item_list.current_row
        assert row is not None and set(row.tags) == {"ue/ai-act", "nouveau"}
    with open_library(home.library) as lib:
        assert set(lib.item(2).tags) == {"ue/ai-act", "nouveau"}


@pytest.mark.slow
async def test_tag_editor_completes_from_known_tags(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await press_for(pilot, "t", TagEditor)
        await pilot.press("c", "l")
        await until(pilot, lambda: "climat" in screen_text(app).split("new tags")[-1])
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.slow
async def test_note_editor_saves_a_multiline_note(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("enter", "a")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor))
        area = app.screen.query_one("#note-text")
        area.load_text("Première ligne\nseconde [b]ligne[/b]")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Première ligne" in static_text(app, "#reader-header"))
        assert "[b]ligne[/b]" in static_text(app, "#reader-header")
    with open_library(home.library) as lib:
        assert lib.item(1).note == "Première ligne\nseconde [b]ligne[/b]"


@pytest.mark.slow
async def test_a_paste_lands_once_and_without_control_characters(app_factory: Factory) -> None:
    pasted = "collé\x1b]2;owned\x07 ici"
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await press_for(pilot, "a", NoteEditor)
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        area = app.screen.query_one("#note-text", TextArea)
        assert area.text == "collé]2;owned ici"
        assert screen_text(app).count("collé") == 1
        await pilot.press("escape")
        await press_for(pilot, "t", TagEditor)
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert app.screen.query_one("#tag-input", Input).value == "collé]2;owned ici"
        await pilot.press("escape")
        await pilot.press("slash")
        box = app.main.query_one("#search", Input)
        await until(pilot, lambda: box.has_focus)
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert box.value == "collé]2;owned ici"


@pytest.mark.slow
async def test_note_editor_uses_the_editor_from_the_environment(
    app_factory: Factory,
    home: Paths,
    tmp_path: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = home.data / "fake-editor"
    script.write_text("#!/bin/sh\nprintf 'written by the editor' > \"$1\"\n")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await press_for(pilot, "a", NoteEditor)
        await pilot.press("ctrl+e")
        area = app.screen.query_one("#note-text")
        assert area.text == "written by the editor"  # type: ignore[attr-defined]
        await pilot.press("escape")  # cancelled: nothing saved
    with open_library(home.library) as lib:
        assert lib.item(1).note == ""


@pytest.mark.slow
async def test_mark_all_read_and_undo(app_factory: Factory, home: Paths) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("A")
        await until(pilot, lambda: app.main.marker.undo_ids)
        with open_library(home.library) as lib:
            assert lib.stats().unread == 0
        await pilot.press("U")
        await until(pilot, lambda: not app.main.workers)
    with open_library(home.library) as lib:
        assert lib.stats().unread == 16


@pytest.mark.slow
async def test_next_unread_skips_read_items(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        items = app.main.item_list
        await pilot.press("j", "j")  # item 3; items 4 and 5 are read
        await pilot.press("n")
        await until(pilot, lambda: items.cursor == 5)
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        assert app.main.reader_pane.item is not None
        assert app.main.reader_pane.item.title == "Article 6 from feed 0"
        await pilot.press("N")
        await until(pilot, lambda: items.cursor == 2)


@pytest.mark.slow
async def test_space_opens_then_pages(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("space")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        await pilot.press("space")  # a short item is at its end: on to the next unread
        await until(pilot, lambda: app.main.item_list.cursor == 1)


@pytest.mark.slow
async def test_open_in_browser_and_copy_link(
    app_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(Workers, "open_url", staticmethod(opened.append))
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await until(pilot, lambda: opened)
        assert opened == ["https://example.org/articles/1"]
        await pilot.press("y")
        assert app.clipboard == "https://example.org/articles/1"


@pytest.mark.slow
async def test_search_narrows_the_list_as_you_type(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        items = app.main.item_list
        await pilot.press("slash", "1", "7")
        await until(pilot, lambda: items.count == 1)
        await until(pilot, lambda: "search: 17" in screen_text(app))  # the status follows
        await pilot.press("enter")
        assert app.focused is items
        await pilot.press("escape")
        await until(pilot, lambda: items.count == 18)


@pytest.mark.slow
async def test_a_bad_query_says_where_and_keeps_the_last_good_list(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        items = app.main.item_list
        await pilot.press("slash", *"tag:climat")
        await until(pilot, lambda: items.count == 2)
        await pilot.press(*" OR (")
        await until(pilot, lambda: "column" in screen_text(app))
        assert items.count == 2  # still the last good result
        assert not app._notifications  # type: ignore[attr-defined]  # no error popup
        await pilot.press(*"is:starred)")
        await until(pilot, lambda: items.count == 3)
        assert "column" not in screen_text(app)


@pytest.mark.slow
async def test_help_lists_every_binding_with_its_keys(app_factory: Factory) -> None:
    app = app_factory(Settings(lang="en", keymap={"star": "x"}))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await press_for(pilot, "question_mark", HelpScreen)
        text = static_text(app, "#help-keys")
        for binding_id in (
            "star",
            "tags",
            "note",
            "open-browser",
            "copy-link",
            "search",
            "refresh-all",
            "zoom",
            "next-unread",
            "link-prompt",
        ):
            assert binding_id in text
        assert "x    " in text or "x " in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.slow
async def test_keymap_from_settings_remaps_a_binding(app_factory: Factory, home: Paths) -> None:
    app = app_factory(Settings(lang="en", keymap={"star": "x"}))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("j", "x")
        row = app.main.item_list.current_row
        assert row is not None and row.starred


@pytest.mark.slow
async def test_q_leaves_zoom_then_quits(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("z")
        assert app.main.has_class("-zoomed")
        await pilot.press("q")
        assert not app.main.has_class("-zoomed")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.slow
async def test_verbs_grey_out_where_they_do_not_apply(app_factory: Factory) -> None:
    app = app_factory(offline=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        main = app.main
        assert main.check_action("star", ()) is True
        assert main.check_action("undo", ()) is None  # nothing to undo yet
        assert main.check_action("refresh_all", ()) is True  # offline: it says so when pressed
        await pilot.press("J")  # the failing feed holds no item
        await until(pilot, lambda: main.item_list.count == 0 and not main.item_list.fetching)
        for action in ("star", "tags", "note", "toggle_read", "browser", "copy_link"):
            assert main.check_action(action, ()) is None
        await pilot.press("s", "t", "a", "u", "o", "y")  # all harmless here
        assert isinstance(app.screen, MainScreen)


@pytest.mark.slow
async def test_footnote_links_open_by_number(
    app_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("veille.tui.render.terminal")
    opened: list[str] = []
    monkeypatch.setattr(Workers, "open_url", staticmethod(opened.append))
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.main.reader_pane.links)
        await pilot.press("1")
        await until(pilot, lambda: opened)
        assert opened == ["https://example.org/ref/1"]
        await pilot.press("g")
        await pilot.press("1", "enter")
        await until(pilot, lambda: len(opened) == 2)


@pytest.mark.slow
async def test_a_link_number_the_article_lacks_is_told(
    app_factory: Factory, home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(Workers, "open_url", staticmethod(opened.append))
    with open_library(home.library) as lib:
        plain = entry(99, "Nothing to follow", content="<p>No link at all.</p>", published=BASE)
        ingest(lib, lib.feeds()[0].id, ParsedFeed(entries=[plain]))
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: "No link at all." in static_text(app, "#reader-body"))
        await pilot.press("1")
        await until(pilot, lambda: "The article has no link 1." in notices(app))
        await pilot.press("g")
        await until(pilot, lambda: "The article has no numbered links." in notices(app))
        assert isinstance(app.screen, MainScreen)
        assert opened == []


@pytest.mark.slow
async def test_current_search_is_saved_in_one_key(app_factory: Factory, home: Paths) -> None:
    from veille.tui.screens.save_search import SaveSearchPrompt

    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("S")  # nothing searched yet: it says what to do
        assert not isinstance(app.screen, SaveSearchPrompt)
        await pilot.press("slash", *"feed", "enter")
        await until(pilot, lambda: app.main.search_text == "feed")
        await press_for(pilot, "S", SaveSearchPrompt)
        await pilot.press("ctrl+a", "ctrl+k", *"Mes flux", "enter")
        await until(pilot, lambda: "Mes flux" in screen_text(app))
    with open_library(home.library) as lib:
        assert [(s.name, s.query) for s in lib.saved_searches()] == [("Mes flux", "feed")]


@pytest.mark.slow
async def test_searching_leaves_the_footer_alone(app_factory: Factory) -> None:
    """The search box takes the letters while it has the focus; the footer keeps showing the
    verbs instead of being rebuilt without them (a quarter of a second on a large library)."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        before = list(footer.query(FooterKey))
        assert any(key.description == "Star" for key in before)
        await pilot.press("slash", *"tag:climat")
        await until(pilot, lambda: app.main.item_list.count == 2)
        await pilot.pause()
        assert list(footer.query(FooterKey)) == before  # the very same widgets
        await pilot.press("enter")
        row = app.main.item_list.current_row
        assert row is not None and not row.starred
        await pilot.press("s")  # the verbs act again at once
        await until(pilot, lambda: (r := app.main.item_list.current_row) is not None and r.starred)


@pytest.mark.slow
async def test_letters_typed_right_after_slash_go_to_the_box(app_factory: Factory) -> None:
    """A terminal may deliver `/17` in one read: the letters after `/` are the query's, not
    verbs of the list (`1` would have opened the reader's first link). A `/` typed in the box
    is a character of the query."""
    from textual import events
    from textual.widgets import Input

    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        items = app.main.item_list
        for key, character in (("slash", "/"), ("1", "1"), ("7", "7")):
            app.post_message(events.Key(key, character))  # all queued before the first runs
        box = app.main.query_one("#search", Input)
        await until(pilot, lambda: box.value == "17")
        await until(pilot, lambda: items.count == 1)
        await pilot.press("slash")
        assert box.value == "17/" and app.focused is box
        await pilot.press("q")  # a letter of the query, not Back/quit
        assert box.value == "17/q" and app.return_code is None


async def test_q_then_slash_in_one_read_quits(app_factory: Factory) -> None:
    """`/` is handled before the keys queued ahead of it reach the list: `q` must be too, or
    `q/` opens the search box and `q` then only leaves it."""
    from textual import events

    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        for key, character in (("q", "q"), ("slash", "/")):
            app.post_message(events.Key(key, character))
        await pilot.pause(0.3)
    assert app.return_code == 0


async def test_arrows_pages_home_and_end_move_the_cursor_in_the_list(tmp_path: Path) -> None:
    """With the list focused, its keys move the cursor (the row the verbs act on), never the
    view alone: on a list longer than the screen, a scroll view's own bindings took Down, PgDn,
    Home and End and left the cursor where it was."""
    home = resolve_paths(tmp_path / "home")
    build_library(home, per_feed=40)  # 120 items: the list scrolls
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        items = app.main.item_list
        assert app.focused is items and items.cursor == 0

        async def after(key: str) -> tuple[int, str]:
            await pilot.press(key)
            await pilot.pause()
            row = items.current_row
            assert row is not None
            return items.cursor, row.title

        assert await after("down") == (1, "Article 2 from feed 0")
        assert await after("up") == (0, "Article 1 from feed 0")
        cursor, _ = await after("pagedown")
        assert cursor > 20 and items.scroll_offset.y <= cursor
        assert await after("end") == (119, "Article 120 from feed 2")
        assert await after("home") == (0, "Article 1 from feed 0")
        assert (await after("pageup"))[0] == 0
