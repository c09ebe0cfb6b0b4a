"""Fixtures of the sync tests: a fake Google Reader server per dialect, veille homes on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.greader_fake import FakeReader, serve
from veille.core import Veille, open_veille

DIALECTS = ["freshrss-1.25", "freshrss-1.26", "miniflux"]


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(dialect: str) -> Iterator[tuple[FakeReader, str]]:
    with serve(dialect) as running:
        yield running


def client_home(tmp_path: Path, name: str, endpoint: str, kind: str) -> Veille:
    v = open_veille(tmp_path / name)
    v.paths.ensure()
    v.add_account("home", kind, endpoint, "alice", password="secret-pw")
    return v


@pytest.fixture
def veille(tmp_path: Path, server: tuple[FakeReader, str]) -> Iterator[Veille]:
    fake, endpoint = server
    v = client_home(tmp_path, "one", endpoint, "miniflux" if fake.miniflux else "freshrss")
    yield v
    v.close()


def store(v: Veille, feed_id: int, entries: list[tuple[str, str]]) -> list[int]:
    """Store items (title, link) in a feed as a refresh would; their ids, in order."""
    from datetime import UTC, datetime

    from tests.storing import ingest
    from veille.core.model import ParsedEntry, ParsedFeed

    when = datetime.fromtimestamp(1795161600, UTC)
    parsed = ParsedFeed(
        entries=[ParsedEntry(guid=link, link=link, title=t, published=when) for t, link in entries]
    )
    ingest(v.library, feed_id, parsed)
    found = {i.url: i.id for i in v.library.items()}
    return [found[link] for _, link in entries]
