"""A search's deep pages in the app: paging down through hundreds of hits shows each row where
the list has it, pages read from the one before them (`rows(after=…)`)."""

from __future__ import annotations

from datetime import timedelta

from tests.storing import ingest
from tests.tui.conftest import BASE, entry
from tests.tui.helpers import ready, until
from veille.core.library import open_library
from veille.core.model import ParsedFeed
from veille.core.settings import Paths, Settings, resolve_paths
from veille.tui.app import make_app


def _long_home(tmp: Paths) -> Paths:
    tmp.ensure()
    with open_library(tmp.library, backups=tmp.backups) as lib:
        for f in range(2):
            feed = lib.add_feed(f"https://deep{f}.example.org/rss", title=f"Deep {f}")
            entries = [
                entry(
                    f * 1000 + n,
                    f"Dépêche {f}-{n} sécurité" + (" climat" if n % 3 else ""),
                    # Both feeds publish at the same minutes: the order between them is the id's.
                    published=BASE - timedelta(minutes=n),
                )
                for n in range(260)
            ]
            ingest(lib, feed.id, ParsedFeed(title=f"Deep {f}", entries=entries))
    return tmp


async def test_paging_down_a_long_search_shows_every_row_in_its_place(tmp_path: object) -> None:
    from pathlib import Path

    home = _long_home(resolve_paths(Path(str(tmp_path)) / "home"))
    with open_library(home.library) as lib:
        expected = [r.title for r in lib.rows("climat", limit=1_000)]
    assert len(expected) == 346
    app = make_app(home, Settings(lang="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        items = app.main.item_list
        await pilot.press("slash", *"climat", "enter")
        await until(pilot, lambda: items.count == 346 and not items.fetching)
        seen = {}
        for _ in range(40):
            if items.cursor >= 345:
                break
            await pilot.press("pagedown")
            await until(pilot, lambda: items.current_row is not None)
            row = items.current_row
            assert row is not None
            seen[items.cursor] = row.title
        assert seen and all(expected[at] == title for at, title in seen.items()), seen
        assert max(seen) == 345 and len(seen) > 6  # several pages of 100, each in its place
