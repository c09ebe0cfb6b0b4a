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


def counts_text() -> str:
    """What the numbers of the feeds pane and the status line count."""
    return _(
        "Counts: the feeds pane shows the unread items beside each entry (a folder or a parent "
        "tag adds up its children); the status line shows the view's unread items / the rows "
        "of its list. A story told by several feeds is one row of the list, marked +N (its "
        "other sources). Tab and Shift+Tab move between the feeds pane, the list and the "
        "article; the movement keys move the pane that has the focus."
    )


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
            yield Static(Content(counts_text()), id="help-counts")

    def action_close(self) -> None:
        self.dismiss(None)
