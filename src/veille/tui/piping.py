"""`|`: pipe the item to one of the user's commands (`[pipe.NAME]` in config.toml) and show
what the command answered, as plain text (a command's output is data, like a feed's)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from veille.core.translations import _
from veille.tui.display import clean_line, literal

if TYPE_CHECKING:
    from veille.core import Piped
    from veille.tui.screens.main import MainScreen


def pipe_current(screen: MainScreen) -> None:
    """Pipe the current item: to the one command there is, or the one the user picks."""
    row = screen.marker.current()
    if row is None:
        return
    pipes = screen.settings.pipes
    if not pipes:
        screen.notify(
            _("No command to pipe to: add a [pipe.NAME] table to config.toml."),
            severity="warning",
            markup=False,
        )
        return
    item_id = row.id

    def run(name: str | None) -> None:
        if name is None:
            return
        screen.notify(_("Piping the item to {name}…").format(name=name), markup=False)
        screen.jobs.run(
            _("piping the item"),
            lambda: screen.veille.pipe(item_id, name),
            group="pipe",
            then=lambda piped: screen.open_dialog(PipeOutput(piped)),
        )

    if len(pipes) == 1:
        run(next(iter(pipes)))
    else:
        screen.open_dialog(PipeChoice(sorted(pipes)), run)


class PipeChoice(ModalScreen[str | None]):
    """Which command of config.toml to pipe the item to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="pipe-cancel")
    ]

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="pipe-dialog", classes="dialog"):
            yield Label(Content(_("Pipe the item to…")), classes="dialog-title")
            yield OptionList(*(Option(Content(clean_line(n)), id=n) for n in self.names))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PipeOutput(ModalScreen[None]):
    """What the command answered, and how it ended."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", _("Close"), id="pipe-close")
    ]

    def __init__(self, piped: Piped) -> None:
        super().__init__()
        self.piped = piped

    def compose(self) -> ComposeResult:
        piped = self.piped
        if piped.code == 0:
            title = _("The command answered:")
        else:
            title = _("The command failed (exit code {code}):").format(code=piped.code)
        output = piped.output.strip("\n")
        with Vertical(id="pipe-output-dialog", classes="dialog"):
            yield Label(Content(title), classes="dialog-title")
            yield Static(literal(piped.command, "dim"), id="pipe-command")
            with VerticalScroll(id="pipe-output"):
                yield Static(
                    literal(output, one_line=False) if output else Text(_("(no output)"), "dim")
                )

    def action_close(self) -> None:
        self.dismiss(None)
