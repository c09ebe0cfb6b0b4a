"""Downloading attachments: streamed to disk within a limit of their own, named by the server or
the final address, cleaned, never over a file, nothing left behind when it fails."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.httpserver import LocalServer, Response
from veille.cli import main
from veille.core import DownloadFailed, open_veille
from veille.core.downloads import file_name
from veille.core.settings import Paths, Settings, resolve_paths

MIB = 1024 * 1024


@pytest.fixture
def home(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "home")


def subscribed(home: Paths, server: LocalServer, settings: Settings | None = None) -> None:
    """The server's host becomes one of the user's (pages on it may be fetched)."""
    with open_veille(home, settings=settings or Settings(lang="en")) as v:
        v.subscribe(server.url("/feed.xml"))


def episode(size: int) -> bytes:
    return bytes(range(256)) * (size // 256)


def test_a_large_episode_streams_to_disk_under_the_server_s_name(
    home: Paths, local_server: LocalServer, tmp_path: Path
) -> None:
    body = episode(40 * MIB)  # past the 16 MiB a page may weigh
    local_server.add(
        "/get",
        body,
        content_type="audio/mpeg",
        headers={
            "Content-Disposition": 'attachment; filename="fallback.mp3"; '
            "filename*=UTF-8''%C3%A9pisode%2012.mp3"
        },
    )
    subscribed(home, local_server)
    heard: list[tuple[int, int]] = []
    folder = tmp_path / "Téléchargements"
    with open_veille(home, settings=Settings(lang="en")) as v:
        saved = v.download(
            local_server.url("/get"), folder, on_progress=lambda r, t: heard.append((r, t))
        )
    assert saved == folder.resolve() / "épisode 12.mp3"
    assert saved.read_bytes() == body
    assert heard[-1] == (len(body), len(body))
    assert all(total == len(body) for _received, total in heard)
    assert [p.name for p in folder.iterdir()] == ["épisode 12.mp3"]


def test_the_name_comes_from_the_final_address_after_redirects(
    home: Paths, local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.add("/dl", b"", status=302, headers={"Location": "/media/Show-Ep%203.MP4"})
    local_server.add("/media/Show-Ep%203.MP4", b"video", content_type="video/mp4")
    subscribed(home, local_server)
    with open_veille(home, settings=Settings(lang="en")) as v:
        first = v.download(local_server.url("/dl?id=3"), tmp_path)
        again = v.download(local_server.url("/dl?id=3"), tmp_path)
    assert (first.name, again.name) == ("Show-Ep 3.MP4", "Show-Ep 3 (1).MP4")
    assert first.read_bytes() == again.read_bytes() == b"video"


def test_a_redirect_to_another_private_host_is_refused(
    home: Paths, local_server: LocalServer, other_server: LocalServer, tmp_path: Path
) -> None:
    other_server.add("/secret.bin", b"intranet")
    local_server.add("/dl", b"", status=302, headers={"Location": other_server.url("/secret.bin")})
    subscribed(home, local_server)
    with open_veille(home, settings=Settings(lang="en")) as v, pytest.raises(DownloadFailed):
        v.download(local_server.url("/dl"), tmp_path / "out")
    assert not other_server.requests_to("/secret.bin")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("announced", [True, False])
def test_past_the_limit_nothing_is_left_behind(
    home: Paths, local_server: LocalServer, tmp_path: Path, announced: bool
) -> None:
    chunks = [b"x" * MIB] * 3
    if announced:
        local_server.add("/big.mp4", b"x" * 3 * MIB, content_type="video/mp4")
    else:  # no Content-Length: stopped at the limit while it arrives
        local_server.handle("/big.mp4", lambda _r: Response(200, stream=chunks))
    settings = Settings(lang="en", download_max_bytes=2 * MIB)
    subscribed(home, local_server, settings)
    with open_veille(home, settings=settings) as v, pytest.raises(DownloadFailed) as caught:
        v.download(local_server.url("/big.mp4"), tmp_path / "out")
    assert "the file is larger than 2 MiB, the limit download_max_bytes sets" in str(caught.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_download_cut_short_leaves_nothing(
    home: Paths, local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.handle(
        "/cut.mp3",
        lambda _r: Response(
            200, b"y" * MIB, headers={"Content-Length": str(MIB)}, abort_after=MIB // 2
        ),
    )
    subscribed(home, local_server)
    with open_veille(home, settings=Settings(lang="en")) as v, pytest.raises(DownloadFailed):
        v.download(local_server.url("/cut.mp3"), tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("url", "disposition", "expected"),
    [
        ("https://x.example/a/b/ep.mp3", "", "ep.mp3"),
        ("https://x.example/f", 'attachment; filename="../../etc/passwd"', "passwd.mp3"),
        ("https://x.example/f", 'attachment; filename="..\\\\..\\\\boot.ini"', "boot.ini"),
        ("https://x.example/f", 'attachment; filename=".bashrc"', "bashrc.mp3"),
        ("https://x.example/f", 'attachment; filename="a..b...mp3"', "a.b.mp3"),
        ("https://x.example/%1b%5b2Jbad%07name.pdf", "", "[2Jbadname.pdf"),
        ("https://x.example/f", "attachment; filename*=UTF-8''%E2%80%AEevil.mp3", "evil.mp3"),
        ("https://x.example/..", "", "download.mp3"),
    ],
)
def test_names_are_one_plain_file_name(url: str, disposition: str, expected: str) -> None:
    assert file_name(url, "audio/mpeg", disposition) == expected


def test_a_name_is_capped_in_bytes_and_keeps_its_extension() -> None:
    name = file_name("https://x.example/" + "é" * 300 + ".mp3")
    assert name.endswith(".mp3") and len(name.encode()) <= 200


def test_the_command_line_shows_the_progress_on_a_terminal(
    home: Paths,
    local_server: LocalServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = episode(3 * MIB)
    local_server.handle(
        "/ep.mp3",
        lambda _r: Response(
            200,
            stream=[body[i : i + MIB // 4] for i in range(0, len(body), MIB // 4)],
            headers={"Content-Length": str(len(body))},
            chunk_delay=0.05,
            content_type="audio/mpeg",
        ),
    )
    subscribed(home, local_server)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    folder = tmp_path / "out"
    status = main(["download", local_server.url("/ep.mp3"), "--to", str(folder)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert f"to {folder.resolve() / 'ep.mp3'}" in out
    assert "of 3.0 MiB (" in err and "3.0 of 3.0 MiB (100%)" in err
    assert (folder / "ep.mp3").read_bytes() == body
