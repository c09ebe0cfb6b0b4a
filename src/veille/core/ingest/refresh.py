"""Refreshing feeds: fetch concurrently, parse off the event loop, store in batches.

The pipeline per feed is fetch (async, bounded by the fetcher's global and per-host limits) →
parse and prepare the rows (worker processes for many feeds, threads for a few:
`veille.core.ingest.workers`) → store (one writer thread, so this process never contends with
itself for SQLite's write lock; other processes wait on the busy timeout). The writer takes every
outcome waiting when it becomes free and writes them in one transaction, a savepoint per feed
(`veille.core.ingest.batches`).

Feeds are started host by host in turns, their fetches take their slots from `HostSlots` (so
that slow hosts cannot hold them all), and at most a window of them is between the start of its
fetch and its store at any time: fetching is much faster than parsing, and without that bound a
thousand fetched documents (and their parsed items) would wait in memory for their turn. A
failing feed records its error and never stops the others. Progress is reported per feed through
a callback, which the CLI turns into a progress bar and the app into messages.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import zip_longest
from urllib.parse import urlsplit

from veille.core.ingest.addresses import NetworkPolicy
from veille.core.ingest.batches import BatchWriter
from veille.core.ingest.client import prepare_requests
from veille.core.ingest.failures import is_network_error
from veille.core.ingest.fetch import Fetcher, FetchLimits, FetchResult
from veille.core.ingest.proxies import ProxyChoice
from veille.core.ingest.schedule import HostSlots, Postponed, timed_out, total_connections
from veille.core.ingest.sources import adopted, parse_page_and_prepare, run_source, sources_of
from veille.core.ingest.workers import PROCESS_POOL_FROM, Parsers, in_passing_thread
from veille.core.library import Failed, Fetched, Library, NotModified, StoreResult
from veille.core.model import Feed, NotAFeedError
from veille.core.redact import redact_url
from veille.core.settings import Settings
from veille.core.translations import _

__all__ = [
    "PROCESS_POOL_FROM",
    "AfterRefresh",
    "RefreshProgress",
    "RefreshReport",
    "cleartext_warning",
    "due_feeds",
    "in_host_turns",
    "limits_from",
    "make_fetcher",
    "refresh",
]

AfterRefresh = Callable[[Library, list[int]], None]


@dataclass(frozen=True, slots=True)
class RefreshProgress:
    done: int
    total: int
    feed_id: int
    feed_title: str
    new_items: int = 0
    error: str = ""
    not_modified: bool = False


@dataclass(slots=True)
class RefreshReport:
    feeds: int = 0
    new_items: int = 0
    updated_items: int = 0
    not_modified: int = 0
    skipped: int = 0
    errors: dict[int, str] = field(default_factory=dict)
    new_ids: list[int] = field(default_factory=list)
    # (id, feed id, looks truncated) of each new item: what the full-text prefetch decides on,
    # known at store time (reading it back means reading past every new item's body).
    new_flags: list[tuple[int, int, bool]] = field(default_factory=list)
    moved: dict[int, str] = field(default_factory=dict)
    # Among `moved`, the feeds whose new address is now their own (seen consistently).
    adopted: dict[int, str] = field(default_factory=dict)
    # Watch name → "" when its alert went, else what failed (`veille.core.alerts`).
    alerts: dict[str, str] = field(default_factory=dict)
    # Feeds whose fetch timed out (also in `errors`), and feeds not fetched at all this time —
    # their host timed out on another feed, or the deadline came first — with the reason.
    timed_out: dict[int, str] = field(default_factory=dict)
    postponed: dict[int, str] = field(default_factory=dict)
    elapsed: float = 0.0  # wall time, the full-text prefetch included when one followed
    prefetch_elapsed: float = 0.0

    @property
    def offline(self) -> bool:
        """Every feed failed to connect (or was postponed after its host did): most likely the
        network is down, not the feeds."""
        return (
            bool(self.errors)
            and len(self.errors) + len(self.postponed) == self.feeds
            and all(is_network_error(e) for e in self.errors.values())
        )


def limits_from(settings: Settings) -> FetchLimits:
    r = settings.refresh
    return FetchLimits(
        concurrency=r.concurrency,
        per_host=r.per_host,
        connect_timeout=r.connect_timeout,
        read_timeout=r.read_timeout,
        total_timeout=r.total_timeout,
        max_bytes=r.max_bytes,
        max_redirects=r.max_redirects,
    )


def make_fetcher(settings: Settings, feeds: Iterable[str] = ()) -> Fetcher:
    """The fetcher of a refresh or a prefetch, whose slots `HostSlots` hands out: room for the
    main pool and the slow hosts' pool together. `feeds` are the URLs of the subscriptions,
    whose hosts are the user's own (pages on them may be fetched even on a private address)."""
    limits = replace(limits_from(settings), concurrency=total_connections(settings.refresh))
    return Fetcher(
        limits,
        policy=NetworkPolicy.build(settings.allow, feeds),
        site_headers={host: site.headers for host, site in settings.sites.items() if site.headers},
        site_cookies={host: site.cookies for host, site in settings.sites.items() if site.cookies},
        proxies=ProxyChoice.build(settings.proxy, settings.proxies),
    )


