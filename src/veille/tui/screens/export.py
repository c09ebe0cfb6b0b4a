"""The export dialog (`E`): choose a format, grouping, language and file, see the result first.

The selection is fixed when the dialog opens (the selected rows, else the current view and
search). The preview is the real exporter run on the first items of the selection, shown as
plain text; it is recomputed in a thread whenever an option changes, so a slow format never
freezes the dialog. The export itself is the main screen's job: the dialog only returns what
was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from veille.core import EXTENSIONS, FORMATS, ExportOptions, Veille, View, review_date
from veille.tui.display import literal
from veille.tui.widgets.inputs import SafeInput

PREVIEW_ITEMS = 20  # enough to judge the layout, cheap enough to redo on every change
PREVIEW_LINES = 200

FORMAT_NAMES = {
    "md": "Markdown review",
    "html": "HTML page",
    "docx": "Word document (DOCX)",
    "csl": "CSL-JSON citations",
    "ris": "RIS citations",
    "json": "JSON Feed 1.1",
    "csv": "CSV spreadsheet",
    "atom": "Atom 1.0 feed",
    "bookmarks": "Browser bookmarks",
    "opml": "OPML of the feeds",
}
GROUPS = (("none", "No grouping"), ("tag", "By tag"), ("feed", "By feed"), ("day", "By day"))


@dataclass(frozen=True)
class ExportSelection:
    """What to export: explicit item ids, or everything `query` finds in `view`."""

    veille: Veille
    ids: tuple[int, ...] = ()
    view: View | None = None
    query: str = ""
    description: str = ""

    def item_ids(self) -> list[int]:
        return list(self.ids) if self.ids else self.veille.item_ids(self.query, view=self.view)


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    options: ExportOptions
    path: Path


def default_path(fmt: str, folder: Path | None = None, today: datetime | None = None) -> Path:
    day = (today or datetime.now(UTC)).strftime("%Y-%m-%d")
    return (folder or Path.home()) / f"veille-{day}.{EXTENSIONS[fmt]}"


class ExportDialog(ModalScreen[ExportChoice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export-cancel"),
        Binding("ctrl+s", "export", "Export", id="export-save"),
    ]

    def __init__(self, selection: ExportSelection, *, lang: str) -> None:
        super().__init__()
        self.selection = selection
        self.lang = lang
        self.generated = review_date()  # as `veille export` dates it: same day, same bytes
        self._path_edited = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(Content("Export"), id="export-title", classes="dialog-title")
            yield Label(Content(self.selection.description), classes="dialog-hint")
            with Horizontal(id="export-options"):
                yield Select(
                    [(FORMAT_NAMES[f], f) for f in FORMATS],
                    value="md",
                    allow_blank=False,
                    compact=True,
                    id="export-format",
                )
                yield Select(
                    [(name, key) for key, name in GROUPS],
                    value="none",
                    allow_blank=False,
                    compact=True,
                    id="export-group",
                )
                yield Select(
                    [("Français", "fr"), ("English", "en")],
                    value=self.lang if self.lang in ("fr", "en") else "en",
                    allow_blank=False,
                    compact=True,
                    id="export-lang",
                )
            yield SafeInput(value=str(default_path("md")), compact=True, id="export-path")
            yield Label(Content(""), id="export-preview-title", classes="dialog-hint")
            with VerticalScroll(id="export-preview-pane"):
                yield Static(Text(""), id="export-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export (ctrl+s)", variant="primary", compact=True, id="export-go")
                yield Button("Cancel (esc)", compact=True, id="export-stop")

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()
        self.update_preview()

    # Options ------------------------------------------------------------------------------

    def _value(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else ""

    def choice(self) -> ExportChoice:
        fmt = self._value("#export-format") or "md"
        options = ExportOptions(
            lang=self._value("#export-lang") or "en",
            group_by=self._value("#export-group") or "none",
            query=self.selection.query,
            generated=self.generated,
        )
        path = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        return ExportChoice(fmt, options, path)

    @on(Select.Changed)
    def option_changed(self, event: Select.Changed) -> None:
        if event.select.id == "export-format" and not self._path_edited:
            box = self.query_one("#export-path", Input)
            fmt = self._value("#export-format") or "md"
            current = Path(box.value)
            box.value = str(current.with_suffix(f".{EXTENSIONS[fmt]}"))
            self._path_edited = False  # our own change, not the user's
        self.update_preview()

    @on(Input.Changed, "#export-path")
    def path_changed(self, event: Input.Changed) -> None:
        fmt = self._value("#export-format") or "md"
        if Path(event.value).suffix != f".{EXTENSIONS[fmt]}":
            self._path_edited = True

    # Preview ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="export-preview")
    def update_preview(self) -> None:
        choice = self.choice()
        count = 0
        try:
            ids = self.selection.item_ids()
            count = len(ids)
            text, shown_count = "", 0
            if ids:  # (no ids would mean "everything" to the export verb)
                # A Word document is shown as the same review in Markdown.
                shown_fmt = "md" if choice.fmt == "docx" else choice.fmt
                preview = self.selection.veille.export(
                    shown_fmt, choice.options, ids=ids[:PREVIEW_ITEMS]
                )
                text, shown_count = preview.text, preview.count
        except Exception as error:  # a preview problem must not close the dialog
            text, shown_count = f"(no preview: {error})", 0
        lines = text.splitlines()
        shown = "\n".join(lines[:PREVIEW_LINES])
        if shown_count < count:
            heading = f"Preview of the first {shown_count} of {count} items:"
        else:
            heading = "Preview:"
        self.app.call_from_thread(self._show_preview, count, heading, shown)

    def _show_preview(self, count: int, heading: str, text: str) -> None:
        title = f"Export {count} item{'s' if count != 1 else ''}"
        self.query_one("#export-title", Label).update(Content(title))
        # The export holds feed text: shown literally (never parsed as markup), control
        # characters gone so nothing reaches the terminal as an escape sequence.
        self.query_one("#export-preview-title", Label).update(Content(heading))
        self.query_one("#export-preview", Static).update(literal(text, one_line=False))

    # Verdict ------------------------------------------------------------------------------

    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        choice = self.choice()
        if not choice.path.name:
            self.notify("Give the file a name.", severity="warning")
            return
        self.dismiss(choice)

    @on(Button.Pressed, "#export-stop")
    def action_cancel(self) -> None:
        self.dismiss(None)
