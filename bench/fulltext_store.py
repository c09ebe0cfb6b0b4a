"""What keeping full texts in the library costs, and what an unreachable host costs a prefetch.

    uv run python bench/fulltext_store.py [--articles 2000] [--unreachable 1500]

Part one extracts the real pages of ../shared/corpora/article-extraction-benchmark (cycled up to
`--articles`), stores each article as an item's full text (`Library.record_full_text`: the HTML
kept, the search row rewritten), and reports the library's growth per article and the time per
record. Part two prefetches `--unreachable` items of one host whose name does not resolve
(`.invalid`), counting name lookups and wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.storing import ingest

from veille.core.fulltext.cache import open_cache
from veille.core.fulltext.extract import ExtractionError, extract
from veille.core.fulltext.service import FullTextService
from veille.core.ingest.fetch import Fetcher, FetchLimits
from veille.core.ingest.guard import GuardedBackend, system_resolver
from veille.core.library import open_library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import Settings, resolve_paths

CORPORA = Path(__file__).resolve().parents[2] / "shared/corpora"
CORPUS = CORPORA / "article-extraction-benchmark/html"
FEEDS = ("feed-rs/feed-rs/fixture", "prof18-rss-parser", "feeder")


def articles() -> list[str]:
    found = []
    for page in sorted(CORPUS.glob("*.html.gz")):
        try:
            found.append(extract(gzip.decompress(page.read_bytes()), "https://a.fr/").html)
        except ExtractionError:
            continue
    return found


def storage(count: int, folder: Path) -> None:
    pages = articles()
    if not pages:
        print("corpus missing: skipping the storage part")
        return
    with open_library(folder / "library.sqlite") as lib:
        feed = lib.add_feed("https://a.fr/rss")
        entries = [
            ParsedEntry(guid=f"g{n}", link=f"https://a.fr/{n}", title=f"T{n}", summary="Début.")
            for n in range(count)
        ]
        ids = ingest(lib, feed.id, ParsedFeed(title="A", entries=entries)).new_ids
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = (folder / "library.sqlite").stat().st_size
        times = []
        for n, item_id in enumerate(ids):
            started = time.perf_counter()
            lib.record_full_text(item_id, pages[n % len(pages)])
            times.append(time.perf_counter() - started)
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        after = (folder / "library.sqlite").stat().st_size
    html = statistics.mean(len(p.encode()) for p in pages)
    print(f"{len(pages)} distinct articles, mean HTML {html / 1024:.1f} KiB")
    print(
        f"library growth per article {(after - before) / count / 1024:.1f} KiB "
        f"({count} articles: {(after - before) / 1e6:.1f} MB)"
    )
    times.sort()
    print(
        f"record_full_text: median {statistics.median(times) * 1000:.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms"
    )


def unreachable(count: int, folder: Path) -> None:
    lookups: list[str] = []

    async def counting(host: str, port: int) -> list[str]:
        lookups.append(host)
        return await system_resolver(host, port)

    paths = resolve_paths(folder / "home")
    paths.ensure()
    settings = Settings()
    with open_library(paths.library) as lib:
        feed = lib.add_feed("https://nulle-part.invalid/rss")
        lib.set_feed_policy(feed.id, "always")
        entries = [
            ParsedEntry(guid=f"g{n}", link=f"https://nulle-part.invalid/{n}", title=f"T{n}")
            for n in range(count)
        ]
        ids = ingest(lib, feed.id, ParsedFeed(title="A", entries=entries)).new_ids
        cache = open_cache(paths, settings)
        service = FullTextService(lib, cache, settings)

        async def go() -> int:
            backend = GuardedBackend(resolver=counting)
            async with Fetcher(FetchLimits(concurrency=16), backend=backend) as fetcher:
                report = await service.prefetch(ids, fetcher)
            return len(report.errors)

        started = time.perf_counter()
        failed = asyncio.run(go())
        elapsed = time.perf_counter() - started
        service.close()
        cache.close()
    print(
        f"{count} items on an unresolvable host: {len(lookups)} lookups, {failed} failed, "
        f"{elapsed:.2f} s"
    )


def first_refresh(counts: tuple[int, ...]) -> None:
    from veille.core.fulltext.policy import FIRST_REFRESH_PREFETCH
    from veille.core.ingest.addresses import web_link
    from veille.core.ingest.prepare import parse_and_prepare

    files = sorted(
        path
        for folder in FEEDS
        for path in (CORPORA / folder).rglob("*")
        if path.suffix in (".xml", ".rss", ".atom", ".rdf")
    )
    feeds: list[list[bool]] = []  # per feed, newest first: does the item's article get fetched
    for path in files:
        try:
            _feed, entries = parse_and_prepare(path.read_bytes(), "https://a.fr/rss", "")
        except Exception:  # not a feed (OPML, a page): nothing to prefetch
            continue
        # Newest first, as the library orders them (undated ones in the document's order).
        dated = sorted(enumerate(entries), key=lambda p: (-(p[1].published or 0.0), p[0]))
        cut = [e.truncated and bool(web_link(str(e.fields[0]))) for _, e in dated]
        if any(cut):
            feeds.append(cut)
    if not feeds:
        print("corpus missing: skipping the first-refresh part")
        return
    every = sum(sum(cut) for cut in feeds)
    items = sum(len(cut) for cut in feeds)
    print(
        f"{len(feeds)} real feeds with cut items ({items} items, {every} cut): a first refresh "
        f"fetching every cut item's article makes {every} page requests"
    )
    for count in sorted({*counts, FIRST_REFRESH_PREFETCH}, reverse=True):
        kept = sum(sum(cut[:count]) for cut in feeds)
        chosen = " (the default)" if count == FIRST_REFRESH_PREFETCH else ""
        print(
            f"  newest {count:2d} per feed{chosen}: {kept} requests, "
            f"{(every - kept) / every:.0%} skipped"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--unreachable", type=int, default=1500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        storage(args.articles, Path(folder))
        unreachable(args.unreachable, Path(folder))
    first_refresh((10, 5, 3))


if __name__ == "__main__":
    main()
