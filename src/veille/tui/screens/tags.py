"""The tag editor: add and remove several tags at once, with completion from existing tags.

Current tags are listed checked; unchecking removes them. The input takes one or several new tags
separated by commas; under it, the library's tags that match the tag being typed are listed
(those starting with it first, then those containing it, so `cnil` finds `cnil/sanctions`).
Up and Down choose one, Tab takes it into the box, and one Enter saves: the chosen match (or
what was typed) with the checked tags. A tag not yet known is created when saved.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.screens.dialog import Dialog
from veille.tui.widgets.inputs import SafeInput

TagChange = tuple[list[str], list[str]]


MATCHES = 8  # completions listed at once


def split_tags(text: str) -> list[str]:
    return [t for t in (clean_line(p) for p in text.split(",")) if t]


def matching_tags(known: list[str], typed: str, exclude: set[str]) -> list[str]:
    """Known tags for the tag being typed: starting with it, then containing it."""
    word = typed.strip().casefold()
    if not word:
        return []
    starts = [t for t in known if t.casefold().startswith(word) and t not in exclude]
    inside = [t for t in known if word in t.casefold() and t not in exclude and t not in starts]
    return (starts + inside)[:MATCHES]


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
        elif event.key in ("down", "up"):
            event.stop()
            event.prevent_default()
            screen.choose(1 if event.key == "down" else -1)
        elif event.key == "tab" and screen.chosen() is not None:
            event.stop()
            event.prevent_default()
            screen.take_chosen()

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
            yield TagInput(placeholder=_("new tags, separated by commas"), id="tag-input")
            yield OptionList(id="tag-matches")
            yield Label(
                Content(_("↑↓ choose a tag · Tab takes it · Enter saves · Esc cancels")),
                id="tag-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="tag-save")
                yield Button(_("Cancel"), id="tag-cancel")

    def on_mount(self) -> None:
        self.query_one("#tag-matches", OptionList).display = False

    @on(Input.Changed, "#tag-input")
    def _typed(self, event: Input.Changed) -> None:
        """List the known tags matching the last tag of the box (after its last comma)."""
        parts = event.value.split(",")
        before = {clean_line(p) for p in parts[:-1]}
        found = matching_tags(self.known, parts[-1], before)
        matches = self.query_one("#tag-matches", OptionList)
        matches.clear_options()
        matches.add_options([Option(Content(clean_line(t)), id=t) for t in found])
        matches.display = bool(found)
        matches.highlighted = None

    def chosen(self) -> str | None:
        matches = self.query_one("#tag-matches", OptionList)
        if not matches.display or matches.highlighted is None:
            return None
        return matches.get_option_at_index(matches.highlighted).id

    def choose(self, step: int) -> None:
        matches = self.query_one("#tag-matches", OptionList)
        if not matches.display or not matches.option_count:
            return
        now = matches.highlighted
        if now is None:
            matches.highlighted = 0 if step > 0 else matches.option_count - 1
        else:
            matches.highlighted = max(0, min(now + step, matches.option_count - 1))

    def _with_chosen(self, typed: str) -> str:
        chosen = self.chosen()
        if chosen is None:
            return typed
        parts = typed.split(",")
        parts[-1] = chosen
        return ",".join(parts)

    def take_chosen(self) -> None:
        box = self.query_one("#tag-input", Input)
        box.value = self._with_chosen(box.value) + ", "
        box.cursor_position = len(box.value)

    def enter(self, typed: str) -> None:
        """One Enter saves: what was typed (its last tag replaced by the chosen match)."""
        box = self.query_one("#tag-input", Input)
        box.value = self._with_chosen(typed)
        self.action_save()

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
