"""Running a coroutine to its end from synchronous code, as `asyncio.run` does, but cheaply.

At its end `asyncio.run` asks for the Ctrl-C handler it installed, whose description holds the
finished task, whose description holds the task's result: the result's whole `repr` is built,
twice, and thrown away. For a refresh that result names every new item (tens of milliseconds
at 10,000 of them). Here the coroutine the runner sees returns nothing; the result travels
beside it.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(work: Coroutine[Any, Any, T]) -> T:
    """`work`'s result, from a fresh event loop closed afterwards (see `asyncio.run`)."""
    import asyncio  # imported here: commands that read the library never need an event loop

    kept: list[T] = []

    async def keep() -> None:
        kept.append(await work)

    asyncio.run(keep())
    return kept[0]
