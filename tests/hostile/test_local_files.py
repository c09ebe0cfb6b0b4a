"""A feed cannot make veille read the user's files through `file:` links.

The feed (on the loopback server) links its items to a secret file, to `file://localhost/…`, to
the user's own config.toml (which holds a subscriber cookie and an Authorization header), and a
JSON Feed does the same with `url` and `external_url`. With `full_text = "always"`, a refresh,
`veille fulltext --all` and starring read nothing: no link kept, no full text, nothing in the
cache, and no export (md, html, json, atom, csv) holds a secret. Libraries and caches written by
earlier versions, which did read such files, are cleaned when opened.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.fulltext.cache import CachedArticle, open_cache
from veille.core.ingest.fetch import Fetcher
from veille.core.library import open_library
from veille.core.library._schema import MIGRATIONS
from veille.core.settings import Settings, load_settings, resolve_paths

SECRET = "PASSWD-SECRET-0451"
COOKIE = "COOKIE-SECRET-2213"
HEADER = "HEADER-SECRET-9177"
SECRETS = (SECRET, COOKIE, HEADER)


def setup_home(tmp_path: Path, local_server: LocalServer) -> Path:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text(
        'full_text = "always"\n[sites."127.0.0.1"]\n'
        f'cookies = {{ session = "{COOKIE}" }}\nheaders = {{ Authorization = "Bearer {HEADER}" }}\n'
    )
    secret = tmp_path / "passwd"
    secret.write_text(f"root:x:0:0:{SECRET}:/root:/bin/sh\n" * 40)
    links = [
        secret.as_uri(),
        f"file://localhost{secret}",
        paths.config.as_uri(),
        f"FILE://{secret}",
        " file:" + str(secret),
    ]
    items = "".join(
        f"<item><title>Fichier {n}</title><guid>f{n}</guid><link>{link}</link>"
        "<description>court</description></item>"
        for n, link in enumerate(links)
    )
    # An RSS guid that is a permalink stands for the link when there is none.
    items += f"<item><title>Guid</title><guid>{secret.as_uri()}</guid></item>"
    local_server.add(
        "/feed.xml", f"<rss version='2.0'><channel><title>F</title>{items}</channel></rss>"
    )
    local_server.add(
        "/feed.json",
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "J",
                "items": [
                    {
                        "id": "j1",
                        "title": "Json url",
                        "url": secret.as_uri(),
                        "content_text": "court",
                    },
                    {
                        "id": "j2",
                        "title": "Json external",
                        "external_url": paths.config.as_uri(),
                        "content_text": "court",
                    },
                    {
                        "id": "j3",
                        "title": "Json both",
                        "url": secret.as_uri(),
                        "external_url": "https://example.org/vrai",
                        "content_text": "court",
                        "attachments": [{"url": secret.as_uri(), "mime_type": "text/plain"}],
                    },
                ],
            }
        ),
        content_type="application/feed+json",
    )
    with open_library(paths.library, backups=paths.backups) as lib:
        lib.add_feed(local_server.url("/feed.xml"))
        lib.add_feed(local_server.url("/feed.json"))
    return home


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), *args])


def test_file_links_are_never_read_nor_exported(
    tmp_path: Path, local_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    home = setup_home(tmp_path, local_server)
    paths = resolve_paths(home)
    assert run(home, "refresh") == 0
    with open_library(paths.library, backups=paths.backups) as lib:
        ids = lib.item_ids()
        lib.set_starred(ids)
        items = {lib.item(i).title: lib.item(i) for i in ids}
    assert len(items) == 9
    assert all(not item.url.lower().lstrip().startswith("file") for item in items.values())
    assert items["Json both"].url == "https://example.org/vrai"
    assert all(item.full_text == "" for item in items.values())
    capsys.readouterr()
    assert run(home, "fulltext", "--all") == 0
    out = capsys.readouterr().out
    assert "0 full texts fetched" in out
    cache = open_cache(paths, load_settings(paths))
    assert all(cache.article(item.id) is None for item in items.values())
    for fmt in ("md", "html", "json", "atom", "csv"):
        target = tmp_path / f"review.{fmt}"
        assert run(home, "export", "--format", fmt, "-o", str(target)) == 0
        text = target.read_text()
        assert not [s for s in SECRETS if s in text], fmt
        assert "file:" not in text.lower() or fmt in ("json", "atom"), fmt  # ids may name guids
        assert str(tmp_path / "passwd") + '"' not in text or fmt in ("json", "atom")


async def test_page_fetches_refuse_file_addresses(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text(SECRET)
    async with Fetcher() as fetcher:
        for url in (secret.as_uri(), f"file://localhost{secret}"):
            result = await fetcher.fetch_page(url)
            assert result.body is None
            assert result.error.startswith("refused to read file:"), result.error
            assert SECRET not in result.error


def test_full_texts_read_from_files_by_earlier_versions_are_dropped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    # A library as version 8 left it: the steps up to 8, then items with local links in it.
    with sqlite3.connect(paths.library) as conn:
        for step in MIGRATIONS[:8]:
            conn.executescript(step)
        conn.execute("PRAGMA user_version = 8")
        conn.execute(
            "INSERT INTO feeds (id, url, added) VALUES (1, 'https://example.org/feed.xml', 0)"
        )
        conn.execute(
            "INSERT INTO items (id, feed_id, guid, url, title, summary, full_text, has_full_text, "
            "first_seen, sort_ts) VALUES (1, 1, 'g', 'file:///etc/passwd', 't', 's', ?, 1, 0, 0), "
            "(2, 1, 'h', 'https://example.org/a', 'u', 's', '<p>bon</p>', 1, 0, 0)",
            (f"<p>{SECRET}</p>",),
        )
    cache = open_cache(paths, Settings())
    cache.put_article(
        1,
        CachedArticle(
            url="file:///etc/passwd",
            html=SECRET,
            title="",
            byline="",
            lead_image="",
            fetched=time.time(),
        ),
    )
    with open_library(paths.library, backups=paths.backups) as lib:
        old, good = lib.item(1), lib.item(2)
    assert (old.url, old.full_text) == ("", "")
    assert good.full_text == "<p>bon</p>" and good.url == "https://example.org/a"
    assert cache.article(1) is None


def test_the_demo_reads_its_pages_without_file_links(tmp_path: Path) -> None:
    from veille.cli.demo import PAGES_SITE, prepare_demo

    paths = prepare_demo(tmp_path / "demo")
    with open_library(paths.library, backups=paths.backups) as lib:
        urls = dict(lib.conn.execute("SELECT id, url FROM items").fetchall())
        # Full texts live in the library: the demo's articles are there, read from its site.
        kept = [i for i, u in urls.items() if u.startswith(PAGES_SITE) and lib.item(i).full_text]
    assert not [u for u in urls.values() if not u.startswith(("https://", "http://")) and u]
    assert len(kept) >= 8
