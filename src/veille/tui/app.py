"""The reading app: a thin shell that sets up settings, theme and keys, then shows the reader.

Everything the user sees lives in `screens/` and `widgets/`; this module only wires the front
door (`Veille`) in, shows failures in one place, and remembers the theme. `make_app` is the one
factory the command line and the tests share.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.theme import Theme

from veille.core import Paths, Settings, Veille, open_veille
from veille.core.translations import _, choose_language, use_language
from veille.tui.commands.palette import Palette
from veille.tui.commands.providers import PROVIDERS
from veille.tui.display import clean_line
from veille.tui.follow import read_start
from veille.tui.graphics.detect import Terminal
from veille.tui.messages import TaskFailed
from veille.tui.screens.main import MainScreen

IDLE_AFTER = 1.0  # seconds without a key or a click after which the user is taken as reading
INPUTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


class VeilleApp(App[None]):
    CSS_PATH = Path(__file__).with_name("veille.tcss")
    TITLE = "veille"
    COMMANDS = App.COMMANDS | PROVIDERS

    def __init__(
        self,
        veille: Veille,
        *,
        theme: str = "",
        terminal: Terminal | None = None,
        start: dict[str, str] | None = None,
    ) -> None:
        """The app over `veille`, which it closes on leaving; `theme`: the one the user last
        chose (the settings' own wins); `terminal`: the graphics it was found to have (none
        said: half blocks); `start`: the state it starts from, if already read
        (`follow.read_start`)."""
        super().__init__()
        self.veille = veille
        self.terminal = terminal or Terminal()
        self._start = start
        self.settings = veille.settings
        self._remembered_theme = theme
        self._theme_ready = False
        self.last_input = time.monotonic()  # when the user last pressed a key, clicked, acted

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, INPUTS):
            self.last_input = time.monotonic()
        await super().on_event(event)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        # A verb run is the user at work too (a binding, the palette, a script of keys).
        self.last_input = time.monotonic()
        return await super().run_action(action, default_namespace, namespaces)

    def idle(self, seconds: float = IDLE_AFTER) -> bool:
        """Whether the user has left the keys and mouse alone for `seconds` (background work
        that can wait, such as the library's check, waits for that; safe from any thread)."""
        return time.monotonic() - self.last_input >= seconds

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.return_code is not None:
            return False  # keys read ahead after `q`: the app is leaving
        return super().check_action(action, parameters)

    def _fatal_error(self) -> None:
        """Crash reports without local variables: they could hold settings such as cookies.
        (Textual 8 hard-codes `show_locals=True` here.) Imported only on a crash: the traceback
        module brings in a syntax highlighter the app has no other use for."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    def action_command_palette(self) -> None:
        if self.use_command_palette and self.screen.id != "--command-palette":
            placeholder = _("Search for commands…")
            self.push_screen(Palette(placeholder=placeholder, id="--command-palette"))

    @property
    def main(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not shown")

    def on_mount(self) -> None:
        self.set_keymap(self.settings.keymap)
        theme = self.settings.theme or self._remembered_theme
        if theme in self.available_themes:
            self.theme = theme
        self._theme_ready = True
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.push_screen(MainScreen(self.veille, start=self._start))

    def _remember_theme(self, theme: Theme) -> None:
        if self._theme_ready:
            self.main.jobs.save_state("tui.theme", theme.name)

    async def action_quit(self) -> None:
        """`ctrl+q` too waits for the changes the user confirmed (see `SaveGuard`)."""
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            self.exit()
        else:
            main.guard.request_quit()

    def on_task_failed(self, message: TaskFailed) -> None:
        """The one place background failures are shown; the app carries on."""
        text = Content(
            _("{capitalize} failed: {error}").format(
                capitalize=clean_line(message.what).capitalize(), error=clean_line(message.error)
            )
        )
        self.notify(text.plain, title=_("Problem"), severity="error", markup=False, timeout=8)

    def on_unmount(self) -> None:
        self.veille.close()


def make_app(paths: Paths, settings: Settings, *, offline: bool = False) -> VeilleApp:
    """The app over the library at `paths`, with `settings` (the CLI and the tests use this)."""
    use_language(choose_language(settings.ui_lang))
    from veille.tui.keymap import check_keymap

    check_keymap(settings.keymap, settings.keymap_lines)  # before the library is opened
    veille = open_veille(paths, settings=settings, offline=offline)
    # Read here, not once the app runs: the library is opened (created, migrated) now, so a
    # library that cannot be opened is told before the screen is taken over.
    theme = veille.get_state("tui.theme")
    # The remembered view too, while the library is open here: the list's first rows are then
    # asked for as the screen mounts, not after a worker's round trip through a busy first
    # frame (about a tenth of a second).
    return VeilleApp(veille, theme=theme, start=read_start(veille))
