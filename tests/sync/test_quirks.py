"""Each quirk of SYNC.md (Q1–Q17) that would lose or invent data, one test each."""

from __future__ import annotations

import pytest

from tests.greader_fake import LABEL, READ, FakeReader, serve
from tests.sync.conftest import client_home
from veille.core import Veille
from veille.core.sync.client import GReaderClient


@pytest.fixture
def fresh(tmp_path):  # type: ignore[no-untyped-def]
    """FreshRSS 1.25 (the quirks all there) and a veille on it."""
    with serve("freshrss-1.25") as (fake, endpoint):
        v = client_home(tmp_path, "one", endpoint, "freshrss")
        yield fake, v
        v.close()


def _feed(fake: FakeReader, n: int = 3, **kwargs: object):  # type: ignore[no-untyped-def]
    feed = fake.add_feed("https://news.example.org/feed.xml", "News", **kwargs)  # type: ignore[arg-type]
    return feed, [fake.add_item(feed, f"T{k}", f"https://news.example.org/{k}") for k in range(n)]


def _tags(v: Veille) -> dict[str, set[str]]:
    return {i.title: set(i.tags) for i in v.library.items()}


def test_q1_a_label_with_a_slash_is_read_by_ids(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    _, items = _feed(fake)
    fake.labels["cnil/sanctions"] = {items[0].id, items[1].id}
    v.sync()
    assert _tags(v) == {"T0": {"cnil/sanctions"}, "T1": {"cnil/sanctions"}, "T2": set()}
    assert not [r for r in fake.requests if "/stream/contents" in r.path]


def test_q2_an_unknown_label_is_never_asked_for(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    _, items = _feed(fake)
    fake.labels["a"] = {items[0].id}
    v.sync()
    del fake.labels["a"]  # deleted by another client: the server would answer every item for it
    fake.requests.clear()
    v.sync()
    assert _tags(v) == {"T0": set(), "T1": set(), "T2": set()}
    assert not [r for r in fake.requests if ("s", LABEL + "a") in r.query]


def test_q3_the_read_set_is_not_asked_as_a_stream(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    _, items = _feed(fake)
    items[0].read = True
    v.sync()
    assert {i.title for i in v.library.items() if i.read} == {"T0"}
    assert not [r for r in fake.requests if ("s", READ) in r.query]


def test_q5_a_star_and_a_tag_on_one_item_both_arrive(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    _, items = _feed(fake, 1)
    v.sync()
    [item] = v.library.items()
    v.library.set_starred([item.id])
    v.library.tag([item.id], add=["à-lire"])
    v.library.set_read([item.id])
    v.sync()
    assert items[0].starred and items[0].read
    assert fake.item_labels(items[0].id) == {"à-lire"}


def test_q6_a_rename_onto_an_existing_label_merges(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    _, items = _feed(fake, 2)
    fake.labels["x"] = {items[0].id}
    fake.labels["y"] = {items[1].id}
    v.sync()
    v.library.rename_tag("x", "y")
    v.sync()
    assert fake.labels.get("y") == {items[0].id, items[1].id}
    assert "x" not in fake.labels
    assert _tags(v) == {"T0": {"y"}, "T1": {"y"}}


def test_q7_a_feed_unsubscribed_on_the_server_keeps_its_stars_here(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    feed, items = _feed(fake)
    items[0].starred = True
    fake.labels["cnil"] = {items[0].id}
    v.sync()
    del fake.feeds[feed.id]
    fake.purge([i.id for i in items])  # what FreshRSS does on unsubscribe
    report = v.sync()[0]
    assert report.feeds["left the server"] == 1
    kept = {i.title: i for i in v.library.items()}
    assert kept["T0"].starred and kept["T0"].tags == ["cnil"] and len(kept) == 3
    assert not any(i.read for i in kept.values())


def test_q8_the_default_folder_is_no_folder_in_any_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with serve("freshrss-1.26", lang="fr") as (fake, endpoint):
        fake.add_feed("https://a.example.org/feed", "A")
        fake.add_feed("https://b.example.org/feed", "B", folder="Presse")
        v = client_home(tmp_path, "one", endpoint, "freshrss")
        v.sync()
        folders = {f.url: f.folder for f in v.library.feeds()}
        assert folders == {"https://a.example.org/feed": "", "https://b.example.org/feed": "Presse"}
        b = next(f for f in v.library.feeds() if f.folder)
        v.library.set_feed_folder(b.id, "")
        v.sync()
        assert fake.categories[fake.feed_by_url(b.url).category] == "Sans catégorie"  # type: ignore[union-attr]
        v.close()


def test_q10_full_width_look_alikes_are_turned_back(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    feed = fake.add_feed("https://lemonde.example/feed", "Le Monde, planète/climat ? & co")
    fake.add_item(feed, "Sécurité & données <3", "https://lemonde.example/1")
    v.sync()
    assert v.library.feeds()[0].title == "Le Monde, planète/climat ? & co"
    assert v.library.items()[0].title == "Sécurité & données <3"


def test_q17_a_push_past_1000_ids_is_not_lost(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    _, items = _feed(fake, 1200)
    v.sync()
    v.library.set_read([i.id for i in v.library.items()])
    fake.requests.clear()
    report = v.sync()[0]
    assert report.pushed["read"] == 1200
    assert all(i.read for i in items)
    assert len(fake.calls("/reader/api/0/edit-tag")) == 2


def test_a_401_logs_in_again(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, _ = fresh
    endpoint = f"http://127.0.0.1:{fake.requests[0].headers['host'].split(':')[1]}/api/greader.php"
    with GReaderClient(endpoint, "alice", lambda: "secret-pw") as client:
        client.login()
        fake.rotate()
        assert client.tag_list()[0]["id"].endswith("starred")
    assert len(fake.calls("/accounts/ClientLogin")) == 3  # account add, then twice here


def test_the_password_travels_only_in_post_bodies(fresh) -> None:  # type: ignore[no-untyped-def]
    fake, v = fresh
    _feed(fake)
    v.sync()
    for r in fake.requests:
        assert "secret-pw" not in r.raw_path
    assert {r.method for r in fake.calls("/accounts/ClientLogin")} == {"POST"}
