"""httpx without its command-line program, which a refresh never runs.

httpx's package imports its `httpx` program (click, pygments, rich's console and progress bars)
whenever those are installed, and rich always is: the app's Textual needs it. That made a tenth
of every refresh command's start-up. An import finder gives httpx a stand-in for the program's
module when httpx asks for it; the stand-in's `main` loads the real program, so `httpx.main`
still works if anything calls it.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

PROGRAM = "httpx._main"


class _StandIn:
    """Finds `httpx._main` as a module whose `main` loads the real one, until it is called.

    A finder and a loader by their methods alone: `importlib.abc` would bring
    `importlib.resources` into the parser processes too.
    """

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != PROGRAM:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("Loader", self))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        module.main = _real_main  # type: ignore[attr-defined]


_FINDER = _StandIn()


def _real_main(*args: object, **kwargs: object) -> object:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    if getattr(sys.modules.get(PROGRAM), "main", None) is _real_main:
        del sys.modules[PROGRAM]
    main = importlib.import_module(PROGRAM).main
    return main(*args, **kwargs)


def without_its_program() -> None:
    """Leave httpx's program out of the httpx this process imports (if it has not yet)."""
    if "httpx" in sys.modules or _FINDER in sys.meta_path:
        return
    sys.meta_path.insert(0, _FINDER)
