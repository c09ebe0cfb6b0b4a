"""The core never imports the UI: a script can use veille without Textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "veille", "veille.model", "veille.settings", "veille.text", "veille.library",
    "veille.ingest.refresh", "veille.ingest.parse", "veille.ingest.fetch", "veille.query",
    "veille.export", "veille.pipeline", "veille.demo", "veille.fulltext.render",
    "veille.fulltext.service", "veille.ingest.opml", "veille.i18n",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in CORE)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith('veille.tui'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
