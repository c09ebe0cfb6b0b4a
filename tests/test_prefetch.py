"""Prefetching full texts gives up on a host it cannot reach, instead of trying every item."""

from __future__ import annotations

from tests.httpserver import LocalServer
from tests.prefetching import prefetch_now
from tests.storing import ingest
from veille.core.fulltext.cache import open_cache
from veille.core.fulltext.service import UNREACHABLE_AFTER
from veille.core.library import Library
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.settings import Paths, Settings


def test_an_unreachable_host_is_skipped_after_a_few_failures(
    lib: Library, paths: Paths, local_server: LocalServer
) -> None:
    feed = lib.add_feed(local_server.url("/feed.xml"))
    lib.set_feed_policy(feed.id, "always")
    entries = [
        ParsedEntry(guid=f"g{n}", link=f"http://127.0.0.1:9/article/{n}", title=f"T{n}")
        for n in range(40)
    ]
    ids = ingest(lib, feed.id, ParsedFeed(title="Flux", entries=entries), status=200).new_ids
    settings = Settings()
    cache = open_cache(paths, settings)
    try:
        report = prefetch_now(lib, cache, settings, ids)
    finally:
        cache.close()
    errors = list(report.errors.values())
    assert len(errors) == 40
    tried = [e for e in errors if "refused" in e]
    assert UNREACHABLE_AFTER <= len(tried) <= UNREACHABLE_AFTER + settings.refresh.per_host
    assert sum("skipped: 127.0.0.1 could not be reached" in e for e in errors) == 40 - len(tried)
    # The reason is kept on the item, for the reader to show.
    assert lib.item(ids[-1]).full_text_error
