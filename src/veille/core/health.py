"""When each feed is due, and how each feed is doing: the schedule and the health of sources.

`veille refresh --due` (for cron) reads only the feeds whose time has come: a feed is due once
its interval has passed since it was last read. The interval is the user's (`every` for the
feed in config.toml, else `[refresh] every`, else none), lengthened where the feed itself asks
for it: RSS `ttl` and HTTP `Cache-Control: max-age` count up to a day (a longer wish would
leave a feed unread for days on a publisher's whim), and RSS `skipHours` are honoured for the
UTC hours they name. A feed never read, or asked for by id, is always due.

`veille feeds --stats` shows for each feed when it last published, items per week over the
last four weeks, failures and fetches over 30 days, and the mean time a fetch took.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from veille.core.library import Library
    from veille.core.settings import Settings

HINT_CAP = 24 * 3600.0  # the longest a feed's own ttl or max-age may put off its next reading
STATS_DAYS = 30
WEEKS = 4


def due_feed_ids(lib: Library, settings: Settings, now: float | None = None) -> list[int]:
    """The feeds whose time has come, in the library's order."""
    now = time.time() if now is None else now
    hour = datetime.fromtimestamp(now, UTC).hour
    schedules = lib.feed_schedules()
    due = []
    for feed in lib.feeds(counts=False):
        last = feed.last_fetched.timestamp() if feed.last_fetched else None
        if last is None:
            due.append(feed.id)
            continue
        ttl, skip, max_age = schedules.get(feed.id, (None, "", None))
        if skip and str(hour) in skip.split(","):
            continue
        interval = settings.every.get(feed.url, settings.refresh.every)
        hint = max(ttl or 0.0, max_age or 0.0)
        interval = max(interval, min(hint, HINT_CAP))
        if now - last >= interval:
            due.append(feed.id)
    return due


@dataclass(frozen=True, slots=True)
class FeedHealth:
    feed_id: int
    title: str
    last_published: datetime | None
    per_week: float  # items a week, over the last four weeks
    fetches: int  # over the last 30 days
    failures: int
    mean_seconds: float | None  # mean time of a fetch


def feed_health(lib: Library, now: float | None = None) -> list[FeedHealth]:
    now = time.time() if now is None else now
    health = lib.feed_health(now - STATS_DAYS * 86400)
    recent = lib.items_since(now - WEEKS * 7 * 86400)
    rows = []
    for feed in lib.feeds(counts=False):
        fetches, failures, mean, published = health.get(feed.id, (0, 0, None, None))
        rows.append(
            FeedHealth(
                feed.id,
                feed.display_title,
                datetime.fromtimestamp(published, UTC) if published else None,
                recent.get(feed.id, 0) / WEEKS,
                fetches,
                failures,
                mean,
            )
        )
    return rows
