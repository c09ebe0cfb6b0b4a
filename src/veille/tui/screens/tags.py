"""The tag editor: add and remove several tags at once, with completion from existing tags.

Current tags are listed checked; unchecking removes them. The input takes one or several new tags
separated by commas and completes from the tags the library already has; a tag not yet known is
created when saved.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from veille.text import clean_line
from veille.tui.widgets.inputs import SafeInput

TagChange = tuple[list[str], list[str]]


def split_tags(text: str) -> list[str]:
    return [t for t in (clean_line(p) for p in text.split(",")) if t]


class TagEditor(ModalScreen[TagChange | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tags-cancel"),
        Binding("ctrl+s", "save", "Save", id="tags-save"),
    ]

    def __init__(self, current: list[str], known: list[str], *, title: str = "Tags") -> None:
        super().__init__()
        self.title_text = clean_line(title)
        # Tags a library of any age holds, made safe to draw; a changed name is then saved
        # cleaned, which is what the library would store today.
        self.current = [clean_line(t) for t in current]
        self.known = sorted({clean_line(t) for t in known} | set(self.current))
        self.closing = False  # set by the first save or cancel: later keys belong elsewhere

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield SelectionList[str](
                *(Selection(Content(tag), tag, True) for tag in self.current), id="tag-list"
            )
            yield SafeInput(
                placeholder="new tags, separated by commas",
                suggester=SuggestFromList(self.known, case_sensitive=False),
                id="tag-input",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="tag-save")
                yield Button("Cancel", id="tag-cancel")

    def on_mount(self) -> None:
        self.query_one("#tag-input", Input).focus()

    @on(Input.Submitted, "#tag-input")
    def add_typed(self, event: Input.Submitted) -> None:
        if self.closing:
            return
        names = split_tags(event.value)
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
        event.input.value = ""

    @on(Button.Pressed, "#tag-save")
    def action_save(self) -> None:
        if self.closing:
            return
        self.closing = True
        selections = self.query_one("#tag-list", SelectionList)
        pending = split_tags(self.query_one("#tag-input", Input).value)
        chosen = set(selections.selected) | set(pending)
        add = sorted(chosen - set(self.current))
        remove = sorted(set(self.current) - chosen)
        # Dismissal completes on a later turn of the loop: until then, keys typed next must
        # not land in this editor (and from there, on this item).
        self.query_one("#tag-input", Input).disabled = True
        self.dismiss((add, remove))

    @on(Button.Pressed, "#tag-cancel")
    def action_cancel(self) -> None:
        if self.closing:
            return
        self.closing = True
        self.dismiss(None)
