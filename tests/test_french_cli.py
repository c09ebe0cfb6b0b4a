"""`veille` in French: --help, argparse's own words and messages, chosen by lang or the locale."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille.cli import main
from veille.cli.command import MODULES, build_parser
from veille.core.translations import use_language

WIDTH = 80


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def _commands() -> list[str]:
    use_language("en")
    parser = build_parser()
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        return sorted(action.choices)  # type: ignore[union-attr]
    return []


@pytest.fixture
def french_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.setenv("COLUMNS", str(WIDTH))


def test_help_is_french_throughout(french_locale: None, capsys: pytest.CaptureFixture[str]) -> None:
    text = _help([], capsys)
    assert text.startswith("utilisation\u00a0: veille [-h]")
    assert "arguments positionnels\u00a0:" in text and "\noptions\u00a0:" in text
    assert "afficher ce message d’aide et quitter" in text
    assert "un lecteur de flux dans le terminal" in text
    assert "exemples\u00a0:" in text
    for english in ("usage:", "show this help", "positional arguments", "examples:", "subscribe"):
        assert english not in text


@pytest.mark.slow
def test_no_french_help_line_overflows_80_columns(
    french_locale: None, capsys: pytest.CaptureFixture[str]
) -> None:
    long = []
    for command in ["", *_commands()]:
        for line in _help([command] if command else [], capsys).splitlines():
            # argparse lists every choice of an option on its own; those are not words.
            if len(line) > WIDTH and "{" not in line:
                long.append(f"{command or 'veille'}: {line}")
    assert not long, "\n".join(long)


def test_errors_of_argparse_and_veille_in_french(
    french_locale: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["items", "--limit", "x"])
    err = capsys.readouterr().err
    assert (
        "veille items\u00a0: erreur\u00a0: argument --limit\u00a0: 'x' n’est pas un nombre entier"
        in err
    )
    assert main(["star", "999"]) == 1
    assert "aucun élément d’identifiant 999" in capsys.readouterr().err


def test_lang_in_config_wins_over_the_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('lang = "fr"\n', encoding="utf-8")
    assert _help(["--home", str(home)], capsys).startswith("utilisation")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    (home / "config.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert _help([f"--home={home}"], capsys).startswith("usage: ")


def test_english_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert _help([], capsys).startswith("usage: veille")
    assert len(MODULES) > 0
