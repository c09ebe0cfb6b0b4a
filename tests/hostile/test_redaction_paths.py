"""Credentials that no parameter name announces stay hidden too; readable addresses stay readable.

Private feeds put their token in the path (`/feed/TOKEN/rss`, `/u/HEX/private.xml`) or in a
parameter with an ordinary name (`?k=`, `?feed=`, `?feed_id=`), as well as in the usual
`?token=` of FreshRSS and Miniflux. Each such feed is refreshed from the loopback server (some
fail, one moves), then every token is looked for in what veille shows and writes: the feeds
listing, the refresh report, the errors kept in the library, the logs and every export. Plain
`export-opml` hides them, `--include-secrets` keeps them exact. Article addresses and real-world
feed addresses (from the shared corpora) come out as they went in.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest

from tests.hostile.test_secrets import dead_port
from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.ingest.refresh import refresh
from veille.core.library import open_library
from veille.core.redact import redact_url
from veille.core.settings import load_settings, resolve_paths

PATH_TOKEN = "SECRET-TOKEN-ABC123"
PATH_HEX = "1234567890abcdef1234"
FRESHRSS = "f00ba7c0ffee1234beef"
K = "Zk9vYmFyQmF6UXV4MTIz"
FEED = "aGVsbG8td29ybGQtMTIzNDU2"
FEED_ID = "8c1f0e5a7b9d4c3e2f1a"
MOVED = "MOVED-SECRET-XYZ789"
DEAD = "DEADBEEF0123456789ab"
USER = "alice.private"
PASSWORD = "pw-Hunter2-LongEnough"
REL_TOKEN = "R3L4T1V3t0k3nZZ9"
SECRETS = (PATH_TOKEN, PATH_HEX, FRESHRSS, K, FEED, FEED_ID, MOVED, DEAD, USER, PASSWORD, REL_TOKEN)
SLUG = "/2026/12/01/la-cnil-sanctionne-une-entreprise"
READABLE_FEED = "/actualites/2026/rss-la-cnil-et-vous.xml"


# A feed behind a password whose items give their addresses relative to it: a link, a guid that is
# no address, an enclosure, links in the summary, and a link to a place in the feed itself.
RELATIVE = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Privé relatif</title>'
    "<item><title>Article relatif</title><guid>rel-1</guid><link>/article/rel1</link>"
    '<description>&lt;a href="/autre"&gt;autre&lt;/a&gt; &lt;img src="img/p.png"&gt;'
    '</description><enclosure url="/media/a.mp3" type="audio/mpeg" length="1"/></item>'
    "<item><title>Ancre</title><guid>rel-2</guid><link>#haut</link></item>"
    "</channel></rss>"
)


def rss(name: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>Privé {name}</title><item><title>Article {name}</title><guid>{name}</guid>"
        f"<link>https://www.example.fr{SLUG}-{name}</link><description>texte</description>"
        "</item></channel></rss>"
    )


@pytest.fixture
def home(tmp_path: Path, local_server: LocalServer) -> Path:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text(
        'full_text = "never"\n[refresh]\nconnect_timeout = 2\nread_timeout = 2\ntotal_timeout = 4\n'
    )
    base = local_server.base
    local_server.add(f"/feed/{PATH_TOKEN}/rss", rss("a"))
    local_server.add(f"/u/{PATH_HEX}/private.xml", "<h1>erreur</h1>", status=500)
    local_server.add("/i/", rss("b"))  # answers whatever the query
    local_server.add("/rss", rss("c"))
    local_server.add("/by-id", "<h1>non</h1>", status=403)
    local_server.add("/moved", status=301, headers={"Location": f"/feed/{MOVED}/rss"})
    local_server.add(f"/feed/{MOVED}/rss", rss("d"))
    local_server.add(READABLE_FEED, rss("e"))
    local_server.add("/rel", RELATIVE)
    urls = [
        f"{base}/feed/{PATH_TOKEN}/rss",
        f"{base}/u/{PATH_HEX}/private.xml",
        f"{base}/i/?a=rss&user=bob&token={FRESHRSS}&hours=168",
        f"{base}/rss?k={K}",
        f"{base}/by-id?feed={FEED}&feed_id={FEED_ID}",
        f"{base}/moved",
        f"http://127.0.0.1:{dead_port()}/{DEAD}/feed.xml",
        f"http://{USER}@127.0.0.1:{local_server.port}/rss",
        f"{base}{READABLE_FEED}",
        f"http://{USER}:{PASSWORD}@127.0.0.1:{local_server.port}/rel?token={REL_TOKEN}",
    ]
    with open_library(paths.library, backups=paths.backups) as lib:
        for url in urls:
            lib.add_feed(url, folder="Abonnements")
        report = asyncio.run(refresh(lib, load_settings(paths)))
        assert len(report.errors) == 3, report.errors
        lib.set_starred(lib.item_ids())
    return home


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    status = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    assert status in (0, 1), err  # refresh says 1 when some feeds failed
    return out + err


def assert_clean(text: str, where: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{where} shows {leaked}"


def test_feeds_listing_hides_path_and_plain_named_tokens(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = cli(home, capsys, "feeds")
    assert "/feed/***/rss" in text and "/u/***/private.xml" in text
    assert "user=bob&token=***&hours=168" in text and "?k=***" in text
    assert "feed=***&feed_id=***" in text and "moved permanently to" in text
    assert READABLE_FEED in text  # a readable address stays readable
    assert_clean(text, "veille feeds")
    assert_clean(cli(home, capsys, "feeds", "--json"), "veille feeds --json")


@pytest.mark.slow
def test_refresh_report_and_stored_errors_hide_them(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_clean(cli(home, capsys, "refresh", "--force"), "veille refresh")
    assert_clean(cli(home, capsys, "refresh", "--force", "--json"), "veille refresh --json")
    conn = sqlite3.connect(resolve_paths(home).library)
    try:
        errors = "\n".join(r[0] for r in conn.execute("SELECT last_error FROM feeds"))
    finally:
        conn.close()
    assert "HTTP 500" in errors and "connection refused" in errors
    assert_clean(errors, "feeds.last_error")
    log = resolve_paths(home).log
    for path in log.rglob("*") if log.exists() else ():
        if path.is_file():
            assert_clean(path.read_text("utf-8", "replace"), str(path))


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv", "atom", "bookmarks", "opml"])
def test_exports_hide_them_and_keep_article_links(
    home: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    text = cli(home, capsys, "export", "--format", fmt, "is:starred")
    assert_clean(text, f"veille export --format {fmt}")
    if fmt != "opml":
        assert f"https://www.example.fr{SLUG}-a" in text  # article addresses, exact


def test_items_resolved_against_a_feed_with_a_password_carry_none_of_its_keys(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Relative addresses keep their page, not the user, password or token of the feed."""
    listed = cli(home, capsys, "items", "--json", "feed:relatif")
    assert "http://127.0.0.1:" in listed and "/article/rel1" in listed
    assert "/media/a.mp3" in listed and "/autre" in listed
    assert_clean(listed, "veille items --json")
    target = tmp_path / "state.json"
    cli(home, capsys, "export-state", "-o", str(target))
    assert_clean(target.read_text(), "veille export-state")
    assert_clean(cli(home, capsys, "export", "--format", "md", "feed:relatif"), "export md")


