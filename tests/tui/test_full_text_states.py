"""The list and the reader say which full-text state holds, and what to do about it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tui.helpers import ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.settings import Paths
from veille.tui.app import VeilleApp

pytestmark = pytest.mark.slow


def row_of(text: str, title: str) -> str:
    return next(line for line in text.splitlines() if title in line)


async def test_list_marks_and_reader_words_follow_the_state(
    app_factory: Callable[..., VeilleApp], home: Paths
) -> None:
    with open_library(home.library) as lib:
        lib.record_full_text(1, "<p>The whole article, from its page.</p>")
        lib.record_paywalled(2, "the page gives only 180 characters of text")
        lib.record_full_text_error(3, "HTTP 404 Not Found")
    app = app_factory()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "≡" in row_of(text, "Article 1 from feed 0")
        assert "$" in row_of(text, "Article 2 from feed 0")
        assert "≡" not in row_of(text, "Article 2 from feed 0")
        assert "!" in row_of(text, "Article 3 from feed 0")

        main = app.main
        main.open_item(2)
        await until(
            pilot, lambda: main.reader_pane.item is not None and main.reader_pane.item.id == 2
        )
        await until(pilot, lambda: "Teaser only" in static_text(app, "#reader-status"))
        status = static_text(app, "#reader-status")
        assert (
            "Teaser only: example.org asks for a subscription — add its cookie under "
            '[sites."example.org"] in config.toml, see README'
        ) in " ".join(status.split())

        main.open_item(3)
        await until(pilot, lambda: "Full text failed" in static_text(app, "#reader-status"))
        assert "HTTP 404 Not Found — press f to try again" in " ".join(
            static_text(app, "#reader-status").split()
        )

        main.open_item(1)
        await until(pilot, lambda: "whole article" in static_text(app, "#reader-body"))
        assert static_text(app, "#reader-status").startswith("Full text")
