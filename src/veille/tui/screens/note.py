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

from veille.core.text import NOTE_LIMIT, clean_note, terminal_safe
from veille.core.translations import _
from veille.tui.widgets.inputs import SafeTextArea

EDITING = "editing"  # the folder, inside the library's own, of notes open in $EDITOR
_PREFIX = "note-"


def editing_folder(data: Path) -> Path:
    return data / EDITING


def edit_externally(text: str, editor: str, folder: Path | None = None) -> str | None:
    """Run `editor` on `text`; the edited text, or None if the editor failed.

    The note goes to a file private to the user (0600, in a 0700 folder of the library's own
    unless `folder` is None) named for this process, so that a run killed while the editor was
    open leaves a file the next run can recognise as nobody's and remove (`sweep_notes`).
    """
    if folder is not None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", suffix=".md", dir=folder)
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


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def sweep_notes(folder: Path) -> int:
    """Remove the notes left by runs that were killed with their editor open; say how many.

    A file whose process still runs belongs to another veille window and is left alone.
    """
    removed = 0
    try:
        names = list(folder.glob(f"{_PREFIX}*.md"))
    except OSError:
        return 0
    for path in names:
        pid_text = path.name[len(_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or (pid < 2**22 and _running(pid)):
            continue
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


class NoteEditor(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
        Binding("ctrl+s", "save", "Save", id="note-save"),
        Binding("ctrl+e", "external", "$EDITOR", id="note-editor", priority=True),
    ]

    def __init__(self, note: str, *, folder: Path | None = None) -> None:
        super().__init__()
        self.note = terminal_safe(note)
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(Content(_("Note (ctrl+s saves, escape cancels)")), classes="dialog-title")
            yield SafeTextArea(self.note, id="note-text", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="note-save")
                yield Button(_("Cancel"), id="note-cancel")

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
            edited = edit_externally(area.text, editor, self.folder)
        else:
            try:
                with self.app.suspend():
                    edited = edit_externally(area.text, editor, self.folder)
            except SuspendNotSupported:
                self.notify(_("This terminal cannot hand over to $EDITOR."), severity="warning")
                return
        if edited is None:
            self.notify(
                _("The editor did not finish cleanly; the note is unchanged."), severity="warning"
            )
            return
        area.load_text(edited)

    @on(Button.Pressed, "#note-save")
    def action_save(self) -> None:
        text = clean_note(self.query_one(TextArea).text).strip()
        if len(text) > NOTE_LIMIT:  # kept open: a note is never cut without the user knowing
            self.notify(
                _("The note is too long ({n_text:,} characters; at most {NOTE_LIMIT:,}).").format(
                    n_text=len(text), NOTE_LIMIT=NOTE_LIMIT
                ),
                severity="error",
                markup=False,
            )
            return
        self.dismiss(text)

    @on(Button.Pressed, "#note-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
