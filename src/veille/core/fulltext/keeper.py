"""Keeping fetched articles in the library in batches, while the next pages are fetched.

A prefetch extracts hundreds of articles. Kept one transaction each, every commit would write
its rows and a new segment of the search index: most of the cost of keeping an article. So an
article extracted while others are being written waits for the next write, which takes every
article waiting then (up to `BATCH`): the batches grow when writing is the bottleneck, and stay
single articles when pages come slowly, so each article is still kept (and searchable) a moment
after its page arrives.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

from veille.core.fulltext.cache import CachedArticle, CacheUnavailable, FullTextCache
from veille.core.library import Library

__all__ = ["BATCH", "Keeper"]

BATCH = 64  # articles per transaction at most: a writer elsewhere (the app) waits that long


class Keeper:
    """Writes articles in `executor`'s threads, one batch at a time, for the tasks of one event
    loop (each verb makes its own service, hence its own keeper)."""

    def __init__(self, lib: Library, cache: FullTextCache | None, executor: Executor) -> None:
        self.lib = lib
        self.cache = cache
        self.executor = executor
        self._waiting: list[tuple[int, CachedArticle, str, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def keep(self, item_id: int, article: CachedArticle, site: str) -> bool:
        """Keep `article` as the item's full text; True when the item had none before."""
        kept: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((item_id, article, site, kept))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_all())
        return await kept

    async def _write_all(self) -> None:
        loop = asyncio.get_running_loop()
        batch: list[tuple[int, CachedArticle, str, asyncio.Future[bool]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
                try:
                    news = await loop.run_in_executor(self.executor, self._write, batch)
                except Exception as error:  # each waiting fetch meets it, as it would alone
                    for *_, kept in batch:
                        if not kept.done():
                            kept.set_exception(error)
                    continue
                for (*_, kept), new in zip(batch, news, strict=True):
                    if not kept.done():
                        kept.set_result(new)
        finally:
            self._writer = None
            for *_, kept in [*batch, *self._waiting]:
                kept.cancel()  # only when this task was cancelled: none is waiting otherwise

    def _write(
        self, batch: list[tuple[int, CachedArticle, str, asyncio.Future[bool]]]
    ) -> list[bool]:
        news = self.lib.record_full_texts(
            [(i, article.html, site) for i, article, site, _ in batch]
        )
        if self.cache is not None:
            try:
                self.cache.put_articles([(i, article) for i, article, _, _ in batch])
            except CacheUnavailable:
                pass  # the library holds the text: the cache's copy is a convenience
        return news
