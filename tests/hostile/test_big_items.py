"""Huge item bodies: the reader shows a bounded part quickly and says what it left out.

The library and the exports keep the whole text; only the rendering for the screen is bounded.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import Static

from tests.storing import ingest
from tests.tui.conftest import BASE, build_library, entry
from tests.tui.helpers import ready, screen_text, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import Paths, Settings, resolve_paths
from veille.tui.app import make_app
from veille.tui.render.terminal import render_html

TEN_MB_LINE = "<p>" + "mot " * 2_500_000 + "</p>"
WIDE_TABLE = (
    "<table>"
    + "".join(
        "<tr>" + "".join(f"<td>c{r}x{c}</td>" for c in range(5000)) + "</tr>" for r in range(3)
    )
    + "</table>"
)


def library_with(tmp_path: Path, content: str) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    build_library(paths, feeds=1, per_feed=2)
    with open_library(paths.library, backups=paths.backups) as lib:
        feed = lib.add_feed("https://big.example.org/rss.xml", title="Big")
        # Newest of all, so it is the first row and the one the reader opens.
        big = entry(100, "Huge body", content=content, published=BASE)
        ingest(
            lib, feed.id, ParsedFeed(title="Big", entries=[big]), status=200, now=BASE.timestamp()
        )
    return paths


def test_ten_megabyte_line_is_not_lost_nor_rendered_whole() -> None:
    started = time.perf_counter()
    rendered = render_html(TEN_MB_LINE, width=80)
    assert time.perf_counter() - started < 3
    plain = rendered.text.plain
    assert plain.startswith("mot mot")  # the text is there (it used to vanish past 10 MB)
    assert len(plain) < 200_200  # the cap: 200,000 characters
    assert "more characters not shown (open in browser with o)" in plain


def test_five_thousand_columns_are_capped() -> None:
    plain = render_html(WIDE_TABLE, width=80).text.plain
    assert "c0x0" in plain and "c0x49" in plain
    assert "c0x50" not in plain
    assert "… 4,950 more columns" in plain


@pytest.mark.slow
@pytest.mark.parametrize("content", [TEN_MB_LINE, WIDE_TABLE], ids=["10MB-line", "5000-columns"])
async def test_app_opens_a_huge_item_quickly(tmp_path: Path, content: str) -> None:
    paths = library_with(tmp_path, content)
    app = make_app(paths, Settings(lang="en"))
    started = time.perf_counter()
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.main.reader_pane.item is not None)
        await until(pilot, lambda: "Huge body" in screen_text(app))
        reader = app.main.reader_pane
        assert reader.item is not None and reader.item.title == "Huge body"
        body = str(reader.query_one("#reader-body", Static).content)
        assert ("more characters not shown" in body) or ("… 4,950 more columns" in body)
        await pilot.press("j", "k")  # the app still answers keys
        elapsed = time.perf_counter() - started
    assert elapsed < 8, elapsed
    with open_library(paths.library, backups=paths.backups) as lib:
        item = next(i for i in lib.items_by_id(list(range(1, 10))) if i.title == "Huge body")
        assert item.content == content  # the library keeps every character
