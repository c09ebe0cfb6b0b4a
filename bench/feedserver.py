"""The feeds `bench/refresh.py` refreshes, served from local processes.

The plain corpus's feeds are about 110 KB of RSS 2.0 with full-article content; the realistic and
repeated ones come from `corpus.py`. They are served with an emulated latency before each
response by separate processes (so that the server does not share the refresh's interpreter),
each one event loop answering all of its hosts, every listening socket with a deep backlog: a
thread per connection made the servers the bottleneck at a few thousand feeds. Feed n lives at
127.1.x.y, a loopback address of its own (see `bench/refresh.py` for why).
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import corpus as realistic

SERVERS = 2  # server processes; each listens on its share of the hosts
BACKLOG = 4096  # pending connections each listening socket holds (the system may cap it)
PARAGRAPHS = 3  # of about 60 words in each item's content


def host_of(n: int, hosts: int) -> str:
    """Feed n's host: one loopback address per site, 127.1.0.1 upwards."""
    h = n % hosts
    return f"127.1.{h // 250}.{h % 250 + 1}"


WORDS = (
    "données",
    "régulation",
    "sécurité",
    "ville",
    "climat",
    "énergie",
    "marché",
    "santé",
    "justice",
    "école",
    "réseau",
    "public",
    "analyse",
    "rapport",
    "commission",
    "projet",
    "budget",
    "transport",
    "culture",
    "recherche",
    "numérique",
    "loi",
    "vote",
    "accord",
)


def paragraph(seed: int, words: int = 60) -> str:
    return " ".join(WORDS[(seed * 7 + i * 13) % len(WORDS)] for i in range(words)).capitalize()


def make_feed(n: int, items: int = 50) -> bytes:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>',
        f"<title>Flux de test {n}</title><link>https://example{n}.test/</link>",
        "<language>fr</language><description>Généré pour le banc d'essai</description>",
    ]
    for i in range(items):
        # Each story opens with its own words, as real ones do (identical openings would be
        # grouped as one story told by many feeds). Three paragraphs make the ~110 KB documents
        # the targets were set for (five made 160 KB: 45 % more to parse, index and write).
        body = f"<p>Dépêche {n}.{i}, {WORDS[(n + i) % len(WORDS)]} {n * 31 + i}.</p>" + "".join(
            f"<p>{paragraph(n * 100 + i * 10 + k)}</p>" for k in range(PARAGRAPHS)
        )
        stamp = format_datetime(now - timedelta(minutes=37 * i + n))
        parts.append(
            f"<item><title>Article {i} du flux {n} : {WORDS[i % len(WORDS)]}</title>"
            f"<link>https://example{n}.test/articles/{i}</link>"
            f"<guid>https://example{n}.test/articles/{i}</guid><pubDate>{stamp}</pubDate>"
            f"<author>redaction@example{n}.test (Rédaction {n})</author>"
            f"<category>{WORDS[(i + n) % len(WORDS)]}</category>"
            f"<description>{paragraph(i, 40)}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def start_servers(
    port: int, feeds: int, hosts: int, latency: float, corpus: str, pages: bool = False
) -> list[multiprocessing.Process]:
    """The `SERVERS` processes that serve `feeds` feeds over `hosts` hosts (`serve`), each
    started and listening on its share of the hosts when this returns. Daemons: they end with
    the benchmark, which may also `terminate` them."""
    processes = []
    for share in range(SERVERS):
        ready = multiprocessing.Event()
        process = multiprocessing.Process(
            target=serve,
            args=(share, port, feeds, hosts, latency, corpus, pages, ready),
            daemon=True,
        )
        process.start()
        ready.wait(60)
        processes.append(process)
    return processes


def serve(
    share: int,
    port: int,
    feeds: int,
    hosts: int,
    latency: float,
    corpus: str,
    pages: bool,
    ready: multiprocessing.Event,  # type: ignore[valid-type]
) -> None:
    """Serve the feeds of every host h with h % SERVERS == share, one listening socket each.

    One event loop per process answers every host it has: a thread per connection (what this
    did before) made the servers themselves the bottleneck at a few thousand feeds, and their
    time out of the refresh's. Each request waits `latency` before its answer, concurrently.
    With `pages`, each feed's items link to their article pages, served on the feed's host.
    """
    mine = sorted({n % hosts for n in range(feeds) if (n % hosts) % SERVERS == share})
    bodies: dict[str, tuple[bytes, str]] = {}
    for n in range(feeds):
        if (n % hosts) % SERVERS == share:
            site = f"http://{host_of(n, hosts)}:{port}" if pages else ""
            body = make_feed(n) if corpus == "plain" else realistic.make_feed(n, corpus, site=site)
            bodies[f"/feed/{n}.xml"] = (body, '"' + hashlib.md5(body).hexdigest() + '"')

    def found(path: str) -> tuple[bytes, str, str] | None:
        if path in bodies:
            body, etag = bodies[path]
            return body, etag, "application/rss+xml"
        parts = path.split("/")  # /articles/<feed>/<slot>
        article = len(parts) == 4 and parts[1] == "articles" and parts[3].isdigit()
        if pages and article and parts[2].isdigit() and f"/feed/{parts[2]}.xml" in bodies:
            page = realistic.article_page(int(parts[2]), int(parts[3]), corpus)
            return page, '"' + hashlib.md5(page).hexdigest() + '"', "text/html; charset=utf-8"
        return None

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 2 else "/"
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if latency:
                    await asyncio.sleep(latency)
                hit = found(path)
                if hit is None:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                elif headers.get("if-none-match") == hit[1]:
                    writer.write(
                        f"HTTP/1.1 304 Not Modified\r\nETag: {hit[1]}\r\n"
                        "Content-Length: 0\r\n\r\n".encode()
                    )
                else:
                    body, etag, kind = hit
                    writer.write(
                        f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nETag: {etag}\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, OSError):
            return
        finally:
            writer.close()

    async def main() -> None:
        for h in mine:
            await asyncio.start_server(
                answer, host_of(h, hosts), port, backlog=BACKLOG, reuse_address=True
            )
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())
