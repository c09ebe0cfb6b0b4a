"""A whole refresh as the user means it: fetch the feeds, then make a veille of the new items.

After the feeds are stored, new items go through the watch rules (which may tag, star, mark read
or hide them), are grouped into stories told by several feeds, and — for feeds whose full-text
policy asks for it — get their article fetched into the library, where search and the watches
see it at once and the morning's items read offline on the train. The CLI and the app both call
`refresh_all`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from veille.core.ingest.refresh import (
    AfterRefresh,
    RefreshProgress,
    RefreshReport,
    make_fetcher,
    refresh,
)
from veille.core.ingest.schedule import HostSlots
from veille.core.ingest.workers import Parsers
from veille.core.library import Library
from veille.core.settings import Paths, Settings

if TYPE_CHECKING:
    from veille.core.fulltext.cache import FullTextCache
    from veille.core.fulltext.report import PrefetchReport


TEXTS_HOME = "fulltext.in-library"  # state key: cache-only full texts were brought home


def after_refresh(settings: Settings, paths: Paths | None = None) -> AfterRefresh:
    def step(lib: Library, new_ids: list[int]) -> None:
        lib.sync_watch(settings.watch)
        lib.apply_rules(new_ids)
        lib.cluster(new_ids)
        lib.tune()

    return step


async def refresh_all(
    lib: Library,
    settings: Settings,
    cache: FullTextCache | None,
    feed_ids: Sequence[int] | None = None,
    *,
    force: bool = False,
    on_progress: Callable[[RefreshProgress], None] | None = None,
    prefetch: bool = True,
    on_stored: Callable[[RefreshReport], None] | None = None,
    on_full_text: Callable[[int, int], None] | None = None,
) -> tuple[RefreshReport, PrefetchReport | None]:
    """Refresh, apply rules, group stories, then prefetch full texts of new items.

    `on_stored` hears the feeds' report as soon as their items are in the library (a client
    shows them while the articles are fetched), `on_full_text` the prefetch's progress (done,
    total). Both share one deadline and the same view of which hosts are slow (see
    `HostSlots`), and the report's `elapsed` is the wall time of the whole.
    """
    started = time.monotonic()
    # The parser processes outlive the feeds' refresh: the prefetch extracts pages in them.
    parsers = Parsers()
    try:
        return await _refresh_then_prefetch(
            lib,
            settings,
            cache,
            feed_ids,
            parsers,
            force=force,
            on_progress=on_progress,
            prefetch=prefetch,
            on_stored=on_stored,
            on_full_text=on_full_text,
            started=started,
        )
    finally:
        parsers.shutdown()


async def _refresh_then_prefetch(
    lib: Library,
    settings: Settings,
    cache: FullTextCache | None,
    feed_ids: Sequence[int] | None,
    parsers: Parsers,
    *,
    force: bool,
    on_progress: Callable[[RefreshProgress], None] | None,
    prefetch: bool,
    on_stored: Callable[[RefreshReport], None] | None,
    on_full_text: Callable[[int, int], None] | None,
    started: float,
) -> tuple[RefreshReport, PrefetchReport | None]:
    slots = HostSlots.for_settings(settings.refresh, deadline=settings.refresh.deadline)
    first_time = {f.id for f in lib.feeds(counts=False) if f.last_fetched is None}
    report = await refresh(
        lib,
        settings,
        feed_ids,
        force=force,
        on_progress=on_progress,
        after=after_refresh(settings),
        slots=slots,
        parsers=parsers,
    )
    report.elapsed = time.monotonic() - started
    if on_stored is not None:
        on_stored(report)
    if cache is not None and lib.get_state(TEXTS_HOME) != "1":
        # A library from before full texts lived in it: bring home what the cache still has,
        # once, so that no flag promises a text the cache has already evicted.
        lib.keep_cached_full_texts(cache)
        lib.set_state(TEXTS_HOME, "1")
    if report.new_ids and any(w.alerts for w in settings.watch):
        from veille.core.alerts import send_alerts

        report.alerts = await asyncio.to_thread(send_alerts, lib, settings.watch, report.new_ids)
    if not prefetch or report.offline:
        return report, None
    # Decided before page extraction is imported (tens of milliseconds at the end of every
    # refresh): most refreshes have no new item that any feed's policy wants an article for.
    from veille.core.fulltext.access import changed_sites
    from veille.core.fulltext.policy import wanted_by_policy
    from veille.core.fulltext.report import PrefetchReport

    new_ids, flags = _recent_on_first_refresh(lib, report, first_time)
    retry = changed_sites(lib, settings)
    if not (new_ids or retry):
        return report, None
    if not retry and not wanted_by_policy(settings, lib.feeds(counts=False), flags):
        report.elapsed = time.monotonic() - started
        return report, PrefetchReport()  # what the prefetch tells of nothing to fetch
    from veille.core.fulltext.service import FullTextService  # page extraction: only when needed

    service = FullTextService(lib, cache, settings, extractors=parsers.processes)
    try:
        feeds = [f.url for f in lib.feeds(counts=False)]

        def progress(done: int, total: int, _result: object) -> None:
            if on_full_text is not None:
                on_full_text(done, total)

        async with make_fetcher(settings, feeds) as fetcher:
            fetched = await service.prefetch(
                new_ids, fetcher, flags=flags, retry=retry, slots=slots, on_progress=progress
            )
    finally:
        service.close()
    report.prefetch_elapsed = fetched.elapsed
    report.elapsed = time.monotonic() - started
    return report, fetched


def _recent_on_first_refresh(
    lib: Library, report: RefreshReport, first_time: set[int]
) -> tuple[list[int], list[tuple[int, int, bool]]]:
    """The new items to prefetch, and their flags: of a feed refreshed for the first time, only
    its newest (`FIRST_REFRESH_PREFETCH`); of the others, all."""
    from veille.core.fulltext.policy import FIRST_REFRESH_PREFETCH

    backlog = {feed_id for _, feed_id, _ in report.new_flags if feed_id in first_time}
    if not backlog:
        return report.new_ids, report.new_flags
    recent = {i for feed_id in backlog for i in lib.newest_ids(feed_id, FIRST_REFRESH_PREFETCH)}
    flags = [f for f in report.new_flags if f[1] not in backlog or f[0] in recent]
    kept = {f[0] for f in flags}
    return [i for i in report.new_ids if i in kept], flags
