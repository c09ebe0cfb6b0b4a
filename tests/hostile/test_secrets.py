"""Secrets stay secret: credentials in feed URLs and in config.toml never leak.

A private feed's URL carries its credential (`user:pass@`, `?key=`, `?token=`), and config.toml
may hold subscriber cookies and headers. After refreshing feeds that fail in several ways, each
secret is looked for in everything veille shows or writes: the feeds listing (text and JSON), the
errors kept in the library, the log folder, and every export. Only `export-opml
--include-secrets` may carry the URLs, in a file only the user can read.
"""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.ingest.refresh import refresh
from veille.core.library import open_library
from veille.core.settings import load_settings, resolve_paths

SRC = Path(__file__).resolve().parents[2] / "src" / "veille"

PASSWORD = "PASS-SECRET-3141"
KEY = "KEY-SECRET-2718"
TOKEN = "TOKEN-SECRET-1618"
ACCESS = "ACCESS-SECRET-1414"
MOVED = "MOVED-SECRET-1732"
COOKIE = "COOKIE-SECRET-5772"
HEADER = "HEADER-SECRET-6931"
URL_SECRETS = (PASSWORD, KEY, TOKEN, ACCESS, MOVED)
ALL_SECRETS = (*URL_SECRETS, COOKIE, HEADER)

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Privé</title>'
    "<item><title>Réservé aux abonnés</title><guid>p1</guid>"
    "<link>https://example.org/p1</link><description>texte</description></item>"
    "</channel></rss>"
)


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def home(tmp_path: Path, local_server: LocalServer) -> Path:
    """A veille home with secret-bearing feeds, refreshed once (most of them failing)."""
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    host = f"127.0.0.1:{local_server.port}"
    paths.config.write_text(
        'full_text = "never"\n'
        f'[refresh]\nconnect_timeout = 2\nread_timeout = 2\ntotal_timeout = 4\n\n[sites."{host}"]\n'
        f'cookies = {{ session = "{COOKIE}" }}\n'
        f'headers = {{ Authorization = "Bearer {HEADER}" }}\n'
    )
    paths.config.chmod(0o644)
    local_server.add("/private.xml", FEED)
    local_server.add("/untitled.xml", FEED.replace("<title>Privé</title>", "").replace("p1", "u1"))
    local_server.add("/broken", "<h1>erreur</h1>", status=500, content_type="text/html")
    local_server.add("/moved", status=301, headers={"Location": f"/private.xml?key={MOVED}&x=1"})
    local_server.add(
        "/to-file", status=302, headers={"Location": f"file:///etc/passwd?token={TOKEN}"}
    )
    base = local_server.base
    urls = [
        f"http://reader:{PASSWORD}@{host}/broken",
        f"{base}/private.xml?key={KEY}",
        f"{base}/broken?token={TOKEN}",
        f"http://127.0.0.1:{dead_port()}/feed?access_token={ACCESS}",
        f"{base}/moved?apikey={KEY}",
        f"{base}/to-file?private_token={TOKEN}",
        f"{base}/untitled.xml?rsskey={KEY}",  # answers, but never names itself
    ]
    settings = load_settings(paths)
    with open_library(paths.library, backups=paths.backups) as lib:
        for url in urls:
            lib.add_feed(url, folder="Abonnements")
        report = asyncio.run(refresh(lib, settings))
        assert report.new_items == 3 and len(report.errors) == 4, report.errors
        lib.set_starred(lib.item_ids())
        lib.tag(lib.item_ids(), add=["privé"])
    return home


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    status = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out + err


def assert_clean(text: str, where: str, secrets: tuple[str, ...] = ALL_SECRETS) -> None:
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"{where} shows {leaked}"


def test_secrets_never_travel_over_http(home: Path, local_server: LocalServer) -> None:
    # The site's cookies and headers are configured for its host: https only, and this server
    # speaks http (tests/hostile/test_cleartext_secrets.py covers where they do go).
    private = [r for r in local_server.requests if r.path.startswith("/private.xml")]
    assert private and not any(COOKIE in r.header("Cookie") for r in local_server.requests)
    assert not any(HEADER in r.header("Authorization") for r in local_server.requests)


