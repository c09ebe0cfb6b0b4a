"""Naming the current search to keep it in the feeds pane (`S`)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.widgets.inputs import SafeInput


class SaveSearchPrompt(ModalScreen[str | None]):
    """Asks for a name (prefilled from the query); dismisses with it, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save-search-cancel")
    ]

    def __init__(self, query: str) -> None:
        super().__init__()
        self.search_query = query

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-dialog", classes="dialog"):
            yield Label(Content(_("Save this search as")), classes="dialog-title")
            yield Label(Content(self.search_query), classes="dialog-hint")
            yield SafeInput(value=clean_line(self.search_query, 60), id="save-search-name")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def chosen(self, event: Input.Submitted) -> None:
        name = clean_line(event.value, 200)
        self.dismiss(name or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
