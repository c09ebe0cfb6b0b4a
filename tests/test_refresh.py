"""Refresh end to end: a real local server, real parsing, a real library on disk."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.core.ingest.refresh import RefreshProgress, refresh
from veille.core.library import Library
from veille.core.settings import Settings


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
    local_server.add(
        "/good.xml", rss("x", [("a", "Sécurité des données"), ("b", "Climat")]), etag='"v1"'
    )
    local_server.add("/missing.xml", "gone fishing", status=404, content_type="text/plain")
    local_server.add(
        "/page.html", "<html><body><p>Bienvenue</p></body></html>", content_type="text/html"
    )
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
    local_server.add(
        "/feed.xml",
        rss("x", [("a", "Un"), ("b", "Deux")]),
        etag='"v1"',
        last_modified="Sat, 21 Nov 2026 10:00:00 GMT",
    )
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
    local_server.add(
        "/busy.xml", "busy", status=503, headers={"Retry-After": "3600"}, content_type="text/plain"
    )
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


@pytest.mark.slow
def test_two_processes_refreshing_at_once(tmp_path: Path, local_server: LocalServer) -> None:
    home = tmp_path / "shared-home"
    env = {**os.environ, "VEILLE_HOME": str(home)}
    for n in range(12):
        local_server.add(
            f"/f{n}.xml",
            rss("x", [(f"{n}-{k}", f"Article {n}.{k}") for k in range(30)]),
            delay=0.02,
        )
    opml = "".join(
        f'<outline text="f{n}" xmlUrl="{local_server.url(f"/f{n}.xml")}"/>' for n in range(12)
    )
    (tmp_path / "subs.opml").write_text(f'<opml version="2.0"><body>{opml}</body></opml>')
    veille = [sys.executable, "-m", "veille"]
    subprocess.run(
        [*veille, "import", str(tmp_path / "subs.opml")], env=env, check=True, capture_output=True
    )
    procs = [
        subprocess.Popen(
            [*veille, "refresh", "--force"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in out + err
    stats = subprocess.run(
        [*veille, "stats", "--json"], env=env, check=True, capture_output=True, text=True
    )
    assert '"items": 360' in stats.stdout


@pytest.mark.slow
def test_many_feeds_are_parsed_in_worker_processes(lib: Library, local_server: LocalServer) -> None:
    from veille.core.ingest.refresh import PROCESS_POOL_FROM

    count = PROCESS_POOL_FROM + 2
    for n in range(count):
        local_server.add(
            f"/many/{n}.xml", rss("x", [(f"{n}-a", f"Nouvelle {n}"), (f"{n}-b", "Autre")])
        )
        lib.add_feed(local_server.url(f"/many/{n}.xml"))
    local_server.add(
        "/many/bad.xml", "<html><body>not a feed</body></html>", content_type="text/html"
    )
    bad = lib.add_feed(local_server.url("/many/bad.xml"))
    report = run(lib)
    assert report.new_items == 2 * count  # type: ignore[attr-defined]
    assert "HTML page" in lib.feed(bad.id).last_error  # errors cross the process boundary too
    assert {r.title for r in lib.rows(limit=500)} >= {f"Nouvelle {n}" for n in range(count)}


# Run in a process of its own: the command line's refresh, whose only thread is its own when
# it starts its parser processes. Which way they were started is written to stderr.
_CLI_REFRESH = """
import sys
import veille.core.ingest.workers as workers
started = []
def recorded(pick=workers.start_method):
    method = pick()
    started.append(method)
    # What the first request needs is loaded by start-up, before the processes start.
    if "anyio._backends._asyncio" not in sys.modules:
        started.append("before-locks")
    return method
