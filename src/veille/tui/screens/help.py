"""The help screen: every binding of the reader, with its id (for `[keys]` in config.toml)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from veille.core.translations import _


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def __init__(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """`rows` are (keys, description, binding id)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        keys_width = max((len(k) for k, _, _ in self.rows), default=4) + 2
        desc_width = max((len(d) for _, d, _ in self.rows), default=10) + 2
        lines = [
            Content.assemble(
                (keys.ljust(keys_width), "bold"),
                description.ljust(desc_width),
                (binding_id, "dim"),
            )
            for keys, description, binding_id in self.rows
        ]
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label(
                Content(_("Keys — remap any of them in config.toml under [keys], by id")),
                classes="dialog-title",
            )
            yield Static(Content("\n").join(lines), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
