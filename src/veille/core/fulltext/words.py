"""What to tell the user about an item's full text: which state holds, and what to do next.

The reader, the list and the command line say the same thing in the same words, so they ask
here. A teaser names the config.toml key that would unlock the article — the very key the
fetcher looks up for that page (`host`, or `host:port` off port 443), over https only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from veille.core.model import FullTextState, Item
from veille.core.translations import _

__all__ = ["LIST_MARKS", "full_text_status", "list_mark", "site_key"]

# The list's one-character mark per state: the article is kept; a teaser only; the fetch
# failed; the feed cut the item (nothing fetched yet); nothing to say.
LIST_MARKS = {"fetched": "≡", "paywalled": "$", "failed": "!", "truncated": "…", "": " "}


def list_mark(state: FullTextState, truncated: bool) -> str:
    """The item list's mark for an item's full text."""
    if state in ("fetched", "paywalled", "failed"):
        return LIST_MARKS[state]
    return LIST_MARKS["truncated"] if truncated else LIST_MARKS[""]


def site_key(url: str) -> str:
    """The `[sites."…"]` key whose cookies a fetch of `url` would send."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return ""
    return f"{host}:{port}" if port and port != 443 else host


def full_text_status(item: Item, *, offline: bool = False) -> str:
    """One sentence on `item`'s full text: what the reader shows, and how to get more."""
    state = item.full_text_state
    if state == "fetched" and item.full_text:
        return _("Full text")
    if state == "paywalled":
        key = site_key(item.url)
        if item.url.startswith("http://"):
            return _(
                "Teaser only: {host} asks for a subscription — its cookies travel over https "
                "only: subscribe to the feed with https://, see README"
            ).format(host=key)
        return _(
            'Teaser only: {host} asks for a subscription — add its cookie under [sites."{key}"] '
            "in config.toml, see README"
        ).format(host=key.split(":")[0], key=key)
    if state == "failed":
        reason = item.full_text_error or _("no reason given")
        if offline:
            return _("Full text failed: {reason}").format(reason=reason)
        return _("Full text failed: {reason} — press f to try again").format(reason=reason)
    if item.truncated:
        if offline:
            return _("Truncated by the feed — the full text is not available offline")
        return _("Truncated by the feed — press f for the full text")
    return _("Feed content")
