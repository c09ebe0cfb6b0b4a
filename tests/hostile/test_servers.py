"""Hostile servers, refreshed through the real pipeline into a library on disk.

Every attack is served from 127.0.0.1 next to one good feed on the same server. For each one the
refresh must end within the configured deadline, the attacking feed must get a plain-words error
(or sane items), the good feed must get its items, and nothing read from a local file may reach
the library. The heaviest attacks (bombs, a 200 MB feed, 100,000 items) also run in a child
process that reports its peak memory, which must stay within +200 MB of where it started.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.httpserver import (
    LocalServer,
    Response,
    brotli_bomb,
    endless,
    gzip_bomb,
    trickle,
)
from veille.core.ingest.refresh import RefreshReport, refresh
from veille.core.library import Library
from veille.core.model import Feed
from veille.core.settings import Settings

MIB = 1024 * 1024
GB = 1024 * MIB
TOTAL_TIMEOUT = 3.0
SLACK = 4.0  # parsing and storing after the last byte, on a slow CI machine
MEMORY_LIMIT_MB = 200


# feeds -----------------------------------------------------------------------------------------


def item(
    guid: str | None,
    title: str,
    *,
    date: str = "Sat, 21 Nov 2026 08:00:00 +0000",
    body: str = "texte de l'article",
) -> str:
    g = f"<guid>{guid}</guid>" if guid is not None else ""
    return (
        f"<item><title>{title}</title>{g}<pubDate>{date}</pubDate>"
        f"<description>{body}</description></item>"
    )


def rss(items: str, title: str = "Flux hostile", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>{items}</channel></rss>"
    ).encode()


GOOD = rss("".join(item(f"good-{n}", f"Bonne nouvelle {n}") for n in range(3)), "Bon flux")


def settings(**refresh: float) -> Settings:
    s = Settings()
    r = s.refresh
    r.connect_timeout = 2.0
    r.read_timeout = 1.5
    r.total_timeout = TOTAL_TIMEOUT
    r.max_bytes = 4 * MIB
    r.max_redirects = 10
    for name, value in refresh.items():
        setattr(r, name, type(getattr(r, name))(value))
    return s


def huge_feed(total: int) -> Iterator[bytes]:
    """An RSS document of about `total` bytes, produced as it is sent."""
    yield b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Gros</title>'
    block = b"".join(
        f"<item><title>Titre {n}</title><guid>g{n}</guid><description>{'x' * 900}</description>"
        f"</item>".encode()
        for n in range(64)
    )
    for _ in range(total // len(block)):
        yield block
    yield b"</channel></rss>"


def many_items(count: int) -> bytes:
    return rss("".join(f"<item><title>n{n}</title><guid>{n}</guid></item>" for n in range(count)))


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + ']><rss version="2.0"><channel><title>Rires</title>'
    "<item><title>&lol9;</title><guid>laugh</guid><description>&lol9;</description></item>"
    "</channel></rss>"
).encode()


# helpers ---------------------------------------------------------------------------------------


def run(lib: Library, s: Settings | None = None) -> tuple[RefreshReport, float]:
    started = time.monotonic()
    report = asyncio.run(refresh(lib, s or settings()))
    return report, time.monotonic() - started


def library_text(lib: Library) -> str:
    """Every value of every table (search index included), as one string to grep."""
    conn = sqlite3.connect(lib.db.path)
    try:
        parts: list[str] = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                parts.extend(
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
                )
        return "\n".join(parts)
    finally:
        conn.close()


def raw_library(lib: Library) -> bytes:
    path = Path(lib.db.path)
    return b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )


def attack(
    lib: Library, srv: LocalServer, path: str, s: Settings | None = None
) -> tuple[Feed, Feed, RefreshReport, float]:
    """Refresh the good feed and the feed at `path`; check the good one and the deadline."""
    srv.add("/good.xml", GOOD)
    good = lib.add_feed(srv.url("/good.xml"))
    bad = lib.add_feed(srv.url(path))
    s = s or settings()
    report, elapsed = run(lib, s)
    assert elapsed < s.refresh.total_timeout + SLACK, f"refresh took {elapsed:.1f} s"
    assert lib.count(view=_feed_view(good.id)) == 3, lib.feed(good.id).last_error
    assert lib.feed(good.id).last_error == ""
    return lib.feed(good.id), lib.feed(bad.id), report, elapsed


def _feed_view(feed_id: int) -> object:
    from veille.core.library import View

    return View(feed_id=feed_id)


def stored(lib: Library, feed_id: int) -> int:
    from veille.core.library import View

    return lib.count(view=View(feed_id=feed_id))


def titles(lib: Library, feed_id: int) -> list[str]:
    from veille.core.library import View

    return [r.title for r in lib.rows(view=View(feed_id=feed_id), limit=100_000)]


def no_controls(text: str) -> bool:
    return not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


# size and time -----------------------------------------------------------------------------------


def test_gzip_bomb(lib: Library, local_server: LocalServer) -> None:
    local_server.handle(
        "/bomb.xml",
        lambda r: Response(200, stream=gzip_bomb(10 * GB), headers={"Content-Encoding": "gzip"}),
    )
    _, bad, report, _ = attack(lib, local_server, "/bomb.xml")
    assert bad.last_error == "the response is larger than 4 MiB"
    assert stored(lib, bad.id) == 0 and report.errors[bad.id] == bad.last_error


@pytest.mark.slow
def test_brotli_bomb(lib: Library, local_server: LocalServer) -> None:
    body = brotli_bomb(1 * GB)
    assert len(body) < 1 * MIB
    local_server.add("/br.xml", body, headers={"Content-Encoding": "br"})
    _, bad, _, _ = attack(lib, local_server, "/br.xml")
    assert bad.last_error == "the response is larger than 4 MiB"


def test_endless_body(lib: Library, local_server: LocalServer) -> None:
    local_server.handle("/endless.xml", lambda r: Response(200, stream=endless()))
    _, bad, _, _ = attack(lib, local_server, "/endless.xml")
    assert bad.last_error == "the response is larger than 4 MiB"


@pytest.mark.slow
def test_trickle_ends_at_total_timeout(lib: Library, local_server: LocalServer) -> None:
    local_server.handle("/slow.xml", lambda r: Response(200, stream=trickle(GOOD), chunk_delay=1.0))
    _, bad, _, elapsed = attack(lib, local_server, "/slow.xml")
    assert bad.last_error == "timed out after 3 s"
    assert elapsed > TOTAL_TIMEOUT - 0.5


def test_200_mb_feed_stops_at_size_limit(lib: Library, local_server: LocalServer) -> None:
    local_server.handle("/huge.xml", lambda r: Response(200, stream=huge_feed(200 * MIB)))
    _, bad, _, _ = attack(lib, local_server, "/huge.xml")
    assert bad.last_error == "the response is larger than 4 MiB"


def test_declared_200_mb_is_refused_before_reading(lib: Library, local_server: LocalServer) -> None:
    local_server.handle(
        "/declared.xml",
        lambda r: Response(
            200, stream=huge_feed(200 * MIB), headers={"Content-Length": str(200 * MIB)}
        ),
    )
    _, bad, _, _ = attack(lib, local_server, "/declared.xml")
    assert bad.last_error == "the response is larger than 4 MiB"


@pytest.mark.slow
def test_100k_items_are_capped(lib: Library, local_server: LocalServer) -> None:
    body = many_items(100_000)
    local_server.add("/many.xml", body)
    s = settings(max_bytes=32 * MIB, total_timeout=10)
    _, bad, _, elapsed = attack(lib, local_server, "/many.xml", s)
    assert bad.last_error == ""
    # The parser's cap: the first 10,000 entries of the document.
    assert stored(lib, bad.id) == 10_000
    assert elapsed < 30
    assert titles(lib, bad.id)[0] == "n0"


# redirects ---------------------------------------------------------------------------------------


def test_redirect_loop(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/a", status=302, headers={"Location": "/b"})
    local_server.add("/b", status=302, headers={"Location": "/a"})
    _, bad, _, _ = attack(lib, local_server, "/a")
    assert bad.last_error == "redirect loop"


def test_thirty_hop_chain(lib: Library, local_server: LocalServer) -> None:
    for n in range(30):
        local_server.add(f"/hop{n}", status=302, headers={"Location": f"/hop{n + 1}"})
    local_server.add("/hop30", GOOD)
    _, bad, _, _ = attack(lib, local_server, "/hop0")
    assert bad.last_error == "too many redirects (more than 10)"
    assert len(local_server.requests_to("/hop11")) == 0


def test_permanent_redirect_is_recorded(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/old.xml", status=301, headers={"Location": "/new.xml"})
    local_server.add("/new.xml", rss(item("m1", "Déménagé")))
    _, bad, report, _ = attack(lib, local_server, "/old.xml")
    new = local_server.url("/new.xml")
    assert bad.moved_to == new and report.moved == {bad.id: new}
    assert bad.url == local_server.url("/old.xml")  # the subscription itself is the user's call
    assert titles(lib, bad.id) == ["Déménagé"]


def test_redirect_to_a_local_file_is_refused(
    lib: Library, local_server: LocalServer, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss(item("s", "SECRET-REDIRECT-MARKER")))
    local_server.add("/to-file", status=302, headers={"Location": secret.as_uri()})
    _, bad, _, _ = attack(lib, local_server, "/to-file")
    assert bad.last_error.startswith("refused a redirect to a non-web address")
    assert "SECRET-REDIRECT-MARKER" not in library_text(lib)


# entities ----------------------------------------------------------------------------------------


def test_billion_laughs(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/laughs.xml", BILLION_LAUGHS)
    _, bad, _, _ = attack(lib, local_server, "/laughs.xml")
    text = library_text(lib)
    assert "lollollol" not in text
    # The declarations are cut out: the feed reads, its undefined references come to nothing.
    assert bad.last_error == "" or "feed" in bad.last_error
    assert all(len(t) < 100 for t in titles(lib, bad.id))


XXE_KINDS = {
    "general": '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{uri}">]>',
    "parameter": '<!DOCTYPE rss [<!ENTITY % p SYSTEM "{uri}"> %p;]>',
    "external-dtd": '<!DOCTYPE rss SYSTEM "{uri}">',
    "public": '<!DOCTYPE rss [<!ENTITY xxe PUBLIC "-//x//y" "{uri}">]>',
}


@pytest.mark.parametrize("kind", list(XXE_KINDS))
def test_external_entities_never_read_local_files(
    lib: Library, local_server: LocalServer, tmp_path: Path, kind: str
) -> None:
    marker = "VEILLE-XXE-MARKER-7f3a"
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{marker}\n")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">')
    uri = (dtd if kind in ("parameter", "external-dtd") else secret).as_uri()
    prolog = XXE_KINDS[kind].format(uri=uri)
    xinclude = (
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'href="{secret.as_uri()}" parse="text"/>'
    )
    body = rss(item("x1", "Titre &xxe;", body=f"corps &xxe; {xinclude}"), prolog=prolog)
    local_server.add("/xxe.xml", body)
    _, bad, _, _ = attack(lib, local_server, "/xxe.xml")
    assert marker not in library_text(lib)
    assert marker.encode() not in raw_library(lib)
    assert bad.last_error == "" or "feed" in bad.last_error, bad.last_error


# text ----------------------------------------------------------------------------------------------


def test_invalid_utf8_and_nul_bytes(lib: Library, local_server: LocalServer) -> None:
    body = rss(item("u1", "Caf\u00e9 FAKE") + item("u2", "Nul ici"))
    body = body.replace(b"FAKE", b"\xff\xfe\xc3(").replace(b"Nul ici", b"Nul\x00 ici\x1b[31m")
    local_server.add("/bytes.xml", body)
    _, bad, _, _ = attack(lib, local_server, "/bytes.xml")
    stored = titles(lib, bad.id)
    if bad.last_error:
        assert "feed" in bad.last_error
    else:
        assert stored and all(no_controls(t) for t in stored)
        assert all("\x1b" not in v for v in library_text(lib).split("\n"))
        assert any(t.startswith("Nul") for t in stored)


def test_bidi_and_zero_width_are_removed_from_titles(
    lib: Library, local_server: LocalServer
) -> None:
    title = "Banque\u202e.exe\u200b\u2066 cachée\u2069\ufeff \u200dici"
    local_server.add("/bidi.xml", rss(item("b1", title)))
    _, bad, _, _ = attack(lib, local_server, "/bidi.xml")
    assert titles(lib, bad.id) == ["Banque.exe cachée ici"]


def test_100k_character_titles_are_capped(lib: Library, local_server: LocalServer) -> None:
    local_server.add(
        "/long.xml", rss(item("l1", "Long " + "a" * 100_000) + item("l2", "mot " * 25_000))
    )
    _, bad, _, _ = attack(lib, local_server, "/long.xml")
    stored = titles(lib, bad.id)
    assert len(stored) == 2
    assert all(len(t) <= 1000 and t.endswith("…") for t in stored)


def test_dates_9999_and_1970(lib: Library, local_server: LocalServer) -> None:
    recent = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = (
        item("future", "Futur lointain", date="Fri, 31 Dec 9999 23:59:59 +0000")
        + item("now", "Aujourd'hui", date=recent)
        + item("epoch", "Époque", date="Thu, 01 Jan 1970 00:00:00 +0000")
    )
    local_server.add("/dates.xml", rss(items))
    _, bad, _, _ = attack(lib, local_server, "/dates.xml")
    from veille.core.library import View

    rows = lib.rows(view=View(feed_id=bad.id))
    assert [r.title for r in rows][-1] == "Époque"
    # An item from the year 9999 does not float above everything for 8,000 years: it sorts by
    # when it was first seen.
    future = next(r for r in rows if r.title == "Futur lointain")
    assert future.sort_date is not None and future.sort_date.year < 2100


def test_duplicate_and_missing_guids(lib: Library, local_server: LocalServer) -> None:
    items = (
        item("same", "Premier")
        + item("same", "Doublon")
        + item(None, "Sans guid A")
        + item(None, "Sans guid B")
        + item(None, "Sans guid A")
    )
    local_server.add("/guids.xml", rss(items))
    _, bad, _, _ = attack(lib, local_server, "/guids.xml")
    first = sorted(titles(lib, bad.id))
    # Two posts under one guid are two items; an entry repeated as is stays one.
    assert first == ["Doublon", "Premier", "Sans guid A", "Sans guid B"]
    run(lib, settings())
    local_server.add("/guids.xml", rss(items))
    asyncio.run(refresh(lib, settings(), force=True))
    assert sorted(titles(lib, bad.id)) == first  # a second refresh adds no duplicate


def test_html_with_scripts_is_stored_as_data(lib: Library, local_server: LocalServer) -> None:
    nasty = (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;iframe src=javascript:alert(2)&gt;&lt;/iframe&gt;"
        "&lt;style&gt;body{display:none}&lt;/style&gt;"
        "&lt;p onmouseover=alert(3) onclick='x()'&gt;Texte lisible&lt;/p&gt;"
        "&lt;a href=javascript:alert(4)&gt;lien&lt;/a&gt;&lt;img src=x onerror=alert(5)&gt;"
    )
    local_server.add(
        "/html.xml", rss(item("h1", "&lt;b&gt;Titre&lt;/b&gt; [bold]x[/bold]", body=nasty))
    )
    _, bad, _, _ = attack(lib, local_server, "/html.xml")
    assert bad.last_error == ""
    [stored] = lib.items(view=_feed_view(bad.id))  # type: ignore[arg-type]
    assert "Texte lisible" in stored.summary
    assert no_controls(stored.title)
    # Search text is plain: script and style bodies are not indexed as words.
    assert lib.count("alert") == 0 and lib.count("lisible") == 1


# not a feed, and HTTP errors -------------------------------------------------------------------------


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 20


@pytest.mark.parametrize(
    ("body", "kind", "words"),
    [
        (PDF, "application/pdf", "this is a PDF document, not a feed"),
        (PNG, "image/png", "this is an image, not a feed"),
        (PNG, "application/rss+xml", "this is an image, not a feed"),
        (
            b"<html><body><p>Bienvenue</p></body></html>",
            "text/html",
            "this is an HTML page, not a feed",
        ),
        (b"", "application/xml", "the server sent an empty document"),
    ],
)
def test_not_a_feed(
    lib: Library, local_server: LocalServer, body: bytes, kind: str, words: str
) -> None:
    local_server.add("/thing", body, content_type=kind)
    _, bad, _, _ = attack(lib, local_server, "/thing")
    assert bad.last_error == words


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "HTTP 401 Unauthorized"),
        (403, "HTTP 403 Forbidden"),
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500 Internal Server Error"),
        (503, "HTTP 503 Service Unavailable"),
    ],
)
def test_http_errors(lib: Library, local_server: LocalServer, status: int, words: str) -> None:
    local_server.add("/err", "<html>erreur</html>", status=status, content_type="text/html")
    _, bad, report, _ = attack(lib, local_server, "/err")
    assert bad.last_error == words and bad.last_status == status
    assert bad.failures == 1 and not bad.gone and report.errors == {bad.id: words}


def test_gone_marks_the_feed_gone(lib: Library, local_server: LocalServer) -> None:
    local_server.add("/gone", "", status=410, content_type="text/plain")
    _, bad, _, _ = attack(lib, local_server, "/gone")
    assert bad.gone and bad.last_error == "HTTP 410 Gone"


@pytest.mark.parametrize(
    ("status", "header", "at_least"),
    [
        (429, "120", 110),
        (503, "3600", 3500),
        (429, None, 60),  # no Retry-After: still slow down, the server asked for it
    ],
)
def test_retry_after_pushes_next_retry(
    lib: Library, local_server: LocalServer, status: int, header: str | None, at_least: float
) -> None:
    local_server.add(
        "/busy",
        "",
        status=status,
        content_type="text/plain",
        headers={"Retry-After": header} if header else {},
    )
    _, bad, _, _ = attack(lib, local_server, "/busy")
    assert bad.next_retry is not None
    assert bad.next_retry.timestamp() - time.time() >= at_least
    before = len(local_server.requests_to("/busy"))
    run(lib)  # the feed rests; the good one is still refreshed
    assert len(local_server.requests_to("/busy")) == before


# memory, in a child process --------------------------------------------------------------------------


CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path
from veille.core.ingest.refresh import refresh
from veille.core.library import open_library
from veille.core.settings import Settings

def hwm():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0

home, warm, url = sys.argv[1:4]
lib = open_library(Path(home) / "library.sqlite")
settings = Settings()
settings.refresh.total_timeout = float(sys.argv[4])
lib.add_feed(warm)
asyncio.run(refresh(lib, settings))  # loads every module the refresh uses
base = hwm()
feed = lib.add_feed(url)
started = time.monotonic()
report = asyncio.run(refresh(lib, settings, [feed.id]))
elapsed = time.monotonic() - started
print(json.dumps({"elapsed": elapsed, "growth_mb": hwm() - base,
                  "error": lib.feed(feed.id).last_error,
                  "items": {f.id: f.total for f in lib.feeds()}[feed.id],
                  "good": {f.id: f.total for f in lib.feeds()}[1]}))
"""


