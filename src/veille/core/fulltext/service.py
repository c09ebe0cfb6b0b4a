"""Getting an item's full text: fetch its page, extract the article, keep it for offline reading.

Pages are fetched with the same `Fetcher` as feeds (same limits, timeouts, politeness, and the
per-site cookies and headers of subscribers), as pages: http or https only, never a local file,
and a private address only when it is one of the user's hosts. Extraction runs in a worker
thread, or in the refresh's worker processes after a refresh. The article is kept in the library, searched at once, and the watches run on it; a page
that gives only a teaser (a paywall) is recorded as such, never as the article, and a failure is
stored on the item in plain words. Either way the feed's own content stays what the reader shows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from veille.core.fulltext.access import changed_sites, site_access
from veille.core.fulltext.cache import CachedArticle, FullTextCache
from veille.core.fulltext.extract import ExtractionError, SiteRule, extract
from veille.core.fulltext.hosts import UNREACHABLE_AFTER, HostWatch
from veille.core.fulltext.keeper import Keeper
from veille.core.fulltext.policy import wanted_by_policy
from veille.core.fulltext.report import PrefetchReport
from veille.core.fulltext.teaser import teaser_reason
from veille.core.ingest.addresses import web_link
from veille.core.ingest.fetch import Fetcher
from veille.core.ingest.schedule import HostSlots, Postponed
from veille.core.library import Library
from veille.core.model import FullTextState, Item
from veille.core.settings import Settings

__all__ = [
    "UNREACHABLE_AFTER",
    "FullTextResult",
    "FullTextService",
    "PrefetchReport",
    "extract_page",
    "rule_for",
    "wants_full_text",
]


@dataclass(frozen=True, slots=True)
class FullTextResult:
    item_id: int
    ok: bool
    error: str = ""  # why there is no article: the failure, or how the teaser was seen
    state: FullTextState = ""  # "fetched", "paywalled" or "failed"
    new: bool = False  # the item had no article before: its words are new to search


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


def extract_page(
    page: bytes, url: str, rule: SiteRule | None, content_type: str, title: str, feed_cut: bool
) -> tuple[CachedArticle, str | None]:
    """The article to keep, and why it is only a teaser (None for an article): what a worker
    process hands back (a module-level function, so that it can be sent there). The verdict is
    reached there too: it reads the whole text, which the fetching process need not do nor
    receive."""
    article = extract(page, url, rule=rule, content_type=content_type)
    teaser = teaser_reason(title, article.text, feed_cut=feed_cut, cut=article.cut)
    return CachedArticle.of(url, article), teaser


class FullTextService:
    """Fetches and extracts full texts for a library, which keeps them (the cache a copy).

    `extractors`, when given, are worker processes to extract pages in (the refresh's parser
    processes, idle once the feeds are stored): extraction is pure Python for the most part,
    and in this process's threads it would take turns with the fetches on one core.
    """

    def __init__(
        self,
        lib: Library,
        cache: FullTextCache | None,
        settings: Settings,
        *,
        extractors: Executor | None = None,
    ) -> None:
        self.lib = lib
        self.cache = cache
        self.settings = settings
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="veille-extract")
        self._extractors = extractors or self._threads
        self._keeper = Keeper(lib, cache, self._threads)

    def close(self) -> None:
        self._threads.shutdown(wait=True)

    async def fetch(self, item: Item, fetcher: Fetcher) -> FullTextResult:
        """Fetch and extract `item`'s article now, and run the watches on its words when they
        are new; never raises for a bad page."""
        result = await self._fetch(item, fetcher, None)
        assert isinstance(result, FullTextResult)  # only slots postpone
        if result.new:
            await self._in_thread(self.lib.apply_rules, [item.id])
        return result

    async def _in_thread(self, call: Callable[..., object], *args: object, **kw: object) -> object:
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, partial(call, *args, **kw)
        )

    async def _fetch(
        self, item: Item, fetcher: Fetcher, slots: HostSlots | None
    ) -> FullTextResult | Postponed:
        """`fetch`, the page waiting for a slot in `slots` (where it may be postponed)."""
        loop = asyncio.get_running_loop()
        site = site_access(self.settings, item.url)
        if not item.url:
            return await self._fail(item.id, "the item has no link to fetch", site)
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
                return await self._fail(item.id, fetched.reason, site)
            result = fetched
        if result.error or result.body is None:
            return await self._fail(item.id, result.error or "the page was empty", site)
        url = result.final_url or item.url
        try:
            article, teaser = await loop.run_in_executor(
                self._extractors,
                extract_page,
                result.body,
                url,
                rule_for(self.settings, url),
                result.content_type,
                item.title,
                item.truncated,
            )
        except ExtractionError as error:
            return await self._fail(item.id, str(error), site)
        except Exception as error:  # extraction must never take the refresh down with it
            return await self._fail(
                item.id, f"could not extract the article ({type(error).__name__})", site
            )
        if teaser is not None:
            await self._in_thread(self.lib.record_paywalled, item.id, teaser, site=site)
            return FullTextResult(item.id, False, teaser, "paywalled")

        new = await self._keeper.keep(item.id, article, site)
        return FullTextResult(item.id, True, state="fetched", new=new)

    async def _fail(self, item_id: int, error: str, site: str = "") -> FullTextResult:
        await self._in_thread(self.lib.record_full_text_error, item_id, error, site=site)
        return FullTextResult(item_id, False, error, "failed")

    def changed_sites(self) -> list[int]:
        """The paywalled and failed items whose site is now asked otherwise (`changed_sites`)."""
        return changed_sites(self.lib, self.settings)

    async def prefetch(
        self,
        item_ids: Sequence[int],
        fetcher: Fetcher,
        *,
        only_wanted: bool = True,
        refetch: bool = False,
        retry: Sequence[int] = (),
        on_progress: Callable[[int, int, FullTextResult | None], None] | None = None,
        flags: Sequence[tuple[int, int, bool]] | None = None,
        slots: HostSlots | None = None,
    ) -> PrefetchReport:
        """Fetch full texts for `item_ids` concurrently, pages taking turns in `slots` (a
        refresh passes its own, with what remains of its deadline; by default, slots of the
        settings' limits with no deadline).

        An item whose article is kept is not fetched again, nor a teaser whose site is asked
        the same way as when it was tried, unless `refetch`; `retry` are items to fetch again
        whatever their feed's policy (their site's access changed). Watches then run on the
        items whose article is new, so they tag by what the article says.

        `flags`, when the caller knows them (a refresh does), are (id, feed id, looks truncated)
        of the items: otherwise they are read from the library, which for thousands of new items
        means reading past every body to the mark stored after it.
        """
        started = time.monotonic()
        if slots is None:
            slots = HostSlots.for_settings(self.settings.refresh, deadline=None)
        ids = await self._wanted(list(item_ids), only_wanted, flags)
        again = [i for i in retry if i not in set(ids)]
        items = await self._in_thread(self.lib.items_by_id, [*ids, *again])
        assert isinstance(items, list)
        forced = set(again)
        if not refetch and any(i.full_text_state == "paywalled" for i in items):
            changed = await self._in_thread(self.changed_sites)
            assert isinstance(changed, list)
            forced.update(changed)
        report = PrefetchReport()
        todo: list[Item] = []
        for item in items:
            if not web_link(item.url):
                continue  # nothing on the web to fetch: the feed's text is all there is
            if refetch or item.id in forced:
                todo.append(item)
                report.refetched += item.full_text_state != ""
            elif item.full_text_state == "fetched" or item.full_text:
                report.cached += 1
            elif item.full_text_state == "paywalled":
                # Asked the same way as last time, the site gives the same teaser.
                report.paywalled[item.id] = item.full_text_error
            else:
                todo.append(item)
        await self._run(todo, fetcher, slots, report, on_progress)
        report.elapsed = time.monotonic() - started
        return report

    async def _wanted(
        self, ids: list[int], only_wanted: bool, flags: Sequence[tuple[int, int, bool]] | None
    ) -> list[int]:
        """`ids` less those whose feed's policy wants no full text."""
        if not only_wanted or not ids:
            return ids
        feeds = await self._in_thread(partial(self.lib.feeds, counts=False))
        assert isinstance(feeds, list)
        # After a refresh these are every new item, and most want nothing: decide from the
        # feed's policy and the truncation mark first, and load only the items that remain.
        if flags is None:
            found = await self._in_thread(self.lib.full_text_flags, ids)
            assert isinstance(found, list)
            flags = found
        wanted = wanted_by_policy(self.settings, feeds, flags)
        return [i for i in ids if i in wanted]

    async def _run(
        self,
        todo: list[Item],
        fetcher: Fetcher,
        slots: HostSlots,
        report: PrefetchReport,
        on_progress: Callable[[int, int, FullTextResult | None], None] | None,
    ) -> None:
        done = 0
        hosts = HostWatch(self.settings.refresh.per_host)
        fresh: list[int] = []

        async def one(item: Item) -> None:
            nonlocal done
            host = (urlsplit(item.url).hostname or "").lower()
            outcome: FullTextResult | Postponed
            async with hosts.turn(host) as verdict:
                if verdict:
                    outcome = await self._fail(item.id, verdict)
                else:
                    outcome = await self._fetch(item, fetcher, slots)
                    if isinstance(outcome, FullTextResult) and outcome.state == "failed":
                        hosts.failed(host, outcome.error)
            done += 1
            if isinstance(outcome, Postponed):
                report.postponed += 1
            elif outcome.ok:
                report.fetched += 1
                if outcome.new:
                    fresh.append(item.id)
            elif outcome.state == "paywalled":
                report.paywalled[item.id] = outcome.error
            else:
                report.errors[item.id] = outcome.error
            if on_progress is not None:
                shown = outcome if isinstance(outcome, FullTextResult) else None
                on_progress(done, len(todo), shown)

        await asyncio.gather(*(one(item) for item in todo))
        report.unreachable = hosts.given_up()
        if fresh:
            await self._in_thread(self.lib.apply_rules, fresh)
