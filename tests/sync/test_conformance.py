"""The same scenarios against the fake server and, when asked, a real one.

Set VEILLE_TEST_GREADER_URL (FreshRSS's `…/api/greader.php`, or a Miniflux address),
VEILLE_TEST_GREADER_USER and VEILLE_TEST_GREADER_PASSWORD (the API password), and optionally
VEILLE_TEST_GREADER_KIND (freshrss, the default, or miniflux), then run
`uv run pytest tests/sync -m real_server`. Use a test user with a few items: the scenarios
change read marks, stars and a `veille-test/…` label, and put them back as they were.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.greader_fake import serve
from veille.core import Veille, open_veille
from veille.core.sync.client import GReaderClient, LoginRefused
from veille.core.sync.names import LABEL, READ, READING_LIST, STARRED


@dataclass
class Target:
    endpoint: str
    user: str
    password: str
    kind: str


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.real_server)])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "real":
        url = os.environ.get("VEILLE_TEST_GREADER_URL", "")
        user = os.environ.get("VEILLE_TEST_GREADER_USER", "")
        password = os.environ.get("VEILLE_TEST_GREADER_PASSWORD", "")
        if not (url and user and password):
            pytest.skip("VEILLE_TEST_GREADER_URL, _USER and _PASSWORD are not set")
        yield Target(url, user, password, os.environ.get("VEILLE_TEST_GREADER_KIND", "freshrss"))
        return
    with serve("freshrss-1.25") as (fake, endpoint):
        feed = fake.add_feed("https://news.example.org/feed.xml", "News")
        for k in range(5):
            fake.add_item(feed, f"T{k}", f"https://news.example.org/{k}")
        yield Target(endpoint, "alice", "secret-pw", "freshrss")


@pytest.fixture
def synced(tmp_path: Path, target: Target) -> Iterator[tuple[Veille, GReaderClient]]:
    v = open_veille(tmp_path / "home")
    v.paths.ensure()
    v.add_account("t", target.kind, target.endpoint, target.user, password=target.password)
    with GReaderClient(target.endpoint, target.user, lambda: target.password) as client:
        v.sync()
        if not v.library.items():
            pytest.skip("the account has no item to try")
        yield v, client
    v.close()


def _remote(v: Veille, item_id: int) -> str:
    row = v.library.conn.execute(
        "SELECT remote_id FROM remote_items WHERE item_id = ?", (item_id,)
    ).fetchone()
    return str(row[0])


def test_an_idle_sync_sends_no_change(synced: tuple[Veille, GReaderClient]) -> None:
    v, _ = synced
    report = v.sync()[0]
    assert not report.pushed and not report.pulled.get("new items")


def test_a_star_and_a_read_mark_go_there_and_back(synced: tuple[Veille, GReaderClient]) -> None:
    v, client = synced
    item = v.library.items()[0]
    rid = _remote(v, item.id)
    v.library.set_starred([item.id], not item.starred)
    v.library.set_read([item.id], not item.read)
    v.sync()
    try:
        assert (rid in client.ids(STARRED)) == (not item.starred)
        assert (rid not in client.ids(READING_LIST, exclude=READ)) == (not item.read)
    finally:
        v.library.set_starred([item.id], item.starred)
        v.library.set_read([item.id], item.read)
        v.sync()
    assert (rid in client.ids(STARRED)) == item.starred


def test_a_label_with_a_slash_round_trips(
    synced: tuple[Veille, GReaderClient], target: Target
) -> None:
    if target.kind != "freshrss":
        pytest.skip("labels are FreshRSS's")
    v, client = synced
    item = v.library.items()[0]
    v.library.tag([item.id], add=["veille-test/probe"])
    v.sync()
    try:
        assert client.ids(LABEL + "veille-test/probe") == [_remote(v, item.id)]
    finally:
        v.library.tag([item.id], remove=["veille-test/probe"])
        v.sync()
    labels = [t["id"] for t in client.tag_list()]
    assert LABEL + "veille-test/probe" not in labels


def test_a_wrong_password_is_refused_in_plain_words(target: Target) -> None:
    with (
        GReaderClient(target.endpoint, target.user, lambda: "not-the-password") as client,
        pytest.raises(LoginRefused, match="API password"),
    ):
        client.login()
