"""veille in French: the catalogue covers every string, ships compiled, and is chosen right."""

from __future__ import annotations

import importlib.util
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from veille.core import translations
from veille.core.translations import _, choose_language, language_from_environment, ngettext

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src/veille/locale/fr/LC_MESSAGES/veille.po"
MO = PO.with_suffix(".mo")


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogue_tool", ROOT / "tools/catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture
def french() -> Iterator[None]:
    translations.use_language("fr")
    yield
    translations.use_language("en")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What `pybabel extract` finds in the source now, with the project's own keywords."""
    tool = _tool()
    pot = tmp_path_factory.mktemp("pot") / "veille.pot"
    out = sys.stdout
    sys.stdout = io.StringIO()  # the command narrates every file it reads
    try:
        tool.run(tool.extract_command(pot))
    finally:
        sys.stdout = out
    return _read(pot)


def test_every_string_shown_has_a_french_translation(extracted: Catalog) -> None:
    french = _read(PO)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        known = french.get(message.id)
        strings = () if known is None else known.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if known is None or known.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, (
        f"{len(missing)} strings without a checked French translation "
        f"(run `uv run python tools/catalogue.py update`, translate, then `compile`): {missing}"
    )


def test_the_shipped_catalogue_is_the_compiled_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _read(PO))
    assert MO.read_bytes() == compiled.getvalue(), (
        "veille.mo is stale: run `uv run python tools/catalogue.py compile`"
    )


def test_the_wheel_takes_the_catalogue_along() -> None:
    """Hatch ships every file of the package that git does not ignore."""
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert not any(pattern in ("*.mo", "*.po", "locale/") for pattern in ignored)
    assert MO.is_relative_to(translations.LOCALE_DIR)


def test_french_counts_with_two_forms(french: None) -> None:
    def shown(n: int) -> str:
        return ngettext("  {count} item", "  {count} items", n).format(count=n).strip()

    assert (shown(1), shown(2), shown(0)) == ("1 élément", "2 éléments", "0 élément")


def test_english_is_the_message_itself() -> None:
    assert _("Full text") == "Full text"
    assert ngettext("  {count} item", "  {count} items", 2) == "  {count} items"


def test_the_language_follows_the_setting_then_the_locale() -> None:
    assert choose_language("fr", {"LANG": "en_US.UTF-8"}) == "fr"
    assert choose_language("en", {"LANG": "fr_FR.UTF-8"}) == "en"
    assert choose_language("", {"LANG": "fr_FR.UTF-8"}) == "fr"
    assert language_from_environment({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_GB"}) == "fr"
    assert language_from_environment({"LC_MESSAGES": "fr_BE@euro", "LANG": "en_GB"}) == "fr"
    assert language_from_environment({"LANG": "de_DE.UTF-8"}) == "en"
    assert language_from_environment({"LANG": "de_DE.UTF-8", "LANGUAGE": "fr:de"}) == "fr"
    assert language_from_environment({"LANG": "C.UTF-8", "LANGUAGE": "fr"}) == "en"
    assert language_from_environment({}) == "en"
