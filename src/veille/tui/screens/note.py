"""The note editor: a multi-line text area, or the user's own `$EDITOR`.

`$EDITOR` runs with the app suspended, given the note in a private temporary file; it is started
as a program with arguments, never through a shell.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

from veille.text import strip_controls
from veille.tui.widgets.inputs import SafeTextArea


def edit_externally(text: str, editor: str) -> str | None:
    """Run `editor` on `text`; the edited text, or None if the editor failed."""
    fd, name = tempfile.mkstemp(prefix="veille-note-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        if result.returncode != 0:
            return None
        return strip_controls(path.read_text(encoding="utf-8"))
    finally:
        path.unlink(missing_ok=True)


class NoteEditor(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
        Binding("ctrl+s", "save", "Save", id="note-save"),
        Binding("ctrl+e", "external", "$EDITOR", id="note-editor", priority=True),
    ]

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(Content("Note (ctrl+s saves, escape cancels)"), classes="dialog-title")
            yield SafeTextArea(self.note, id="note-text", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="note-save")
                yield Button("Cancel", id="note-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "external":
            return bool(os.environ.get("EDITOR"))
        return True

    def action_external(self) -> None:
        editor = os.environ.get("EDITOR", "")
        if not editor:
            return
        area = self.query_one(TextArea)
        if self.app.is_headless:  # no terminal to hand over (tests, scripted runs)
            edited = edit_externally(area.text, editor)
        else:
            try:
                with self.app.suspend():
                    edited = edit_externally(area.text, editor)
            except SuspendNotSupported:
                self.notify("This terminal cannot hand over to $EDITOR.", severity="warning")
                return
        if edited is None:
            self.notify(
                "The editor did not finish cleanly; the note is unchanged.", severity="warning"
            )
            return
        area.load_text(edited)

    @on(Button.Pressed, "#note-save")
    def action_save(self) -> None:
        self.dismiss(strip_controls(self.query_one(TextArea).text).strip())

    @on(Button.Pressed, "#note-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
