"""The terminal asked what graphics it has, by the real `veille` command: asked before the
start-up, heard just before the app, the terminal given back as it was, no answer typed into
the app."""

from __future__ import annotations

import os
import select
import shlex
import shutil
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_smoke_tmux import FEED, tmux, wait_for

__all__ = ["tmux"]  # the fixture, shared with the smoke test

# What would let the environment tell the terminal, so that it is asked instead.
TELLING = (
    "TMUX", "STY", "ZELLIJ", "KITTY_WINDOW_ID", "TERM_PROGRAM", "WEZTERM_PANE", "LC_TERMINAL",
    "TERMINAL_NAME", "ALACRITTY_WINDOW_ID",
)  # fmt: skip


def _untold_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in TELLING}
    return {**env, "TERM": "xterm-256color", **extra}


def _read_all(fd: int, timeout: float) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0 and select.select([fd], [], [], left)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    return out


def test_the_command_asks_first_and_gives_the_terminal_back_when_it_cannot_start(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[keys]\nnot_a_binding = "x"\n', encoding="utf-8")
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "veille", "--home", str(home)],
            stdin=slave, stdout=slave, stderr=slave, env=_untold_env(),
        )  # fmt: skip
        assert process.wait(timeout=60) == 1
        said = _read_all(master, 2.0)
        assert said.startswith(b"\x1b[16t\x1b[c"), said[:80]  # asked before anything else
        assert b"keys.not_a_binding (line 2)" in said
        assert termios.tcgetattr(slave)[3] & termios.ECHO  # the terminal echoes again
        assert termios.tcgetattr(slave)[3] & termios.ICANON
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_an_answering_terminal_types_nothing_into_the_app(
    tmp_path: Path, tmux: Callable[..., str]
) -> None:
    """tmux answers the questions itself; with TMUX unset the app asks it, then reads keys."""
    home = tmp_path / "home"
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED.encode())
    env = {**os.environ, "VEILLE_HOME": str(home)}
    veille = [sys.executable, "-m", "veille"]
    subprocess.run([*veille, "add", feed.as_uri()], env=env, check=True, capture_output=True)
    subprocess.run([*veille, "refresh"], env=env, check=True, capture_output=True)
    unset = " ".join(f"-u {name}" for name in TELLING)
    command = " ".join(shlex.quote(part) for part in [*veille, "--home", str(home)])
    tmux(
        "new-session", "-d", "-s", "t", "-x", "120", "-y", "36",
        f"env {unset} TERM=xterm-256color {command}",
    )  # fmt: skip

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "t")

    shown = wait_for(screen, "Seconde nouvelle")
    for piece in ("?1;2c", "62;", "[6;", "\x1b"):  # an answer read as keys would show
        assert piece not in shown, shown
    tmux("send-keys", "-t", "t", "Enter")  # a stray "?" or "c" would have opened something else
    wait_for(screen, "Texte de la première nouvelle")
    tmux("send-keys", "-t", "t", "q")
    tmux("send-keys", "-t", "t", "q")
