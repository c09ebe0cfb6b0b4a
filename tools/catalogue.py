"""Extract, update and compile veille's message catalogues (gettext, with Babel).

    uv run python tools/catalogue.py update    # extract the strings, merge them into fr .po
    uv run python tools/catalogue.py compile   # .po -> .mo (the .mo is committed and shipped)

Each step prints the `pybabel` command it runs. After `update`, translate every new or fuzzy
entry of src/veille/locale/fr/LC_MESSAGES/veille.po (remove the `#, fuzzy` line once checked),
then `compile`. tests/test_translations.py fails while a string has no French translation or the
.mo is older than the .po.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "veille"
LOCALE = SOURCE / "locale"
MAPPING = ROOT / "babel.cfg"
DOMAIN = "veille"
LANGUAGES = ("fr",)
# Beyond Babel's defaults: the description of a key binding (third argument).
KEYWORDS = ("N_", "Binding:3", "_nav:3")


def extract_command(pot: Path) -> list[str]:
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    return [
        "pybabel", "extract", "-F", str(MAPPING), *keywords, "--no-location", "--sort-output",
        "--project", "veille", "-c", "Translators:", "-o", str(pot), str(SOURCE),
    ]  # fmt: skip


def update_command(pot: Path, language: str) -> list[str]:
    return [
        "pybabel", "update", "-i", str(pot), "-d", str(LOCALE), "-D", DOMAIN, "-l", language,
        "--ignore-pot-creation-date", "--ignore-obsolete",
    ]  # fmt: skip


def compile_command() -> list[str]:
    return ["pybabel", "compile", "-d", str(LOCALE), "-D", DOMAIN, "--statistics"]


def run(argv: list[str]) -> None:
    print("$", " ".join(argv[:1] + [a.replace(str(ROOT) + "/", "") for a in argv[1:]]))
    CommandLineInterface().run(argv)


def main(step: str) -> int:
    if step == "update":
        with tempfile.TemporaryDirectory() as folder:
            pot = Path(folder) / f"{DOMAIN}.pot"
            run(extract_command(pot))
            for language in LANGUAGES:
                po = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
                if po.exists():
                    run(update_command(pot, language))
                else:
                    run(["pybabel", "init", "-i", str(pot), "-d", str(LOCALE), "-D", DOMAIN,
                         "-l", language, "--no-wrap"])  # fmt: skip
    elif step == "compile":
        run(compile_command())
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
