"""The front door's verbs for feeds that are not feed documents: page feeds, command feeds.

A page feed is previewed before it is subscribed to (the items its selectors find, and which
selector found nothing), then refreshes like any feed. A command feed is the user's own script;
it comes only from here or from the user's own import, never from anything fetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veille.core.errors import UsageError, VeilleError
from veille.core.failure_words import failure_words
from veille.core.model import Feed
from veille.core.outcomes import PagePreview
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.home import Home
    from veille.core.ingest.pagefeed import PageRecipe


def recipe(item: str, **parts: str) -> PageRecipe:
    """A page recipe from selectors; raises UsageError in plain words for one that is not CSS."""
    from veille.core.ingest.pagefeed import PageRecipe, RecipeError

    try:
        return PageRecipe(item, **parts).check()
    except RecipeError as error:
        raise UsageError(str(error)) from None


async def preview_page(v: Home, url: str, chosen: PageRecipe) -> PagePreview:
    from veille.core.ingest.pagefeed import read_page
    from veille.core.ingest.refresh import make_fetcher

    if v.offline:
        raise UsageError("--offline: a preview needs the network")
    async with make_fetcher(v.settings) as fetcher:
        result = await fetcher.fetch_page(url, trusted=(url,))  # typed by the user
    if result.error or result.body is None:
        reason = failure_words(result.error) if result.error else _("it was empty")
        raise VeilleError(_("could not open the page: {reason}").format(reason=reason))
    reading = read_page(result.body, result.final_url or url, chosen, result.content_type)
    return PagePreview(
        url=result.final_url or url,
        title=reading.feed.title,
        items=reading.feed.entries,
        found=reading.items_found,
        empty=reading.empty,
        without_link=reading.without_link,
    )


def subscribe_page(v: Home, url: str, chosen: PageRecipe, *, title: str, folder: str) -> Feed:
    if not url.startswith(("http://", "https://")):
        raise UsageError("a page feed needs a web address (http or https)")
    feed = v.library.add_feed(url, title=title, folder=folder)
    v.library.set_feed_source(feed.id, "page", chosen.to_json())
    if v.settings.full_text != "never":
        # A page lists headlines: each item's text is its article, fetched like a cut-short
        # item's would be (`veille set-feed --full-text` changes it like any feed's).
        v.library.set_feed_policy(feed.id, "always")
    return v.library.feed(feed.id)


def subscribe_command(
    v: Home, kind: str, command: str, url: str = "", *, title: str = "", folder: str = ""
) -> Feed:
    """A command feed: `exec` prints a feed, `filter` rewrites the feed at `url`."""
    from veille.core.ingest.commands import CommandFailed, command_argv
    from veille.core.ingest.sources import filter_spec

    try:
        command_argv(command)
    except CommandFailed as failure:
        raise UsageError(failure.message) from None
    if kind == "filter" and not url.startswith(("http://", "https://", "file:")):
        raise UsageError("a filter feed needs the address of the feed it rewrites")
    address = f"exec:{command}" if kind == "exec" else f"filter:{command}:{url}"
    feed = v.library.add_feed(address, title=title, folder=folder)
    v.library.set_feed_source(
        feed.id, kind, command if kind == "exec" else filter_spec(command, url)
    )
    return feed