def test_feed_listings_hide_secrets(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = cli(home, capsys, "feeds")
    assert "HTTP 500 Internal Server Error" in text and "connection refused" in text
    assert "moved permanently to" in text and "***" in text
    assert_clean(text, "veille feeds")
    assert_clean(cli(home, capsys, "feeds", "--json"), "veille feeds --json")
    assert_clean(cli(home, capsys, "feeds", "--failing"), "veille feeds --failing")


def test_refresh_output_hides_secrets(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = cli(home, capsys, "refresh", "--force")
    assert "connection refused" in text and "moved permanently" in text
    assert_clean(text, "veille refresh")
    text = cli(home, capsys, "refresh", "--force", "--json")
    assert '"moved"' in text
    assert_clean(text, "veille refresh --json")


def test_errors_in_the_library_hide_secrets(home: Path) -> None:
    conn = sqlite3.connect(resolve_paths(home).library)
    try:
        errors = [r[0] for r in conn.execute("SELECT last_error FROM feeds")]
        items = [str(r) for r in conn.execute("SELECT * FROM items")]
    finally:
        conn.close()
    assert any("refused a redirect to a non-web address" in e for e in errors)
    assert_clean("\n".join(errors), "feeds.last_error")
    assert_clean("\n".join(items), "items")


def test_log_folder_holds_no_secret(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(home, capsys, "feeds")
    log = resolve_paths(home).log
    for path in log.rglob("*") if log.exists() else ():
        if path.is_file():
            assert_clean(path.read_text("utf-8", "replace"), str(path))


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv", "atom", "bookmarks", "opml"])
def test_item_exports_hide_secrets(
    home: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    text = cli(home, capsys, "export", "--format", fmt, "is:starred")
    assert "Réservé aux abonnés" in text or "Privé" in text or fmt == "opml"
    assert_clean(text, f"veille export --format {fmt}")


def test_opml_export_hides_secrets_unless_asked(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain = cli(home, capsys, "export-opml")
    assert plain.count("xmlUrl=") == 7
    assert_clean(plain, "veille export-opml")
    target = tmp_path / "with-secrets.opml"
    cli(home, capsys, "export-opml", "--include-secrets", "-o", str(target))
    full = target.read_text()
    assert PASSWORD in full and KEY in full and ACCESS in full
    assert_clean(full, "export-opml --include-secrets", (COOKIE, HEADER))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_state_export_file_is_private(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "state.json"
    cli(home, capsys, "export-state", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert_clean(target.read_text(), "veille export-state", (COOKIE, HEADER))


def test_state_export_hides_url_secrets(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_clean(cli(home, capsys, "export-state"), "veille export-state")
    whole = cli(home, capsys, "export-state", "--include-secrets")
    assert KEY in whole and TOKEN in whole  # moving a whole library keeps its keys


def test_files_and_folders_are_private(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = resolve_paths(home)
    assert stat.S_IMODE(paths.config.stat().st_mode) == 0o600  # it holds cookies and headers
    assert stat.S_IMODE(paths.library.stat().st_mode) == 0o600
    for folder in (paths.data, paths.cache, paths.log, paths.backups):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_config_with_secrets_is_made_private_on_first_read(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "other")
    paths.ensure()
    paths.config.write_text(f'[sites."example.org"]\ncookies = {{ s = "{COOKIE}" }}\n')
    paths.config.chmod(0o644)
    assert main(["--home", str(tmp_path / "other"), "stats"]) == 0
    assert stat.S_IMODE(paths.config.stat().st_mode) == 0o600


# links ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "ftp://example.org/x",
        "about:blank",
        "https://example.org/\x1b]8;;evil\x07",
        "https://exa\u202emple.org/",
        "x-man-page://ls",
        "",
    ],
)
def test_only_web_and_mail_links_may_be_opened(url: str) -> None:
    from veille.tui.display import checked_link

    assert checked_link(url) is None


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1", "http://example.org/", "mailto:redaction@example.org"]
)
def test_web_and_mail_links_are_allowed(url: str) -> None:
    from veille.tui.display import checked_link

    assert checked_link(url) == url


def test_nothing_is_run_through_a_shell() -> None:
    shell = re.compile(
        r"shell\s*=\s*True|os\.system\(|os\.popen\(|subprocess\.getoutput|getstatusoutput|"
        r"asyncio\.create_subprocess_shell|os\.exec\w*\(|os\.spawn\w*\("
    )
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if shell.search(line)
    ]
    assert found == []
    # Opening a link goes through the `webbrowser` module with one URL argument, no shell.
    workers = (SRC / "tui" / "workers.py").read_text("utf-8")
    assert "webbrowser.open" in workers


API_PASSWORD = "API-SECRET-2236"


def _run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return status, out + err


def test_account_secrets_stay_out_of_the_library_logs_and_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from tests.greader_fake import serve

    home = tmp_path / "synced"
    with serve("freshrss-1.25") as (fake, endpoint):
        fake.add_user("bob", API_PASSWORD)
        feed = fake.add_feed("https://news.example.org/feed.xml", "News")
        fake.add_item(feed, "Alpha", "https://news.example.org/a")
        token = fake.token("bob")
        monkeypatch.setattr("sys.stdin", io.StringIO(API_PASSWORD + "\n"))
        shown = [cli(home, capsys, "account", "add", "srv", "--kind", "freshrss", "--url",
                     endpoint, "--user", "bob")]  # fmt: skip
        shown.append(cli(home, capsys, "account", "list"))
        shown.append(cli(home, capsys, "sync", "--json"))
        shown.append(cli(home, capsys, "sync", "status", "--json"))
        fake.fail_next = [500]
        shown.append(_run(home, capsys, "sync")[1])
        fake.set_password("bob", "changed-elsewhere")
        status, text = _run(home, capsys, "sync", "srv")
        assert status == 1 and "API password" in text
        shown.append(text)
        shown.append(cli(home, capsys, "sync", "status"))
        assert not any(API_PASSWORD in r.raw_path for r in fake.requests)
    shown.append(cli(home, capsys, "export-state"))
    shown.append(cli(home, capsys, "export-opml"))
    backup = tmp_path / "copy.sqlite"
    cli(home, capsys, "backup", str(backup))
    paths = resolve_paths(home)
    written = [backup, *paths.data.glob("*"), *paths.log.rglob("*")]
    for text in shown:
        assert_clean(text, "a sync command", (API_PASSWORD, token))
    for file in written:
        if file.is_file():
            data = file.read_bytes()
            assert API_PASSWORD.encode() not in data and token.encode() not in data, file
    accounts = paths.config.parent / "accounts.toml"
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    accounts.chmod(0o644)
    status, text = _run(home, capsys, "sync")
    assert status == 1 and "chmod 600" in text and API_PASSWORD not in text
