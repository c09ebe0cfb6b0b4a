"""The feeds' health (from the command palette): which feeds still publish, which fail, which are
slow — so that a user can prune the dead ones. The same figures as `veille feeds --stats`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from veille.core.text import clean_line
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core import FeedHealth


def health_line(row: FeedHealth) -> Content:
    last = f"{row.last_published:%Y-%m-%d}" if row.last_published else _("never")
    mean = f"{row.mean_seconds:.2f} s" if row.mean_seconds is not None else "–"
    figures = _("{per_week:.1f}/week · last {last} · {failures}/{fetches} failed · {mean}").format(
        per_week=row.per_week, last=last, failures=row.failures, fetches=row.fetches, mean=mean
    )
    style = "bold $error" if row.fetches and row.failures == row.fetches else "bold"
    return Content.assemble((clean_line(row.title, 60), style), "\n  ", (figures, "dim"))


class FeedHealthScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="health-close"),
    ]

    def __init__(self, rows: Sequence[FeedHealth]) -> None:
        super().__init__()
        # The feeds that fail most and publish least first: the ones to look at.
        self.rows = sorted(rows, key=lambda r: (-r.failures, r.per_week, r.title.casefold()))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label(Content(_("Feed health — the last 30 days")), classes="dialog-title")
            lines = [health_line(row) for row in self.rows] or [Content(_("No feeds yet."))]
            yield Static(Content("\n").join(lines), id="health-rows")

    def action_close(self) -> None:
        self.dismiss(None)


def show_health(main: object) -> None:
    """Read the figures in a worker, then show them (never on the event loop)."""
    from veille.tui.screens.main import MainScreen

    assert isinstance(main, MainScreen)
    main.jobs.run(
        "reading the feeds' health",
        main.veille.feed_health,
        group="health",
        then=lambda rows: main.app.push_screen(FeedHealthScreen(rows)),
    )