def cleartext_warning(settings: Settings, feeds: Iterable[str]) -> str:
    """A sentence naming the hosts whose config.toml cookies or headers are not sent because the
    user subscribed to them over http; "" when there are none."""
    secret = {key for key, site in settings.sites.items() if site.cookies or site.headers}
    hosts: set[str] = set()
    for url in feeds:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        try:
            port = parts.port or 80
        except ValueError:
            continue
        if parts.scheme.lower() == "http" and secret & {host, f"{host}:{port}"}:
            hosts.add(host)
    if not hosts:
        return ""
    return _(
        "note: the cookies and headers config.toml gives {hosts} are not "
        "sent to its http:// feeds: they travel over https only (subscribe with https://)"
    ).format(hosts=", ".join(sorted(hosts)))


def due_feeds(feeds: Sequence[Feed], *, force: bool, now: float) -> tuple[list[Feed], int]:
    """Feeds to fetch now: those not resting after failures (unless forced)."""
    due = [f for f in feeds if force or f.next_retry is None or f.next_retry.timestamp() <= now]
    return due, len(feeds) - len(due)


IN_FLIGHT_PER_SLOT = 2  # feeds between fetch and store, per slot of the global fetch limit


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def in_host_turns(feeds: Sequence[Feed]) -> list[Feed]:
    """Feeds reordered one host at a time, round after round (a, b, c, a, b, a, …).

    Feeds enter the in-flight window in this order; twenty feeds of one site in a row would fill
    it with fetches waiting for that site's few slots while other sites wait idle.
    """
    by_host: dict[str, list[Feed]] = {}
    for feed in feeds:
        by_host.setdefault(_host(feed.url), []).append(feed)
    return [f for turn in zip_longest(*by_host.values()) for f in turn if f is not None]


async def _prepared_meanwhile() -> None:
    """What the fetcher's first request needs, loaded ahead (`prepare_requests`): the CA bundle
    takes tens of milliseconds to load, and lets go of the GIL meanwhile."""
    with suppress(Exception):  # the fetcher builds it again, and tells its failure as ever
        await in_passing_thread(prepare_requests)


