"""Sync scenarios in every dialect: offline edits, purge horizon, tags renamed, merged and
deleted, subscriptions both ways, Miniflux refusing labels, the feeds refresh leaves alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.greader_fake import FakeReader, serve
from tests.httpserver import LocalServer
from tests.sync.conftest import client_home, store
from veille.core import Veille


def _by_title(v: Veille) -> dict[str, object]:
    return {i.title: i for i in v.library.items()}


def _news(fake: FakeReader, n: int = 3, folder: str = ""):  # type: ignore[no-untyped-def]
    feed = fake.add_feed("https://news.example.org/feed.xml", "News", folder=folder)
    return feed, [fake.add_item(feed, f"T{k}", f"https://news.example.org/{k}") for k in range(n)]


def test_offline_edits_wait_in_the_journal(veille: Veille, server: tuple[FakeReader, str]) -> None:
    fake, _ = server
    _, items = _news(fake)
    veille.sync()
    fake.fail_next = [503] * 50  # the server is down
    ids = {i.title: i.id for i in veille.library.items()}
    veille.library.set_read([ids["T0"]])
    veille.library.set_starred([ids["T1"]])
    with pytest.raises(Exception, match="503"):
        veille.sync()
    [status] = veille.sync_status()
    assert status["pending"] == 2 and "503" in status["last_error"]
    fake.fail_next = []
    veille.sync()
    assert items[0].read and items[1].starred
    assert veille.sync_status()[0]["pending"] == 0


def test_absence_from_the_unread_set_is_never_read(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    _, items = _news(fake)
    items[2].starred = True
    veille.sync()
    fake.purge([items[0].id, items[2].id])  # the server's retention took them, unread
    report = veille.sync()[0]
    assert report.pulled["gone"] == 2 and not report.pulled.get("read")
    kept = _by_title(veille)
    assert not any(i.read for i in kept.values())  # type: ignore[attr-defined]
    assert kept["T2"].starred  # type: ignore[attr-defined]
    veille.library.set_read([kept["T0"].id])  # type: ignore[attr-defined]
    assert not veille.sync()[0].pushed  # a frozen item is never pushed


def test_a_pending_local_edit_wins_over_a_remote_change(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    _, items = _news(fake, 1)
    veille.sync()
    [item] = veille.library.items()
    veille.library.set_starred([item.id])
    items[0].read = True  # meanwhile, on the phone
    veille.sync()
    [item] = veille.library.items()
    assert item.read and item.starred and items[0].starred


def test_subscriptions_and_folders_go_both_ways(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    fake.add_feed("https://server.example.org/feed", "Server feed", folder="Presse/Climat")
    local = veille.subscribe("https://local.example.org/feed", folder="Tech")
    veille.subscribe("file:///tmp/local.xml")  # kept local: the server cannot fetch it
    report = veille.sync()[0]
    assert report.feeds["added here"] == 1 and report.feeds["subscribed on the server"] == 1
    pushed = fake.feed_by_url(local.url)
    assert pushed is not None and fake.categories[pushed.category] == "Tech"
    folders = {f.url: f.folder for f in veille.library.feeds()}
    assert folders["https://server.example.org/feed"] == "Presse/Climat"
    veille.library.set_feed_folder(local.id, "Presse/Climat")
    server_feed = fake.feed_by_url("https://server.example.org/feed")
    assert server_feed is not None
    server_feed.category = fake.category("Ailleurs")
    veille.sync()
    assert fake.categories[pushed.category] == "Presse/Climat"
    assert {f.url: f.folder for f in veille.library.feeds()}[server_feed.url] == "Ailleurs"
    veille.library.remove_feed(local.id)
    assert veille.sync()[0].feeds["unsubscribed on the server"] == 1
    assert fake.feed_by_url(local.url) is None


def test_refresh_leaves_account_feeds_to_the_server(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    _news(fake)
    veille.sync()
    refreshed = veille.refresh()
    assert refreshed.report.feeds == 0  # nothing fetched: the server does it


def test_tags_renamed_merged_and_deleted(veille: Veille, server: tuple[FakeReader, str]) -> None:
    fake, _ = server
    if fake.miniflux:
        pytest.skip("Miniflux has no labels")
    _, items = _news(fake)
    fake.labels["CNIL/Sanctions"] = {items[0].id}
    fake.labels["presse"] = {items[1].id}
    veille.sync()
    assert _by_title(veille)["T0"].tags == ["cnil/sanctions"]  # type: ignore[attr-defined]
    ids = {i.title: i.id for i in veille.library.items()}
    veille.library.tag([ids["T2"]], add=["cnil/sanctions"])
    veille.sync()
    assert fake.labels["CNIL/Sanctions"] == {items[0].id, items[2].id}  # the server's spelling
    veille.library.rename_tag("cnil", "autorités/cnil")
    veille.sync()
    assert fake.labels["autorités/cnil/sanctions"] == {items[0].id, items[2].id}
    assert "CNIL/Sanctions" not in fake.labels
    veille.library.delete_tag("presse")
    veille.sync()
    assert "presse" not in fake.labels and not fake.item_labels(items[1].id)


def test_miniflux_refuses_labels_so_tags_stay_local(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    if not fake.miniflux:
        pytest.skip("a Miniflux dialect test")
    _news(fake, 1)
    veille.sync()
    [item] = veille.library.items()
    veille.library.tag([item.id], add=["à-lire"])
    veille.library.set_starred([item.id])
    veille.sync()
    assert [i.tags for i in veille.library.items()] == [["à-lire"]]
    assert next(iter(fake.items.values())).starred
    assert not [r for r in fake.calls("/reader/api/0/edit-tag") if "label" in str(r.form)]
    assert "tags stay local" in " ".join(veille.sync_status()[0]["notes"])


def test_a_tag_named_like_a_server_folder_is_pushed_apart(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    if fake.miniflux:
        pytest.skip("Miniflux has no labels")
    _news(fake, 1, folder="presse")
    veille.sync()
    [item] = veille.library.items()
    veille.library.tag([item.id], add=["presse"])
    veille.sync()
    assert fake.item_labels(next(iter(fake.items))) == {"#presse"}
    assert [i.tags for i in veille.library.items()] == [["presse"]]


def test_items_match_by_link_then_by_title_and_date(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    feed = fake.add_feed("https://news.example.org/feed.xml", "News")
    fake.add_item(feed, "Same link", "https://news.example.org/a")
    fake.add_item(feed, "Same title", "https://news.example.org/b?utm=x")
    local = veille.subscribe("https://news.example.org/feed.xml")
    store(veille, local.id, [("Other title", "https://news.example.org/a"),
                             ("Same title", "https://news.example.org/b")])  # fmt: skip
    report = veille.sync()[0]
    assert report.pulled["matched"] == 2 and len(veille.library.items()) == 2


def test_full_texts_of_synced_items_are_still_fetched_here(
    tmp_path: Path, local_server: LocalServer
) -> None:
    page = "<html><head><title>A</title></head><body><article>" + "<p>Texte intégral. " * 40
    local_server.add("/a.html", page + "</article></body></html>", content_type="text/html")
    with serve("freshrss-1.26") as (fake, endpoint):
        feed = fake.add_feed("https://news.example.org/feed.xml", "News")
        fake.add_item(feed, "Alpha", local_server.url("/a.html"), content="<p>court</p>")
        home = tmp_path / "ft"
        home.mkdir()
        (home / "config.toml").write_text(
            '[network]\nallow = ["127.0.0.1"]\n[feeds."https://news.example.org/feed.xml"]\nfull_text = "always"\n'
        )
        v = client_home(tmp_path, "ft", endpoint, "freshrss")
        v.sync()
        [item] = v.library.items()
        full = v.library.item(item.id)
        assert "Texte intégral" in full.full_text, (full.full_text_error, v.paths.config)
        v.close()


def test_what_the_server_says_is_data(veille: Veille, server: tuple[FakeReader, str]) -> None:
    fake, _ = server
    feed = fake.add_feed("https://evil.example.org/feed", "Evil\x1b]2;owned\x07 [b]feed[/b]")
    fake.add_item(feed, "Title\x1b[31m red", "https://evil.example.org/1")
    fake.add_feed("file:///etc/passwd", "Local file")
    veille.sync()
    [local] = veille.library.feeds()
    assert local.url == "https://evil.example.org/feed"
    assert "\x1b" not in local.title and "[b]feed[/b]" in local.title
    assert "\x1b" not in veille.library.items()[0].title
