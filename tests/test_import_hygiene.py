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


def test_a_refresh_worker_imports_only_what_parsing_needs() -> None:
    """Each parser process imports its task's module before its first feed: the network
    client, the library and feedparser (needed only for broken feeds) would delay it."""
    code = (
        "import sys\n"
        "from veille.ingest.prepare import parse_and_prepare\n"
        "parse_and_prepare(b'<rss version=\"2.0\"><channel><title>t</title><item><title>i</title>"
        "<description>&lt;p&gt;Lire la suite&lt;/p&gt;</description></item></channel></rss>',"
        " 'https://a.example/rss', 'application/rss+xml')\n"
        "heavy = ('httpx', 'feedparser', 'veille.library', 'asyncio', 'sqlite3', 'textual')\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(heavy))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


def test_the_launcher_import_is_light() -> None:
    """Refresh workers import the program's launcher (`from veille.cli import main`) first."""
    code = (
        "import sys\n"
        "from veille.cli import main\n"
        "heavy = ('httpx', 'feedparser', 'veille.library', 'asyncio', 'sqlite3', 'textual')\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(heavy))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
