"""Refresh end to end: a real local server, real parsing, a real library on disk."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.httpserver import LocalServer
from veille.ingest.refresh import RefreshProgress, refresh
from veille.library import Library
from veille.settings import Settings


def rss(title: str, items: list[tuple[str, str]], *, channel: str = "Le Guetteur") -> str:
    body = "".join(
        f"<item><title>{t}</title><link>https://example.org/{g}</link><guid>{g}</guid>"
        f"<pubDate>Sat, 21 Nov 2026 0{n % 10}:00:00 +0000</pubDate>"
        f"<description>&lt;p&gt;{t} — texte de l'article&lt;/p&gt;</description></item>"
        for n, (g, t) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{channel}'
        f"</title><link>https://example.org/</link>{body}</channel></rss>"
    )


def quick_settings() -> Settings:
    settings = Settings()
    settings.refresh.connect_timeout = 2
    settings.refresh.read_timeout = 2
    settings.refresh.total_timeout = 4
    return settings


def run(lib: Library, **kw: object) -> object:
    return asyncio.run(refresh(lib, quick_settings(), **kw))  # type: ignore[arg-type]


def test_refresh_stores_items_and_records_errors(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/good.xml", rss("x", [("a", "Sécurité des données"), ("b", "Climat")]),
                     etag='"v1"')
    local_server.add("/missing.xml", "gone fishing", status=404, content_type="text/plain")
    local_server.add("/page.html", "<html><body><p>Bienvenue</p></body></html>",
                     content_type="text/html")
    good = lib.add_feed(local_server.url("/good.xml"), folder="Presse")
    missing = lib.add_feed(local_server.url("/missing.xml"))
    page = lib.add_feed(local_server.url("/page.html"))
    progress: list[RefreshProgress] = []
    report = asyncio.run(refresh(lib, quick_settings(), on_progress=progress.append))
    assert report.new_items == 2  # type: ignore[attr-defined]
    assert {p.feed_id for p in progress} == {good.id, missing.id, page.id}
    assert progress[-1].done == 3 and progress[-1].total == 3
    assert lib.feed(good.id).title == "Le Guetteur"
    assert [r.title for r in lib.rows("securite")] == ["Sécurité des données"]
    assert "404" in lib.feed(missing.id).last_error
    assert "not a feed" in lib.feed(page.id).last_error.lower()
    assert lib.feed(missing.id).failures == 1


def test_second_refresh_is_conditional_and_cheap(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/feed.xml", rss("x", [("a", "Un"), ("b", "Deux")]), etag='"v1"',
                     last_modified="Sat, 21 Nov 2026 10:00:00 GMT")
    feed = lib.add_feed(local_server.url("/feed.xml"))
    run(lib)
    report = run(lib)
    assert report.not_modified == 1 and report.new_items == 0  # type: ignore[attr-defined]
    second = local_server.requests_to("/feed.xml")[-1]
    assert second.header("If-None-Match") == '"v1"'
    assert second.header("If-Modified-Since") == "Sat, 21 Nov 2026 10:00:00 GMT"
    assert "veille" in second.header("User-Agent")
    assert lib.feed(feed.id).etag == '"v1"'


def test_changed_item_is_updated_in_place(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/feed.xml", rss("x", [("a", "Premier titre")]))
    lib.add_feed(local_server.url("/feed.xml"))
    run(lib)
    [row] = lib.rows()
    lib.set_starred([row.id])
    lib.tag([row.id], add=["à-lire"])
    local_server.add("/feed.xml", rss("x", [("a", "Titre corrigé"), ("c", "Nouveau")]))
    report = run(lib)
    assert report.new_items == 1 and report.updated_items == 1  # type: ignore[attr-defined]
    item = lib.item(row.id)
    assert (item.title, item.starred, item.tags) == ("Titre corrigé", True, ["à-lire"])


def test_failing_feed_backs_off_and_force_ignores_it(
    lib: Library, local_server: LocalServer
) -> None:
    local_server.add("/busy.xml", "busy", status=503, headers={"Retry-After": "3600"},
                     content_type="text/plain")
    feed = lib.add_feed(local_server.url("/busy.xml"))
    run(lib)
    assert lib.feed(feed.id).next_retry is not None
    report = run(lib)
    assert report.skipped == 1 and report.feeds == 0  # type: ignore[attr-defined]
    report = run(lib, force=True)
    assert report.feeds == 1  # type: ignore[attr-defined]
    assert len(local_server.requests_to("/busy.xml")) == 2


def test_dead_server_does_not_stop_the_others(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/ok.xml", rss("x", [("a", "Toujours là")]))
    lib.add_feed(local_server.url("/ok.xml"))
    dead = lib.add_feed("http://127.0.0.1:9/feed.xml")  # the discard port: nothing listens
    report = run(lib)
    assert report.new_items == 1  # type: ignore[attr-defined]
    assert "refused" in lib.feed(dead.id).last_error


def test_file_urls_refresh(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "local.xml"
    path.write_text(rss("x", [("a", "Depuis le disque")]), encoding="utf-8")
    lib.add_feed(path.as_uri())
    run(lib)
    assert [r.title for r in lib.rows()] == ["Depuis le disque"]


def test_two_processes_refreshing_at_once(tmp_path: Path, local_server: LocalServer) -> None:
    home = tmp_path / "shared-home"
    env = {**os.environ, "VEILLE_HOME": str(home)}
    for n in range(12):
        local_server.add(f"/f{n}.xml", rss("x", [(f"{n}-{k}", f"Article {n}.{k}") for k in range(30)]),
                         delay=0.02)
    opml = "".join(f'<outline text="f{n}" xmlUrl="{local_server.url(f"/f{n}.xml")}"/>'
                   for n in range(12))
    (tmp_path / "subs.opml").write_text(f'<opml version="2.0"><body>{opml}</body></opml>')
    veille = [sys.executable, "-m", "veille"]
    subprocess.run([*veille, "import", str(tmp_path / "subs.opml")], env=env, check=True,
                   capture_output=True)
    procs = [subprocess.Popen([*veille, "refresh", "--force"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in out + err
    stats = subprocess.run([*veille, "stats", "--json"], env=env, check=True,
                           capture_output=True, text=True)
    assert '"items": 360' in stats.stdout


def test_many_feeds_are_parsed_in_worker_processes(lib: Library, local_server: LocalServer) -> None:
    from veille.ingest.refresh import PROCESS_POOL_FROM

    count = PROCESS_POOL_FROM + 2
    for n in range(count):
        local_server.add(f"/many/{n}.xml", rss("x", [(f"{n}-a", f"Nouvelle {n}"), (f"{n}-b", "Autre")]))
        lib.add_feed(local_server.url(f"/many/{n}.xml"))
    local_server.add("/many/bad.xml", "<html><body>not a feed</body></html>",
                     content_type="text/html")
    bad = lib.add_feed(local_server.url("/many/bad.xml"))
    report = run(lib)
    assert report.new_items == 2 * count  # type: ignore[attr-defined]
    assert "HTML page" in lib.feed(bad.id).last_error  # errors cross the process boundary too
    assert {r.title for r in lib.rows(limit=500)} >= {f"Nouvelle {n}" for n in range(count)}
