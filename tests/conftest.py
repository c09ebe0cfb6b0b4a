"""Shared fixtures: every test runs in its own veille home, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from veille.core.library import Library, open_library
from veille.core.settings import Paths, resolve_paths
from veille.core.translations import use_language

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own config and library out of every test."""
    monkeypatch.setenv("VEILLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.delenv("EDITOR", raising=False)
    # English unless a test asks for French: the developer's locale stays out too.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    use_language("en")
    for name in ("ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"):  # a machine's proxy
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    p = resolve_paths(tmp_path / "home")
    p.ensure()
    return p


@pytest.fixture
def lib(paths: Paths) -> Iterator[Library]:
    library = open_library(paths.library, backups=paths.backups)
    yield library
    library.close()


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present")
    return CORPORA


from tests.httpserver import local_server, other_server  # noqa: E402,F401  (shared fixtures)

# Fuzz tests explore new inputs on every developer run; CI replays a fixed sequence so that a
# red build always points at a change, never at the luck of the draw. `HYPOTHESIS_PROFILE=deep`
# searches much longer, for a hunt before a release.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("deep", max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
