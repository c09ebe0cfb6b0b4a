"""The list and the reader say which full-text state holds, and what to do about it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.httpserver import LocalServer
from tests.storing import ingest
from tests.tui.conftest import entry
from tests.tui.helpers import ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp, make_app

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


async def test_f_fetches_the_article_again(home: Paths, local_server: LocalServer) -> None:
    """`f` refetches even a kept article: the page may have changed, or the cookie."""
    local_server.add(
        "/articles/7",
        "<html><body><article><h1>Sept</h1>"
        + "<p>Le texte entier de l'article, avec ses détails et ses chiffres.</p>" * 12
        + "</article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    with open_library(home.library) as lib:
        feed = lib.add_feed(local_server.url("/feed.xml"), title="Local")
        ingest(
            lib,
            feed.id,
            ParsedFeed(
                entries=[
                    entry(0, "Newest cut item", link=local_server.url("/articles/7"), content="")
                ]
            ),
            status=200,
            is_truncated=lambda e, n, text: True,
        )
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        main = app.main
        row = main.item_list.current_row
        assert row is not None and row.title == "Newest cut item"
        await pilot.press("enter")
        await until(pilot, lambda: "Truncated" in static_text(app, "#reader-status"))
        for times in (1, 2):
            await pilot.press("f")
            await until(pilot, lambda n=times: len(local_server.requests_to("/articles/7")) == n)
            await until(pilot, lambda: "détails" in static_text(app, "#reader-body"))
        assert static_text(app, "#reader-status").startswith("Full text")
