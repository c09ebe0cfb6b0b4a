"""`veille review PROFILE` and `--send`, through the command line, to a real SMTP server on
127.0.0.1 (aiosmtpd): the file where the profile says, the message as the recipients receive
it, STARTTLS with a checked certificate, and a password that never shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from tests.httpserver import LocalServer, self_signed
from tests.mailserver import PASSWORD, Mailhost, start
from tests.reviewing import STORY_TITLES, TRACKING, morning_selection
from veille.cli.command import main
from veille.core import ConfigError, open_veille, parse_settings


@pytest.fixture
def mailhost() -> Iterator[Mailhost]:
    controller, host = start(auth_require_tls=False)
    yield host
    controller.stop()


def write_config(home: Path, port: int, *, security: str = "none", extra: str = "") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        f"""
[reviews.matin]
lang = "fr"
query = "is:starred"
group_by = "tag"
tags = ["télécoms", "cnil"]
format = "docx"
output = "{home / "out" / "matin-{date}.docx"}"
to = ["equipe@example.fr", "chef@example.fr"]
title = "Revue du matin"
{extra}

[smtp]
host = "127.0.0.1"
port = {port}
security = "{security}"
user = "moi"
password = "{PASSWORD}"
from = "Veille <veille@example.fr>"
""",
        encoding="utf-8",
    )


@pytest.fixture
def home(tmp_path: Path, local_server: LocalServer) -> Path:
    folder = tmp_path / "home"
    with open_veille(folder) as v:
        morning_selection(v, local_server)
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.slow
def test_review_send_delivers_html_with_a_text_alternative(
    home: Path, mailhost: Mailhost, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, mailhost.port)
    status, _out, err = run(capsys, "--home", str(home), "review", "matin", "--send")
    assert status == 0, err
    [written] = list((home / "out").glob("matin-*.docx"))
    assert written.read_bytes().startswith(b"PK")  # the profile's own format, where it says
    # The review is French; the command line speaks the user's language and counts stories.
    assert str(written) in err and "4 sujets" not in err and "4 stories" in err
    assert PASSWORD not in err
    [(recipients, message)] = mailhost.inbox.messages
    assert recipients == ["equipe@example.fr", "chef@example.fr"]
    assert message["From"] == "Veille <veille@example.fr>"
    assert str(message["Subject"]).startswith("Revue du matin — ")
    body = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert body is not None and text is not None
    page = lxml.html.fromstring(body.get_content())
    titles = [h.text_content() for h in page.xpath("//article/h3")]
    assert len(titles) == 4 and titles.count(STORY_TITLES["Le Monde"]) == 1
    assert [h.text_content() for h in page.xpath("//h2")][:2] == ["télécoms", "cnil"]
    plain = text.get_content()
    assert plain.count(STORY_TITLES["Le Monde"]) == 1 and "Aussi dans" in plain
    assert not any(t in plain or t in body.get_content() for t in TRACKING)
    [attached] = list(message.iter_attachments())
    assert attached.get_filename().endswith(".docx")
    raw = message.as_string()
    assert PASSWORD not in raw


def test_offline_review_send_reaches_no_mail_server_and_writes_nothing(
    home: Path, mailhost: Mailhost, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, mailhost.port)
    status, _out, err = run(capsys, "--home", str(home), "--offline", "review", "matin", "--send")
    assert status != 0 and "--offline" in err and "needs the network" in err, err
    assert mailhost.inbox.messages == []
    assert not (home / "out").exists()  # refused before the review was written


@pytest.mark.slow
def test_review_without_send_writes_the_file_and_lists_profiles(
    home: Path, mailhost: Mailhost, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_config(home, mailhost.port)
    status, out, _err = run(capsys, "--home", str(home), "review")
    assert status == 0 and out.startswith("matin\tdocx\tis:starred\t")
    other = tmp_path / "ailleurs.md"
    status, _out, err = run(
        capsys, "--home", str(home), "review", "matin", "-o", str(other), "--format", "md"
    )
    assert status == 0, err
    assert other.read_text(encoding="utf-8").startswith("# Revue du matin\n")
    assert not mailhost.inbox.messages


@pytest.mark.slow
def test_a_refused_password_is_told_without_it(
    home: Path, mailhost: Mailhost, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, mailhost.port)
    config = home / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(PASSWORD, "wrong-" + PASSWORD),
        encoding="utf-8",
    )
    status, out, err = run(capsys, "--home", str(home), "review", "matin", "--send")
    assert status == 1
    assert "refused the user name or password" in err
    assert PASSWORD not in err + out and "Traceback" not in err
    assert not mailhost.inbox.messages


@pytest.mark.slow
def test_starttls_checks_the_certificate(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server_tls, _client = self_signed(tmp_path)
    controller, host = start(tls_context=server_tls, require_starttls=True)
    try:
        write_config(home, host.port, security="starttls")
        status, _out, err = run(capsys, "--home", str(home), "review", "matin", "--send")
        assert status == 1 and "certificate could not be verified" in err
        assert not host.inbox.messages
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))
        status, _out, err = run(capsys, "--home", str(home), "review", "matin", "--send")
        assert status == 0, err
        assert len(host.inbox.messages) == 1
    finally:
        controller.stop()


def test_mail_in_the_clear_only_to_this_machine() -> None:
    with pytest.raises(ConfigError, match="only for a server on this machine"):
        parse_settings('[smtp]\nhost = "smtp.example.fr"\nsecurity = "none"\n')
    settings = parse_settings('[smtp]\nhost = "localhost"\nsecurity = "none"\n')
    assert settings.smtp.effective_port == 25
    assert "password" not in repr(parse_settings('[smtp]\nhost = "h"\npassword = "x"\n').smtp)


def test_review_profiles_are_checked() -> None:
    with pytest.raises(ConfigError, match="group_by"):
        parse_settings('[reviews.matin]\ngroup_by = "weekday"\n')
    with pytest.raises(ConfigError, match="not a mail address"):
        parse_settings('[reviews.matin]\nto = ["personne"]\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        parse_settings('[reviews.matin]\nrecipients = ["a@b.fr"]\n')
    profile = parse_settings('[reviews.matin]\ntags = ["b", "a"]\n').reviews["matin"]
    assert profile.tags == ("b", "a") and profile.query == "is:starred"
