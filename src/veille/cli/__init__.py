"""The `veille` command; `veille.cli.command` builds and runs it.

This package's own import stays light on purpose: the process pool of a refresh starts its
workers by importing the program's main script (the `veille` launcher, which imports `main`
from here) before their first feed, and the commands' modules would cost each of them about a
tenth of a second for nothing.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import NoReturn


def main(argv: Sequence[str] | None = None) -> int:
    from veille.cli.command import main as run

    return run(argv)


def launch() -> NoReturn:
    """The `veille` program (console script and `python -m veille`): run, then exit.

    By the time `main` returns, the library and the cache are closed and the output written.
    The interpreter's last garbage collection would then walk every object the command made, to
    free memory the system takes back whole a moment later (~50 ms after a refresh); frozen
    objects are left out of it. Exit handlers still run.
    """
    status = main()
    gc.freeze()
    sys.exit(status)
