"""`veille account` and `veille sync` as a user types them."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from tests.greader_fake import serve
from veille.cli.command import main


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str,
        stdin: str = "") -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_account_add_list_sync_status_and_remove(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with serve("freshrss-1.26") as (fake, endpoint):
        feed = fake.add_feed("https://news.example.org/feed.xml", "News")
        fake.add_item(feed, "Alpha", "https://news.example.org/a", starred=True)
        site = endpoint.removesuffix("/api/greader.php")  # the address users know
        status, out, err = run(capsys, monkeypatch, "account", "add", "home", "--kind",
                               "freshrss", "--url", site, "--user", "alice",
                               stdin="secret-pw\n")  # fmt: skip
        assert status == 0, err
        assert endpoint in out
        book = Path(tmp_path / "home").rglob("accounts.toml")
        [path] = list(book)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        status, out, _ = run(capsys, monkeypatch, "account", "list")
        assert "password: (set)" in out and "secret-pw" not in out

        status, out, _ = run(capsys, monkeypatch, "sync", "--dry-run")
        assert status == 0 and "dry run" in out
        assert run(capsys, monkeypatch, "items", "--json")[1].strip() in ("[]", "")
        status, out, _ = run(capsys, monkeypatch, "sync", "--json")
        [report] = json.loads(out)
        assert report["pulled"]["new items"] == 1
        status, out, _ = run(capsys, monkeypatch, "items", "is:starred", "--json")
        assert [i["title"] for i in json.loads(out)] == ["Alpha"]
        status, out, _ = run(capsys, monkeypatch, "sync", "status")
        assert "last sync:" in out and "0 changes waiting" in out
        assert run(capsys, monkeypatch, "account", "remove", "home")[0] == 0
        assert "home" not in run(capsys, monkeypatch, "account", "list")[1]


def test_a_wrong_password_is_told_in_plain_words_and_never_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve("freshrss-1.25") as (_fake, endpoint):
        status, out, err = run(capsys, monkeypatch, "account", "add", "home", "--kind",
                               "freshrss", "--url", endpoint, "--user", "alice",
                               stdin="web-password-9\n")  # fmt: skip
    assert status == 1
    assert "API password" in err and "web-password-9" not in out + err
    assert "Traceback" not in err


def test_plain_http_is_refused_off_loopback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run(capsys, monkeypatch, "account", "add", "home", "--kind", "freshrss",
                         "--url", "http://rss.example.org", "--user", "alice",
                         stdin="pw\n")  # fmt: skip
    assert status != 0 and "https://" in err


def test_a_password_command_is_run_at_each_sync(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve("miniflux") as (_fake, endpoint):
        status, _, err = run(capsys, monkeypatch, "account", "add", "mf", "--kind", "miniflux",
                             "--url", endpoint + "/v1", "--user", "alice",
                             "--password-command", "echo secret-pw")  # fmt: skip
        assert status == 0, err
        status, out, _ = run(capsys, monkeypatch, "sync", "status")
        assert "tags stay local" in out
        assert run(capsys, monkeypatch, "sync", "mf")[0] == 0


def test_a_password_command_is_split_and_run_as_a_command_feed_s(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    me = tmp_path / "me"
    (me / "bin").mkdir(parents=True)
    helper = me / "bin" / "pw"
    helper.write_text("#!/bin/sh\necho secret-pw\n", encoding="utf-8")
    helper.chmod(0o700)
    monkeypatch.setenv("HOME", str(me))
    leaky = (f"{sys.executable} -c \"import sys; print('hunter2'); "
             "sys.stderr.write('hunter2'); sys.exit(3)\"")  # fmt: skip
    with serve("miniflux") as (_fake, endpoint):
        # `~` is expanded as in a command feed's command line.
        status, _, err = run(capsys, monkeypatch, "account", "add", "mf", "--kind", "miniflux",
                             "--url", endpoint + "/v1", "--user", "alice",
                             "--password-command", "~/bin/pw")  # fmt: skip
        assert status == 0, err
        assert run(capsys, monkeypatch, "sync", "mf")[0] == 0
        # A failure says which program failed and how, never what it printed or said.
        status, out, err = run(capsys, monkeypatch, "account", "add", "bad", "--kind",
                               "miniflux", "--url", endpoint + "/v1", "--user", "alice",
                               "--password-command", leaky)  # fmt: skip
    assert status == 1
    name = Path(sys.executable).name
    assert f"the password command of account bad failed: {name} failed (exit status 3)" in err
    assert "hunter2" not in out + err
