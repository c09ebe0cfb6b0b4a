"""Slow hosts do not stall the refresh: hosts that answer get the slots.

The issue's morning, at a smaller time scale: 21 feeds trickle a byte a second from 7 host names
(127.0.0.2 to 127.0.0.8, three feeds each, more than the 16 slots of the default concurrency at
the default 4 requests per host) beside 50 good feeds on 5 other names. With the timeouts cut
down (5 s for a request, slow after 1 s) but the default concurrency, every good feed must be
stored well before any trickling request times out, and the refresh must end soon after the
first timeouts instead of waiting for a second round of them. Then the command line's report,
text and JSON: which feeds timed out, which were postponed, and a wall time that includes the
full-text prefetch, itself bounded the same way.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import LocalServer, Response, trickle
from veille.cli import main
from veille.core.fulltext.cache import open_cache
from veille.core.ingest.refresh import RefreshProgress, RefreshReport
from veille.core.library import open_library
from veille.core.pipeline import refresh_all
from veille.core.settings import Settings, resolve_paths

SLOW_HOSTS = [f"127.0.0.{n}" for n in range(2, 9)]
GOOD_HOSTS = ["127.0.0.1", *(f"127.0.0.{n}" for n in range(9, 13))]
TOTAL_TIMEOUT = 5.0
SLOW_AFTER = 1.0


def rss(name: str, items: str = "") -> bytes:
    items = items or f"<item><title>{name}</title><guid>{name}</guid></item>"
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}'
        f"</title>{items}</channel></rss>"
    ).encode()


def trickling(request: object) -> Response:
    return Response(200, stream=trickle(rss("lent") * 4), chunk_delay=1.0)


@pytest.fixture
def servers() -> Iterator[dict[str, LocalServer]]:
    started = {host: LocalServer(host).start() for host in (*SLOW_HOSTS, *GOOD_HOSTS)}
    try:
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.mark.slow
def test_good_feeds_are_stored_while_slow_hosts_trickle(
    tmp_path: Path, servers: dict[str, LocalServer]
) -> None:
    slow, good = [], []
    for host in SLOW_HOSTS:
        for n in range(3):
            servers[host].handle(f"/slow-{n}.xml", trickling)
            slow.append(servers[host].url(f"/slow-{n}.xml"))
    for host in GOOD_HOSTS:
        for n in range(10):
            servers[host].add(f"/good-{n}.xml", rss(f"bon {host} {n}"))
            good.append(servers[host].url(f"/good-{n}.xml"))
    settings = Settings()  # the default concurrency (16) and requests per host (4)
    settings.refresh.total_timeout = TOTAL_TIMEOUT
    settings.refresh.slow_after = SLOW_AFTER
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    stored: dict[int, float] = {}
    started = time.monotonic()

    def progress(p: RefreshProgress) -> None:
        if not p.error:
            stored[p.feed_id] = time.monotonic() - started

    with open_library(paths.library) as lib:
        slow_ids = {lib.add_feed(url).id for url in slow}  # subscribed first: first in turn
        good_ids = {lib.add_feed(url).id for url in good}
        started = time.monotonic()
        report, _ = asyncio.run(
            refresh_all(lib, settings, open_cache(paths, settings), on_progress=progress)
        )
        wall = time.monotonic() - started
        assert lib.count("") == 50
    assert set(stored) == good_ids
    last_good = max(stored.values())
    # Before: the good feeds waited for the trickling ones to time out (5 s), and the refresh
    # for a second round of them (10 s).
    assert last_good < SLOW_AFTER + 3.0, last_good
    assert wall < TOTAL_TIMEOUT + SLOW_AFTER + 3.0, wall
    assert set(report.timed_out) | set(report.postponed) == slow_ids
    assert len(report.timed_out) == len(SLOW_HOSTS)  # one request per slow host, at a time
    assert all(e.startswith("timed out after 5 s") for e in report.timed_out.values())
    assert all("timed out on another request" in r for r in report.postponed.values())
    assert report.elapsed == pytest.approx(wall, abs=0.5)


@pytest.mark.slow
def test_feeds_waiting_for_a_slow_host_keep_no_place_from_the_others(
    tmp_path: Path, servers: dict[str, LocalServer]
) -> None:
    """Many feeds of one slow host wait for its one turn without filling the window of feeds
    in progress (4 per slot: 8 here), so the feeds of a host that answers still start."""
    slow, good = servers["127.0.0.2"], servers["127.0.0.9"]
    for n in range(16):
        slow.handle(f"/slow-{n}.xml", trickling)
        good.add(f"/good-{n}.xml", rss(f"bon {n}"))
    settings = Settings()
    settings.refresh.concurrency = 2
    settings.refresh.total_timeout = 4.0
    settings.refresh.slow_after = 0.5
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    stored: list[float] = []
    started = time.monotonic()

    def progress(p: RefreshProgress) -> None:
        if not p.error:
            stored.append(time.monotonic() - started)

    with open_library(paths.library) as lib:
        for n in range(16):
            lib.add_feed(slow.url(f"/slow-{n}.xml"))
            lib.add_feed(good.url(f"/good-{n}.xml"))
        started = time.monotonic()
        report, _ = asyncio.run(refresh_all(lib, settings, None, on_progress=progress))
    assert len(stored) == 16 and len(report.postponed) == 15
    assert max(stored) < 3.0, max(stored)  # before: after the slow host's 4 s timeout


@pytest.fixture
def home(tmp_path: Path, servers: dict[str, LocalServer]) -> Path:
    """One good feed of truncated items whose pages trickle, and two trickling feeds on a host."""
    good, pages, slow = servers["127.0.0.1"], servers["127.0.0.2"], servers["127.0.0.3"]
    items = "".join(
        f"<item><title>Article {n}</title><guid>a{n}</guid>"
        f"<link>{pages.url(f'/page-{n}.html')}</link>"
        f"<description>Le début… Lire la suite</description></item>"
        for n in range(3)
    )
    good.add("/alpha.xml", rss("alpha", items))
    for n in range(3):
        pages.handle(f"/page-{n}.html", trickling)
    for n in range(2):
        slow.handle(f"/slow-{n}.xml", trickling)
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text(
        "[refresh]\nconnect_timeout = 2\nread_timeout = 2\ntotal_timeout = 2\n"
        "slow_after = 0.5\ndeadline = 8\n"
        # The article pages are on a host of their own, which the user allows by name.
        '[network]\nallow = ["127.0.0.2"]\n'
    )
    with open_library(paths.library) as lib:
        lib.add_feed(good.url("/alpha.xml"))
        for n in range(2):
            lib.add_feed(slow.url(f"/slow-{n}.xml"))
    return home


@pytest.mark.slow
def test_the_report_says_what_timed_out_and_how_long_it_all_took(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    started = time.monotonic()
    status = main(["--home", str(home), "refresh", "--json"])
    wall = time.monotonic() - started
    report = json.loads(capsys.readouterr().out)
    assert status == 0 and report["new_items"] == 3
    [timed_out] = report["timed_out"]  # the host's one slow slot: the other feed waited
    [postponed] = report["postponed"]
    assert timed_out["error"] == "timed out after 2 s"
    assert {timed_out["feed_id"], postponed["feed_id"]} == {2, 3}
    assert postponed["reason"] == "not fetched: 127.0.0.3 timed out on another request"
    # The prefetch: the first page times out, the other two wait for the next time.
    assert report["full_text"]["failed"] == 1 and report["full_text"]["postponed"] == 2
    assert 1.5 < report["full_text"]["elapsed"] < report["elapsed"]
    assert report["elapsed"] == pytest.approx(wall, abs=1.0)
    assert wall < 8.0


@pytest.mark.slow
def test_the_text_report_lists_them_too(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    main(["--home", str(home), "refresh"])
    out = capsys.readouterr().out
    assert "3 feeds refreshed in" in out and "1 failed (1 timed out), 1 postponed" in out
    assert ": timed out after 2 s" in out
    assert "not fetched: 127.0.0.3 timed out on another request" in out
    assert "0 teasers only, 1 failed, 2 postponed" in out


def test_a_network_down_is_still_offline_when_feeds_were_postponed() -> None:
    """Connections that time out give their host up, so its other feeds are postponed: the
    report still says the network seems down rather than listing one failure."""
    report = RefreshReport(
        feeds=3,
        errors={1: "timed out after 10 s connecting to a.example"},
        postponed={2: "not fetched: a.example timed out on another request", 3: "…"},
    )
    assert report.offline
