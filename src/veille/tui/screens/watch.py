"""The watch-rule editor (`W`): name a query, choose what happens to the items it finds.

Rules live in the library. Those written as `[[watch]]` in config.toml are copied in at every
start and the file wins, so the editor shows them but refuses to change them (an edit here would
silently come back at the next start); it says so instead. The query is checked as it is typed,
with the parser's own message and column. Saving can also run the rule over the whole library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option

from veille.core import QueryError, parse
from veille.core.model import Rule
from veille.core.text import clean_line
from veille.core.translations import _
from veille.tui.screens.tags import split_tags
from veille.tui.widgets.inputs import SafeInput

NEW = "new"


@dataclass(frozen=True)
class WatchEdit:
    """What the editor asks the screen to do: save (and maybe apply) a rule, or delete one."""

    name: str
    query: str = ""
    add_tags: tuple[str, ...] = ()
    star: bool = False
    mark_read: bool = False
    hide: bool = False
    apply_now: bool = False
    delete_id: int | None = None
    replaces: str = ""  # the rule's former name, when it was renamed


def query_problem(query: str) -> str:
    """ "" if `query` is a valid query, else the parser's message."""
    if not query.strip():
        return _("A watch needs a query.")
    try:
        parse(query)
    except QueryError as error:
        return str(error)
    return ""


class WatchEditor(ModalScreen[WatchEdit | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="watch-cancel"),
        Binding("ctrl+s", "save", "Save", id="watch-save"),
    ]

    def __init__(
        self, rules: list[Rule], *, from_config: set[str], known_tags: list[str], query: str = ""
    ) -> None:
        super().__init__()
        self.rules = {str(rule.id): rule for rule in rules}
        self.from_config = {name.casefold() for name in from_config}
        self.known_tags = known_tags
        self.initial_query = query
        self.current: Rule | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="watch-dialog", classes="dialog"):
            yield Label(Content(_("Watch rules")), classes="dialog-title")
            with Horizontal(id="watch-body"):
                options = [Option(Content(_("+ New watch")), id=NEW)]
                options += [
                    Option(Content(clean_line(rule.name)), id=key)
                    for key, rule in self.rules.items()
                ]
                yield OptionList(*options, id="watch-list")
                with Vertical(id="watch-form"):
                    yield SafeInput(placeholder=_("name"), compact=True, id="watch-name")
                    yield SafeInput(
                        placeholder=_('query, e.g. "reconnaissance faciale" OR biométrie'),
                        compact=True,
                        id="watch-query",
                    )
                    yield Label(Content(""), id="watch-problem")
                    yield SafeInput(
                        placeholder=_("tags to add, separated by commas"),
                        suggester=SuggestFromList(self.known_tags, case_sensitive=False),
                        compact=True,
                        id="watch-tags",
                    )
                    yield Checkbox(_("Star"), compact=True, id="watch-star")
                    yield Checkbox(_("Mark read"), compact=True, id="watch-read")
                    yield Checkbox(_("Hide"), compact=True, id="watch-hide")
                    yield Checkbox(
                        _("Also apply to the whole library now"), compact=True, id="watch-apply"
                    )
                    yield Label(Content(""), id="watch-origin", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (ctrl+s)"), variant="primary", compact=True, id="watch-go")
                yield Button(_("Delete"), variant="error", compact=True, id="watch-delete")
                yield Button(_("Close (esc)"), compact=True, id="watch-close")

    def on_mount(self) -> None:
        self.load(None)
        if self.initial_query:
            self.query_one("#watch-query", Input).value = clean_line(self.initial_query)
            self.query_one("#watch-name", Input).focus()
        else:
            self.query_one("#watch-list", OptionList).focus()

    # The form -----------------------------------------------------------------------------

    def load(self, rule: Rule | None) -> None:
        self.current = rule
        self.query_one("#watch-name", Input).value = clean_line(rule.name) if rule else ""
        self.query_one("#watch-query", Input).value = clean_line(rule.query) if rule else ""
        self.query_one("#watch-tags", Input).value = (
            clean_line(", ".join(rule.add_tags)) if rule else ""
        )
        self.query_one("#watch-star", Checkbox).value = bool(rule and rule.star)
        self.query_one("#watch-read", Checkbox).value = bool(rule and rule.mark_read)
        self.query_one("#watch-hide", Checkbox).value = bool(rule and rule.hide)
        self.query_one("#watch-apply", Checkbox).value = False
        locked = self._locked(rule)
        origin = (
            _("Defined in config.toml: edit it there (the file wins at every start).")
            if locked
            else ""
        )
        self.query_one("#watch-origin", Label).update(Content(origin))
        self.query_one("#watch-delete", Button).disabled = rule is None or locked
        self.query_one("#watch-go", Button).disabled = locked

    def _locked(self, rule: Rule | None) -> bool:
        return rule is not None and rule.name.casefold() in self.from_config

    @on(OptionList.OptionHighlighted, "#watch-list")
    def picked(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option.id or NEW
        self.load(self.rules.get(key))

    @on(OptionList.OptionSelected, "#watch-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#watch-name", Input).focus()

    @on(Input.Changed, "#watch-query")
    def check_query(self, event: Input.Changed) -> None:
        problem = query_problem(event.value) if event.value else ""
        self.query_one("#watch-problem", Label).update(Content(problem))

    # Verdicts -----------------------------------------------------------------------------

    @on(Button.Pressed, "#watch-go")
    def action_save(self) -> None:
        if self._locked(self.current):
            self.notify(
                _("This watch is defined in config.toml: edit it there."), severity="warning"
            )
            return
        name = clean_line(self.query_one("#watch-name", Input).value, 200)
        query = self.query_one("#watch-query", Input).value.strip()
        problem = query_problem(query) or ("" if name else _("A watch needs a name."))
        if not problem and name.casefold() in self.from_config:
            problem = _("« {name} » is a watch of config.toml: choose another name.").format(
                name=name
            )
        if problem:
            self.query_one("#watch-problem", Label).update(Content(problem))
            self.notify(problem, severity="warning", markup=False)
            return
        replaces = self.current.name if self.current and self.current.name != name else ""
        self.dismiss(
            WatchEdit(
                name=name,
                query=query,
                add_tags=tuple(split_tags(self.query_one("#watch-tags", Input).value)),
                star=self.query_one("#watch-star", Checkbox).value,
                mark_read=self.query_one("#watch-read", Checkbox).value,
                hide=self.query_one("#watch-hide", Checkbox).value,
                apply_now=self.query_one("#watch-apply", Checkbox).value,
                replaces=replaces,
            )
        )

    @on(Button.Pressed, "#watch-delete")
    def delete(self) -> None:
        rule = self.current
        if rule is None or self._locked(rule):
            return
        self.dismiss(WatchEdit(name=rule.name, delete_id=rule.id))

    @on(Button.Pressed, "#watch-close")
    def action_cancel(self) -> None:
        self.dismiss(None)