def in_child(tmp_path: Path, srv: LocalServer, path: str, total_timeout: float = 20) -> dict:
    srv.add("/good.xml", GOOD)
    home = tmp_path / "child"
    home.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(home),
            srv.url("/good.xml"),
            srv.url(path),
            str(total_timeout),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout)
    return result


HEAVY: dict[str, Callable[[LocalServer], None]] = {
    "gzip-bomb": lambda s: s.handle(
        "/x",
        lambda r: Response(200, stream=gzip_bomb(10 * GB), headers={"Content-Encoding": "gzip"}),
    ),
    "200-mb-feed": lambda s: s.handle("/x", lambda r: Response(200, stream=huge_feed(200 * MIB))),
    "100k-items": lambda s: s.add("/x", many_items(100_000)),
    "billion-laughs": lambda s: s.add("/x", BILLION_LAUGHS),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HEAVY))
def test_memory_stays_bounded(tmp_path: Path, local_server: LocalServer, name: str) -> None:
    HEAVY[name](local_server)
    result = in_child(tmp_path, local_server, "/x")
    assert result["good"] == 3
    assert result["growth_mb"] < MEMORY_LIMIT_MB, result
    assert result["elapsed"] < 30, result
    if name in ("gzip-bomb", "200-mb-feed"):
        assert result["error"] == "the response is larger than 16 MiB"
    else:
        assert result["error"] == ""
