"""The `Library`: everything the front door, the exporters and the tests ask of the store.

One class, one short method per verb, over the private modules that do the work, each taking the
connection (reads) or the `Database` (writes): `_feeds` (subscriptions), `_refresh` (what refresh
learns), `_lists` and `_items` (the item list, full records), `_marks` (the user's judgement and
full texts), `_stories`, `_searches`, `_rules`, `_state`, `_plans` (planner statistics).
Methods are synchronous and thread-safe (one SQLite connection per thread); the app calls them
from thread workers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from veille.core.library import (
    _feeds,
    _fulltexts,
    _items,
    _lists,
    _marks,
    _plans,
    _refresh,
    _rules,
    _searches,
    _sources,
    _state,
    _stories,
)
from veille.core.library._db import Database
from veille.core.library._feeds import Subscribable
from veille.core.library._items import FullTextSource
from veille.core.library._refresh import Outcome
from veille.core.library._store import StoreResult
from veille.core.library._views import View
from veille.core.model import (
    Feed,
    FeedPolicy,
    FullTextState,
    Item,
    ItemRow,
    Rule,
    SavedSearch,
    Stats,
    TagCount,
)
from veille.core.settings import WatchSettings


class Library:
    """A veille library: one SQLite file."""

    def __init__(
        self, path: Path, *, backups: Path | None = None, verify_writes: bool = False
    ) -> None:
        self.db = Database(path, backups=backups, verify_writes=verify_writes)
        self.path = path
        self._cache: FullTextSource | None = None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.connection()

    # Feeds and folders ---------------------------------------------------------------------

    def add_feed(self, url: str, *, title: str = "", folder: str = "") -> Feed:
        return _feeds.add_feed(self.db, url, title=title, folder=folder)

    def add_feeds(self, subscriptions: Iterable[Subscribable]) -> tuple[int, int]:
        """Subscribe to many feeds in one transaction; returns (added, already there)."""
        return _feeds.add_feeds(self.db, subscriptions)

    def remove_feed(self, feed_id: int) -> None:
        _feeds.remove_feed(self.db, feed_id)

    def feed(self, feed_id: int) -> Feed:
        return _feeds.feed(self.conn, feed_id)

    def feed_by_url(self, url: str) -> Feed | None:
        return _feeds.feed_by_url(self.conn, url)

    def feeds(self, *, counts: bool = True) -> list[Feed]:
        """Every feed, by folder and title; with its item counts unless `counts` is False (the
        counts read the whole feed index: a tenth of a second at 50,000 items, which a refresh
        would spend before its first request)."""
        return _feeds.feeds(self.conn, counts=counts)

    def folders(self) -> list[str]:
        return _feeds.folders(self.conn)

    def set_feed_folder(self, feed_id: int, folder: str) -> None:
        _feeds.set_feed_folder(self.db, feed_id, folder)

    def set_feed_title(self, feed_id: int, title: str) -> None:
        _feeds.set_feed_title(self.db, feed_id, title)

    def set_feed_policy(self, feed_id: int, policy: FeedPolicy) -> None:
        """Give the feed a full-text policy of its own, or with "" none: it follows config.toml."""
        _feeds.set_feed_policy(self.db, feed_id, policy)

    def set_feed_source(self, feed_id: int, kind: str, spec: str) -> None:
        """Make the feed a page feed ("page", its recipe) or a command feed ("exec", "filter")."""
        _sources.set_source(self.db, feed_id, kind, spec)

    def feed_sources(self) -> dict[int, tuple[str, str]]:
        """feed id → (kind, spec) of the feeds that are pages or commands."""
        return _sources.sources(self.conn)

    def feed_schedules(self) -> dict[int, tuple[float | None, str, float | None]]:
        """feed id → (RSS ttl in seconds, skipHours "1,2,3", HTTP max-age) as last read."""
        rows = self.conn.execute("SELECT feed_id, ttl, skip_hours, max_age FROM feed_schedule")
        return {int(r[0]): (r[1], str(r[2] or ""), r[3]) for r in rows}

    def feed_health(self, since: float) -> dict[int, tuple[int, int, float | None, float | None]]:
        """feed id → (fetches, failures, mean seconds per fetch, last published) since `since`."""
        return _sources.health(self.conn, since)

    def feed_errors(self, per_feed: int = 5) -> dict[int, list[tuple[float, str]]]:
        """feed id → its latest failures over 30 days (unix time, what was said), newest first."""
        return _sources.recent_errors(self.conn, per_feed)

    def items_since(self, since: float) -> dict[int, int]:
        """feed id → items published (or first seen, when undated) since `since`."""
        return _sources.items_since(self.conn, since)

    # Refresh results -----------------------------------------------------------------------

    def record_refresh(
        self, outcomes: Sequence[Outcome]
    ) -> list[StoreResult | float | Exception | None]:
        """Write several feeds' refresh outcomes in one transaction (see `_refresh`)."""
        return _refresh.record_refresh(self.db, outcomes)

    def cluster(self, new_ids: Sequence[int]) -> int:
        """Group new items with the stories they belong to (see `_stories`)."""
        return _stories.cluster_new_items(self.db, new_ids)

    def cluster_members(self, item_id: int) -> list[int]:
        return _stories.cluster_members(self.conn, item_id)

    def story_count(self, ids: Sequence[int]) -> int:
        """How many stories the items `ids` tell (a review's entries)."""
        return _stories.story_count(self.conn, ids)

    def story_members(self, stories: Sequence[int]) -> set[int]:
        """The ids of every item of the `stories` (cluster ids)."""
        return _stories.story_members(self.conn, stories)

    # The item list -------------------------------------------------------------------------

    def count(self, query: str = "", *, view: View | None = None, collapse: bool = True) -> int:
        return _lists.count(self.conn, query, view=view, collapse=collapse)

    def rows(
        self,
        query: str = "",
        *,
        view: View | None = None,
        offset: int = 0,
        limit: int = 100,
        order: str = "newest",
        after: int | None = None,
    ) -> list[ItemRow]:
        """A window of the item list, newest first (or in `order`, see `_orders`); a story
        from several feeds shows once. `after`: the id of the row at `offset - 1`, read from
        there (see `_lists.rows`)."""
        return _lists.rows(
            self.conn, query, view=view, offset=offset, limit=limit, order=order, after=after
        )

    def item_ids(self, query: str = "", *, view: View | None = None) -> list[int]:
        return _lists.item_ids(self.conn, query, view=view)

    def position(
        self, item_id: int, query: str = "", *, view: View | None = None, order: str = "newest"
    ) -> int | None:
        """Where `item_id` stands in the list of `query`/`view`, or None if it is not there."""
        return _lists.position(self.conn, item_id, query, view=view, order=order)

    # Items in full -------------------------------------------------------------------------

    def items(
        self, query: str = "", *, view: View | None = None, limit: int | None = None
    ) -> list[Item]:
        """Full records (bodies, tags, notes) for exports and the command line."""
        return _items.items(self.conn, query, view=view, limit=limit)

    def items_by_id(self, ids: Sequence[int]) -> list[Item]:
        return _items.items_by_id(self.conn, ids)

    def full_text_flags(self, ids: Sequence[int]) -> list[tuple[int, int, bool]]:
        """(id, feed id, truncated) of the items `ids`: enough to decide whether an item wants
        its full text, without loading every new item's body to find out."""
        return _items.full_text_flags(self.conn, ids)

    def newest_ids(self, feed_id: int, limit: int) -> list[int]:
        """The ids of the feed's `limit` newest items, in list order."""
        return _items.newest_ids(self.conn, feed_id, limit)

    def item(self, item_id: int) -> Item:
        """One item in full; its full text comes from the cache when the library has none."""
        return _items.item(self.conn, item_id, self._cache)

    def stats(self) -> Stats:
        return _items.stats(self.conn)

    # The user's judgement ------------------------------------------------------------------

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        return _marks.set_flag(self.db, "read", list(ids), read)

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int:
        ids = list(ids)
        changed = _marks.set_flag(self.db, "starred", ids, starred)
        if starred:
            _marks.pin_full_texts(self.db, self._cache, ids)
        return changed

    def set_hidden(self, ids: Iterable[int], hidden: bool = True) -> int:
        return _marks.set_flag(self.db, "hidden", list(ids), hidden)

    def tag(self, ids: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        _marks.tag(self.db, list(ids), list(add), list(remove))

    def set_note(self, item_id: int, text: str) -> None:
        _marks.set_note(self.db, item_id, text)

    def rename_tag(self, old: str, new: str) -> int:
        """Rename (or merge) a tag and its children on every item; returns items touched."""
        return _marks.rename_tag(self.db, old, new)

    def delete_tag(self, name: str) -> int:
        return _marks.delete_tag(self.db, name)

    def tags(self) -> list[TagCount]:
        return _marks.tag_counts(self.conn)

    # Full texts ----------------------------------------------------------------------------

    def attach_cache(self, cache: FullTextSource | None) -> None:
        """Let the library read full texts kept in the cache (and pin them when starring)."""
        self._cache = cache

    def record_full_text(self, item_id: int, html: str, *, site: str = "") -> bool:
        """Keep `html` as the item's article, searched at once; True when it had none before.
        `site` fingerprints the site access (cookies, headers) it was fetched with."""
        return _fulltexts.record_fetched(self.db, item_id, html, site)

    def record_full_texts(self, articles: Sequence[tuple[int, str, str]]) -> list[bool]:
        """`record_full_text` of each (item id, html, site) in one transaction; for each, True
        when the item had no article before."""
        return _fulltexts.record_fetched_many(self.db, articles)

    def record_full_text_error(self, item_id: int, error: str, *, site: str = "") -> None:
        _fulltexts.record_missed(self.db, item_id, "failed", error, site)

    def record_paywalled(self, item_id: int, reason: str, *, site: str = "") -> None:
        """The item's page gave a teaser only; `reason` says how that was seen."""
        _fulltexts.record_missed(self.db, item_id, "paywalled", reason, site)

    def missed_full_texts(self) -> list[tuple[int, str, str]]:
        """(id, link, site fingerprint) of the paywalled and failed items."""
        return _fulltexts.missed(self.conn)

    def keep_cached_full_texts(self, cache: FullTextSource | None = None) -> int:
        """Copy into the library the articles only the cache holds (`cache`, else the one
        attached), and unmark those it lost; run before clearing the cache, and once after an
        upgrade from a version that kept full texts in the cache."""
        return _fulltexts.keep_cached(self.db, cache or self._cache)

    def full_text_state(self, item_id: int) -> FullTextState:
        row = self.conn.execute(
            "SELECT state FROM full_texts WHERE item_id = ?", (item_id,)
        ).fetchone()
        return row[0] if row else ""

    # Saved searches ------------------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        return _searches.saved_searches(self.conn)

    def save_search(self, name: str, query: str) -> SavedSearch:
        return _searches.save_search(self.db, name, query)

    def update_search(self, search_id: int, name: str, query: str) -> None:
        """Change a saved search in place: its id (and the app's memory of it) stays."""
        _searches.update_search(self.db, search_id, name, query)

    def delete_search(self, search_id: int) -> None:
        _searches.delete_search(self.db, search_id)

    # Watch rules ---------------------------------------------------------------------------

    def rules(self) -> list[Rule]:
        found = _rules.list_rules(self.conn)
        for rule in found:
            try:
                rule.unread = self.count(view=View(rule_id=rule.id, unread_only=True))
            except ValueError:
                rule.unread = 0
        return found

    def save_rule(self, name: str, query: str, **actions: Any) -> Rule:
        return _rules.save_rule(self.db, name, query, **actions)

    def delete_rule(self, rule_id: int) -> None:
        _rules.delete_rule(self.db, rule_id)

    def sync_watch(self, watches: Iterable[WatchSettings]) -> None:
        """Copy config.toml's [[watch]] entries into the library (the file wins)."""
        _rules.sync_watch(self.db, watches)

    def apply_rules(
        self, ids: Sequence[int] | None = None, *, name: str | None = None
    ) -> dict[str, int]:
        """Run enabled rules (or the one named) on `ids` (the whole library when None)."""
        counts: dict[str, int] = {}
        for rule in _rules.chosen_rules(self.conn, name):
            matched = _rules.matching_ids(self.conn, rule, ids)
            counts[rule.name] = len(matched)
            if not matched:
                continue
            if rule.add_tags:
                self.tag(matched, add=rule.add_tags)
            if rule.star:
                self.set_starred(matched)
            if rule.mark_read:
                self.set_read(matched)
            if rule.hide:
                self.set_hidden(matched)
        return counts

    def rule_matches(self, name: str, ids: Sequence[int]) -> list[int]:
        """The items among `ids` the watch rule `name` matches (for its alerts)."""
        return [
            i for rule in _rules.chosen_rules(self.conn, name)
            for i in _rules.matching_ids(self.conn, rule, ids)
        ]  # fmt: skip

    # Small state and upkeep ----------------------------------------------------------------

    def get_state(self, key: str, default: str = "") -> str:
        return _state.get_state(self.conn, key, default)

    def set_state(self, key: str, value: str) -> None:
        _state.set_state(self.db, key, value)

    def tune(self) -> bool:
        """Renew the query planner's statistics once the library has grown by a tenth; returns
        whether it ran (see `_plans.tune`)."""
        return _plans.tune(self.db)

    def backup(self, target: Path) -> None:
        self.db.backup_to(target)


def open_library(
    path: Path, *, backups: Path | None = None, verify_writes: bool = False
) -> Library:
    """Open (creating or migrating) the library at `path`.

    With `verify_writes`, the first write checks the file's structure first (the command line
    does: each command is one process, and a damaged file must not be written into).
    """
    return Library(path, backups=backups, verify_writes=verify_writes)
