"""config.toml's `full_text` decides for every feed that has no policy of its own.

The feeds are imported from OPML (which names no policy) and serve truncated items whose pages
live on the same loopback server, so any full-text fetch shows up in the server's requests. With
`full_text = "never"`, neither the refresh's prefetch nor `veille fulltext` may ask for a page;
a feed given a policy of its own with `set-feed` follows it, and `set-feed --full-text default`
hands it back to config.toml. Libraries and state files written before feeds could have no
policy of their own (every feed stored "auto") come out following config.toml too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.library import open_library
from veille.core.library._schema import MIGRATIONS
from veille.core.settings import resolve_paths

PAGE = (
    "<html><head><title>Article</title></head><body><article><h1>Article complet</h1>"
    + "<p>Le texte entier de l'article, paragraphe après paragraphe, bien plus long.</p>" * 20
    + "</article></body></html>"
)


def teaser_feed(base: str, name: str) -> str:
    items = "".join(
        f"<item><title>{name} {n}</title><guid>{name}-{n}</guid>"
        f"<link>{base}/pages/{name}-{n}.html</link>"
        f"<description>Le début de l'article {n}… Lire la suite</description></item>"
        for n in range(3)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>{base}/</link>{items}</channel></rss>"
    )


def page_requests(server: LocalServer) -> list[str]:
    return [r.path for r in server.requests if r.path.startswith("/pages/")]


@pytest.fixture
def home(tmp_path: Path, local_server: LocalServer) -> Path:
    """A home whose config says `full_text = "never"`, with two feeds imported from OPML."""
    base = local_server.base
    for name in ("alpha", "beta"):
        local_server.add(f"/{name}.xml", teaser_feed(base, name))
        for n in range(3):
            local_server.add(f"/pages/{name}-{n}.html", PAGE, content_type="text/html")
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text(
        'full_text = "never"\n[refresh]\nconnect_timeout = 2\nread_timeout = 2\ntotal_timeout = 4\n'
    )
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>abonnements</title></head><body>'
        f'<outline text="alpha" type="rss" xmlUrl="{base}/alpha.xml"/>'
        f'<outline text="beta" type="rss" xmlUrl="{base}/beta.xml"/>'
        "</body></opml>"
    )
    assert main(["--home", str(home), "import", str(opml)]) == 0
    return home


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    status = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out + err


def test_never_in_config_fetches_no_page_at_refresh(
    home: Path, local_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    out = cli(home, capsys, "refresh", "--json")
    assert json.loads(out)["new_items"] == 6
    assert page_requests(local_server) == []
    with open_library(resolve_paths(home).library) as lib:
        assert lib.count("") == 6 and all(lib.item(i).truncated for i in lib.item_ids(""))
    cli(home, capsys, "fulltext", "")
    assert page_requests(local_server) == []


def test_listings_show_the_policy_that_applies_and_where_it_comes_from(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = json.loads(cli(home, capsys, "feeds", "--json"))
    assert [(f["full_text"], f["full_text_from"], f["full_text_own"]) for f in feeds] == [
        ("never", "config", None),
        ("never", "config", None),
    ]
    assert cli(home, capsys, "feeds").count("full text: never (config.toml full_text)") == 2


def test_a_feed_of_its_own_policy_follows_it_and_default_gives_it_back(
    home: Path, local_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    said = cli(home, capsys, "set-feed", "1", "--full-text", "auto")
    assert "full text auto (its own)" in said
    cli(home, capsys, "refresh")
    assert sorted(page_requests(local_server)) == [f"/pages/alpha-{n}.html" for n in range(3)]
    feeds = json.loads(cli(home, capsys, "feeds", "--json"))
    assert (feeds[0]["full_text"], feeds[0]["full_text_from"]) == ("auto", "feed")
    said = cli(home, capsys, "set-feed", "1", "--full-text", "default")
    assert "full text never (config.toml full_text)" in said
    local_server.requests.clear()
    cli(home, capsys, "refresh", "--force")
    cli(home, capsys, "fulltext", "")
    assert page_requests(local_server) == []


def test_feed_entry_in_config_still_wins(
    home: Path, local_server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = resolve_paths(home)
    url = f"{local_server.base}/beta.xml"
    paths.config.write_text(paths.config.read_text() + f'\n[feeds."{url}"]\nfull_text = "always"\n')
    cli(home, capsys, "refresh")
    assert sorted(page_requests(local_server)) == [f"/pages/beta-{n}.html" for n in range(3)]
    feeds = json.loads(cli(home, capsys, "feeds", "--json"))
    assert [(f["full_text"], f["full_text_from"]) for f in feeds] == [
        ("never", "config"),
        ("always", "config-feed"),
    ]


def test_an_older_library_follows_config_except_where_a_feed_chose(tmp_path: Path) -> None:
    """Version 7 stored "auto" for every feed that was never given a policy: those follow
    config.toml now; "always" and "never" were chosen, and stay."""
    path = tmp_path / "library.sqlite"
    old = sqlite3.connect(path)
    for step, script in enumerate(MIGRATIONS[:7]):
        old.executescript(script + f"\nPRAGMA user_version = {step + 1};")
    for n, policy in enumerate(("auto", "always", "never"), 1):
        old.execute(
            "INSERT INTO feeds (id, url, full_text, added) VALUES (?, ?, ?, 0)",
            (n, f"https://{policy}.example/rss", policy),
        )
    old.commit()
    old.close()
    with open_library(path, backups=tmp_path / "backups") as lib:
        assert [f.full_text for f in lib.feeds()] == ["", "always", "never"]


def test_a_version_1_state_file_follows_config_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = {
        "format": "veille-state",
        "version": 1,
        "feeds": [
            {"url": "https://a.example/rss", "title": "A", "folder": "", "full_text": "auto"},
            {"url": "https://b.example/rss", "title": "B", "folder": "", "full_text": "always"},
        ],
        "items": [],
    }
    source = tmp_path / "state.json"
    source.write_text(json.dumps(state))
    home = tmp_path / "fresh"
    cli(home, capsys, "import-state", str(source))
    with open_library(resolve_paths(home).library) as lib:
        assert [f.full_text for f in lib.feeds()] == ["", "always"]
    exported = json.loads(cli(home, capsys, "export-state"))
    assert exported["version"] == 2
    assert [f["full_text"] for f in exported["feeds"]] == ["", "always"]


@pytest.mark.slow
async def test_the_app_refresh_fetches_no_page_either(
    home: Path, local_server: LocalServer
) -> None:
    from tests.tui.helpers import until
    from veille.core.settings import load_settings
    from veille.tui.app import make_app

    paths = resolve_paths(home)
    app = make_app(paths, load_settings(paths))
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.main.snapshot is not None)  # an empty library, shown
        await pilot.press("R")
        await until(pilot, lambda: not app.main.fetcher.refreshing, timeout=15)
        await until(pilot, lambda: app.main.item_list.count == 6)
    assert len(local_server.requests_to("/alpha.xml")) == 1
    assert page_requests(local_server) == []
