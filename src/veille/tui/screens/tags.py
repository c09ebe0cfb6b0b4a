"""The tag editor: add and remove several tags at once, with completion from existing tags.

Current tags are listed checked; unchecking removes them. The input takes one or several new tags
separated by commas and completes from the tags the library already has; a tag not yet known is
created when saved.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.screens.dialog import Dialog
from veille.tui.widgets.inputs import SafeInput

TagChange = tuple[list[str], list[str]]


def split_tags(text: str) -> list[str]:
    return [t for t in (clean_line(p) for p in text.split(",")) if t]


class TagInput(SafeInput):
    """The editor's input: Enter is acted on in the order the keys were typed.

    Textual's own Enter posts a message that the screen reads later, by which time the next
    keys may already be in the box (they would become tags of this item), or a second Enter has
    posted the same text again (nothing saved). Handling Enter on the key itself keeps the
    order; keys still arriving once the editor has answered are dropped.
    """

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if not isinstance(screen, TagEditor):
            return
        if screen.answered:
            event.stop()
            event.prevent_default()
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            screen.enter(self.value)

    def _on_paste(self, event: events.Paste) -> None:
        screen = self.screen
        if isinstance(screen, TagEditor) and screen.answered:
            event.stop()
            event.prevent_default()


class TagEditor(Dialog[TagChange]):
    AUTO_FOCUS = "#tag-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tags-cancel"),
        Binding("ctrl+s", "save", "Save", id="tags-save"),
    ]

    def __init__(self, current: list[str], known: list[str], *, title: str = "Tags") -> None:
        super().__init__()
        self.title_text = title
        self.current = list(current)
        self.known = sorted(set(known) | set(current))

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Label(Content(clean_line(self.title_text)), classes="dialog-title")
            yield SelectionList[str](
                *(Selection(Content(clean_line(tag)), tag, True) for tag in self.current),
                id="tag-list",
            )
            yield TagInput(
                placeholder=_("new tags, separated by commas"),
                suggester=SuggestFromList(self.known, case_sensitive=False),
                id="tag-input",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="tag-save")
                yield Button(_("Cancel"), id="tag-cancel")

    def enter(self, typed: str) -> None:
        """Enter adds what was typed to the list; Enter on an empty box saves."""
        names = split_tags(typed)
        if not names:
            self.action_save()
            return
        selections = self.query_one("#tag-list", SelectionList)
        present = {selections.get_option_at_index(i).value for i in range(selections.option_count)}
        for name in names:
            if name in present:
                selections.select(name)
            else:
                selections.add_option(Selection(Content(name), name, True))
                present.add(name)
        self.query_one("#tag-input", Input).value = ""

    @on(Button.Pressed, "#tag-save")
    def action_save(self) -> None:
        if self.answered or not self.is_mounted:
            return
        selections = self.query_one("#tag-list", SelectionList)
        pending = split_tags(self.query_one("#tag-input", Input).value)
        chosen = set(selections.selected) | set(pending)
        add = sorted(chosen - set(self.current))
        remove = sorted(set(self.current) - chosen)
        self.answer((add, remove))

    @on(Button.Pressed, "#tag-cancel")
    def action_cancel(self) -> None:
        self.answer(None)
