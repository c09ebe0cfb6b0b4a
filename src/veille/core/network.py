"""The front door's network verbs: refresh, full texts, discovery, pages the user names.

Each opens the network client for its own run, from the settings' one policy (`make_fetcher`:
limits, allowed hosts, site headers and cookies), and closes it when done. Everything heavy
(httpx, the parsers, page extraction) is imported here on first use, never by `veille.core`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from veille.core.errors import UsageError, VeilleError
from veille.core.failure_words import failure_words
from veille.core.outcomes import Discovery, Refreshed
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.fulltext.extract import Article
    from veille.core.fulltext.service import FullTextResult, PrefetchReport
    from veille.core.home import Home
    from veille.core.ingest.fetch import Fetcher
    from veille.core.ingest.opml import SubscriptionList
    from veille.core.ingest.refresh import RefreshProgress, RefreshReport


def _fetcher(v: Home, feeds: bool = True) -> Fetcher:
    """The network client of one verb; the subscriptions' hosts are the user's own (pages on
    them may be fetched even on a private address)."""
    from veille.core.ingest.refresh import make_fetcher

    subscribed = [f.url for f in v.library.feeds(counts=False)] if feeds else []
    return make_fetcher(v.settings, subscribed)


def _online(v: Home, what: str) -> None:
    if v.offline:
        raise UsageError(_("--offline: {what} needs the network").format(what=what))


async def refresh(
    v: Home,
    feed_ids: Sequence[int] | None,
    force: bool,
    on_progress: Callable[[RefreshProgress], None] | None,
    prefetch: bool,
    on_stored: Callable[[RefreshReport], None] | None = None,
    on_full_text: Callable[[int, int], None] | None = None,
) -> Refreshed:
    from veille.core.pipeline import refresh_all

    _online(v, "refresh")
    if feed_ids is None:
        from veille.core.sync.journal import held_feeds

        held = held_feeds(v.library.conn)  # the server of an account fetches those
        if held:
            feed_ids = [f.id for f in v.library.feeds(counts=False) if f.id not in held]
    report, fetched = await refresh_all(
        v.library,
        v.settings,
        v.usable_cache(),
        feed_ids,
        force=force,
        on_progress=on_progress,
        prefetch=prefetch,
        on_stored=on_stored,
        on_full_text=on_full_text,
    )
    return Refreshed(report, fetched)


async def fetch_full_text(v: Home, item_id: int) -> FullTextResult:
    from veille.core.fulltext.service import FullTextService

    _online(v, "fetching full texts")
    item = v.library.item(item_id)  # this loop is the verb's own: nothing else waits on it
    service = FullTextService(v.library, v.usable_cache(), v.settings)
    try:
        async with _fetcher(v) as fetcher:
            return await service.fetch(item, fetcher)
    finally:
        service.close()


async def prefetch(
    v: Home,
    query: str,
    every: bool,
    refetch: bool,
    on_progress: Callable[[int, int], None] | None,
) -> PrefetchReport:
    from veille.core.fulltext.service import FullTextService

    _online(v, "fetching full texts")
    ids = v.library.item_ids(query)
    service = FullTextService(v.library, v.usable_cache(), v.settings)

    def progress(done: int, total: int, _result: FullTextResult | None) -> None:
        if on_progress is not None:
            on_progress(done, total)

    try:
        async with _fetcher(v) as fetcher:
            return await service.prefetch(
                ids,
                fetcher,
                only_wanted=not (every or refetch),
                refetch=refetch,
                on_progress=progress,
            )
    finally:
        service.close()


def feed_address(typed: str) -> str:
    """What the user typed to subscribe, as an address (`https://` when no scheme is given)."""
    url = typed.strip()
    return url if "://" in url else "https://" + url


async def discover(v: Home, typed: str) -> Discovery:
    url = feed_address(typed)
    if url.startswith("file://") or v.offline:
        return Discovery(url)
    from veille.core.ingest.discover import discover as find

    async with _fetcher(v) as fetcher:
        return Discovery(url, await find(fetcher, url))


async def fetch_page(v: Home, url: str) -> tuple[bytes, str, str]:
    from veille.core.ingest.refresh import make_fetcher

    _online(v, _("fetching a page"))

    async with make_fetcher(v.settings) as fetcher:
        # Typed by the user: its host is theirs for this request, but only on the web.
        result = await fetcher.fetch_page(url, trusted=(url,))
    if result.error or result.body is None:
        raise VeilleError(failure_words(result.error) if result.error else _("the page was empty"))
    return result.body, result.content_type, result.final_url or url


def extract(v: Home, page: bytes, url: str, content_type: str) -> Article:
    from veille.core.fulltext.extract import ExtractionError
    from veille.core.fulltext.extract import extract as read_article
    from veille.core.fulltext.service import rule_for
    from veille.core.redact import redact_url

    try:
        return read_article(page, url, rule=rule_for(v.settings, url), content_type=content_type)
    except ExtractionError as error:
        raise VeilleError(f"{redact_url(url)}: {error}") from None


def read_subscription_file(file: Path) -> SubscriptionList:
    from veille.core.ingest.opml import SubscriptionFileError, read_subscription_list

    try:
        data = file.read_bytes()
    except OSError as error:
        raise VeilleError(
            _("cannot read {file}: {strerror}").format(file=file, strerror=error.strerror)
        ) from None
    try:
        return read_subscription_list(data, file.name)
    except SubscriptionFileError as error:
        raise VeilleError(
            _("{file}: {error}; nothing was imported").format(file=file, error=error)
        ) from None


def cleartext_warning(v: Home) -> str:
    from veille.core.ingest.refresh import cleartext_warning as warning

    return warning(v.settings, (f.url for f in v.library.feeds(counts=False)))
