"""The demo shows what veille does on any day: dates near today, its own pages for `f`, the
searches README shows, and a temporary home that goes when the demo ends."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from veille.cli.demo import demo_assets, prepare_demo
from veille.cli.demo_dates import shift_dates
from veille.cli.demo_library import TEMPLATE, assets_digest, shipped_digest
from veille.cli.demo_server import start_demo_server
from veille.core import load_settings, open_veille

pytestmark = pytest.mark.slow


def test_dates_move_to_today_in_every_form_feeds_write(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        "<a>Sun, 22 Nov 2026 10:00:00 +0000</a><b>2026-11-21T10:00:00Z</b>"
        "<c>sam., 21 nov. 2026 10:00:00 +0100</c>",
        encoding="utf-8",
    )
    now = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
    offset = shift_dates([feed], now)
    assert datetime(2026, 11, 22, 10, tzinfo=UTC) + offset == now - timedelta(minutes=30)
    text = feed.read_text(encoding="utf-8")
    assert "<a>Wed, 10 Mar 2027 11:30:00 +0000</a>" in text
    assert "<b>2027-03-09T11:30:00Z</b>" in text
    assert "<c>mar., 9 mars 2027 11:30:00 +0100</c>" in text


def test_the_demo_answers_its_searches_and_fetches_its_pages(tmp_path: Path) -> None:
    paths = prepare_demo(tmp_path / "demo")
    server = start_demo_server(paths.config.parent)
    assert server is not None
    try:
        with open_veille(paths, settings=load_settings(paths)) as v:
            assert v.count("since:1d") > 0 and v.count("since:3d") > v.count("since:1d")
            for search in v.saved_searches():
                assert v.count(search.query) > 0, search.name
            assert v.count("cnil") >= 1 and v.count("tag:cnil is:unread") >= 1
            cut = [i for i in v.items("is:truncated") if i.url.startswith("http://127.0.0.1:")]
            assert cut
            result = v.fetch_full_text(cut[0].id)
            assert result.ok, result.error
    finally:
        server.stop()


def test_the_demo_home_is_set_up_without_reading_a_feed_or_a_page(tmp_path: Path) -> None:
    """The demo's library is a copy of the shipped one: no refresh, no page extraction, so
    its list is on screen at once (bench/demo.py times it)."""
    code = (
        "import sys\n"
        "from veille.cli.demo import prepare_demo\n"
        f"prepare_demo({str(tmp_path / 'demo')!r})\n"
        "heavy = ('httpx', 'readability', 'feedparser', 'veille.core.ingest.refresh')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_shipped_demo_library_is_built_from_the_assets_as_they_are() -> None:
    assets = demo_assets()
    assert shipped_digest(assets / TEMPLATE) == assets_digest(assets), (
        "the demo's assets changed: run `uv run python -m veille.cli.demo_library`"
    )
