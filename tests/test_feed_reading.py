"""Feeds read as the best readers read them, through a real refresh from a local server.

Shared guids, Media RSS, untitled posts, authors and dates: each case is a feed of its own,
served over HTTP on 127.0.0.1 and read back from the library the way a user would see it.
"""

from __future__ import annotations

import asyncio

from tests.httpserver import LocalServer
from veille.core.ingest.refresh import refresh
from veille.core.library import Library
from veille.core.model import Item
from veille.core.settings import Settings


def quick_settings() -> Settings:
    settings = Settings()
    settings.refresh.connect_timeout = 2
    settings.refresh.read_timeout = 2
    settings.refresh.total_timeout = 4
    return settings


def refreshed(lib: Library, server: LocalServer, path: str, body: str) -> list[Item]:
    server.add(path, body)
    if lib.feed_by_url(server.url(path)) is None:
        lib.add_feed(server.url(path))
    asyncio.run(refresh(lib, quick_settings()))
    return sorted(lib.items(""), key=lambda i: i.id)


def rss(items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"'
        ' xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Blog</title>'
        f"<link>https://blog.example.org/</link>{items}</channel></rss>"
    )


def item(guid: str, title: str, link: str, date: str = "Sat, 21 Nov 2026 10:00:00 +0000") -> str:
    return (
        f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title><link>{link}</link>"
        f"<pubDate>{date}</pubDate><description>{title}, le texte</description></item>"
    )


# Shared guids ----------------------------------------------------------------------------------


def test_distinct_posts_sharing_a_guid_are_distinct_items(
    lib: Library, local_server: LocalServer
) -> None:
    feed = rss(
        item("post", "Premier billet", "https://blog.example.org/1")
        + item("post", "Second billet", "https://blog.example.org/2")
        + item("post", "Premier billet", "https://blog.example.org/1")  # a plain repeat
    )
    items = refreshed(lib, local_server, "/shared.xml", feed)
    assert sorted(i.title for i in items) == ["Premier billet", "Second billet"]
    again = refreshed(lib, local_server, "/shared.xml", feed)
    assert [i.id for i in again] == [i.id for i in items]  # stable from one refresh to the next


def test_a_post_keeps_its_marks_when_a_second_post_takes_its_guid(
    lib: Library, local_server: LocalServer
) -> None:
    first = refreshed(
        lib, local_server, "/f.xml", rss(item("g", "Ancien", "https://blog.example.org/a"))
    )
    lib.set_starred([first[0].id])
    lib.tag([first[0].id], add=["à-lire"])
    both = rss(
        item("g", "Nouveau", "https://blog.example.org/b")
        + item("g", "Ancien", "https://blog.example.org/a")
    )
    items = refreshed(lib, local_server, "/f.xml", both)
    assert len(items) == 2
    old = next(i for i in items if i.title == "Ancien")
    assert old.id == first[0].id and old.starred and "à-lire" in old.tags
    # The newer post alone again under the guid: still the same two items, not a third.
    alone = rss(item("g", "Nouveau", "https://blog.example.org/b"))
    assert [i.id for i in refreshed(lib, local_server, "/f.xml", alone)] == [i.id for i in items]


def test_a_republished_entry_updates_in_place_and_keeps_its_marks(
    lib: Library, local_server: LocalServer
) -> None:
    items = refreshed(lib, local_server, "/r.xml", rss(item("g", "Titre", "https://b.org/p")))
    lib.set_starred([items[0].id])
    lib.set_read([items[0].id])
    changed = rss(item("g", "Titre corrigé", "https://b.org/p", "Sun, 22 Nov 2026 10:00:00 +0000"))
    after = refreshed(lib, local_server, "/r.xml", changed)
    assert [(i.id, i.title, i.starred, i.read) for i in after] == [
        (items[0].id, "Titre corrigé", True, True)
    ]


# Media RSS and untitled posts ------------------------------------------------------------------

YOUTUBE = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015"
      xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <title>Une chaîne</title>
 <entry>
  <id>yt:video:abc123</id>
  <yt:videoId>abc123</yt:videoId>
  <published>2026-11-20T08:00:00+00:00</published>
  <author><name>La chaîne</name></author>
  <media:group>
   <media:title>La vidéo du jour</media:title>
   <media:content url="https://www.youtube.com/v/abc123?version=3" type="application/x-shockwave-flash"/>
   <media:description>Première ligne.

Deuxième paragraphe &amp; lien.</media:description>
  </media:group>
 </entry>
