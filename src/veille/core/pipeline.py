"""A whole refresh as the user means it: fetch the feeds, then make a veille of the new items.

After the feeds are stored, new items go through the watch rules (which may tag, star, mark read
or hide them), are grouped into stories told by several feeds, and — for feeds whose full-text
policy asks for it — get their article fetched into the cache, so the morning's items read
offline on the train. The CLI and the app both call `refresh_all`.
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
from veille.core.library import Library
from veille.core.settings import Paths, Settings

if TYPE_CHECKING:
    from veille.core.fulltext.cache import FullTextCache
    from veille.core.fulltext.service import PrefetchReport


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
) -> tuple[RefreshReport, PrefetchReport | None]:
    """Refresh, apply rules, group stories, then prefetch full texts of new items.

    Both share one deadline and the same view of which hosts are slow (see `HostSlots`), and
    the report's `elapsed` is the wall time of the whole.
    """
    started = time.monotonic()
    slots = HostSlots.for_settings(settings.refresh, deadline=settings.refresh.deadline)
    report = await refresh(
        lib,
        settings,
        feed_ids,
        force=force,
        on_progress=on_progress,
        after=after_refresh(settings),
        slots=slots,
    )
    if report.new_ids and any(w.alerts for w in settings.watch):
        from veille.core.alerts import send_alerts

        report.alerts = await asyncio.to_thread(send_alerts, lib, settings.watch, report.new_ids)
    if not (prefetch and cache is not None and report.new_ids) or report.offline:
        return report, None
    from veille.core.fulltext.service import FullTextService  # page extraction: only when needed

    service = FullTextService(lib, cache, settings)
    try:
        feeds = [f.url for f in lib.feeds(counts=False)]
        async with make_fetcher(settings, feeds) as fetcher:
            fetched = await service.prefetch(
                report.new_ids, fetcher, flags=report.new_flags, slots=slots
            )
    finally:
        service.close()
    report.prefetch_elapsed = fetched.elapsed
    report.elapsed = time.monotonic() - started
    return report, fetched
