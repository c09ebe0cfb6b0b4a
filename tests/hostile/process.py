"""`veille` as a user runs it: a process of its own on a home folder, its output as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_veille(
    home: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veille", *args],
        env={**os.environ, "VEILLE_HOME": str(home)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
