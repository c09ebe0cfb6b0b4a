"""The synchronous verbs' event loop: a result comes back untouched, errors as they were."""

from __future__ import annotations

import pytest

from veille.core import loop


class Noted:
    """A result that counts how often its description is built."""

    described = 0

    def __repr__(self) -> str:
        Noted.described += 1
        return "Noted()"


def test_the_result_comes_back_without_its_description_being_built() -> None:
    # asyncio.run builds the finished task's description, result included, twice on its way
    # out: for a refresh, a report naming every new item.
    async def work() -> Noted:
        return Noted()

    Noted.described = 0
    assert isinstance(loop.run(work()), Noted)
    assert Noted.described == 0


def test_an_error_comes_out_as_raised() -> None:
    async def work() -> None:
        raise LookupError("gone")

    with pytest.raises(LookupError, match="gone"):
        loop.run(work())