workers.start_method = recorded
from veille.cli import main
status = main(["refresh", "--json"])
print("started:" + ",".join(started), file=sys.stderr)
sys.exit(status)
"""


@pytest.mark.slow
def test_the_command_line_forks_its_parser_processes(
    tmp_path: Path, local_server: LocalServer
) -> None:
    """A first refresh of many feeds starts its workers by forking (no interpreter to start,
    nothing to import again); they parse, fail and store as spawned ones do."""
    from veille.core.ingest.refresh import PROCESS_POOL_FROM

    count = PROCESS_POOL_FROM + 2
    outlines = []
    for n in range(count):
        local_server.add(
            f"/forked/{n}.xml", rss("x", [(f"{n}-a", f"Fourche {n}"), (f"{n}-b", "Autre")])
        )
        outlines.append(f'<outline text="f{n}" xmlUrl="{local_server.url(f"/forked/{n}.xml")}"/>')
    local_server.add(
        "/forked/bad.xml", "<html><body>not a feed</body></html>", content_type="text/html"
    )
    outlines.append(f'<outline text="bad" xmlUrl="{local_server.url("/forked/bad.xml")}"/>')
    (tmp_path / "subs.opml").write_text(
        f'<opml version="2.0"><body>{"".join(outlines)}</body></opml>'
    )
    env = {**os.environ, "VEILLE_HOME": str(tmp_path / "home")}
    subprocess.run(
        [sys.executable, "-m", "veille", "import", str(tmp_path / "subs.opml")],
        env=env,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [sys.executable, "-c", _CLI_REFRESH], env=env, capture_output=True, text=True, timeout=120
    )
    report = json.loads(done.stdout)
    assert report["new_items"] == 2 * count
    assert [e["feed"] for e in report["errors"]] == ["bad"]
    assert "HTML page" in report["errors"][0]["error"]
    expected = "fork" if sys.platform.startswith("linux") else "spawn"
    assert done.stderr.strip().splitlines() == [f"started:{expected}"]  # and not a warning more


def test_parser_processes_are_spawned_beside_other_threads() -> None:
    """Where another thread runs (the app's screen), a fork could copy a lock it holds: spawn."""
    import threading

    from veille.core.ingest.workers import start_method

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        release.set()
        other.join()


async def test_start_up_work_leaves_no_thread_behind() -> None:
    import threading

    from veille.core.ingest.workers import in_passing_thread

    assert await in_passing_thread(lambda: threading.current_thread().name) == "veille-start"
    assert "veille-start" not in {t.name for t in threading.enumerate()}

    def fails() -> None:
        raise LookupError("no such feed")

    try:
        await in_passing_thread(fails)
    except LookupError as problem:
        assert str(problem) == "no such feed"
    else:
        raise AssertionError("the thread's exception was lost")


def test_feeds_are_started_one_host_at_a_time() -> None:
    from veille.core.ingest.refresh import in_host_turns
    from veille.core.model import Feed

    urls = [
        "http://a.fr/1",
        "http://a.fr/2",
        "http://a.fr/3",
        "http://B.fr/1",
        "http://c.fr/1",
        "http://b.fr/2",
        "not a url",
    ]
    feeds = [Feed(id=n, url=u) for n, u in enumerate(urls)]
    order = [f.url for f in in_host_turns(feeds)]
    assert order == [
        "http://a.fr/1",
        "http://B.fr/1",
        "http://c.fr/1",
        "not a url",
        "http://a.fr/2",
        "http://b.fr/2",
        "http://a.fr/3",
    ]


def test_a_feed_that_cannot_be_stored_fails_alone_in_its_batch(
    lib: Library, local_server: LocalServer
) -> None:
    """Outcomes are written several per transaction; one that the library refuses is rolled
    back to its savepoint and reported, and the feeds around it land."""
    from veille.core.ingest.prepare import parse_and_prepare
    from veille.core.library import Failed, Fetched, NotModified, StoreResult

    first = lib.add_feed(local_server.url("/one.xml"))
    second = lib.add_feed(local_server.url("/two.xml"))
    third = lib.add_feed(local_server.url("/three.xml"))
    meta, prepared = parse_and_prepare(
        rss("x", [("a", "Un"), ("b", "Deux")]).encode(), first.url, "application/rss+xml"
    )
    results = lib.record_refresh(
        [
            Fetched(first.id, meta, prepared, status=200, etag='"e1"'),
            Fetched(99_999, meta, prepared, status=200),  # no such feed: the foreign key refuses it
            NotModified(second.id),
            Failed(third.id, status=503, error="the server is busy", retry_after=60),
        ]
    )
    assert isinstance(results[0], StoreResult) and len(results[0].new_ids) == 2
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert results[2] is None and isinstance(results[3], float)
    assert sorted(r.title for r in lib.rows()) == ["Deux", "Un"]
    assert lib.feed(first.id).etag == '"e1"'
    assert lib.feed(second.id).last_status == 304
    assert lib.feed(third.id).last_error == "the server is busy"
    assert lib.db.connection().execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_feed_whose_search_text_is_refused_fails_alone_in_its_batch(
    lib: Library, local_server: LocalServer
) -> None:
    """The batch's search rows are written together, after the feeds: when the index refuses
    them, the batch is written again feed by feed, and only the feed at fault fails."""
    from veille.core.ingest.prepare import parse_and_prepare
    from veille.core.library import Fetched, StoreResult

    good = lib.add_feed(local_server.url("/good.xml"))
    bad = lib.add_feed(local_server.url("/bad.xml"))
    later = lib.add_feed(local_server.url("/later.xml"))
    meta, prepared = parse_and_prepare(
        rss("x", [("a", "Un phare"), ("b", "Deux phares")]).encode(),
        good.url,
        "application/rss+xml",
    )
    # A lone surrogate in the text only the search index holds: SQLite cannot take it.
    refused = [prepared[0]._replace(text="phare \ud800"), prepared[1]]
    results = lib.record_refresh(
        [
            Fetched(good.id, meta, prepared, status=200, etag='"g"'),
            Fetched(bad.id, meta, refused, status=200, etag='"b"'),
            Fetched(later.id, meta, prepared, status=200, etag='"l"'),
        ]
    )
    assert isinstance(results[0], StoreResult) and len(results[0].new_ids) == 2
    assert isinstance(results[1], UnicodeEncodeError)
    assert isinstance(results[2], StoreResult) and len(results[2].new_ids) == 2
    assert lib.feed(good.id).etag == '"g"' and lib.feed(later.id).etag == '"l"'
    assert lib.feed(bad.id).etag == ""
    found = {(r.feed_id, r.title) for r in lib.rows("texte", limit=10)}
    assert found == {(f, t) for f in (good.id, later.id) for t in ("Un phare", "Deux phares")}


@pytest.mark.slow
def test_a_large_refresh_is_written_in_batches_without_losing_a_feed(
    lib: Library, local_server: LocalServer
) -> None:
    """Sixty feeds, some failing: every good feed's items and every failure are recorded, and
    the items keep what the user did to them across the next refresh."""
    good = []
    for n in range(60):
        if n % 10 == 7:
            local_server.add(f"/batch/{n}.xml", "nope", status=500, content_type="text/plain")
        else:
            local_server.add(f"/batch/{n}.xml", rss("x", [(f"{n}-a", f"Article {n}")]))
        feed = lib.add_feed(local_server.url(f"/batch/{n}.xml"))
        if n % 10 != 7:
            good.append(feed)
    report = run(lib)
    assert report.new_items == 54 and len(report.errors) == 6  # type: ignore[attr-defined]
    starred = lib.rows()[0]
    lib.set_starred([starred.id], True)
    report = run(lib, force=True)
    assert report.new_items == 0 and len(report.errors) == 6  # type: ignore[attr-defined]
    assert lib.item(starred.id).starred
    assert all(lib.feed(f.id).last_error == "" for f in good)


def test_the_default_fetches_32_sites_at_once(lib: Library) -> None:
    # Fetching is mostly waiting for servers: a refresh of many sites keeps 32 of them busy.
    import contextlib
    import threading
    import time

    from tests.httpserver import Response

    now = peak = 0
    lock = threading.Lock()
    feed = rss("Le Guetteur", [("g1", "Un titre")])

    def slow(_request: object) -> Response:
        nonlocal now, peak
        with lock:
            now += 1
            peak = max(peak, now)
        time.sleep(0.4)
        with lock:
            now -= 1
        return Response(body=feed.encode())

    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(LocalServer(f"127.4.0.{n + 1}")) for n in range(40)]
        for server in servers:
            server.handle("/feed", slow)
            lib.add_feed(server.url("/feed"))
        report = asyncio.run(refresh(lib, Settings()))
    assert not report.errors and report.feeds == 40
    assert peak == 32


