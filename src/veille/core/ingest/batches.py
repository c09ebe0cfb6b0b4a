"""A refresh's writes: one writer thread, as many feeds per transaction as are waiting.

The writer takes every outcome waiting when it becomes free and stores them in one call to
`Library.record_refresh` (one transaction, a savepoint per feed): under load a commit, and the
search index flush it implies, serves many feeds, while a lone feed is still written at once.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

from veille.core.library import Fetched, Library, Outcome, StoreResult
from veille.core.text import prepare_folding

BATCH_ITEMS = 2_000  # prepared items per write transaction, at most (a few dozen feeds)


class BatchWriter:
    """Hands outcomes to the writer thread, as many per transaction as are waiting."""

    def __init__(self, lib: Library, executor: Executor) -> None:
        self._lib = lib
        self._executor = executor
        self._waiting: list[tuple[Outcome, asyncio.Future[StoreResult | float | None]]] = []
        self._draining: asyncio.Task[None] | None = None
        # Story grouping folds every new title once the feeds are stored, alone on the clock:
        # the table it folds with is built now, while the writer waits for its first feed.
        executor.submit(prepare_folding)

    async def write(self, outcome: Outcome) -> StoreResult | float | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[StoreResult | float | None] = loop.create_future()
        self._waiting.append((outcome, future))
        if self._draining is None or self._draining.done():
            self._draining = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            batch: list[tuple[Outcome, asyncio.Future[StoreResult | float | None]]] = []
            items = 0
            while self._waiting and (not batch or items < BATCH_ITEMS):
                outcome, future = self._waiting.pop(0)
                batch.append((outcome, future))
                if isinstance(outcome, Fetched):
                    items += len(outcome.prepared)
            try:
                results = await loop.run_in_executor(
                    self._executor, self._lib.record_refresh, [o for o, _ in batch]
                )
            except Exception as problem:  # the file failed: every feed of the batch did
                results = [problem] * len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # its feed was cancelled
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)
