"""The screen at every width: list columns that give way in order, counts never clipped, the
tag tree nested, ten list rows at 80×24, rows that keep the border where it is."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from rich.style import Style

from tests.storing import ingest
from tests.tui.conftest import BASE, entry
from tests.tui.helpers import ready, screen_text, static_text, until
from veille.core.library import open_library
from veille.core.model import ItemRow, ParsedFeed
from veille.core.settings import Paths, Settings
from veille.tui.app import VeilleApp
from veille.tui.widgets.columns import RowStyles, columns, row_text

Factory = Callable[..., VeilleApp]
LONG = "Le Registre — veille institutionnelle et parlementaire"


def test_columns_give_way_in_order_as_the_list_narrows() -> None:
    wide, middle, narrow, tiny = columns(110), columns(65), columns(45), columns(30)
    assert wide.date and wide.feed and wide.sources and wide.tags  # everything
    assert middle.date and middle.feed and middle.tags and not middle.sources  # sources first
    assert columns(58).feed and not columns(58).tags  # then tags
    assert narrow.date and not narrow.feed  # then the feed
    assert not tiny.date  # the date last: the title keeps its room
    for width in range(20, 160):
        now, wider = columns(width), columns(width + 1)
        for name in ("date", "feed", "sources", "tags"):  # a wider list never loses one
            assert bool(getattr(wider, name)) >= bool(getattr(now, name)), (width, name)


def test_an_emoji_row_is_exactly_as_wide_as_the_list() -> None:
    styles = RowStyles(*(Style() for _ in range(5)))
    row = ItemRow(
        id=1,
        feed_id=1,
        title="Alerte ❤️ chercheuse 🧑‍🔬 et drapeau 🇫🇷 — un titre bien plus long que la colonne",
        feed_title="Flux 🎉",
        sort_date=BASE,
        read=False,
        starred=True,
        truncated=False,
        has_full_text=False,
        tags=("émoji", "très/long/tag"),
        cluster_size=3,
    )
    for width in (30, 50, 80, 120):
        text = row_text(row, width, styles, lang="fr", selected=False)
        assert text.cell_len == width
        assert "\ufe0f" not in text.plain and "\u200d" not in text.plain


@pytest.mark.slow
async def test_80_by_24_shows_ten_rows_and_counts_are_never_clipped(
    app_factory: Factory, home: Paths
) -> None:
    with open_library(home.library) as lib:
        feed = lib.add_feed("https://registre.example.org/rss.xml", title=LONG)
        entries = [entry(100 + n, f"Séance {n}") for n in range(3)]
        ingest(lib, feed.id, ParsedFeed(title=LONG, entries=entries), status=200)
        lib.tag([7], add=["surveillance/vsa"])
        lib.tag([8, 9], add=["surveillance/biométrie"])
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        text = screen_text(app)
        rows = [line for line in text.splitlines() if re.search(r"│.{4}26-02-0", line)]
        assert len(rows) >= 10
        label = next(line for line in text.splitlines() if "Le Registre" in line)
        assert "… 3" in label.split("│")[0]  # the title gave way, the count stayed
        assert "surveillance 3" in text  # the parent adds up its children
        assert "vsa 1" in text and "biométrie 2" in text
        assert "unread /" in static_text(app, "#status-text")
        app.main.feed_tree.select_key("tag:surveillance")  # its view has its children's items
        await until(pilot, lambda: app.main.item_list.count == 3)


@pytest.mark.slow
async def test_a_search_error_is_shown_whole_in_a_narrow_list(app_factory: Factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"climat tag:")
        problem = app.main.query_one("#search-problem")
        await until(pilot, lambda: problem.display)
        await pilot.pause(0.2)
        said = str(problem.render()).replace("\n", " ")  # type: ignore[attr-defined]
        shown = " ".join(
            part.strip() for line in screen_text(app).splitlines() for part in line.split("│")[1:2]
        )
        assert said and " ".join(said.split()) in " ".join(shown.split())


@pytest.mark.slow
async def test_the_article_keeps_its_reading_width_centred_when_zoomed(
    app_factory: Factory, home: Paths
) -> None:
    words = " ".join(f"mot{n}" for n in range(300))
    with open_library(home.library) as lib:
        feed = lib.add_feed("https://long.example.org/rss.xml", title="Long")
        long = entry(200, "Très long", content=f"<p>{words}</p>", published=BASE)
        ingest(lib, feed.id, ParsedFeed(title="Long", entries=[long]), status=200)
    app = app_factory(Settings(lang="en", reading_width=60))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        app.main.feed_tree.select_key(f"feed:{feed.id}")
        await until(pilot, lambda: app.main.item_list.count == 1)
        await pilot.press("enter", "z")
        await until(pilot, lambda: "mot0" in static_text(app, "#reader-body"))
        await pilot.pause(0.2)
        lines = [line for line in screen_text(app).splitlines() if "mot1" in line]
        assert lines
        for line in lines:
            text = line.strip()
            assert len(text) <= 60
            start = line.index(text)
            assert 40 <= start <= 60  # (160 - 60) / 2, give or take the padding
