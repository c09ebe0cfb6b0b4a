"""Where a refresh parses its documents: threads for a few feeds, worker processes for many.

Parsing and preparing items is pure Python for the most part and holds the GIL: in threads it
takes turns with the writer, in processes it uses the second core. The pool is made when the
first document arrives, so a refresh of feeds that all answer 304 never pays for it. Worker
processes import the parser themselves (`veille.core.ingest.worker_tasks`): lxml and
`veille.core.ingest.prepare` never load in the process that fetches and writes, whose CPU a
cold refresh waits for most; threads import it off the event loop. Worker processes are forked
when that is safe, which is why the start-up work before them runs in threads that end with it
(`in_passing_thread`).
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from functools import partial
from types import ModuleType
from typing import TypeVar

from veille.core.ingest.entries import PreparedEntry
from veille.core.ingest.worker_tasks import in_worker, warm_up, worker_started
from veille.core.model import Feed, ParsedFeed

T = TypeVar("T")

PROCESS_POOL_FROM = 40  # feeds still to parse from which parsing moves to worker processes


def parse_pool(feeds: int) -> Executor:
    """Threads for a few feeds; for many, processes, so parsing runs beside the writer.

    A worker process only pays off past a few dozen feeds (see `start_method` for what one
    costs).
    """
    workers = worker_count()
    if feeds >= PROCESS_POOL_FROM and workers > 1:
        # Imported here: a refresh that parses little never needs them (~12 ms at start-up).
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context(start_method()),
            initializer=worker_started,
        )
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="veille-parse")


def start_method() -> str:
    """How parser processes start: forked where that is safe, spawned elsewhere.

    A spawned worker is a new interpreter that imports everything again before its first feed:
    ~140 ms of CPU each, on the cores a cold refresh is waiting for. A forked one starts in
    ~10 ms with what this process has imported, and has only the parser to import (`warm_up`),
    while the first requests are on their way. But a fork copies every lock as it is,
    and a lock held by another thread stays held forever in the child: so only on Linux (macOS
    system libraries do not survive a fork) and only while this thread is the process's only
    one. That is the command line's refresh when it starts its workers with its first requests
    (see `veille.core.ingest.refresh.refresh`); the app, whose screen has threads of its own,
    spawns them.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


async def in_passing_thread(call: Callable[[], T]) -> T:
    """`call()` off the event loop, in a thread that ends with it.

    Not in an executor, whose threads outlive their work: until the parser processes are
    started, the process should keep no thread but this one (see `start_method`).
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def run() -> None:
        try:
            result = call()
        except BaseException as problem:  # handed over to the awaiting task, whatever it is
            loop.call_soon_threadsafe(_settle, done, partial(done.set_exception, problem))
        else:
            loop.call_soon_threadsafe(_settle, done, partial(done.set_result, result))

    thread = threading.Thread(target=run, name="veille-start", daemon=True)
    thread.start()
    result = await done
    thread.join()  # it has handed its result over: these are its last instants
    return result


def _settle(future: asyncio.Future[T], settle: Callable[[], None]) -> None:
    if not future.done():  # else the awaiting task was cancelled
        settle()


def worker_count() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class Parsers:
    """The parse executor, made when the first document arrives (a refresh of feeds that all
    answer 304 never pays for worker processes), sized by the feeds still to come then.

    When many feeds have never been fetched (the first refresh after an import) or `--force`
    ignores what they sent last, documents are certain: the workers are started at once, so that
    they are ready when the first arrives instead of starting then.
    """

    def __init__(self) -> None:
        self.executor: Executor | None = None
        self._module: ModuleType | None = None

    def get(self, remaining: int) -> Executor:
        if self.executor is None:
            self.executor = parse_pool(remaining)
        return self.executor

    async def _prepare(self) -> ModuleType:
        """`veille.core.ingest.prepare`, imported off the event loop the first time it is needed
        (with lxml and the parser: tens of milliseconds the app's screen would freeze for), and
        never by a refresh where every feed answers 304."""
        if self._module is None:
            self._module = await in_passing_thread(
                partial(importlib.import_module, "veille.core.ingest.prepare")
            )
        return self._module

    async def parse(
        self, remaining: int, body: bytes, url: str, content_type: str
    ) -> tuple[ParsedFeed, list[PreparedEntry]]:
        """Parse and prepare one document in the executor (see `parse_and_prepare`).

        Worker processes are handed `in_worker`, which imports the parser there: this process
        never imports it at all (lxml and the parser, tens of milliseconds of its CPU).
        """
        executor = self.get(remaining)
        work: Callable[[bytes, str, str], tuple[ParsedFeed, list[PreparedEntry]]]
        if isinstance(executor, ThreadPoolExecutor):
            work = (await self._prepare()).parse_and_prepare
        else:
            work = in_worker
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, work, body, url, content_type)

    async def start_early(
        self,
        feeds: Sequence[Feed],
        *,
        force: bool,
        before_fork: Awaitable[object] | None = None,
    ) -> None:
        """`before_fork`, when given, is start-up work in a passing thread of its own, awaited
        before the processes are forked.

        The workers import the parser themselves (`warm_up`), while this process sends the
        first requests: importing it here first, to be inherited, made every request wait.
        """
        new = sum(1 for feed in feeds if force or not (feed.etag or feed.last_modified))
        if new >= PROCESS_POOL_FROM:
            if before_fork is not None:
                await before_fork
            executor = self.get(len(feeds))
            for _ in range(worker_count()):
                executor.submit(warm_up)

    @property
    def processes(self) -> Executor | None:
        """The worker processes, once started (None while there are none, or only threads)."""
        from concurrent.futures import ProcessPoolExecutor

        return self.executor if isinstance(self.executor, ProcessPoolExecutor) else None

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)