async def refresh(
    lib: Library,
    settings: Settings,
    feed_ids: Sequence[int] | None = None,
    *,
    force: bool = False,
    on_progress: Callable[[RefreshProgress], None] | None = None,
    after: AfterRefresh | None = None,
    slots: HostSlots | None = None,
    parsers: Parsers | None = None,
) -> RefreshReport:
    """Refresh `feed_ids` (all feeds when None) and return what happened.

    `after` runs once at the end, in the writer thread, with every new item's id (watch rules
    and story grouping look across feeds, so they run there).
    `slots` share fetches between hosts within the deadline (by default the settings' own).
    `parsers`, when given, are the caller's to shut down (the full-text prefetch that follows
    extracts pages in them); otherwise the refresh makes its own.
    """
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    owned = parsers is None
    parsers = parsers or Parsers()
    started_writer: ThreadPoolExecutor | None = None
    # No lasting thread before the parsers fork (`start_method`): this one ends first, always.
    tls = asyncio.ensure_future(_prepared_meanwhile())
    try:
        every = await in_passing_thread(partial(lib.feeds, counts=False))
        sources = sources_of(await in_passing_thread(lib.feed_sources))
        subscribed = [f.url for f in every]
        if feed_ids is not None:
            wanted = set(feed_ids)
            every = [f for f in every if f.id in wanted]
        feeds, skipped = due_feeds(every, force=force, now=time.time())
        feeds = in_host_turns(feeds)
        await parsers.start_early(feeds, force=force, before_fork=tls)
        await tls
        writer = started_writer = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="veille-store"
        )
        report = RefreshReport(feeds=len(feeds), skipped=skipped)
        store = BatchWriter(lib, writer)
        if slots is None:
            slots = HostSlots.for_settings(settings.refresh, deadline=settings.refresh.deadline)
        window = asyncio.Semaphore(max(1, settings.refresh.concurrency) * IN_FLIGHT_PER_SLOT)
        done = 0

        async def one(feed: Feed, fetcher: Fetcher) -> None:
            nonlocal done
            new = 0
            error = ""
            result: FetchResult | None = None
            in_window = False

            async def fetch() -> FetchResult:
                # A place in the window is taken with a fetch slot, and given back if the fetch
                # is stopped: feeds waiting for a slow host's turn hold none, and so never keep
                # the feeds of hosts that answer from starting.
                nonlocal in_window
                await window.acquire()
                in_window = True
                try:
                    return await fetcher.fetch(
                        feed.url,
                        etag="" if force else feed.etag,
                        last_modified="" if force else feed.last_modified,
                    )
                except asyncio.CancelledError:
                    in_window = False
                    window.release()
                    raise

            source = sources.get(feed.id)
            fetched: FetchResult | Postponed
            try:
                try:
                    if source is not None and source.is_command:
                        etag, modified = ("", "") if force else (feed.etag, feed.last_modified)
                        fetched = await slots.in_time(
                            run_source(source, fetcher, feed.url, etag, modified, fetcher.limits)
                        )
                    else:
                        fetched = await slots.run(feed.url, fetch, failed=lambda r: r.error)
                    if isinstance(fetched, Postponed) and not fetched.started:
                        report.postponed[feed.id] = fetched.reason
                        _progress(feed, error=fetched.reason)
                        return
                    if isinstance(fetched, Postponed):
                        result = FetchResult(
                            url=feed.url, status=None, body=None, error=fetched.reason
                        )
                    else:
                        result = fetched
                    moved = result.permanent_redirect
                    if moved:
                        report.moved[feed.id] = moved
                    if result.not_modified:
                        report.not_modified += 1
                        await store.write(
                            NotModified(
                                feed.id,
                                moved_to=moved,
                                elapsed=result.elapsed,
                                max_age=result.max_age,
                            )
                        )
                    elif result.error or result.body is None:
                        error = result.error or "the server sent no content"
                    else:
                        body, result.body = result.body, None  # the parser owns it now
                        if source is not None and source.kind == "page":
                            meta, prepared = await loop.run_in_executor(
                                None,
                                parse_page_and_prepare,
                                body,
                                result.final_url or feed.url,
                                source.spec,
                                result.content_type,
                            )
                        else:
                            meta, prepared = await parsers.parse(
                                len(feeds) - done,
                                body,
                                result.final_url or feed.url,
                                result.content_type,
                            )
                        del body
                        stored = await store.write(
                            Fetched(
                                feed.id,
                                meta,
                                prepared,
                                status=result.status,
                                etag=result.etag,
                                last_modified=result.last_modified,
                                moved_to=moved,
                                elapsed=result.elapsed,
                                max_age=result.max_age,
                            )
                        )
                        assert isinstance(stored, StoreResult)
                        new = len(stored.new_ids)
                        report.new_items += new
                        report.updated_items += len(stored.updated_ids)
                        report.new_ids.extend(stored.new_ids)
                        cut = set(stored.truncated_ids)
                        report.new_flags.extend((i, feed.id, i in cut) for i in stored.new_ids)
                except NotAFeedError as problem:
                    error = str(problem)
                except Exception as problem:  # one feed's surprise must not stop the others
                    error = f"unexpected error: {type(problem).__name__}: {problem}"
                if error:
                    error = redact_url(error) if "://" in error else error
                    report.errors[feed.id] = error
                    if timed_out(error):
                        report.timed_out[feed.id] = error
                    await store.write(
                        Failed(
                            feed.id,
                            status=result.status if result else None,
                            error=error,
                            retry_after=result.retry_after if result else None,
                            gone=bool(result and result.gone),
                            elapsed=result.elapsed if result else None,
                        )
                    )
            finally:
                if in_window:
                    window.release()
            _progress(
                feed, new_items=new, error=error, not_modified=bool(result and result.not_modified)
            )

        def _progress(
            feed: Feed, *, new_items: int = 0, error: str = "", not_modified: bool = False
        ) -> None:
            nonlocal done
            done += 1
            if on_progress is not None:
                on_progress(
                    RefreshProgress(
                        done=done,
                        total=len(feeds),
                        feed_id=feed.id,
                        feed_title=feed.display_title,
                        new_items=new_items,
                        error=error,
                        not_modified=not_modified,
                    )
                )

        async with make_fetcher(settings, subscribed) as fetcher:
            await asyncio.gather(*(one(feed, fetcher) for feed in feeds))
        if report.moved:
            report.adopted = await loop.run_in_executor(writer, adopted, lib, report.moved)
        if after is not None and report.new_ids:
            await loop.run_in_executor(writer, after, lib, list(report.new_ids))
        report.elapsed = time.monotonic() - started
        return report
    finally:
        await asyncio.wait([tls])
        if started_writer is not None:
            started_writer.shutdown(wait=True)
        if owned:
            parsers.shutdown()
