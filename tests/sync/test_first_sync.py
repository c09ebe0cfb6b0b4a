"""First sync: an existing library meets an existing account, and nothing is lost."""

from __future__ import annotations

from tests.greader_fake import FakeReader
from tests.sync.conftest import store
from veille.core import Veille


def test_a_first_sync_merges_both_sides_losing_nothing(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    feed = fake.add_feed("https://news.example.org/feed.xml", "News", folder="Presse")
    a = fake.add_item(feed, "Alpha", "https://news.example.org/a", read=True)
    fake.add_item(feed, "Beta", "https://news.example.org/b", starred=True)
    local = veille.subscribe("https://news.example.org/feed.xml")
    ids = store(
        veille,
        local.id,
        [("Alpha", "https://news.example.org/a"), ("Gamma", "https://news.example.org/c")],
    )
    veille.library.set_starred([ids[0]])
    veille.library.tag([ids[0]], add=["cnil/sanctions"])

    dry = veille.sync(dry_run=True)[0]
    assert dry.pushed["star"] == 1
    assert not fake.items[a.id].starred  # a dry run sends nothing
    report = veille.sync()[0]

    assert report.pushed["star"] == 1
    assert fake.items[a.id].starred and fake.items[a.id].read
    items = {i.title: i for i in veille.library.items()}
    assert items["Alpha"].read and items["Alpha"].starred
    assert items["Beta"].starred
    assert "Gamma" in items  # the local-only item stays
    if not fake.miniflux:
        assert fake.item_labels(a.id) == {"cnil/sanctions"}
    assert veille.library.feeds()[0].folder == "Presse"
    again = veille.sync()[0]
    assert not again.pushed and not again.pulled.get("read")


def test_a_server_feed_links_to_the_local_feed_of_the_same_address_case_and_all(
    veille: Veille, server: tuple[FakeReader, str]
) -> None:
    fake, _ = server
    fake.add_feed("HTTPS://News.Example.ORG:443/Feed/", "Upper", folder="Presse")
    fake.add_feed("https://news.example.org/x", "Script's", folder="Scripts")
    upper = veille.subscribe("https://news.example.org/Feed")
    lower = veille.subscribe("https://news.example.org/feed")
    command = veille.subscribe_command("exec", "curl -s https://news.example.org/x")
    veille.sync()
    feeds = {f.url: f for f in veille.library.feeds()}
    # Paths are case-sensitive: /Feed is the server's feed, /feed another one.
    assert feeds[upper.url].folder == "Presse"
    assert feeds[lower.url].folder == ""
    # A command that names a web address is not that feed: the server's comes as its own.
    assert feeds[command.url].folder == ""
    assert feeds["https://news.example.org/x"].folder == "Scripts"
    assert len(feeds) == 4
