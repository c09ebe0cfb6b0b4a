"""Command feeds: the user's own scripts print a feed (exec) or rewrite one (filter); run without
a shell, stopped at a timeout or an output cap, their standard error the feed's error."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.settings import resolve_paths

PYTHON = Path(sys.executable).name
FEED = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Script</title>"
    "<item><guid>s1</guid><title>Sortie du script</title><link>https://x.example/1</link></item>"
    "</channel></rss>"
)


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out + err


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(body, encoding="utf-8")
    return f"{sys.executable} {path}"


def limits(tmp_path: Path, total_timeout: float) -> None:
    config = resolve_paths(tmp_path / "home").config
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[refresh]\ntotal_timeout = {total_timeout}\n", encoding="utf-8")


def feeds(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    data = json.loads(veille(capsys, "feeds", "--json")[1])
    return data if isinstance(data, list) else data["feeds"]  # type: ignore[no-any-return]


def test_an_exec_feed_is_what_its_command_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    command = script(tmp_path, "flux", f"print({FEED!r})")
    status, out = veille(capsys, "add-command", command, "--title", "Mon script")
    assert status == 0, out
    status, out = veille(capsys, "refresh")
    assert status == 0 and "1 new item," in out, out
    status, out = veille(capsys, "items", "--json")
    assert [i["title"] for i in json.loads(out)] == ["Sortie du script"]


def test_a_filter_feed_rewrites_the_feed_it_reads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    local_server.add("/feed.xml", FEED)
    command = script(
        tmp_path,
        "majuscules",
        "import sys; sys.stdout.write(sys.stdin.read().replace('Sortie', 'SORTIE'))",
    )
    assert veille(capsys, "add-command", command, "--filter", local_server.url("/feed.xml"))[0] == 0
    status, out = veille(capsys, "refresh")
    assert status == 0 and "1 new item," in out, out
    status, out = veille(capsys, "items", "--json")
    assert [i["title"] for i in json.loads(out)] == ["SORTIE du script"]
    assert local_server.requests_to("/feed.xml")


def test_a_command_that_fails_shows_its_standard_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    command = script(
        tmp_path,
        "panne",
        "import sys; sys.stderr.write('clé API manquante\\x1b[2J\\n'); sys.exit(3)",
    )
    assert veille(capsys, "add-command", command)[0] == 0
    _status, out = veille(capsys, "refresh")
    assert "1 failed" in out
    assert f"{PYTHON} panne.py failed (exit status 3): clé API manquante" in out
    [feed] = feeds(capsys)
    assert "clé API manquante" in str(feed["error"]) and "\x1b" not in str(feed["error"])


@pytest.mark.slow
def test_a_command_that_hangs_is_stopped_at_the_timeout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    limits(tmp_path, 1)
    marker = tmp_path / "still-running"
    child = f"import time; time.sleep(3); open({str(marker)!r}, 'w')"
    command = script(
        tmp_path,
        "bloque",
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', {child!r}])\n"
        "time.sleep(60)\n",
    )
    assert veille(capsys, "add-command", command)[0] == 0
    started = time.monotonic()
    _status, out = veille(capsys, "refresh")
    assert time.monotonic() - started < 10
    assert f"{PYTHON} bloque.py did not finish within 1 s; it was stopped" in out
    time.sleep(3.5)
    assert not marker.exists()  # what it started was stopped with it


@pytest.mark.slow
def test_a_command_feed_is_stopped_at_the_refresh_deadline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The refresh's deadline holds for command feeds too, not only their own longer timeout."""
    config = resolve_paths(tmp_path / "home").config
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[refresh]\ntotal_timeout = 60\ndeadline = 1\n", encoding="utf-8")
    command = script(tmp_path, "lent", "import time\ntime.sleep(60)\n")
    assert veille(capsys, "add-command", command)[0] == 0
    started = time.monotonic()
    _status, out = veille(capsys, "refresh")
    assert time.monotonic() - started < 10, out
    assert "stopped at the refresh's 1 s deadline" in out, out


@pytest.mark.slow
def test_a_command_that_prints_50_mb_is_stopped_at_the_cap(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    command = script(
        tmp_path, "bavard", "import sys\nfor _ in range(50):\n    sys.stdout.write('x' * 2**20)\n"
    )
    assert veille(capsys, "add-command", command)[0] == 0
    _status, out = veille(capsys, "refresh")
    assert f"{PYTHON} bavard.py printed more than 16 MiB; it was stopped" in out


def test_commands_come_only_from_the_user_never_from_a_feed_or_a_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    marker = tmp_path / "ran"
    command = f"exec:touch {marker}"
    # A subscription typed with a command's address is not a command feed.
    veille(capsys, "add", command)
    # A redirect to one is refused; an OPML outline naming one is left out, with a word.
    local_server.add("/feed.xml", b"", status=302, headers={"Location": command})
    veille(capsys, "add", local_server.url("/feed.xml"))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline type="rss" text="x" xmlUrl="https://ok.example/f"/>'
        f'<outline type="rss" text="y" xmlUrl="{command}"/></body></opml>',
        encoding="utf-8",
    )
    _status, out = veille(capsys, "import", str(opml))
    assert f"not imported: line 1: {command} (not a web or file address)" in out
    veille(capsys, "refresh")
    assert not marker.exists()


def test_a_newsboat_exec_line_becomes_a_command_feed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    command = script(tmp_path, "flux", f"print({FEED!r})")
    urls = tmp_path / "urls"
    urls.write_text(f'"exec:{command}" "scripts" "~Par script"\n', encoding="utf-8")
    _, out = veille(capsys, "import", "--allow-commands", str(urls), "--json")
    assert json.loads(out)["commands"] == [f"exec:{command}"]
    assert veille(capsys, "refresh")[0] == 0
    [feed] = feeds(capsys)
    assert feed["title"] == "Par script" and feed["folder"] == "scripts"
    _status, out = veille(capsys, "items", "--json")
    assert [i["title"] for i in json.loads(out)] == ["Sortie du script"]


def test_an_imported_file_runs_none_of_its_commands_unless_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, local_server: LocalServer
) -> None:
    local_server.add("/f.xml", FEED.encode())
    marker = tmp_path / "ran"
    urls = tmp_path / "urls"
    urls.write_text(
        f"{local_server.url('/f.xml')}\n"
        f'"exec:touch {marker}" "scripts"\n'
        f'"filter:touch {marker}:{local_server.url("/f.xml")}"\n',
        encoding="utf-8",
    )
    status, out = veille(capsys, "import", str(urls))
    assert status == 0, out
    assert "imported 1 feed (" in out
    assert "2 command feeds not imported: they would run commands on this computer" in out
    assert f"  exec:touch {marker}\n" in out
    assert f"  filter:touch {marker}:{local_server.url('/f.xml')}\n" in out
    assert "import it again with --allow-commands" in out
    assert veille(capsys, "refresh")[0] == 0
    assert not marker.exists()
    assert [f["url"] for f in feeds(capsys)] == [local_server.url("/f.xml")]
    # Asked for by name, they come in, and run.
    _, out = veille(capsys, "import", "--allow-commands", str(urls), "--json")
    report = json.loads(out)
    assert report["refused_commands"] == [] and len(report["commands"]) == 2
    assert veille(capsys, "refresh")[0] == 0
    assert marker.exists()