def test_opml_export_hides_them_unless_asked(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain = cli(home, capsys, "export-opml")
    assert plain.count("xmlUrl=") == 10
    assert_clean(plain, "veille export-opml")
    target = tmp_path / "all.opml"
    cli(home, capsys, "export-opml", "--include-secrets", "-o", str(target))
    full = target.read_text()
    assert all(s in full for s in SECRETS if s != MOVED)  # the moved feed keeps its address
    assert f"{PATH_TOKEN}/rss" in full and f"token={FRESHRSS}&amp;hours=168" in full


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.lemonde.fr/pixels{SLUG}_6543210_4408996.html",
        "https://www.liberation.fr/societe/2026/12/01/la-5g-arrive-rtx4090-le-test_ABCDEF/",
        "https://www.example.fr/rss/une.xml?page=2&lang=fr",
        "https://medium.com/@jane/pretty-and-fast-shell-97ea870f2805",
        "https://www.youtube.com/feeds/videos.xml?channel_id=UCjOJvvYe6tyEHY21OD33h8A",
        "https://www.example.org/status/1734567890123456789",
        "https://cdn.example/wp-content/uploads/2016/10/shortsell2-578x400.png",
    ],
)
def test_readable_addresses_are_unchanged(url: str) -> None:
    assert redact_url(url) == url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://x.example/feed/SECRET-TOKEN-ABC123/rss", "https://x.example/feed/***/rss"),
        (
            "https://x.example/u/1234567890abcdef1234/private.xml",
            "https://x.example/u/***/private.xml",
        ),
        ("https://x.example/f/550e8400-e29b-41d4-a716-446655440000", "https://x.example/f/***"),
        ("https://x.example/p/ABCD-EFGH-1234-5678-IJKL.xml", "https://x.example/p/***.xml"),
        ("https://x.example/rss?k=a1b2c3d4e5f6g7h8i9", "https://x.example/rss?k=***"),
        ("https://x.example/rss?k=short", "https://x.example/rss?k=***"),
        (
            "https://x.example/rss?feed_id=42&feed=eyJhbGciOiJIUzI1NiJ9.e30.abc123",
            "https://x.example/rss?feed_id=42&feed=***",
        ),
        ("https://x.example/rss?dGhpcyBpcyBhIHNlY3JldDEy", "https://x.example/rss?***"),
        ("https://TOKEN123:x-oauth-basic@x.example/f", "https://***@x.example/f"),
        ("https://x.example/f#feed=9f86d081884c7d659a2f", "https://x.example/f#feed=***"),
    ],
)
def test_credentials_that_no_name_announces_are_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_real_world_feed_addresses_stay_readable(corpora: Path) -> None:
    """The feeds of real OPML exports: none loses a part of its address to the token rule
    (a parameter named like a secret may still be masked)."""
    urls = {
        u.replace("&amp;", "&")
        for path in corpora.rglob("*.opml")
        for u in re.findall(r'xmlUrl="(https?://[^"]+)"', path.read_text("utf-8", "replace"))
    }
    assert len(urls) > 200
    for url in urls:
        shown = redact_url(url)
        if shown != url:
            assert shown.split("?")[0] == url.split("?")[0], url
            assert "=***" in shown, url


