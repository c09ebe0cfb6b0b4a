"""Odd arguments and odd outputs: one plain line each, never a traceback, nothing left behind.

Ids too large for SQLite, deeply nested JSON, a backup aimed at a folder or at nothing, a home
that is empty or cannot hold folders, arguments that are not UTF-8, a query word beginning with
`-`, and the last resort for what nobody foresaw: one line, the traceback in the log folder.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from veille.cli import command as command_module
from veille.cli import main

HUGE = "99999999999999999999"  # 20 digits: more than SQLite's 64-bit integers

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Actualités</title>
<item><title>Le sport au lycée</title><link>https://example.org/1</link><guid>1</guid>
<description>Un article sur le sport.</description></item>
<item><title>La réforme des retraites</title><link>https://example.org/2</link><guid>2</guid>
<description>Un article sur les retraites.</description></item>
</channel></rss>"""


def veille(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def one_plain_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("veille: "), err
    return lines[0]


@pytest.fixture
def library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED, encoding="utf-8")
    assert veille(capsys, "add", feed.as_uri())[0] == 0
    assert veille(capsys, "refresh")[0] == 0
    return tmp_path / "home"


@pytest.mark.parametrize(
    "args",
    [
        ("star", HUGE),
        ("unread", HUGE),
        ("note", HUGE, "texte"),
        ("note", HUGE),
        ("items", "--limit", "-1"),
        ("star", "0"),
    ],
)
def test_impossible_numbers_are_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str], library: Path, args: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as exit_info:  # argparse's refusal: usage, then the reason
        main(list(args))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "OverflowError" not in err
    assert "is not an id" in err or "is below 0" in err, err


@pytest.mark.parametrize(
    "args", [("tag", HUGE, "+x"), ("remove", HUGE), ("set-feed", HUGE, "--title", "x")]
)
def test_huge_ids_in_words_get_one_line(
    capsys: pytest.CaptureFixture[str], library: Path, args: tuple[str, ...]
) -> None:
    status, _, err = veille(capsys, *args)
    assert status != 0
    assert "is not an id" in one_plain_line(err)


def test_a_huge_limit_means_everything(capsys: pytest.CaptureFixture[str], library: Path) -> None:
    status, out, err = veille(capsys, "items", "--limit", HUGE, "--json")
    assert status == 0, err
    assert len(json.loads(out)) == 2


def test_a_query_word_may_begin_with_a_dash(
    capsys: pytest.CaptureFixture[str], library: Path
) -> None:
    status, out, err = veille(capsys, "items", "-sport", "--json")
    assert status == 0, err
    assert [i["title"] for i in json.loads(out)] == ["La réforme des retraites"]
    # Options keep working around such a word, in any order and abbreviated.
    status, out, err = veille(capsys, "items", "--lim", "5", "-sport", "--json")
    assert status == 0, err
    assert len(json.loads(out)) == 1
    status, out, err = veille(capsys, "export", "-sport", "--format", "json")
    assert status == 0, err
    assert "retraites" in out and "lycée" not in out


def test_deeply_nested_state_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    status, _, err = veille(capsys, "import-state", str(deep))
    assert status == 1
    assert "nested too deeply" in one_plain_line(err)


def test_backup_into_a_folder_and_to_nothing(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    status, out, err = veille(capsys, "backup", str(folder))
    assert status == 0, err
    made = list(folder.iterdir())
    assert len(made) == 1 and made[0].name.startswith("library-"), made
    assert out.strip() == f"backed up to {made[0]}"
    assert not list(tmp_path.glob("*.part")) and not list(folder.glob(".*"))
    status, _, err = veille(capsys, "backup", "")
    assert status == 1
    assert "empty" in one_plain_line(err) and "PosixPath" not in err


def test_backup_never_creates_folders_the_user_named(
    capsys: pytest.CaptureFixture[str], library: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "folder" / "b.sqlite"
    status, _, err = veille(capsys, "backup", str(target))
    assert status == 1
    assert "does not exist" in one_plain_line(err)
    assert not (tmp_path / "no").exists()


def test_two_backups_in_the_same_second_keep_both(
    capsys: pytest.CaptureFixture[str], library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "strftime", lambda *_: "20261201-120000")
    names = []
    for _ in range(3):
        status, out, err = veille(capsys, "backup")
        assert status == 0, err
        names.append(out.split("backed up to ", 1)[1].strip())
    assert len(set(names)) == 3, names
    for name in names:
        assert sqlite3.connect(name).execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_an_empty_home_is_an_error_not_the_real_library(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "real"))
    status, _, err = veille(capsys, "--home", "", "stats")
    assert status == 1
    assert "--home is empty" in one_plain_line(err)
    assert not (tmp_path / "real").exists()


def test_a_home_that_cannot_hold_folders(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = veille(capsys, "--home", "/proc/self", "stats")
    assert status == 1
    assert "cannot create the folder /proc/" in one_plain_line(err)


def run(*args: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"veille", *args], capture_output=True, timeout=60
    )


def test_arguments_that_are_not_utf8() -> None:
    done = run(b"items", b"caf\xe9")
    assert done.returncode == 2
    err = done.stderr.decode()
    assert err.strip() == (
        "veille: argument 2 is not valid UTF-8 text; veille reads its arguments as UTF-8"
    )


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_a_note_on_standard_input_that_is_not_utf8(library: Path, locale: str) -> None:
    assert run(b"note", b"1", b"kept").returncode == 0
    done = subprocess.run(
        [sys.executable, "-m", "veille", "note", "1", "-"],
        input=b"\xff\xfe",
        capture_output=True,
        timeout=60,
        env={**os.environ, "LC_ALL": locale},
    )
    assert done.returncode == 1
    assert done.stderr.decode().strip() == (
        "veille: standard input is not valid UTF-8 text; veille reads it as UTF-8 "
        "(nothing was saved)"
    )
    assert run(b"note", b"1").stdout.decode().strip() == "kept"


def test_the_last_resort_is_one_line_and_a_log(
    capsys: pytest.CaptureFixture[str], library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: object, args: object) -> int:
        raise KeyError("a bug nobody foresaw")

    parser = command_module.build_parser
    monkeypatch.setattr(
        command_module,
        "build_parser",
        lambda: _with_stats(parser(), broken),
    )
    status, _, err = veille(capsys, "stats")
    assert status == 1
    line = one_plain_line(err)
    log = library / "log" / "errors.log"
    assert line == f"veille: unexpected error (KeyError); details in {log}"
    text = log.read_text()
    assert "Traceback" in text and "a bug nobody foresaw" in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def _with_stats(parser: object, func: object) -> object:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.choices["stats"].set_defaults(func=func)
    return parser
