"""The verbs by which things come into the library and leave it: refresh, full texts, discovery
and subscriptions, exports, state files, backups and restores.

Network verbs run their own event loop (`loop.run`) and so are called from a thread with no running event loop (a
worker thread, a script); `refresh_async` is for code already inside one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from veille.core import backups, exporting, loop, network, reviewing, sourcing
from veille.core.home import Home
from veille.core.library import View
from veille.core.model import Feed
from veille.core.outcomes import (
    Discovery,
    Exported,
    Imported,
    PagePreview,
    Refreshed,
    Restored,
    Reviewed,
)
from veille.core.reviewsettings import ReviewProfile

if TYPE_CHECKING:
    from veille.core.export import ExportOptions
    from veille.core.fulltext.cache import CacheStats
    from veille.core.fulltext.extract import Article
    from veille.core.fulltext.service import FullTextResult, PrefetchReport
    from veille.core.ingest.pagefeed import PageRecipe
    from veille.core.ingest.refresh import RefreshProgress, RefreshReport
    from veille.core.piping import Piped


class Exchanges(Home):
    """Refresh, full text, subscriptions, exports, state files, backups."""

    # Commands of the user's ----------------------------------------------------------------

    def pipe(self, item_id: int, name: str) -> Piped:
        """Pipe item `item_id` to the command `[pipe.NAME]` of config.toml; what it answered."""
        from veille.core.errors import NotFound
        from veille.core.piping import pipe_item

        chosen = self.settings.pipes.get(name)
        if chosen is None:
            raise NotFound(f"config.toml has no [pipe.{name}]")
        item = self.library.item(item_id)
        return pipe_item(item, chosen.command, chosen.format, chosen.timeout)

    # The network ----------------------------------------------------------------------------

    def cleartext_warning(self) -> str:
        """A sentence naming hosts whose secret headers stay unsent over http (else "")."""
        return network.cleartext_warning(self)

    def discover(self, url: str) -> Discovery:
        """The feeds found at `url` (a site or a feed; `https://` is assumed without scheme)."""
        return loop.run(network.discover(self, url))

    def subscribe(self, url: str, *, title: str = "", folder: str = "") -> Feed:
        return self.library.add_feed(url, title=title, folder=folder)

    def page_recipe(self, item: str, **parts: str) -> PageRecipe:
        """The recipe of a page feed: CSS selectors for its items and their title, link, date
        and summary; raises UsageError for a selector that is not CSS."""
        return sourcing.recipe(item, **parts)

    def preview_page(self, url: str, recipe: PageRecipe) -> PagePreview:
        """The items `recipe` finds at `url`, and which of its selectors found nothing."""
        return loop.run(sourcing.preview_page(self, url, recipe))

    def subscribe_page(
        self, url: str, recipe: PageRecipe, *, title: str = "", folder: str = ""
    ) -> Feed:
        """Follow the web page at `url` as a feed, read by `recipe`."""
        return sourcing.subscribe_page(self, url, recipe, title=title, folder=folder)

    def subscribe_command(
        self, kind: str, command: str, url: str = "", *, title: str = "", folder: str = ""
    ) -> Feed:
        """Follow the output of the user's own command (`exec`), or a feed it rewrites
        (`filter`, reading the feed at `url` on its standard input)."""
        return sourcing.subscribe_command(self, kind, command, url, title=title, folder=folder)

    def import_subscriptions(
        self, file: Path, *, allow_commands: bool | Collection[str] = False
    ) -> Imported:
        """Subscribe to the feeds of an OPML or newsboat `urls` file, save its query feeds as
        searches; every line not imported is named in the report. Its command feeds (`exec:`,
        `filter:`) are subscribed only with `allow_commands` (True, or the ones named as
        `Imported.refused_commands` names them), else listed as refused."""
        from veille.core.importing import import_list

        found = network.read_subscription_file(file)
        return import_list(self.library, found, allow_commands=allow_commands)

    def refresh(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        force: bool = False,
        on_progress: Callable[[RefreshProgress], None] | None = None,
        prefetch: bool = True,
        on_stored: Callable[[RefreshReport], None] | None = None,
        on_full_text: Callable[[int, int], None] | None = None,
    ) -> Refreshed:
        """Fetch the feeds (all, or `feed_ids`), run the watches, group stories, then fetch the
        full texts their policies ask for (unless not `prefetch`), into the library.

        `on_stored` hears the feeds' report once their items are stored, before the articles
        are fetched; `on_full_text` hears (done, total) of the articles."""
        started = time.monotonic()
        done = loop.run(
            self.refresh_async(
                feed_ids,
                force=force,
                on_progress=on_progress,
                prefetch=prefetch,
                on_stored=on_stored,
                on_full_text=on_full_text,
            )
        )
        # The wall time the user waited: closing the loop waits for name lookups still running
        # in its threads (a lookup the refresh gave up on runs to its own timeout).
        done.report.elapsed = time.monotonic() - started
        return done

    async def refresh_async(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        force: bool = False,
        on_progress: Callable[[RefreshProgress], None] | None = None,
        prefetch: bool = True,
        on_stored: Callable[[RefreshReport], None] | None = None,
        on_full_text: Callable[[int, int], None] | None = None,
    ) -> Refreshed:
        return await network.refresh(
            self, feed_ids, force, on_progress, prefetch, on_stored, on_full_text
        )

    def fetch_full_text(self, item_id: int) -> FullTextResult:
        """Fetch and extract an item's article now, into the cache; never raises for a bad page."""
        return loop.run(network.fetch_full_text(self, item_id))

    def prefetch(
        self,
        query: str = "is:unread",
        *,
        every: bool = False,
        refetch: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> PrefetchReport:
        """Fetch the full texts of the items matching `query` whose feed policy wants them (all
        of them with `every`), into the library, searched at once. An article already kept, or
        a teaser from a site asked as before, is not fetched again unless `refetch`, which
        fetches every matching item again."""
        return loop.run(network.prefetch(self, query, every, refetch, on_progress))

    def download(
        self,
        url: str,
        folder: Path | None = None,
        *,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """Download the attachment at `url` into `folder` (default: the `downloads` setting,
        else the system's downloads folder), streamed to disk within `download_max_bytes`,
        under the server's name for it or its address's; the file written. `on_progress`
        hears (bytes received, bytes announced or 0). Fetched like a page (redirects,
        addresses); DownloadFailed says why not, and nothing is left behind."""
        from veille.core.downloads import default_folder, download

        chosen = folder or (
            Path(self.settings.downloads).expanduser() if self.settings.downloads else None
        )
        return loop.run(download(self, url, chosen or default_folder(), on_progress))

    def picture(self, url: str) -> bytes:
        """The picture at `url` (an article's image), from the cache or fetched like a page and
        kept there; PictureUnavailable says why not."""
        from veille.core.pictures import picture

        return loop.run(picture(self, url))

    def fetch_page(self, url: str) -> tuple[bytes, str, str]:
        """A page the user named: (body, content type, final URL)."""
        return loop.run(network.fetch_page(self, url))

    def extract(self, page: bytes, url: str, content_type: str = "") -> Article:
        """The article `page` holds, as the full-text fetcher would extract it."""
        return network.extract(self, page, url, content_type)

    def keep_page(self, item_id: int, page: bytes, url: str, content_type: str = "") -> None:
        """Keep the article of a page already at hand as `item_id`'s full text (in the library,
        searched at once; a copy in the cache when it can be used); VeilleError when the page
        holds no article."""
        from veille.core.fulltext.cache import CachedArticle

        article = self.extract(page, url, content_type)
        self.library.record_full_text(item_id, article.html)
        cache = self.usable_cache()
        if cache is not None:
            cache.put_article(item_id, CachedArticle.of(url, article))

    def cache_stats(self) -> CacheStats:
        return self.needed_cache().stats()

    def clear_cache(self) -> int:
        """Empty the cache; first, any article only the cache held (a library written by an
        earlier version) is copied into the library, so nothing readable or found is lost."""
        cache = self.needed_cache()
        self.library.keep_cached_full_texts()
        return cache.clear()

    # Exports, backups, state --------------------------------------------------------------------

    def check_output(self, path: Path) -> None:
        """Refuse, before any work, a file name that cannot be written: empty, a folder, in a
        folder that does not exist (the verbs that write files check it too)."""
        from veille.core.outfile import check_target

        check_target(path)

    def export_options(
        self,
        *,
        lang: str | None = None,
        group_by: str = "none",
        query: str = "",
        title: str = "",
        subtitle: str = "",
        author: str = "",
        tags: Sequence[str] = (),
        show_query: bool = False,
        excerpt_length: int | None = None,
        date: datetime | None = None,
    ) -> ExportOptions:
        """The options of an export made today (or on `date`), in `lang` (default: the
        config's)."""
        from veille.core.export import ExportOptions, review_date

        options = ExportOptions(
            lang=lang or self.settings.lang,
            group_by=group_by,
            query=query,
            generated=review_date(date),
            subtitle=subtitle,
            author=author,
            tags=tuple(tags),
            show_query=show_query,
        )
        if title:
            options.title = title
        if excerpt_length is not None:
            options.excerpt_length = max(0, excerpt_length)
        return options

    # Named reviews ------------------------------------------------------------------------------

    def review_profiles(self) -> list[ReviewProfile]:
        """The `[reviews.NAME]` of config.toml, by name."""
        return [self.settings.reviews[n] for n in sorted(self.settings.reviews)]

    def review_options(self, name: str) -> ExportOptions:
        """The options profile `name` makes today's review with."""
        from veille.core.export import review_date

        return reviewing.options(self, reviewing.profile(self, name), review_date())

    def review_path(self, name: str, fmt: str | None = None) -> Path:
        """Where today's review of profile `name` (in `fmt`, default its own) is written."""
        from veille.core.export import review_date

        chosen = reviewing.profile(self, name)
        return reviewing.target(self, chosen, fmt or chosen.format, review_date())

    def review(
        self,
        name: str,
        *,
        fmt: str | None = None,
        to: Path | None = None,
        send: bool = False,
        now: datetime | None = None,
    ) -> Reviewed:
        """Make profile `name`'s review (in `fmt` instead of its own format; into `to` instead
        of its file) and, with `send`, mail it to its recipients."""
        return reviewing.make(self, name, fmt=fmt, to=to, send=send, now=now)

    def send_review(
        self, name: str, *, options: ExportOptions | None = None, ids: Sequence[int] | None = None
    ) -> list[str]:
        """Mail profile `name`'s review now (of `ids` with `options` when given); the
        recipients the server accepted."""
        return reviewing.send(self, name, options, ids)

    def export(
        self,
        fmt: str,
        options: ExportOptions,
        *,
        query: str = "",
        view: View | None = None,
        ids: Sequence[int] | None = None,
        to: Path | None = None,
        make_folder: bool = False,
    ) -> Exported:
        """Export the items `ids` (else those `query` finds in `view`) as `fmt`: the text, or,
        with `to`, the file, written whole or not at all (`make_folder`: its folder is made)."""
        return exporting.export(self, fmt, options, query, view, ids, to, make_folder)

    def export_subscriptions(self, *, include_secrets: bool = False, to: Path | None = None) -> str:
        """The subscriptions as OPML 2.0 (keys in URLs hidden unless `include_secrets`)."""
        return exporting.subscriptions(self, include_secrets, to)

    def export_state(self, *, include_secrets: bool = False, to: Path | None = None) -> str:
        """All the user's state as JSON; with `to`, written to a private file."""
        return exporting.state(self, include_secrets, to)

    def import_state(self, file: Path) -> dict[str, int]:
        """Merge a state file into the library: how many of each kind were imported."""
        return exporting.import_state(self, file)

    def backup(self, file: str | None = None) -> Path:
        """A checked copy of the library (see `veille.core.backups.backup`); where it went."""
        return backups.backup(self.library, self.paths, file)

    def restore(self, file: Path) -> Restored:
        """Put a sound backup in the library's place, keeping the current library first."""
        self.close()  # this process's own lease would be in the way
        return Restored(file, backups.restore(self.paths, file))
