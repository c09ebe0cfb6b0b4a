"""The export dialog (`E`): choose a review profile or a format, grouping, language and file,
see the result first, then save it (and send it, for a profile with recipients).

The selection is fixed when the dialog opens (the selected rows, else the current view and
search). The preview is the real exporter run on the first items of the selection, shown as
plain text; it is recomputed in a thread whenever an option changes, so a slow format never
freezes the dialog. The dialog opens on the choice made last time (kept in the library), and a
file goes to the reviews folder unless told otherwise: the path is shown, and editable. The
export itself is the main screen's job: the dialog only returns what was chosen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from veille.core import (
    EXTENSIONS,
    FORMATS,
    ExportOptions,
    ReviewProfile,
    Veille,
    View,
    review_date,
)
from veille.core.translations import _, ngettext
from veille.tui.display import literal
from veille.tui.widgets.inputs import SafeInput

PREVIEW_ITEMS = 20  # enough to judge the layout, cheap enough to redo on every change
PREVIEW_LINES = 200
REMEMBERED = "tui.export"  # the library state key of the last choice
NO_PROFILE = "-"


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


def format_names() -> dict[str, str]:
    return {
        "md": _("Markdown review"),
        "html": _("HTML page"),
        "docx": _("Word document (DOCX)"),
        "csl": _("CSL-JSON citations"),
        "ris": _("RIS citations"),
        "json": _("JSON Feed 1.1"),
        "csv": _("CSV spreadsheet"),
        "atom": _("Atom 1.0 feed"),
        "bookmarks": _("Browser bookmarks"),
        "opml": _("OPML of the feeds"),
    }


def group_names() -> list[tuple[str, str]]:
    return [
        ("none", _("No grouping")),
        ("tag", _("By tag")),
        ("feed", _("By feed")),
        ("day", _("By day")),
    ]


@dataclass(frozen=True)
class ExportChoice:
    fmt: str
    options: ExportOptions
    path: Path
    profile: str = ""  # the review profile chosen, "" for none
    send: bool = False  # mail it to the profile's recipients too

    def remembered(self) -> str:
        """What the dialog offers first next time, as the library keeps it."""
        return json.dumps(
            {
                "profile": self.profile,
                "format": self.fmt,
                "group_by": self.options.group_by,
                "lang": self.options.lang,
            }
        )


def default_path(fmt: str, folder: Path | None = None, today: datetime | None = None) -> Path:
    day = (today or datetime.now(UTC)).strftime("%Y-%m-%d")
    return (folder or Path.home()) / f"veille-{day}.{EXTENSIONS[fmt]}"


class ExportDialog(ModalScreen[ExportChoice | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export-cancel"),
        Binding("ctrl+s", "export", "Export", id="export-save"),
    ]

    def __init__(
        self,
        selection: ExportSelection,
        *,
        lang: str,
        profiles: list[ReviewProfile] | None = None,
        folder: Path | None = None,
        can_send: bool = False,
    ) -> None:
        super().__init__()
        self.selection = selection
        self.lang = lang
        self.profiles = {p.name: p for p in profiles or []}
        self.folder = folder
        self.can_send = can_send  # a mail server is configured
        self.generated = review_date()  # as `veille export` dates it: same day, same bytes
        self._path_edited = False
        self._preview_serial = 0  # the latest preview asked for; earlier ones are dropped

    def compose(self) -> ComposeResult:
        names = format_names()
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(Content(_("Export")), id="export-title", classes="dialog-title")
            yield Label(Content(self.selection.description), classes="dialog-hint")
            with Horizontal(id="export-options"):
                if self.profiles:
                    yield Select(
                        [(_("No profile"), NO_PROFILE)] + [(n, n) for n in sorted(self.profiles)],
                        value=NO_PROFILE,
                        allow_blank=False,
                        compact=True,
                        id="export-profile",
                    )
                yield Select(
                    [(names[f], f) for f in FORMATS],
                    value="md",
                    allow_blank=False,
                    compact=True,
                    id="export-format",
                )
                yield Select(
                    [(name, key) for key, name in group_names()],
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
            yield SafeInput(
                value=str(default_path("md", self.folder)), compact=True, id="export-path"
            )
            yield Label(Content(""), id="export-preview-title", classes="dialog-hint")
            with VerticalScroll(id="export-preview-pane"):
                yield Static(Text(""), id="export-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Export (ctrl+s)"), variant="primary", compact=True, id="export-go")
                if self.can_send and any(p.to for p in self.profiles.values()):
                    yield Button(_("Save and send"), compact=True, id="export-send", disabled=True)
                yield Button(_("Cancel (esc)"), compact=True, id="export-stop")

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()
        self.recall()

    @work(thread=True, exclusive=True, group="export-recall")
    def recall(self) -> None:
        """Open on the last choice (read in a thread: it is in the library)."""
        try:
            last = json.loads(self.selection.veille.get_state(REMEMBERED) or "{}")
        except Exception:  # a lost memory is no reason to fail the dialog
            last = {}
        self.app.call_from_thread(self._restore, last if isinstance(last, dict) else {})

    def _restore(self, last: dict[str, object]) -> None:
        if not self.is_attached:
            return  # closed before the library answered
        profile = last.get("profile")
        if isinstance(profile, str) and profile in self.profiles:
            self.query_one("#export-profile", Select).value = profile
            self._apply_profile(profile)
        else:
            for key, selector, allowed in (
                ("format", "#export-format", FORMATS),
                ("group_by", "#export-group", [k for k, _n in group_names()]),
                ("lang", "#export-lang", ("fr", "en")),
            ):
                value = last.get(key)
                if isinstance(value, str) and value in allowed:
                    self.query_one(selector, Select).value = value
        self.update_preview()

    # Options ------------------------------------------------------------------------------

    def _value(self, selector: str) -> str:
        found = self.query(selector)
        value = found.first(Select).value if found else ""
        return value if isinstance(value, str) else ""

    def _profile(self) -> ReviewProfile | None:
        return self.profiles.get(self._value("#export-profile"))

    def _apply_profile(self, name: str) -> None:
        profile = self.profiles[name]
        self.query_one("#export-format", Select).value = profile.format
        self.query_one("#export-group", Select).value = profile.group_by
        self.query_one("#export-lang", Select).value = profile.lang or self.lang
        box = self.query_one("#export-path", Input)
        box.value = str(self.selection.veille.review_path(name, profile.format))
        self._path_edited = False
        for button in self.query("#export-send"):
            button.disabled = not profile.to

    def choice(self, *, send: bool = False) -> ExportChoice:
        fmt = self._value("#export-format") or "md"
        profile = self._profile()
        if profile is not None:
            options = replace(
                self.selection.veille.review_options(profile.name), generated=self.generated
            )
        else:
            options = ExportOptions(query=self.selection.query, generated=self.generated)
        options.lang = self._value("#export-lang") or "en"
        options.group_by = self._value("#export-group") or "none"
        path = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        return ExportChoice(fmt, options, path, profile.name if profile else "", send)

    @on(Select.Changed)
    def option_changed(self, event: Select.Changed) -> None:
        if event.select.id == "export-profile":
            if self._profile() is not None:
                self._apply_profile(self._value("#export-profile"))
            else:
                for button in self.query("#export-send"):
                    button.disabled = True
        elif event.select.id == "export-format" and not self._path_edited:
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

    @dataclass
    class Previewed(Message):
        """A preview computed in a thread, for the choice numbered `serial`."""

        serial: int
        count: int
        stories: int
        heading: str
        text: str

    def update_preview(self) -> None:
        """Preview the options as they are now: read here, on the event loop, and handed to a
        thread as plain values. Only the latest request's preview is shown: a slower one
        started before it may end after it."""
        self._preview_serial += 1
        self._compute_preview(self.choice(), self._preview_serial)

    @work(thread=True, exclusive=True, group="export-preview")
    def _compute_preview(self, choice: ExportChoice, serial: int) -> None:
        count = stories = 0
        try:
            ids = self.selection.item_ids()
            count = len(ids)
            stories = self.selection.veille.story_count(ids)
            text, shown_count = "", 0
            if ids:  # (no ids would mean "everything" to the export verb)
                # A Word document is shown as the same review in Markdown.
                shown_fmt = "md" if choice.fmt == "docx" else choice.fmt
                preview = self.selection.veille.export(
                    shown_fmt, choice.options, ids=ids[:PREVIEW_ITEMS]
                )
                text, shown_count = preview.text, preview.count
        except Exception as error:  # a preview problem must not close the dialog
            text, shown_count = _("(no preview: {error})").format(error=error), 0
        lines = text.splitlines()
        shown = "\n".join(lines[:PREVIEW_LINES])
        if shown_count < count:
            heading = _("Preview of the first {shown} of {count} items:").format(
                shown=shown_count, count=count
            )
        else:
            heading = _("Preview:")
        self.post_message(self.Previewed(serial, count, stories, heading, shown))

    @on(Previewed)
    def _show_preview(self, message: Previewed) -> None:
        if message.serial != self._preview_serial or not self.is_attached:
            return  # overtaken by a later choice, or the dialog closed meanwhile
        count, stories = message.count, message.stories
        heading, text = message.heading, message.text
        title = ngettext("Export {count} item", "Export {count} items", count).format(count=count)
        if stories != count:
            # The review shows a story told by several outlets once: say why the counts differ.
            title += " " + ngettext(
                "({stories} story: outlets telling one story are one entry)",
                "({stories} stories: outlets telling one story are one entry)",
                stories,
            ).format(stories=stories)
        self.query_one("#export-title", Label).update(Content(title))
        # The export holds feed text: shown literally (never parsed as markup), control
        # characters gone so nothing reaches the terminal as an escape sequence.
        self.query_one("#export-preview-title", Label).update(Content(heading))
        self.query_one("#export-preview", Static).update(literal(text, one_line=False))

    # Verdict ------------------------------------------------------------------------------

    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        self._finish(send=False)

    @on(Button.Pressed, "#export-send")
    def send(self) -> None:
        self._finish(send=True)

    def _finish(self, *, send: bool) -> None:
        choice = self.choice(send=send)
        if not choice.path.name:
            self.notify(_("Give the file a name."), severity="warning")
            return
        self.dismiss(choice)

    @on(Button.Pressed, "#export-stop")
    def action_cancel(self) -> None:
        self.dismiss(None)
