"""Pictures of articles, for the reader: fetched like pages (the same limits, http and https
only, no private address unless it is one of the user's feeds' hosts) and kept in the cache, so
an article read once shows its pictures offline too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from veille.core.errors import VeilleError
from veille.core.failure_words import failure_words
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.home import Home

# What a terminal can be shown: raster pictures (an SVG is a program to run, not pixels).
SHOWN = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")


class PictureUnavailable(VeilleError):
    """A picture could not be had: not cached while offline, refused, or not a picture."""


async def picture(v: Home, url: str) -> bytes:
    from veille.core.network import _fetcher
    from veille.core.redact import redact_url

    cache = v.usable_cache()
    kept = cache.image(url) if cache is not None else None
    if kept is not None:
        return kept
    if v.offline:
        raise PictureUnavailable(
            _("{url} is not kept for reading offline").format(url=redact_url(url))
        )
    async with _fetcher(v) as fetcher:
        result = await fetcher.fetch_page(url, accept=", ".join(SHOWN))
    kind = result.content_type.split(";")[0].strip().lower()
    if result.error or result.body is None or kind not in SHOWN:
        reason = failure_words(result.error) or _(
            "not a picture a terminal can show ({kind})"
        ).format(kind=kind or "?")
        raise PictureUnavailable(reason)
    if cache is not None:
        cache.put_image(url, result.body)
    return result.body