def test_real_world_article_links_stay_readable(corpora: Path) -> None:
    """Item links of real French feeds (Le Monde among them) are shown as they are."""
    links = []
    for path in corpora.rglob("*lemonde*.xml"):
        links += re.findall(r"<link>(https?://[^<]+)</link>", path.read_text("utf-8", "replace"))
    assert len(links) > 10
    assert [u for u in links if redact_url(u) != u] == []


def test_a_failing_password_command_never_shows_what_it_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.greader_fake import serve

    home = tmp_path / "synced"
    with serve("miniflux") as (_fake, endpoint):
        status = main(["--home", str(home), "account", "add", "mf", "--kind", "miniflux",
                       "--url", endpoint, "--user", "alice",
                       "--password-command", f"sh -c 'echo {PATH_TOKEN}; exit 3'"])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 1 and "password command" in err
    assert PATH_TOKEN not in out + err and "Traceback" not in err


def test_items_stored_with_their_feeds_password_lose_it_when_the_library_opens(
    tmp_path: Path,
) -> None:
    """A library written before relative addresses left the feed's keys out: opening it takes
    the feed's `user:password@` out of its items' addresses and guids (the next refresh then finds
    them under the guids it reads now), and leaves other feeds' items as they were."""
    from veille.core.library._functions import add_functions
    from veille.core.library._schema import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "library.sqlite"
    old = sqlite3.connect(path)
    add_functions(old)
    for step, script in enumerate(MIGRATIONS[:-1]):
        old.executescript(script + f"\nPRAGMA user_version = {step + 1};")
    secret = f"http://{USER}:{PASSWORD}@site.example"
    old.execute(
        "INSERT INTO feeds (id, url, title, added) VALUES (1, ?, 'P', 0)", (f"{secret}/rss",)
    )
    old.execute(
        "INSERT INTO feeds (id, url, title, added) VALUES (2, 'https://b.example/rss', 'B', 0)"
    )
    rows = [
        (1, 1, f"{secret}/g1", f"{secret}/article/1", f'<a href="{secret}/x">x</a>'),
        (2, 1, "http://site.example/g2", f"{secret}/article/2", ""),  # its clean guid is taken…
        (3, 1, f"{secret}/g2", f"{secret}/article/3", ""),  # …so this one keeps its own
        (4, 2, f"{secret}/g4", f"{secret}/elsewhere", ""),  # another feed's: not its key
    ]
    for item_id, feed_id, guid, url, summary in rows:
        old.execute(
            "INSERT INTO items (id, feed_id, guid, url, title, summary, first_seen, sort_ts)"
            " VALUES (?, ?, ?, ?, 't', ?, 0, 0)",
            (item_id, feed_id, guid, url, summary),
        )
    old.commit()
    old.close()
    with open_library(path, backups=tmp_path / "backups") as lib:
        assert lib.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        found = {
            r[0]: r[1:]
            for r in lib.conn.execute("SELECT id, guid, url, summary FROM items ORDER BY id")
        }
    assert found[1] == (
        "http://site.example/g1",
        "http://site.example/article/1",
        '<a href="http://site.example/x">x</a>',
    )
    assert found[2][0] == "http://site.example/g2"
    assert found[3][:2] == (f"{secret}/g2", "http://site.example/article/3")
    assert found[4][:2] == (f"{secret}/g4", f"{secret}/elsewhere")
