"""The core never imports the UI: a script can use veille without Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.httpserver import LocalServer

CORE = [
    "veille",
    "veille.core",
    "veille.core.veille",
    "veille.core.model",
    "veille.core.settings",
    "veille.core.text",
    "veille.core.library",
    "veille.core.ingest.refresh",
    "veille.core.ingest.parse",
    "veille.core.ingest.fetch",
    "veille.core.query",
    "veille.core.export",
    "veille.core.pipeline",
    "veille.cli.demo",
    "veille.core.fulltext.service",
    "veille.core.ingest.opml",
    "veille.core.i18n",
]


def _imported_after(script: str, *prefixes: str) -> list[str]:
    """Modules whose names start with one of `prefixes` once `script` ran in a fresh Python."""
    code = (
        f"import sys\n{script}\n"
        f"print(','.join(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return [name for name in result.stdout.strip().split(",") if name]


# What a refresh worker has no use for: the network client, the library, the event loop, the UI,
# and feedparser (needed only for broken feeds).
HEAVY = ("httpx", "feedparser", "veille.core.library", "asyncio", "sqlite3", "textual")


def test_core_does_not_import_textual() -> None:
    script = "".join(f"import {name}\n" for name in CORE)
    assert _imported_after(script, "textual", "veille.tui") == []


def test_the_front_door_is_light_until_a_verb_needs_more() -> None:
    """`veille.core`'s face resolves its names on first use; the front door itself brings the
    library, never the network client, the parsers or page extraction."""
    assert _imported_after("import veille.core", *HEAVY) == []
    script = "from veille.core import Veille, View, Item, VeilleError, LibraryError, FORMATS"
    heavy = ("httpx", "feedparser", "lxml", "readability", "diskcache", "textual", "rich")
    assert _imported_after(script, *heavy) == []


def test_a_refresh_worker_imports_only_what_parsing_needs() -> None:
    """Each parser process imports its task's module before its first feed."""
    script = (
        "from veille.core.ingest.prepare import parse_and_prepare\n"
        'parse_and_prepare(b\'<rss version="2.0"><channel><title>t</title><item><title>i</title>'
        "<description>&lt;p&gt;Lire la suite&lt;/p&gt;</description></item></channel></rss>',"
        " 'https://a.example/rss', 'application/rss+xml')"
    )
    assert _imported_after(script, *HEAVY) == []


def test_a_spawned_refresh_worker_unpickles_its_task_without_the_refresh() -> None:
    """A spawned parser process imports its task's module to unpickle it, then the parser: no
    event loop, no network client, no library (the refresh's own module has all three)."""
    script = (
        "from veille.core.ingest.worker_tasks import in_worker, worker_started\n"
        "worker_started()\n"
        'in_worker(b\'<rss version="2.0"><channel><title>t</title><item><title>i</title>'
        "</item></channel></rss>', 'https://a.example/rss', 'application/rss+xml')"
    )
    assert _imported_after(script, *HEAVY) == []


def test_the_launcher_import_is_light() -> None:
    """Refresh workers import the program's launcher (`from veille.cli import main`) first."""
    assert _imported_after("from veille.cli import main", *HEAVY) == []