def test_the_tls_context_is_built_before_the_parser_processes_start(
    lib: Library, local_server: LocalServer
) -> None:
    """Loading the CA bundle overlaps the refresh's start-up instead of delaying its first
    request: it is ready when the parser processes are started, before any fetch."""
    from concurrent.futures import ThreadPoolExecutor

    from veille.core.ingest import client, workers
    from veille.core.ingest.refresh import PROCESS_POOL_FROM

    built_when_started: list[int] = []

    class Recording(workers.Parsers):
        def get(self, remaining: int) -> workers.Executor:
            if self.executor is None:
                built_when_started.append(client.tls_context.cache_info().currsize)
                self.executor = ThreadPoolExecutor(max_workers=2)
            return self.executor

    for n in range(PROCESS_POOL_FROM):
        local_server.add(f"/tls/{n}.xml", rss("x", [(f"{n}-a", f"Certificat {n}")]))
        lib.add_feed(local_server.url(f"/tls/{n}.xml"))
    client.tls_context.cache_clear()
    parsers = Recording()
    try:
        report = run(lib, parsers=parsers)
    finally:
        parsers.shutdown()
    assert report.new_items == PROCESS_POOL_FROM  # type: ignore[attr-defined]
    assert built_when_started == [1]


def test_a_parser_process_started_ahead_builds_its_folding_table() -> None:
    """Folding accented text builds a table at its first call (~7 ms): a worker started ahead
    builds it while the first documents are on their way, not in its first feed's time."""
    from veille.core import text
    from veille.core.ingest import prepare

    text._combining.cache_clear()
    prepare.ready()
    assert text._combining.cache_info().currsize == 1


def test_the_writer_builds_the_folding_table_before_the_first_feed(lib: Library) -> None:
    """Story grouping folds the new titles at the refresh's end, when nothing else runs: the
    writer thread builds the table beforehand, while it waits for its first feed."""
    from concurrent.futures import ThreadPoolExecutor

    from veille.core import text
    from veille.core.ingest.batches import BatchWriter

    text._combining.cache_clear()
    writer = ThreadPoolExecutor(max_workers=1)
    BatchWriter(lib, writer)
    writer.shutdown(wait=True)
    assert text._combining.cache_info().currsize == 1


def test_a_refresh_that_fails_at_once_leaves_no_start_up_thread(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start-up thread that loads what requests need is awaited even when the refresh
    fails before its first request: none outlives the refresh's event loop."""
    import threading

    from veille.core.ingest import client

    def broken(**_: object) -> list[object]:
        raise LookupError("the feeds cannot be read")

    monkeypatch.setattr(lib, "feeds", broken)
    client.tls_context.cache_clear()  # so that building it takes its tens of milliseconds
    with pytest.raises(LookupError):
        run(lib)
    assert "veille-start" not in {t.name for t in threading.enumerate()}
