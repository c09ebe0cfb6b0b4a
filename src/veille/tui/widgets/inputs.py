"""Text boxes that never hold what a terminal would obey.

An editor shows text from the library (a tag, a saved search, a watch rule, a feed title, a
note) and whatever the user pastes into it. Either may carry escape sequences: an old library
or a state file may have stored them before they were cleaned at entry, and a paste is raw.
Textual strips only a few controls when it draws, so ESC, CSI and OSC (a title change, a
screen clear, the clipboard rewritten by OSC 52) would reach the terminal. These boxes remove
them from every value they are given, typed, pasted or set.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from veille.core.text import terminal_safe


class SafeInput(Input):
    """An `Input` whose value holds no control or bidi character."""

    def validate_value(self, value: str) -> str:
        return terminal_safe(value).replace("\n", " ").replace("\t", " ")


class SafeTextArea(TextArea):
    """A `TextArea` whose text holds no control character but tab and newline."""

    def __init__(self, text: str = "", *, id: str | None = None, soft_wrap: bool = True) -> None:
        super().__init__(terminal_safe(text), id=id, soft_wrap=soft_wrap)

    def load_text(self, text: str) -> None:
        super().load_text(terminal_safe(text))

    async def _on_paste(self, event: events.Paste) -> None:
        # Textual calls every `_on_paste` along the class's MRO, this one first: cleaning the
        # text here is enough, as TextArea's own handler then inserts it.
        event.text = terminal_safe(event.text)
