"""Piping an item to a command of config.toml: no shell, a timeout, its answer returned."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.tui.conftest import build_library
from veille.core import PipeFailed, open_veille
from veille.core.settings import ConfigError, PipeSettings, Settings, parse_settings, resolve_paths


def test_pipe_tables_are_read_and_checked() -> None:
    settings = parse_settings('[pipe.words]\ncommand = ["wc", "-w"]\nformat = "json"\n')
    assert settings.pipes["words"] == PipeSettings(("wc", "-w"), "json", 10.0)
    with pytest.raises(ConfigError, match=r"pipe\.words\.format \(line 3\)"):
        parse_settings('[pipe.words]\ncommand = ["wc"]\nformat = "xml"\n')
    with pytest.raises(ConfigError, match="needs the command"):
        parse_settings("[pipe.words]\ncommand = []\n")


def test_text_reaches_the_command_without_a_shell_and_a_slow_one_is_stopped(
    tmp_path: Path,
) -> None:
    paths = resolve_paths(tmp_path / "home")
    build_library(paths)
    echo = (sys.executable, "-c", "import sys; print(sys.stdin.read().splitlines()[0])")
    slow = (sys.executable, "-c", "import time; time.sleep(5)")
    settings = Settings(
        lang="en",
        pipes={
            "echo": PipeSettings(echo),
            "slow": PipeSettings(slow, timeout=0.3),
            "missing": PipeSettings(("no-such-command-here;", "$(touch x)")),
        },
    )
    with open_veille(paths, settings=settings) as v:
        piped = v.pipe(1, "echo")
        assert piped.code == 0 and piped.output == "Article 1 from feed 0\n"
        with pytest.raises(PipeFailed, match=r"did not finish within 0\.3 s"):
            v.pipe(1, "slow")
        with pytest.raises(PipeFailed, match="was not found"):
            v.pipe(1, "missing")
