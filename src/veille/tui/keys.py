"""The main screen's keys: one table, each with an id the user's keymap in config.toml can
rebind (`[keys] star = "x"`), and the help screen lists.

Navigation keys are not shown in the footer (`show=False`): they are in the help screen.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from veille.core.translations import _


def _nav(keys: str, action: str, description: str, binding_id: str) -> Binding:
    return Binding(keys, action, description, show=False, id=binding_id)


# The actions that act on the current row: unavailable (greyed in the footer) without one.
NEEDS_ROW = frozenset(
    {
        "star",
        "tags",
        "note",
        "toggle_read",
        "browser",
        "copy_link",
        "open",
        "page",
        "full_text",
        "pipe",
        "link_list",
    }
)

MAIN_BINDINGS: list[BindingType] = [
    _nav("j,down", "cursor(1)", "Next item", "down"),
    _nav("k,up", "cursor(-1)", "Previous item", "up"),
    _nav("pagedown", "cursor_page(1)", "Page down the list", "page-down"),
    _nav("pageup", "cursor_page(-1)", "Page up the list", "page-up"),
    _nav("home", "cursor_end(0)", "First item", "first"),
    _nav("end", "cursor_end(1)", "Last item", "last"),
    _nav("n", "unread(1)", "Next unread", "next-unread"),
    _nav("N", "unread(-1)", "Previous unread", "previous-unread"),
    _nav("tab", "app.focus_next", "Next pane (feeds, list, article)", "next-pane"),
    _nav("shift+tab", "app.focus_previous", "Previous pane", "previous-pane"),
    _nav("J", "feed(1)", "Next feed", "next-feed"),
    _nav("K", "feed(-1)", "Previous feed", "previous-feed"),
    Binding("enter", "open", "Open", id="open"),
    _nav("space", "page", "Open, then page down", "page"),
    Binding("v", "select", "Select", id="select"),
    Binding("s", "star", "Star", id="star"),
    Binding("t", "tags", "Tags", id="tags"),
    Binding("a", "note", "Note", id="note"),
    Binding("u", "toggle_read", "Read", id="toggle-read"),
    Binding("A", "all_read", "All read", id="all-read"),
    Binding("U", "undo", "Undo", id="undo"),
    Binding("o", "browser", "Browser", id="open-browser"),
    Binding("y", "copy_link", "Copy link", id="copy-link"),
    Binding("f", "full_text", "Full text", id="full-text"),
    Binding("l", "link_list", _("Links"), id="link-list"),
    Binding("h", "hide_read", _("Hide read"), id="hide-read"),
    Binding("vertical_line", "pipe", _("Pipe"), id="pipe"),
    _nav("O", "sort", _("Sort: newest, oldest, title, feed"), "sort"),
    # Before the key goes to the focused pane: the letters typed right after it (a terminal may
    # deliver `/cnil` in one read) are then the box's, not verbs of the list.
    Binding("slash", "search", "Search", id="search", priority=True),
    Binding("E", "export", "Export", id="export"),
    Binding("W", "watches", "Watches", id="watches"),
    Binding("F", "feeds_manager", _("Feeds"), id="feeds-manager"),
    _nav("e", "edit_entry", "Edit the tag, saved search or feed shown", "edit-entry"),
    _nav("S", "save_search", "Save the current search", "save-search"),
    Binding("r", "refresh_feed", "Refresh", id="refresh"),
    Binding("R", "refresh_all", "Refresh all", id="refresh-all"),
    Binding("z", "zoom", "Zoom", id="zoom"),
    Binding("question_mark", "help", "Help", id="help"),
    # In order with `/` (a priority binding too): `q/` in one read quits, it does not first
    # open the search box and then leave it.
    Binding("q", "back", "Back/quit", id="back", priority=True),
    _nav("escape", "escape", "Leave the search or the zoom", "escape"),
    _nav("g", "link_prompt", "Open link number…", "link-prompt"),
    *(_nav(str(n), f"link({n})", f"Open link {n}", f"link-{n}") for n in range(1, 10)),
    _nav("left_square_bracket", "resize('feeds', -2)", "Narrower feeds pane", "feeds-narrower"),
    _nav("right_square_bracket", "resize('feeds', 2)", "Wider feeds pane", "feeds-wider"),
    _nav("minus", "resize('list', -2)", "Smaller item list", "list-smaller"),
    _nav("plus,equals_sign", "resize('list', 2)", "Larger item list", "list-larger"),
]
