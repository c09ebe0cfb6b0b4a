"""Editing an entry of the feeds pane (`e`): a tag, a saved search, or a feed.

- a tag: rename it everywhere (renaming onto an existing tag merges the two), or delete it from
  every item — a delete asks twice, since it touches many items at once;
- a saved search: its name and query (checked as typed), or delete it;
- a feed: its title, its folder, and its full-text policy (auto, always, never).

Each dialog only returns what was asked; the main screen does the library work in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from veille.core.model import Feed, SavedSearch
from veille.core.redact import redact_url
from veille.core.text import clean_line
from veille.core.translations import N_, _, ngettext
from veille.tui.screens.watch import query_problem
from veille.tui.widgets.inputs import SafeInput


@dataclass(frozen=True)
class EntryEdit:
    """One change to the library, described: `kind` says which fields matter."""

    kind: Literal["rename-tag", "delete-tag", "edit-search", "delete-search", "edit-feed"]
    target: str = ""  # the tag's name, or the search/feed id as text
    name: str = ""
    query: str = ""
    folder: str = ""
    policy: str = ""


POLICIES = (
    (N_("default: follow config.toml's full_text"), ""),
    (N_("auto: fetch when the feed cuts articles short"), "auto"),
    (N_("always: fetch every article"), "always"),
    (N_("never: the feed's text only"), "never"),
)


class _Dialog(ModalScreen[EntryEdit | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="entry-cancel"),
        Binding("ctrl+s", "save", "Save", id="entry-save"),
    ]

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#entry-go")
    def go(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#entry-stop")
    def stop(self) -> None:
        self.dismiss(None)

    def buttons(self, delete: str = "") -> ComposeResult:
        with Horizontal(classes="dialog-buttons"):
            yield Button(_("Save (ctrl+s)"), variant="primary", compact=True, id="entry-go")
            if delete:
                yield Button(delete, variant="error", compact=True, id="entry-delete")
            yield Button(_("Cancel (esc)"), compact=True, id="entry-stop")

    def problem(self, text: str) -> None:
        self.query_one("#entry-problem", Label).update(Content(text))


class TagDialog(_Dialog):
    def __init__(self, tag: str, items: int) -> None:
        super().__init__()
        self.tag = tag
        self.items = items
        self._confirming = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog entry-dialog"):
            yield Label(Content(_("Tag #{tag}").format(tag=self.tag)), classes="dialog-title")
            yield Static(
                Content(
                    ngettext("On {items} item.", "On {items} items.", self.items).format(
                        items=self.items
                    )
                    + " "
                    + _(
                        "Rename it below; a name already in use merges the two tags. Child tags follow."
                    )
                ),
                classes="dialog-hint",
            )
            yield SafeInput(value=self.tag, compact=True, id="entry-name")
            yield Label(Content(""), id="entry-problem")
            yield from self.buttons(delete=_("Delete tag"))

    def on_mount(self) -> None:
        self.query_one("#entry-name", Input).focus()

    def action_save(self) -> None:
        name = clean_line(self.query_one("#entry-name", Input).value, 200).strip("#/ ")
        if not name:
            self.problem(_("A tag needs a name."))
        elif name == self.tag:
            self.dismiss(None)
        else:
            self.dismiss(EntryEdit("rename-tag", target=self.tag, name=name))

    @on(Input.Submitted, "#entry-name")
    def submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#entry-delete")
    def delete(self, event: Button.Pressed) -> None:
        # Many items at once and no undo: a second press confirms.
        if not self._confirming:
            self._confirming = True
            event.button.label = _("Delete!")
            self.problem(
                _("Press Delete again to remove #{tag} from {items} items.").format(
                    tag=self.tag, items=self.items
                )
            )
            return
        self.dismiss(EntryEdit("delete-tag", target=self.tag))


class SearchDialog(_Dialog):
    def __init__(self, search: SavedSearch) -> None:
        super().__init__()
        self.search = search

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog entry-dialog"):
            yield Label(Content(_("Saved search")), classes="dialog-title")
            yield SafeInput(
                value=self.search.name, placeholder=_("name"), compact=True, id="entry-name"
            )
            yield SafeInput(
                value=self.search.query, placeholder=_("query"), compact=True, id="entry-query"
            )
            yield Label(Content(""), id="entry-problem")
            yield from self.buttons(delete=_("Delete search"))

    def on_mount(self) -> None:
        self.query_one("#entry-query", Input).focus()

    @on(Input.Changed, "#entry-query")
    def check(self, event: Input.Changed) -> None:
        self.problem(query_problem(event.value))

    def action_save(self) -> None:
        name = clean_line(self.query_one("#entry-name", Input).value, 200)
        query = self.query_one("#entry-query", Input).value.strip()
        problem = query_problem(query) or ("" if name else _("A saved search needs a name."))
        if problem:
            self.problem(problem)
            return
        self.dismiss(EntryEdit("edit-search", target=str(self.search.id), name=name, query=query))

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#entry-delete")
    def delete(self) -> None:
        self.dismiss(EntryEdit("delete-search", target=str(self.search.id), name=self.search.name))


class FeedDialog(_Dialog):
    def __init__(self, feed: Feed, folders: list[str]) -> None:
        super().__init__()
        self.feed = feed
        self.folders = folders

    def compose(self) -> ComposeResult:
        from textual.suggester import SuggestFromList

        with Vertical(classes="dialog entry-dialog"):
            yield Label(Content(_("Feed")), classes="dialog-title")
            yield Label(Content(clean_line(redact_url(self.feed.url))), classes="dialog-hint")
            yield SafeInput(
                value=self.feed.title, placeholder=_("title"), compact=True, id="entry-name"
            )
            yield SafeInput(
                value=self.feed.folder,
                placeholder=_("folder (Presse, Presse/Tech…); empty: top level"),
                suggester=SuggestFromList(self.folders, case_sensitive=False),
                compact=True,
                id="entry-folder",
            )
            yield Label(Content(_("Full text")), classes="dialog-hint")
            yield Select(
                [(_(label), value) for label, value in POLICIES],
                value=self.feed.full_text,
                allow_blank=False,
                compact=True,
                id="entry-policy",
            )
            yield Label(Content(""), id="entry-problem")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#entry-policy", Select).focus()

    def action_save(self) -> None:
        policy = self.query_one("#entry-policy", Select).value
        self.dismiss(
            EntryEdit(
                "edit-feed",
                target=str(self.feed.id),
                name=clean_line(self.query_one("#entry-name", Input).value, 500),
                folder=clean_line(self.query_one("#entry-folder", Input).value, 500).strip("/"),
                policy=policy if isinstance(policy, str) else self.feed.full_text,
            )
        )

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()
