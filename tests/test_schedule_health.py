"""Each feed on its own schedule (`every`, RSS ttl and skipHours, Cache-Control), read by
`veille refresh --due`; and each feed's health in `veille feeds --stats`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.settings import resolve_paths


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out + err


def rss(channel_extra: str = "", days_ago: int = 1) -> str:
    when = format_datetime(datetime.now(UTC) - timedelta(days=days_ago))
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>"
        f"{channel_extra}<item><guid>1</guid><title>Un</title><pubDate>{when}</pubDate></item>"
        "</channel></rss>"
    )


def home(tmp_path: Path) -> Path:
    return resolve_paths(tmp_path / "home").library


def hours_pass(tmp_path: Path, hours: float) -> None:
    """Time goes by since each feed was last read."""
    with sqlite3.connect(home(tmp_path)) as conn:
        conn.execute("UPDATE feeds SET last_fetched = last_fetched - ?", (hours * 3600,))


def asked(server: LocalServer) -> list[str]:
    return [r.path for r in server.requests]


def test_refresh_due_reads_each_feed_on_its_own_schedule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    local_server.add("/every.xml", rss())
    local_server.add("/plain.xml", rss())
    local_server.add("/ttl.xml", rss("<ttl>180</ttl>"))
    local_server.add("/cached.xml", rss(), headers={"Cache-Control": "public, max-age=7200"})
    hours = "".join(f"<hour>{h}</hour>" for h in range(24))
    local_server.add("/asleep.xml", rss(f"<skipHours>{hours}</skipHours>"))
    config = resolve_paths(tmp_path / "home").config
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[feeds."{local_server.url("/every.xml")}"]\nevery = "2h"\n', encoding="utf-8"
    )
    for path in ("/every.xml", "/plain.xml", "/ttl.xml", "/cached.xml", "/asleep.xml"):
        assert veille(capsys, "add", local_server.url(path))[0] == 0
    local_server.requests.clear()
    assert veille(capsys, "refresh", "--due")[0] == 0  # never read: all due
    assert len(asked(local_server)) == 5
    local_server.requests.clear()
    assert veille(capsys, "refresh", "--due")[0] == 0
    assert asked(local_server) == ["/plain.xml"]  # no interval of its own
    hours_pass(tmp_path, 2.5)
    local_server.requests.clear()
    assert veille(capsys, "refresh", "--due")[0] == 0
    assert sorted(asked(local_server)) == ["/cached.xml", "/every.xml", "/plain.xml"]
    hours_pass(tmp_path, 1)
    local_server.requests.clear()
    assert veille(capsys, "refresh", "--due")[0] == 0
    assert "/ttl.xml" in asked(local_server) and "/asleep.xml" not in asked(local_server)
    local_server.requests.clear()
    assert veille(capsys, "refresh")[0] == 0  # without --due: every feed
    assert len(asked(local_server)) == 5


def test_a_duration_that_is_not_one_is_refused_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = resolve_paths(tmp_path / "home").config
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[refresh]\nevery = "souvent"\n', encoding="utf-8")
    status, out = veille(capsys, "feeds")
    assert status != 0 and "refresh.every (line 2)" in out and '"30m"' in out


def test_feed_stats_tell_a_dead_feed_from_a_live_one(
    capsys: pytest.CaptureFixture[str], local_server: LocalServer
) -> None:
    local_server.add("/live.xml", rss(days_ago=1))
    local_server.add("/dead.xml", rss(days_ago=400))
    for path in ("/live.xml", "/dead.xml"):
        assert veille(capsys, "add", local_server.url(path))[0] == 0
    assert veille(capsys, "refresh")[0] == 0
    local_server.add("/dead.xml", "gone", status=500, content_type="text/plain")
    veille(capsys, "refresh")
    status, out = veille(capsys, "feeds", "--stats", "--json")
    assert status == 0, out
    stats = {row["id"]: row for row in json.loads(out)}
    live, dead = stats[1], stats[2]
    assert live["per_week"] == 0.25 and live["failures_30d"] == 0 and live["fetches_30d"] == 2
    assert dead["per_week"] == 0 and dead["failures_30d"] == 1 and dead["fetches_30d"] == 2
    assert str(dead["last_published"]) < str(live["last_published"])
    assert live["mean_seconds"] is not None and live["mean_seconds"] < 5
    status, out = veille(capsys, "feeds", "--stats")
    assert "1 failures in 2 fetches over 30 days" in out