</feed>"""

BARE_MEDIA = rss(
    "<item><guid>m1</guid><media:title>Le titre média</media:title>"
    "<media:description type='html'>&lt;p&gt;Un &lt;b&gt;texte&lt;/b&gt;&lt;/p&gt;"
    "</media:description>"
    "<media:player url='https://video.example.org/watch/1'/></item>"
)


def test_youtube_items_keep_title_description_and_link(
    lib: Library, local_server: LocalServer
) -> None:
    (video,) = refreshed(lib, local_server, "/yt.xml", YOUTUBE)
    assert video.title == "La vidéo du jour"
    assert video.url == "https://www.youtube.com/v/abc123?version=3"
    assert "Deuxième paragraphe &amp; lien." in video.summary
    assert video.summary.count("<p>") == 2


def test_media_rss_fills_title_body_and_link_from_media_player(
    lib: Library, local_server: LocalServer
) -> None:
    (entry,) = refreshed(lib, local_server, "/m.xml", BARE_MEDIA)
    assert entry.title == "Le titre média"
    assert entry.url == "https://video.example.org/watch/1"
    assert "<b>texte</b>" in entry.summary


def test_an_untitled_post_is_named_by_its_first_words_else_its_link(
    lib: Library, local_server: LocalServer
) -> None:
    words = "Ceci est un pouet assez long pour que son titre soit coupé avant la fin, " * 3
    feed = rss(
        f"<item><guid>t1</guid><link>https://social.example/@a/1</link>"
        f"<description>&lt;p&gt;{words}&lt;/p&gt;</description></item>"
        "<item><guid>t2</guid><link>https://social.example/@a/2</link></item>"
    )
    items = refreshed(lib, local_server, "/toots.xml", feed)
    titles = [i.title for i in items]
    assert titles[0].startswith("Ceci est un pouet") and titles[0].endswith("…")
    assert len(titles[0]) <= 81 and "(untitled)" not in titles[0]
    assert titles[1] == "https://social.example/@a/2"


# Authors and dates -----------------------------------------------------------------------------


def test_authors_lose_only_an_address_and_every_atom_author_is_kept(
    lib: Library, local_server: LocalServer
) -> None:
    feed = rss(
        "<item><guid>a1</guid><title>Un</title><author>jo@example.org (Jo Martin)</author></item>"
        "<item><guid>a2</guid><title>Deux</title><author>Rédaction (Paris)</author></item>"
    )
    items = refreshed(lib, local_server, "/authors.xml", feed)
    assert [i.author for i in items] == ["Jo Martin", "Rédaction (Paris)"]
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>e1</id>'
        "<title>Trois</title><author><name>Ana</name></author><author><name>Ben</name></author>"
        "</entry></feed>"
    )
    items = refreshed(lib, local_server, "/atom-authors.xml", atom)
    assert next(i for i in items if i.title == "Trois").author == "Ana, Ben"


def test_dates_written_year_first_with_slashes_are_read(
    lib: Library, local_server: LocalServer
) -> None:
    feed = rss(item("d1", "Daté", "https://b.org/d", "2020/1/10 14:33:00"))
    (dated,) = refreshed(lib, local_server, "/dates.xml", feed)
    assert dated.published is not None
    assert dated.published.isoformat().startswith("2020-01-10T14:33:00")


def test_a_broken_feed_read_loosely_gets_the_same_care(
    lib: Library, local_server: LocalServer
) -> None:
    # `&eacute;` is not XML: this document goes through the loose parser.
    feed = rss(
        "<item><guid>b1</guid><link>https://b.org/1</link><author>R&eacute;daction (Lyon)"
        "</author><description>Un pouet sans titre</description></item>"
        "<item><guid>b2</guid><media:title>Vid&eacute;o</media:title>"
        "<media:player url='https://video.example.org/2'/></item>"
    )
    items = refreshed(lib, local_server, "/broken.xml", feed)
    assert [(i.title, i.author, i.url) for i in items] == [
        ("Un pouet sans titre", "Rédaction (Lyon)", "https://b.org/1"),
        ("Vidéo", "", "https://video.example.org/2"),
    ]


def test_an_untitled_item_without_guid_or_link_keeps_its_identity() -> None:
    from veille.core.ingest.entries import entry_guid
    from veille.core.ingest.parse import parse_feed
    from veille.core.model import ParsedEntry

    body = rss("<item><description>Un texte sans titre ni lien</description></item>").encode()
    (entry,) = parse_feed(body, "https://b.org/feed").entries
    assert entry.title == "Un texte sans titre ni lien"
    # The identity it had before it was given a title: stored items are still recognised.
    assert entry.guid == entry_guid(ParsedEntry(guid=None, link=None))
