"""Following a web page without a feed (from the command palette): its address and CSS
selectors, a preview of the items they find — and which selector found nothing — then the
subscription. The same verbs as `veille add-page`; previews run in a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from veille.core.text import clean_line
from veille.core.translations import N_, _
from veille.tui.messages import LibraryChanged
from veille.tui.widgets.inputs import SafeInput

if TYPE_CHECKING:
    from veille.core import PagePreview
    from veille.tui.screens.main import MainScreen

FIELDS = (
    ("url", N_("Page address (https://…)")),
    ("item", N_("Each item: CSS selector, e.g. article.news")),
    ("title", N_("Its title (optional): h2")),
    ("link", N_("Its link (optional): a.more")),
    ("date", N_("Its date (optional): time")),
    ("summary", N_("Its summary (optional): p.lead")),
)


def preview_lines(preview: PagePreview) -> Content:
    lines = [Content(_("{count} items found").format(count=len(preview.items)))]
    for entry in preview.items[:8]:
        when = f"{entry.published:%Y-%m-%d}  " if entry.published else ""
        lines.append(Content.assemble("  ", (when, "dim"), clean_line(entry.title, 90)))
    for selector in preview.empty:
        lines.append(Content.assemble(("  " + _("{selector} found nothing").format(
            selector=selector), "bold")))  # fmt: skip
    return Content("\n").join(lines)


class PageFeedDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="page-feed-cancel"),
    ]

    def __init__(self, main: MainScreen) -> None:
        super().__init__()
        self.main = main
        self.previewed: PagePreview | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label(Content(_("Follow a web page as a feed")), classes="dialog-title")
            for name, placeholder in FIELDS:
                yield SafeInput(placeholder=_(placeholder), id=f"page-{name}")
            yield Static(Content(""), id="page-preview")
            with Horizontal():
                yield Button(_("Preview"), id="page-preview-button")
                yield Button(_("Follow"), id="page-follow", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#page-url", Input).focus()

    def _values(self) -> dict[str, str]:
        return {name: self.query_one(f"#page-{name}", Input).value.strip() for name, _ in FIELDS}

    def _show(self, text: Content) -> None:
        self.query_one("#page-preview", Static).update(text)

    @on(Input.Submitted)
    @on(Button.Pressed, "#page-preview-button")
    def preview(self) -> None:
        values = self._values()
        url = values.pop("url")
        v = self.main.veille
        self.query_one("#page-follow", Button).disabled = True
        self._show(Content(_("Reading the page…")))

        def done(preview: PagePreview) -> None:
            if not self.is_attached:  # the dialog was closed while the page was read
                return
            self.previewed = preview
            self._show(preview_lines(preview))
            self.query_one("#page-follow", Button).disabled = not preview.items

        def failed(error: BaseException) -> None:
            if self.is_attached:
                self._show(Content(clean_line(self.main.jobs.describe(error), 500)))

        self.main.jobs.run(
            _("previewing the page"),
            lambda: v.preview_page(url, v.page_recipe(values.pop("item"), **values)),
            group="page-feed",
            then=done,
            otherwise=failed,
        )

    @on(Button.Pressed, "#page-follow")
    def follow(self) -> None:
        values = self._values()
        url = values.pop("url")
        v = self.main.veille
        main = self.main

        def done(title: str) -> None:
            main.post_message(LibraryChanged(feeds=True))
            main.notify(_("Following {title}").format(title=clean_line(title)), markup=False)

        main.jobs.run(
            _("following the page"),
            lambda: (
                v.subscribe_page(url, v.page_recipe(values.pop("item"), **values)).display_title
            ),
            group="page-feed",
            then=done,
        )
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def follow_page(main: object) -> None:
    from veille.tui.screens.main import MainScreen

    assert isinstance(main, MainScreen)
    main.app.push_screen(PageFeedDialog(main))
