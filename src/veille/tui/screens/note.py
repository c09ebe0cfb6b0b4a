"""The note editor: a multi-line text area, or the user's own `$EDITOR`.

`$EDITOR` runs with the app suspended, given the note in a private temporary file; it is started
as a program with arguments, never through a shell. The file is removed when the editor returns;
if the app is killed first, its name holds the app's process id, and the next editing session
removes the files whose process is gone, so a note never lingers in the temporary folder.
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

from veille.text import NOTE_LIMIT, clean_note, terminal_safe
from veille.tui.widgets.inputs import SafeTextArea

_PREFIX = "veille-note-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to judge
        return True
    return True


def sweep_stale_notes(folder: Path | None = None) -> int:
    """Remove note files left by an app that was killed while `$EDITOR` ran; how many."""
    folder = folder or Path(tempfile.gettempdir())
    removed = 0
    for path in folder.glob(f"{_PREFIX}*.md"):
        pid = path.name[len(_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            if path.stat().st_uid != os.getuid():
                continue
            path.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def edit_externally(text: str, editor: str) -> str | None:
    """Run `editor` on `text`; the edited text, or None if the editor failed."""
    sweep_stale_notes()
    fd, name = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        if result.returncode != 0:
            return None
        return terminal_safe(path.read_text(encoding="utf-8"))
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
        self.note = terminal_safe(note)

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
        text = clean_note(self.query_one(TextArea).text).strip()
        if len(text) > NOTE_LIMIT:  # kept open: a note is never cut without the user knowing
            self.notify(
                f"The note is too long ({len(text):,} characters; at most {NOTE_LIMIT:,}).",
                severity="error",
                markup=False,
            )
            return
        self.dismiss(text)

    @on(Button.Pressed, "#note-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
