"""Getting an item's full text: fetch its page, extract the article, keep it for offline reading.

Pages are fetched with the same `Fetcher` as feeds (same limits, timeouts, politeness, and the
per-site cookies and headers of subscribers), as pages: http or https only, never a local file,
and a private address only when it is one of the user's hosts. Extraction runs in a worker thread. A failure is
stored on the item in plain words, and the feed's own content stays what the reader shows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlsplit

from veille.core.fulltext.cache import CachedArticle, FullTextCache
from veille.core.fulltext.extract import ExtractionError, SiteRule, extract
from veille.core.fulltext.policy import feed_policy
from veille.core.ingest.addresses import web_link
from veille.core.ingest.failures import is_network_error
from veille.core.ingest.fetch import Fetcher
from veille.core.ingest.schedule import HostSlots, Postponed
from veille.core.library import Library
from veille.core.model import Item
from veille.core.settings import Settings

UNREACHABLE_AFTER = 3  # network failures on one host before its remaining items are skipped


@dataclass(frozen=True, slots=True)
class FullTextResult:
    item_id: int
    ok: bool
    error: str = ""


@dataclass(slots=True)
class PrefetchReport:
    fetched: int = 0
    cached: int = 0
    errors: dict[int, str] = field(default_factory=dict)
    postponed: int = 0  # not fetched this time: their host timed out, or the deadline came
    elapsed: float = 0.0


def wants_full_text(item: Item, policy: str) -> bool:
    if policy == "never" or not web_link(item.url):
        return False
    return policy == "always" or item.truncated


def rule_for(settings: Settings, url: str) -> SiteRule | None:
    """The config's per-site rule for `url`'s host, if any."""
    host = (urlsplit(url).hostname or "").lower()
    site = settings.sites.get(host) or settings.sites.get(host.removeprefix("www."))
    if site is None or not (site.content or site.remove):
        return None
    return SiteRule(content=site.content, remove=tuple(site.remove))


class FullTextService:
    """Fetches and extracts full texts for a library, keeping them in the cache."""

    def __init__(self, lib: Library, cache: FullTextCache, settings: Settings) -> None:
        self.lib = lib
        self.cache = cache
        self.settings = settings
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="veille-extract")

    def close(self) -> None:
        self._threads.shutdown(wait=True)

    def _extract(self, page: bytes, url: str, content_type: str) -> CachedArticle:
        article = extract(page, url, rule=rule_for(self.settings, url), content_type=content_type)
        return CachedArticle.of(url, article)

    async def fetch(self, item: Item, fetcher: Fetcher) -> FullTextResult:
        """Fetch and extract `item`'s article now; never raises for a bad page."""
        result = await self._fetch(item, fetcher, None)
        assert isinstance(result, FullTextResult)  # only slots postpone
        return result

    async def _fetch(
        self, item: Item, fetcher: Fetcher, slots: HostSlots | None
    ) -> FullTextResult | Postponed:
        """`fetch`, the page waiting for a slot in `slots` (where it may be postponed)."""
        loop = asyncio.get_running_loop()
        if not item.url:
            return await self._fail(item.id, "the item has no link to fetch")
        # A link comes from the feed's author, not the user: http(s) only, and a private
        # address only if it is one of the user's hosts.
        get = partial(fetcher.fetch_page, item.url)  # with the one PAGE_ACCEPT of article pages
        if slots is None:
            result = await get()
        else:
            fetched = await slots.run(item.url, get, failed=lambda r: r.error)
            if isinstance(fetched, Postponed):
                if not fetched.started:
                    return fetched
                return await self._fail(item.id, fetched.reason)
            result = fetched
        if result.error or result.body is None:
            return await self._fail(item.id, result.error or "the page was empty")
        url = result.final_url or item.url
        try:
            article = await loop.run_in_executor(
                self._threads, self._extract, result.body, url, result.content_type
            )
        except ExtractionError as error:
            return await self._fail(item.id, str(error))
        except Exception as error:  # extraction must never take the refresh down with it
            return await self._fail(
                item.id, f"could not extract the article ({type(error).__name__})"
            )

        def save() -> None:
            self.cache.put_article(item.id, article)
            self.lib.record_full_text(item.id, article.html, pin=item.starred)

        await loop.run_in_executor(self._threads, save)
        return FullTextResult(item.id, True)

    async def _fail(self, item_id: int, error: str) -> FullTextResult:
        await asyncio.get_running_loop().run_in_executor(
            self._threads, self.lib.record_full_text_error, item_id, error
        )
        return FullTextResult(item_id, False, error)

    async def prefetch(
        self,
        item_ids: Sequence[int],
        fetcher: Fetcher,
        *,
        only_wanted: bool = True,
        on_progress: Callable[[int, int, FullTextResult | None], None] | None = None,
        flags: Sequence[tuple[int, int, bool]] | None = None,
        slots: HostSlots | None = None,
    ) -> PrefetchReport:
        """Fetch full texts for `item_ids` concurrently, pages taking turns in `slots` (a
        refresh passes its own, with what remains of its deadline; by default, slots of the
        settings' limits with no deadline).

        `flags`, when the caller knows them (a refresh does), are (id, feed id, looks truncated)
        of the items: otherwise they are read from the library, which for thousands of new items
        means reading past every body to the mark stored after it.
        """
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        if slots is None:
            slots = HostSlots.for_settings(self.settings.refresh, deadline=None)
        ids = list(item_ids)
        feeds = {
            f.id: f
            for f in await loop.run_in_executor(
                self._threads, partial(self.lib.feeds, counts=False)
            )
        }
        if only_wanted and ids:
            # After a refresh these are every new item, and most want nothing: decide from the
            # feed's policy and the truncation mark first, and load only the items that remain.
            if flags is None:
                flags = await loop.run_in_executor(self._threads, self.lib.full_text_flags, ids)
            wanted: set[int] = set()
            for item_id, feed_id, truncated in flags:
                feed = feeds.get(feed_id)
                policy = self._feed_policy(feed.url if feed else "", feed.full_text if feed else "")
                if policy == "always" or (policy != "never" and truncated):
                    wanted.add(item_id)
            ids = [i for i in ids if i in wanted]
        items = await loop.run_in_executor(self._threads, self.lib.items_by_id, ids)
        policies = {feed_id: feed.full_text for feed_id, feed in feeds.items()}
        report = PrefetchReport()
        todo = []
        for item in items:
            if self.cache.article(item.id) is not None or item.full_text:
                report.cached += 1
            elif not only_wanted or wants_full_text(item, self._policy(item, policies)):
                todo.append(item)
        done = 0
        # Hosts that could not be reached at all: after a few such failures the rest of their
        # items are skipped, so a dead site or a network without DNS costs seconds, not minutes.
        # Items wait their turn per host here, before the fetcher, so that the verdict on a host
        # is known by the time the next item for it would start.
        unreachable: dict[str, int] = {}
        turns: dict[str, asyncio.Semaphore] = {}

        async def one(item: Item) -> None:
            nonlocal done
            outcome: FullTextResult | Postponed
            host = (urlsplit(item.url).hostname or "").lower()
            turn = turns.setdefault(host, asyncio.Semaphore(self.settings.refresh.per_host))
            async with turn:
                if unreachable.get(host, 0) >= UNREACHABLE_AFTER:
                    outcome = await self._fail(item.id, f"skipped: {host} could not be reached")
                else:
                    outcome = await self._fetch(item, fetcher, slots)
                    if (
                        isinstance(outcome, FullTextResult)
                        and not outcome.ok
                        and is_network_error(outcome.error)
                    ):
                        unreachable[host] = unreachable.get(host, 0) + 1
            done += 1
            if isinstance(outcome, Postponed):
                report.postponed += 1
            elif outcome.ok:
                report.fetched += 1
            else:
                report.errors[item.id] = outcome.error
            if on_progress is not None:
                shown = outcome if isinstance(outcome, FullTextResult) else None
                on_progress(done, len(todo), shown)

        await asyncio.gather(*(one(item) for item in todo))
        report.elapsed = time.monotonic() - started
        return report

    def _policy(self, item: Item, policies: Mapping[int, str]) -> str:
        return self._feed_policy(item.feed_url, policies.get(item.feed_id, ""))

    def _feed_policy(self, url: str, own: str) -> str:
        return feed_policy(self.settings, url, own).value
