"""Alerts of the watch rules: one per rule per refresh, to a local endpoint and to a command
that records its input; a failing alert is shown on the watch and never stops the refresh."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.httpserver import LocalServer, Request, Response
from veille.cli import main
from veille.core.settings import resolve_paths


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out + err


def feed(*titles: str) -> str:
    items = "".join(
        f"<item><guid>g{n}</guid><title>{t}</title><link>https://x.example/{n}</link></item>"
        for n, t in enumerate(titles)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Flux</title>{items}</channel></rss>"


def config(tmp_path: Path, text: str) -> None:
    path = resolve_paths(tmp_path / "home").config
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_watch_alerts_once_per_refresh_to_an_endpoint_and_a_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    received: list[Request] = []

    def hook(request: Request) -> Response:
        received.append(request)
        return Response(200, b"ok", content_type="text/plain")

    local_server.handle("/hook", hook)
    local_server.add("/feed.xml", feed("Biométrie à l'école", "Climat", "Biométrie au travail"))
    recorder = tmp_path / "recorder.py"
    got = tmp_path / "got.json"
    recorder.write_text(
        f"import sys; open({str(got)!r}, 'ab').write(sys.stdin.buffer.read() + b'\\n')",
        encoding="utf-8",
    )
    config(
        tmp_path,
        '[[watch]]\nname = "Biométrie"\nquery = "biométrie"\n'
        f'post = "{local_server.url("/hook")}"\n'
        f'command = "{sys.executable} {recorder}"\n'
        '[[watch]]\nname = "Rien"\nquery = "introuvable"\n'
        f'post = "{local_server.url("/hook")}"\n',
    )
    assert veille(capsys, "add", local_server.url("/feed.xml"))[0] == 0
    status, out = veille(capsys, "refresh")
    assert status == 0 and "watch Biométrie: alert sent" in out, out
    assert len(received) == 1  # one alert for the rule that matched, however many items
    sent = json.loads(received[0].body)
    assert sent["watch"] == "Biométrie" and sent["count"] == 2
    assert sorted(i["title"] for i in sent["items"]) == [
        "Biométrie au travail",
        "Biométrie à l'école",
    ]
    [line] = got.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["count"] == 2
    veille(capsys, "refresh")  # nothing new: no alert
    assert len(received) == 1


def test_a_failing_alert_is_shown_and_never_stops_the_refresh(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    local_server.add("/hook", "down", status=500, content_type="text/plain")
    local_server.add("/feed.xml", feed("Biométrie partout"))
    local_server.add("/other.xml", feed("Autre flux"))
    config(
        tmp_path,
        '[[watch]]\nname = "Biométrie"\nquery = "biométrie"\n'
        f'post = "{local_server.url("/hook")}"\n'
        'command = "/nonexistent/alert-tool"\n',
    )
    assert veille(capsys, "add", local_server.url("/feed.xml"))[0] == 0
    assert veille(capsys, "add", local_server.url("/other.xml"))[0] == 0
    status, out = veille(capsys, "refresh")
    assert status == 0 and "2 new items" in out, out
    assert "watch Biométrie: the alert failed" in out and "HTTP 500" in out
    status, out = veille(capsys, "watch", "list")
    assert "last alert failed" in out and "alert-tool" in out and "HTTP 500" in out


def test_an_alert_url_must_be_a_web_address(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config(tmp_path, '[[watch]]\nname = "x"\nquery = "x"\npost = "file:///etc/passwd"\n')
    status, out = veille(capsys, "watch", "list")
    assert status != 0 and "watch.post" in out and "http:// or https://" in out
