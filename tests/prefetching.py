"""Prefetching full texts the way a refresh does, for tests that drive it on its own."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from veille.core.fulltext.cache import FullTextCache
from veille.core.fulltext.service import FullTextService, PrefetchReport
from veille.core.ingest.refresh import make_fetcher
from veille.core.library import Library
from veille.core.settings import Settings


def prefetch_now(
    lib: Library, cache: FullTextCache, settings: Settings, ids: Sequence[int]
) -> PrefetchReport:
    """Fetch the full texts `ids` want, with the refresh's fetcher, and close the service."""
    service = FullTextService(lib, cache, settings)

    async def go() -> PrefetchReport:
        feeds = [f.url for f in lib.feeds(counts=False)]
        async with make_fetcher(settings, feeds) as fetcher:
            return await service.prefetch(list(ids), fetcher)

    try:
        return asyncio.run(go())
    finally:
        service.close()
