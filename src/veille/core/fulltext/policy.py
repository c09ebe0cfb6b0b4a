"""Which full-text policy applies to a feed, and where it comes from.

A feed may have a policy of its own (chosen with `veille set-feed --full-text` or in the app's
feed editor); config.toml may name one for its address (`[feeds."URL"] full_text = …`); and
config.toml's top-level `full_text` is the policy of every other feed. A feed with no policy of
its own stores none, so changing the global setting changes every such feed at once — including
feeds imported from OPML, which have never been given one.

This one function decides for the refresh's prefetch, `veille fulltext` and the app, and the
listings show its answer, so what is shown is what is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from veille.core.model import Feed, FeedPolicy, FullTextPolicy
from veille.core.settings import Settings
from veille.core.translations import N_, _

__all__ = [
    "FIRST_REFRESH_PREFETCH",
    "EffectivePolicy",
    "PolicyOrigin",
    "feed_policy",
    "wanted_by_policy",
]

# A feed's first refresh brings its whole backlog (often 20 to 100 items, some feeds keep
# hundreds); only its newest this-many items get their article fetched then. The first morning
# after subscribing to many feeds lists thousands of items, and a reader opens a few at the head
# of each feed: three per feed over 200 feeds is already more than a morning's reading, and a
# site just subscribed to is asked for a few pages, not its backlog. A cap by count, not by date:
# a feed that posts weekly keeps its latest posts, which "the last two days" would leave out.
# The rest are fetched on demand (`f`, `veille fulltext`), and every later refresh fetches all of
# its new items.
FIRST_REFRESH_PREFETCH = 3

# "feed": its own; "config-feed": config.toml's [feeds."URL"]; "config": config.toml's full_text.
PolicyOrigin = Literal["feed", "config-feed", "config"]

_ORIGIN_WORDS = {
    "feed": N_("its own"),
    "config-feed": 'config.toml [feeds."…"]',
    "config": "config.toml full_text",
}


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    value: FullTextPolicy
    origin: PolicyOrigin

    @property
    def origin_words(self) -> str:
        return _(_ORIGIN_WORDS[self.origin])


def feed_policy(settings: Settings, url: str, own: FeedPolicy | str) -> EffectivePolicy:
    """The policy that applies to the feed at `url` whose own policy is `own` ("" for none).

    config.toml's entry for the address wins, since the user wrote it down for that feed; then
    the feed's own choice; then the global setting.
    """
    configured = settings.feeds.get(url)
    if configured:
        return EffectivePolicy(configured, "config-feed")
    if own in ("auto", "always", "never"):
        return EffectivePolicy(own, "feed")
    return EffectivePolicy(settings.full_text, "config")


def wanted_by_policy(
    settings: Settings, feeds: Sequence[Feed], flags: Iterable[tuple[int, int, bool]]
) -> set[int]:
    """The items among `flags`, (id, feed id, looks truncated) each, whose feed's policy wants
    their full text: every item under "always", the truncated ones under "auto"."""
    by_id = {f.id: f for f in feeds}
    wanted: set[int] = set()
    for item_id, feed_id, truncated in flags:
        feed = by_id.get(feed_id)
        policy = feed_policy(settings, feed.url if feed else "", feed.full_text if feed else "")
        if policy.value == "always" or (policy.value != "never" and truncated):
            wanted.add(item_id)
    return wanted
