"""The `veille` command; `veille.cli.command` builds and runs it.

This package's own import stays light on purpose: the process pool of a refresh starts its
workers by importing the program's main script (the `veille` launcher, which imports `main`
from here) before their first feed, and the commands' modules would cost each of them about a
tenth of a second for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from veille.cli.command import main as run

    return run(argv)
