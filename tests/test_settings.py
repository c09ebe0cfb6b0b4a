"""Paths and config.toml: defaults, one-folder homes, and plain-words errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille.core.settings import (
    DEFAULT_CONFIG,
    ConfigError,
    Settings,
    load_settings,
    parse_settings,
    resolve_paths,
)


def test_home_puts_everything_in_one_folder(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "h")
    for path in (paths.config, paths.library, paths.cache, paths.log):
        assert str(path).startswith(str(tmp_path / "h"))
    paths.ensure()
    assert paths.data.stat().st_mode & 0o777 == 0o700


def test_veille_home_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEILLE_HOME", str(tmp_path / "env"))
    assert resolve_paths().library == tmp_path / "env" / "data" / "library.sqlite"


def test_default_config_parses_to_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")  # unset, `lang` follows the locale
    assert parse_settings(DEFAULT_CONFIG) == Settings()


@pytest.mark.parametrize(("locale", "language"), [("fr_FR.UTF-8", "fr"), ("en_GB.UTF-8", "en")])
def test_exports_speak_the_locales_language_unless_lang_is_set(
    monkeypatch: pytest.MonkeyPatch, locale: str, language: str
) -> None:
    """A press review made under an English locale was French: `lang` unset follows the locale
    for dates and exports as it does for the app, and `lang` set wins over it."""
    monkeypatch.setenv("LANG", locale)
    assert parse_settings("").lang == language
    assert parse_settings('lang = "fr"').lang == "fr" and parse_settings('lang = "en"').lang == "en"


def test_full_config() -> None:
    settings = parse_settings(
        'lang = "en"\n[refresh]\nconcurrency = 8\ntotal_timeout = 30\n'
        '[keys]\nstar = "s,f2"\n'
        '[sites."www.example.fr"]\ncontent = "article"\ncookies = { session = "abc" }\n'
        '[feeds."https://example.fr/rss"]\nfull_text = "always"\n'
        '[[watch]]\nname = "Biométrie"\nquery = "biométrie"\nadd_tags = ["surveillance"]\n'
    )
    assert settings.lang == "en"
    assert settings.refresh.concurrency == 8 and settings.refresh.total_timeout == 30.0
    assert settings.keymap == {"star": "s,f2"}
    assert settings.sites["www.example.fr"].cookies == {"session": "abc"}
    assert settings.feeds["https://example.fr/rss"] == "always"
    assert settings.watch[0].add_tags == ("surveillance",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('lang = "de"', "lang (line 1): must be"),
        ('\n\ncolour = "red"', "colour (line 3): unknown setting"),
        ("[refresh]\nconcurrency = -1", "refresh.concurrency (line 2): must be greater than 0"),
        (
            '[refresh]\nconcurrency = "many"',
            "refresh.concurrency (line 2): expected a whole number",
        ),
        ('full_text = "sometimes"', 'full_text (line 1): must be "auto", "always" or "never"'),
        ("lang = ", "not valid TOML"),
        ('[[watch]]\nname = "x"', "every [[watch]] needs a name and a query"),
        (
            "[refresh]\ntotal_timeout = nan",
            "refresh.total_timeout (line 2): must be a finite number, got nan",
        ),
        ("\n[refresh]\ndeadline = inf", "refresh.deadline (line 3): must be a finite number"),
        ("[refresh]\nslow_after = -inf", "refresh.slow_after (line 2): must be a finite number"),
        (
            "[refresh]\nconcurrency = 99999999999999999999999",
            "refresh.concurrency (line 2): must be at most 1000, got 99999999999999999999999",
        ),
        ("[refresh]\nmax_redirects = 1000000", "refresh.max_redirects (line 2): must be at most"),
        ("cache_size = 9999999999999999999999", "cache_size (line 1): must be at most"),
        ('[pipe.x]\ncommand = ["cat"]\ntimeout = 1e9', "pipe.x.timeout (line 3): must be at most"),
        ('[feeds."https://a.example/rss"]\nevery = "99999999d"', "every (line 2): must be at most"),
        ("[smtp]\nport = 70000", "smtp.port (line 2): must be at most 65535"),
    ],
)
def test_config_errors_name_the_key_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings(text)
    assert message in str(info.value)


def test_config_with_secrets_is_made_private(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "h")
    paths.ensure()
    paths.config.write_text('[sites."a.fr"]\ncookies = { s = "secret" }\n')
    paths.config.chmod(0o644)
    load_settings(paths)
    assert paths.config.stat().st_mode & 0o777 == 0o600


def test_a_watch_with_a_bad_query_names_the_key_line_and_column(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "h")
    paths.ensure()
    paths.config.write_text(
        'lang = "fr"\n\n[[watch]]\nname = "cnil"\nquery = "tag: OR cnil"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(paths)
    message = str(caught.value)
    assert "watch.query (line 5)" in message and "`tag:` needs a value" in message


def test_a_bad_key_is_told_at_its_own_line_not_at_another_tables() -> None:
    head = 'lang = "en"\n\n[reviews.matin]\ntags = ["a"]\nquery = "is:starred"\n\n'  # 6 lines
    first = '[[watch]]\nname = "one"\nquery = "a"\n'  # lines 7-9
    second = '[[watch]]\nname = "two"\nquery = "b"\n'
    cases = [
        (head + first + "tags = 1\n", "watch.tags (line 10): unknown setting"),
        (head + first + "\n" + second + 'tags = ["x"]\n', "watch.tags (line 14): unknown setting"),
        (
            '[feeds."https://a.example/rss"]\nfull_text = "always"\n'
            '[feeds."https://b.example/rss"]\nfull_text = "sometimes"\n',
            "feeds.https://b.example/rss.full_text (line 4)",
        ),
    ]
    for text, message in cases:
        with pytest.raises(ConfigError) as info:
            parse_settings(text)
        assert message in str(info.value)


def test_the_readme_watch_example_is_a_valid_config() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = readme.split("[[watch]]\n", 1)[1].split("\n\n", 1)[0]
    settings = parse_settings("[[watch]]\n" + example)
    assert settings.watch[0].add_tags == ("biométrie",)