def test_a_command_imports_the_parser_and_the_cache_only_when_it_needs_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`veille refresh` where every feed answers 304 parses nothing and reads no full text: its
    start-up does not pay for lxml, diskcache or page extraction."""
    script = (
        "import contextlib, io\n"
        "from veille.cli.command import main\n"
        "from veille.core import Veille\n"
        "from veille.core.pipeline import refresh_all\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--home', {str(tmp_path)!r}, 'stats'])\n"
    )
    assert (
        _imported_after(
            script,
            "lxml",
            "diskcache",
            "readability",
            "veille.core.ingest.parse",
            "veille.core.fulltext.service",
        )
        == []
    )


def test_the_app_module_loads_no_network_client_nor_page_parser() -> None:
    """Launching the app imports Textual and the front door's face; the HTTP client and lxml wait
    for the first refresh or article (names used only as type hints stay behind TYPE_CHECKING)."""
    assert _imported_after("import veille.tui.app", "httpx", "lxml", "feedparser") == []


def test_the_refresh_loads_httpx_without_its_command_line_program() -> None:
    """httpx imports its program's click, pygments and rich whenever they are installed; a
    refresh has no use for them, and `httpx.main` is still the real program when called."""
    script = "import veille.cli.command\nimport veille.core.pipeline\nimport httpx\n"
    assert _imported_after(script, "click", "pygments", "rich") == []
    result = subprocess.run(
        [sys.executable, "-c", "import veille.core.ingest.fetch, httpx; httpx.main()", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "A next generation HTTP client." in result.stdout


def test_a_refresh_whose_feeds_want_no_article_imports_no_page_extraction(
    tmp_path: Path, local_server: LocalServer
) -> None:
    """Feeds whose policy is "never" (or whose new items are whole): the refresh stores them and
    ends without loading page extraction, which costs tens of milliseconds to import."""
    from tests.test_refresh import rss

    local_server.add("/whole.xml", rss("x", [("a", "Entier"), ("b", "Complet")]))
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('full_text = "never"\n')
    subs = tmp_path / "subs.opml"
    subs.write_text(
        f'<opml version="2.0"><body><outline text="w" xmlUrl="{local_server.url("/whole.xml")}"/>'
        "</body></opml>"
    )
    script = (
        "import contextlib, io, json\n"
        "from veille.cli.command import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--home', {str(home)!r}, 'import', {str(subs)!r}])\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    main(['--home', {str(home)!r}, 'refresh', '--json'])\n"
        "assert json.loads(out.getvalue())['new_items'] == 2, out.getvalue()\n"
    )
    found = _imported_after(script, "veille.core.fulltext.service", "veille.core.fulltext.extract")
    assert found == []


def test_a_stemmed_search_loads_two_stemmers_not_thirty_languages() -> None:
    """The pure-Python Snowball package loads every language it has, a quarter of a second
    before a command's first stemmed search; Snowball's C stemmers load in a millisecond."""
    script = (
        "from veille.core.query.stems import stem\n"
        "assert (stem('amendes', 'fr'), stem('fines', 'en')) == ('amend', 'fine')\n"
    )
    assert _imported_after(script, "snowballstemmer") == []


def test_the_c_stemmers_give_the_pure_python_stems() -> None:
    """Where PyStemmer does not install, the pure-Python stemmers take its place: the same
    stems, so that a search finds the same forms either way."""
    from snowballstemmer.english_stemmer import EnglishStemmer
    from snowballstemmer.french_stemmer import FrenchStemmer

    from veille.core.query.stems import _stemmer
    from veille.core.text import fold

    words = [
        "amendes",
        "sanctionné",
        "sanctions",
        "sécurité",
        "sécuritaires",
        "surveillance",
        "surveillées",
        "reconnaissance",
        "faciale",
        "données",
        "personnelles",
        "transparence",
        "algorithmiques",
        "régulateurs",
        "fines",
        "fined",
        "regulators",
        "surveillance",
        "facial",
        "recognition",
        "transparency",
        "algorithmic",
        "oversight",
        "enforcement",
        "enforced",
        "datasets",
        "privacy",
    ]
    for language, python in (("fr", FrenchStemmer()), ("en", EnglishStemmer())):
        for word in map(fold, words):
            assert _stemmer(language).stemWord(word) == python.stemWord(word), (language, word)


def test_a_refresh_parsing_in_worker_processes_never_loads_the_parser_itself(
    tmp_path: Path, local_server: LocalServer
) -> None:
    """With many feeds to parse, the worker processes import the parser and lxml; the process
    that fetches and writes, whose CPU a cold refresh waits on, imports neither."""
    from tests.test_refresh import rss
    from veille.core.ingest.workers import PROCESS_POOL_FROM

    outlines = []
    for n in range(PROCESS_POOL_FROM):
        local_server.add(f"/f{n}.xml", rss(f"f{n}", [(f"a{n}", "Entier"), (f"b{n}", "Complet")]))
        outlines.append(f'<outline text="f{n}" xmlUrl="{local_server.url(f"/f{n}.xml")}"/>')
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('full_text = "never"\n')
    subs = tmp_path / "subs.opml"
    subs.write_text(f'<opml version="2.0"><body>{"".join(outlines)}</body></opml>')
    # Reading the OPML file takes lxml: the import is a command of its own, as for the user.
    subprocess.run(
        [sys.executable, "-m", "veille", "--home", str(home), "import", str(subs)],
        capture_output=True,
        check=True,
    )
    script = (
        "import contextlib, io, json\n"
        "from veille.cli.command import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    main(['--home', {str(home)!r}, 'refresh', '--json'])\n"
        f"new = json.loads(out.getvalue())['new_items']\n"
        f"assert new == {2 * PROCESS_POOL_FROM}, out.getvalue()\n"
    )
    assert _imported_after(script, "lxml", "veille.core.ingest.prepare") == []
