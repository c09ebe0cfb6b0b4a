"""A small fixed library for the app's tests: dates, titles and counts never change."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.storing import ingest, ingest_failure
from veille.core.library import open_library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import Paths, Settings, resolve_paths
from veille.tui.app import VeilleApp, make_app

BASE = datetime(2026, 2, 5, 16, 20, tzinfo=UTC)


def entry(n: int, title: str, **extra: object) -> ParsedEntry:
    values: dict[str, object] = {
        "guid": f"item-{n}",
        "link": f"https://example.org/articles/{n}",
        "title": title,
        "author": "Camille Martin",
        "summary": f"<p>Summary of {title}.</p>",
        "content": (
            f"<p>Body of <b>{title}</b> with <a href='https://example.org/ref/{n}'>"
            f"a reference</a>.</p><p>Second paragraph.</p>"
        ),
        "published": BASE - timedelta(hours=n),
    }
    values.update(extra)
    return ParsedEntry(**values)  # type: ignore[arg-type]


def build_library(paths: Paths, *, feeds: int = 3, per_feed: int = 6) -> None:
    """Feeds in two folders, items an hour apart, a starred item, tags, a note, a failing feed."""
    paths.ensure()
    with open_library(paths.library, backups=paths.backups) as lib:
        n = 0
        for f in range(feeds):
            folder = "Presse" if f % 2 == 0 else "Institutions"
            feed = lib.add_feed(
                f"https://feed{f}.example.org/rss.xml", title=f"Feed {f}", folder=folder
            )
            entries = []
            for _ in range(per_feed):
                n += 1
                entries.append(entry(n, f"Article {n} from feed {f}"))
            ingest(
                lib,
                feed.id,
                ParsedFeed(title=f"Feed {f}", entries=entries),
                status=200,
                now=BASE.timestamp(),
            )
        lib.set_starred([1])
        lib.tag([2, 3], add=["climat"])
        lib.set_note(2, "Relire avant lundi")
        lib.set_read([4, 5])
        failing = lib.add_feed("https://down.example.org/rss.xml", title="Down feed")
        ingest_failure(lib, failing.id, status=500, error="server error (HTTP 500)")


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates on screen do not depend on the machine's time zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def home(tmp_path: Path) -> Paths:
    paths = resolve_paths(tmp_path / "home")
    build_library(paths)
    return paths


@pytest.fixture
def app_factory(home: Paths) -> Callable[..., VeilleApp]:
    def make(settings: Settings | None = None, *, offline: bool = False) -> VeilleApp:
        return make_app(home, settings or Settings(lang="en"), offline=offline)

    return make
