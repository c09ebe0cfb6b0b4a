"""Small questions the app asks: a line of text (an address, a name, a folder), yes or no, or
one choice among several. Each dismisses with the answer, or None when Esc is pressed."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.widgets.inputs import SafeInput


class Ask(ModalScreen[str | None]):
    """One line of text, prefilled with `value`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="ask-cancel")
    ]

    def __init__(self, title: str, value: str = "", *, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog ask-dialog"):
            yield Label(Content(clean_line(self.title_text)), classes="dialog-title")
            if self.hint:
                yield Label(Content(self.hint), classes="dialog-hint")
            yield SafeInput(value=clean_line(self.value), id="ask-value")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def chosen(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes-or-no question: `y` answers yes, `n` or Esc no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", _("Yes"), id="confirm-yes"),
        Binding("n,escape", "answer(False)", _("No"), id="confirm-no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog ask-dialog"):
            yield Label(Content(clean_line(self.question)), classes="dialog-title")
            yield Label(Content(_("y: yes · n or Esc: no")), classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class Choose(ModalScreen[str | None]):
    """One of several (value, label) choices."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="choose-cancel")
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog ask-dialog"):
            yield Label(Content(clean_line(self.title_text)), classes="dialog-title")
            yield OptionList(*(Option(Content(clean_line(label))) for _v, label in self.choices))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
