"""Which graphics the terminal has, found before the app takes the screen.

The environment tells most terminals apart for free (kitty, Ghostty, iTerm2, WezTerm, foot…).
Only when it does not is the terminal asked, and then without waiting: `Probe.start` sends the
questions (its cell size in pixels, then its device attributes, which every terminal answers
and whose `4` means Sixel) before the slow part of the start-up (opening the library, importing
the app), and `Probe.finish` reads what has arrived just before the app starts, waiting a few
milliseconds at most. kitty is asked its version too: the placeholders the reader uses came
with kitty 0.28, and an older kitty shows them as boxes. Nothing is sent when stdin and stdout are not both the terminal, and an
answer is read to its end so that none of it reaches the app as keys.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from veille.tui.graphics import Kind

CELL = (10, 20)  # pixels of a cell when the terminal does not say (a VT340's)
_QUESTIONS = "\x1b[16t\x1b[c"  # cell size (XTWINOPS 16), then primary device attributes
_KITTY_QUESTIONS = "\x1b[>q\x1b[c"  # its name and version (XTVERSION), then the attributes
_ATTRIBUTES = re.compile(r"\x1b\[\?([0-9;]*)c")
_CELL_ANSWER = re.compile(r"\x1b\[6;([0-9]+);([0-9]+)t")
_KITTY_VERSION = re.compile(r"\x1bP>\|kitty\((\d+)\.(\d+)")
_PLACEHOLDERS = (0, 28)  # the kitty that first knew Unicode placeholders


def from_environment(env: Mapping[str, str]) -> Kind | None:
    """What the environment says the terminal can show, or None when only asking it can tell."""
    term = env.get("TERM", "").lower()
    program = env.get("TERM_PROGRAM", "").lower()
    if multiplexed(env):
        return "halfblock"  # a multiplexer passes graphics through only when set up to
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty" or program == "ghostty":
        return "kitty"
    if term == "xterm-ghostty":
        return "kitty"
    if program in ("iterm.app", "wezterm", "mintty", "rio") or env.get("WEZTERM_PANE"):
        return "iterm"
    if env.get("LC_TERMINAL", "").lower() == "iterm2":  # iTerm2 over ssh
        return "iterm"
    if term.startswith(("foot", "mlterm", "contour")) or env.get("TERMINAL_NAME") == "contour":
        return "sixel"
    if term in ("", "dumb", "linux", "alacritty") or env.get("ALACRITTY_WINDOW_ID"):
        return "halfblock"
    if program == "apple_terminal":
        return "halfblock"
    return None


def multiplexed(env: Mapping[str, str]) -> bool:
    """Whether the app runs under tmux, screen or zellij rather than in the terminal itself."""
    term = env.get("TERM", "").lower()
    return bool(env.get("TMUX") or env.get("STY") or env.get("ZELLIJ")) or term.startswith(
        ("screen", "tmux")
    )


def cell_pixels(fd: int | None = None) -> tuple[int, int] | None:
    """The terminal's cell (width, height) in pixels as the kernel knows it, or None."""
    try:
        import fcntl
        import struct
        import termios

        fd = sys.__stdout__.fileno() if fd is None and sys.__stdout__ else fd
        if fd is None or not os.isatty(fd):
            return None
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
        rows, columns, width, height = struct.unpack("HHHH", packed)
    except (ImportError, OSError, ValueError, AttributeError):
        return None
    if not (rows and columns and width and height):
        return None
    return max(1, width // columns), max(1, height // rows)


@dataclass(frozen=True, slots=True)
class Terminal:
    """What was found: the way pictures can be drawn, and a cell's size in pixels."""

    kind: Kind = "halfblock"
    cell: tuple[int, int] = CELL
    tmux: bool = False  # under tmux: what is sent for Kitty is wrapped to pass through it


def parse_answers(answer: str) -> Terminal:
    """The terminal's answers to `_QUESTIONS`, as a `Terminal`."""
    cell = CELL
    if sized := _CELL_ANSWER.search(answer):
        height, width = int(sized.group(1)), int(sized.group(2))
        if width and height:
            cell = (width, height)
    if kitty := _KITTY_VERSION.search(answer):
        new_enough = (int(kitty.group(1)), int(kitty.group(2))) >= _PLACEHOLDERS
        return Terminal("kitty" if new_enough else "halfblock", cell)
    attributes = _ATTRIBUTES.search(answer)
    sixel = attributes is not None and "4" in attributes.group(1).split(";")[1:]
    return Terminal("sixel" if sixel else "halfblock", cell)


class Probe:
    """The terminal asked early and heard late, so that asking costs the start-up nothing."""

    WAIT = 0.005  # seconds `finish` waits for an answer that has not come yet
    # Over ssh the answer can take a round trip longer than the start-up: it is waited for,
    # or it would reach the app as keys (digits open links, letters are verbs).
    WAIT_REMOTE = 0.3

    def __init__(
        self, env: Mapping[str, str] | None = None, *, tty: tuple[int, int] | None = None
    ) -> None:
        """`tty`: the terminal's input and output (default: stdin and stdout, if terminals)."""
        self.env = os.environ if env is None else env
        self.known = from_environment(self.env)
        self._tty = tty
        self._fd: int | None = None
        self._saved: list[Any] | None = None

    def start(self) -> None:
        """Ask the terminal, if the environment did not tell (or says kitty, whose version
        matters) and both ends are the terminal."""
        asking_kitty = self.known == "kitty" and self.env.get("TERM_PROGRAM") != "ghostty"
        if (self.known is not None and not asking_kitty) or sys.platform == "win32":
            return
        import termios

        try:
            fd, out = self._tty or _standard_tty()
            if not (os.isatty(fd) and os.isatty(out)):
                return
            saved = termios.tcgetattr(fd)
            quiet = termios.tcgetattr(fd)
            quiet[3] &= ~(termios.ECHO | termios.ICANON)  # the answer is not echoed, nor held
            termios.tcsetattr(fd, termios.TCSANOW, quiet)
            self._fd, self._saved = fd, saved
            os.write(out, (_KITTY_QUESTIONS if asking_kitty else _QUESTIONS).encode())
        except (OSError, ValueError, termios.error):
            self._restore()

    def finish(self) -> Terminal:
        """What the terminal can show; restores the terminal as it was."""
        cell = cell_pixels(self._tty[1] if self._tty else None)
        tmux = bool(self.env.get("TMUX"))
        if self._fd is None:
            return Terminal(self.known or "halfblock", cell or CELL, tmux)
        try:
            answer = self._read(self._fd)
        finally:
            self._restore()
        found = parse_answers(answer)
        if self.known == "kitty" and not _KITTY_VERSION.search(answer):
            return Terminal("kitty", cell or CELL, tmux)  # no version came back in time
        return Terminal(found.kind, cell or found.cell, tmux)

    def _read(self, fd: int) -> str:
        """Bytes up to the end of the attributes' answer, or what came within `WAIT`."""
        import select

        answer = b""
        remote = "SSH_CONNECTION" in self.env or "SSH_TTY" in self.env
        # Normally the answer came long ago.
        deadline = time.monotonic() + (self.WAIT_REMOTE if remote else self.WAIT)
        while not _ATTRIBUTES.search(answer.decode("latin-1")):
            left = deadline - time.monotonic()
            if answer.startswith(b"\x1b") and left <= 0:
                left = 0.2  # an answer under way is read to its end, never left for the app
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 1)  # one byte at a time: keys typed after it stay unread
            if not chunk:
                break
            answer += chunk
            if len(answer) > 256:
                break
        return answer.decode("latin-1")

    def _restore(self) -> None:
        if self._fd is not None and self._saved is not None:
            import termios

            try:
                termios.tcsetattr(self._fd, termios.TCSANOW, self._saved)
            except (OSError, termios.error):
                pass
        self._fd, self._saved = None, None


def _standard_tty() -> tuple[int, int]:
    if sys.__stdin__ is None or sys.__stdout__ is None:
        raise ValueError("no standard input or output")
    return sys.__stdin__.fileno(), sys.__stdout__.fileno()


def detect(env: Mapping[str, str] | None = None) -> Terminal:
    """What the terminal can show, from the environment alone (no question asked)."""
    env = os.environ if env is None else env
    known = from_environment(env)
    return Terminal(known or "halfblock", cell_pixels() or CELL, bool(env.get("TMUX")))
