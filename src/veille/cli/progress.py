"""A one-line progress bar for the terminal, drawn only when stderr is a terminal."""

from __future__ import annotations

import shutil
import sys
from typing import IO


class ProgressBar:
    def __init__(self, label: str, stream: IO[str] | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._drawn = False

    def update(self, done: int, total: int, detail: str = "") -> None:
        if not self.enabled or total <= 0:
            return
        width = max(10, min(40, shutil.get_terminal_size().columns - 50))
        filled = int(width * done / total)
        bar = "█" * filled + "·" * (width - filled)
        # Feed-derived text never reaches the terminal here: `detail` is built from numbers.
        self.stream.write(f"\r{self.label} {bar} {done}/{total} {detail}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
