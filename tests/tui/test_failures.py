"""A verb that fails in its worker is told in one notification, in plain words; the app goes on.

Every worker of the main screen is started with `exit_on_error=False` and its failure takes one
route (`Workers.settle`, on `Worker.StateChanged`) to the app's notification.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tui.helpers import notices, ready, until
from veille.core import Veille
from veille.tui.app import VeilleApp

Factory = Callable[..., VeilleApp]


async def test_a_failing_worker_is_one_notification(
    app_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Veille, *args: object, **kwargs: object) -> int:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(Veille, "set_marks", broken)
    app = app_factory()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(pilot)
        row = app.main.item_list.current_row
        assert row is not None
        starred = row.starred
        await pilot.press("s")
        await until(pilot, lambda: "Saving the change failed: the disk is on fire" in notices(app))
        assert "Traceback" not in notices(app)
        # The list reloads to show the library as it really is: the star did not land.
        await until(
            pilot,
            lambda: (r := app.main.item_list.current_row) is not None and r.starred == starred,
        )
        assert app.is_running and app.return_code is None
