"""`Veille`: the one front door. The app, the command line and scripts ask it, and nothing deeper.

It owns the library (opened on first use), the settings, the paths and the full-text cache (also
opened on first use, and only attached, not read, until something needs it). Network verbs run
their own event loop and open the network client (an httpx client belongs to one loop) for that
verb alone, from the settings' one policy (`make_fetcher`): its limits, allowed hosts and site
headers. `close()`, or leaving a `with` block, closes what was opened.

Threads: every verb may be called from any thread, several at once (the app calls them from
Textual thread workers). The library keeps one SQLite connection per thread (see
`veille.core.library.database`), the cache is thread-safe, and what `Veille` opens lazily is
opened under a lock. Network verbs (`refresh`, `fetch_full_text`, `prefetch`, `discover`,
`fetch_page`) run `asyncio.run` and so must be called from a thread with no running event loop:
a worker thread, or a script; their `…_async` twins are for code already inside a loop.

The policies decided here, once: the story mark-read rule (`open_item`), the review date and
the export file (`export`), which saved search a name means (`saved_search`), which feed a
reference means (`feed`), and which file is a sound library (`veille.core.backups`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from veille.core import network
from veille.core.errors import NotFound, UsageError, VeilleError, explain
from veille.core.library import Library, View, open_library
from veille.core.model import Feed, FeedPolicy, Item, ItemRow, Rule, SavedSearch, Stats, TagCount
from veille.core.outcomes import Discovery, Exported, Opened, Refreshed, Restored, Snapshot
from veille.core.settings import Paths, Settings, load_settings, resolve_paths

if TYPE_CHECKING:
    from veille.core.export import ExportOptions
    from veille.core.fulltext.cache import CacheStats, FullTextCache
    from veille.core.fulltext.extract import Article
    from veille.core.fulltext.policy import EffectivePolicy
    from veille.core.fulltext.service import FullTextResult, PrefetchReport
    from veille.core.ingest.refresh import RefreshProgress

LARGEST_ID = 2**63 - 1  # SQLite's integers are 64-bit signed


def open_veille(
    home: str | Path | Paths | None = None,
    *,
    settings: Settings | None = None,
    offline: bool = False,
    verify_writes: bool = False,
) -> Veille:
    """veille on the library in `home` (or `$VEILLE_HOME`, else the platform's folders).

    `settings` default to those of `home`'s config.toml. Nothing is opened yet: the library is
    at the first verb that needs it. `verify_writes` checks the file's structure before the
    first write (the command line does: one process per command never writes a damaged file).
    """
    paths = home if isinstance(home, Paths) else resolve_paths(home)
    if settings is None:
        settings = load_settings(paths)
    return Veille(paths, settings, offline=offline, verify_writes=verify_writes)


class Veille:
    """veille itself: a library, its settings, its cache, and every verb on them."""

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        *,
        offline: bool = False,
        verify_writes: bool = False,
    ) -> None:
        self.paths = paths
        self.settings = settings
        self.offline = offline
        self.verify_writes = verify_writes
        self._library: Library | None = None
        self._cache: FullTextCache | None = None
        self._waiting: Callable[[float | None], None] | None = None
        self._opening = threading.RLock()
        self._looked: sqlite3.Connection | None = None
        self._version: int | None = None
        self._looking = threading.Lock()

    # Opening and closing ----------------------------------------------------------------------

    def __enter__(self) -> Veille:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def library(self) -> Library:
        """The library, opened (created or migrated) on first use."""
        lib = self._library
        if lib is None:
            with self._opening:
                lib = self._library
                if lib is None:
                    self.paths.ensure()
                    lib = open_library(
                        self.paths.library,
                        backups=self.paths.backups,
                        verify_writes=self.verify_writes,
                    )
                    # Attached, not opened: a cache that cannot be used reads as empty.
                    lib.attach_cache(self.cache)
                    lib.db.waiting = self._waiting
                    self._library = lib
        return lib

    @property
    def opened(self) -> bool:
        """Whether the library has been opened by this `Veille` (a verb needed it)."""
        return self._library is not None

    @property
    def cache(self) -> FullTextCache:
        """The full-text cache; see `cache_problem` before relying on it."""
        cache = self._cache
        if cache is None:
            with self._opening:
                if self._cache is None:
                    from veille.core.fulltext.cache import open_cache

                    self._cache = open_cache(self.paths, self.settings)
                cache = self._cache
        return cache

    @property
    def cache_problem(self) -> str | None:
        """Why the full-text cache cannot be used, in plain words; None when it can."""
        return self.cache.problem

    def usable_cache(self) -> FullTextCache | None:
        return None if self.cache_problem is not None else self.cache

    def needed_cache(self) -> FullTextCache:
        """The cache, for a verb that cannot work without it."""
        problem = self.cache_problem
        if problem is not None:
            raise VeilleError(f"{problem}; this command needs it")
        return self.cache

    def on_wait(self, hook: Callable[[float | None], None] | None) -> None:
        """Call `hook(seconds)` while another process holds the write lock (it may raise to give
        up), and `hook(None)` when the wait is over. Without a hook SQLite waits on its own."""
        self._waiting = hook
        if self._library is not None:
            self._library.db.waiting = hook

    @property
    def busy_timeout(self) -> float:
        """Seconds a write waits for another process before the library is called busy."""
        from veille.core.library.database import BUSY_TIMEOUT_MS

        return BUSY_TIMEOUT_MS / 1000

    def close(self) -> None:
        """Close the library, the cache and the change watch; the next verb reopens them."""
        with self._looking:
            if self._looked is not None:
                self._looked.close()
                self._looked = None
        if self._library is not None:
            self._library.close()
            self._library = None
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    # The library's health ---------------------------------------------------------------------

    def explain(self, error: BaseException) -> VeilleError | None:
        """`error` in plain words when it is the library's (damaged, full, busy…), else None."""
        if self._library is None:
            return explain(error, self.paths.library, self.paths.backups)
        return self._library.db.problem(error)

    def check(self) -> str | None:
        """Check the library file's structure: the damage found (and remembered), or None."""
        return self.library.db.check()

    @contextmanager
    def doing(self, what: str) -> Iterator[None]:
        """Name the change this thread is about to write, for the `on_wait` hook to tell."""
        with self.library.db.doing(what):
            yield

    @property
    def current_change(self) -> str:
        """The change this thread is writing (see `doing`), or "a change"."""
        return self.library.db.current_change

    def changed(self) -> bool:
        """Has another connection written to the library since the last call? (False at the
        first call, which only takes the baseline, and when the library cannot be read now.)

        SQLite's `data_version` moves when another connection commits; one connection kept for
        this question alone makes it a cheap poll. Writes from this process's other threads use
        other connections and count too.
        """
        with self._looking:
            try:
                if self._looked is None:
                    self._looked = sqlite3.connect(self.library.db.path, check_same_thread=False)
                version = int(self._looked.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return False
            moved = self._version is not None and version != self._version
            self._version = version
            return moved

    # Reading ------------------------------------------------------------------------------------

    def count(self, query: str = "", *, view: View | None = None) -> int:
        return self.library.count(query, view=view)

    def rows(
        self, query: str = "", *, view: View | None = None, offset: int = 0, limit: int = 100
    ) -> list[ItemRow]:
        return self.library.rows(query, view=view, offset=offset, limit=limit)

    def position(self, item_id: int, query: str = "", *, view: View | None = None) -> int | None:
        return self.library.position(item_id, query, view=view)

    def item_ids(self, query: str = "", *, view: View | None = None) -> list[int]:
        return self.library.item_ids(query, view=view)

    def items(
        self, query: str = "", *, view: View | None = None, limit: int | None = None
    ) -> list[Item]:
        return self.library.items(query, view=view, limit=limit)

    def items_by_id(self, ids: Sequence[int]) -> list[Item]:
        return self.library.items_by_id(ids)

    def item(self, item_id: int) -> Item:
        return self.library.item(item_id)

    def known_items(self, ids: Sequence[int]) -> list[int]:
        """`ids`, all of them items of the library; else NotFound naming those that are not."""
        known = {item.id for item in self.library.items_by_id(ids)}
        missing = [i for i in ids if i not in known]
        if missing:
            raise NotFound(f"no item with id {', '.join(map(str, missing))}")
        return list(ids)

    def stats(self) -> Stats:
        return self.library.stats()

    def tags(self) -> list[TagCount]:
        return self.library.tags()

    def snapshot(self) -> Snapshot:
        """Everything the feeds pane shows, with its counts."""
        lib = self.library
        stats = lib.stats()
        return Snapshot(
            feeds=lib.feeds(),
            tags=lib.tags(),
            searches=lib.saved_searches(),
            watches=lib.rules(),
            unread=stats.unread,
            starred=stats.starred,
            total=stats.items,
        )

    def get_state(self, key: str) -> str:
        return self.library.get_state(key)

    def set_state(self, key: str, value: str) -> None:
        self.library.set_state(key, value)

    # Reading an item and marking it -------------------------------------------------------------

    def open_item(
        self, item_id: int, *, mark_read: bool = True, remember: str | None = None
    ) -> Opened:
        """The item and the others telling its story; opening marks it read (with `mark_read`),
        and its whole story too when `cluster_mark_read` says so. `remember` names a state key
        that keeps the id (the app's "last item open")."""
        lib = self.library
        item = lib.item(item_id)
        marked: list[int] = []
        if mark_read and not item.read:
            marked = self.story_of(item) if self.settings.cluster_mark_read else [item_id]
            with lib.db.doing(f"the read mark of item {item_id}"):
                lib.set_read(marked)
            item.read = True
        others: list[Item] = []
        if item.cluster_size > 1:
            ids = [i for i in lib.cluster_members(item_id) if i != item_id]
            others = lib.items_by_id(ids)
        if remember is not None:
            lib.set_state(remember, str(item_id))
        return Opened(item, others, marked)

    def story_of(self, item: Item) -> list[int]:
        """The ids of every item telling `item`'s story (just its own when it stands alone)."""
        if item.cluster_size > 1:
            return self.library.cluster_members(item.id) or [item.id]
        return [item.id]

    def mark_story_read(self, item_id: int, read: bool = True) -> int:
        """Mark `item_id` and every item telling the same story read (or unread); how many
        changed."""
        return self.library.set_read(self.story_of(self.library.item(item_id)), read)

    def set_marks(
        self, ids: Sequence[int], *, read: bool | None = None, starred: bool | None = None
    ) -> int:
        """Set the read mark and/or the star of `ids`; how many items changed."""
        lib = self.library
        changed = 0
        with lib.db.doing(_describe_marks(ids, read, starred)):
            if read is not None:
                changed += lib.set_read(ids, read)
            if starred is not None:
                changed += lib.set_starred(ids, starred)
        return changed

    def mark_view_read(self, view: View | None = None, query: str = "") -> list[int]:
        """Mark read every unread item of `view` matching `query`: the ids marked (for undo)."""
        ids = self.library.item_ids(query, view=replace(view or View(), unread_only=True))
        self.library.set_read(ids)
        return ids

    def tag(
        self, ids: Sequence[int], *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> list[Item]:
        """Add and remove tags on `ids`; the items as they now are."""
        with self.library.db.doing(f"the tags of {len(ids)} item(s)"):
            self.library.tag(ids, add=add, remove=remove)
        return self.library.items_by_id(ids)

    def set_note(self, item_id: int, text: str) -> Item:
        """Set (an empty text deletes) the note of an item; the item as it now is."""
        with self.library.db.doing(f"the note of item {item_id}"):
            self.library.set_note(item_id, text)
        return self.library.item(item_id)

    def rename_tag(self, old: str, new: str) -> int:
        return self.library.rename_tag(old, new)

    def delete_tag(self, name: str) -> int:
        return self.library.delete_tag(name)

    # Saved searches and watches ---------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        return self.library.saved_searches()

    def saved_search(self, name: str) -> SavedSearch:
        """The saved search called `name`; NotFound if there is none."""
        for search in self.library.saved_searches():
            if search.name == name:
                return search
        raise NotFound(f"no saved search named {name!r}")

    def save_search(self, name: str, query: str) -> SavedSearch:
        """Keep `query` as the saved search `name` (replacing one of that name)."""
        return self.library.save_search(name, query)

    def update_search(self, search_id: int, name: str, query: str) -> None:
        self.library.update_search(search_id, name, query)

    def delete_search(self, which: int | str) -> SavedSearch | None:
        """Delete a saved search by id, or by name (NotFound if no search has it)."""
        found = self.saved_search(which) if isinstance(which, str) else None
        self.library.delete_search(found.id if found else int(which))
        return found

    def watches(self) -> list[Rule]:
        """The watch rules, config.toml's `[[watch]]` entries first brought in (they win)."""
        self.library.sync_watch(self.settings.watch)
        return self.library.rules()

    def sync_watches(self) -> None:
        self.library.sync_watch(self.settings.watch)

    def apply_watches(self, name: str | None = None) -> dict[str, int]:
        """Run the watch rules (or the one named) over the whole library: items matched each."""
        self.library.sync_watch(self.settings.watch)
        return self.library.apply_rules(name=name)

    def save_watch(
        self,
        name: str,
        query: str,
        *,
        add_tags: Sequence[str] = (),
        star: bool = False,
        mark_read: bool = False,
        hide: bool = False,
        replaces: str | None = None,
        apply_now: bool = False,
    ) -> int | None:
        """Save the watch rule `name` (in place of the rule named `replaces`); with `apply_now`,
        run it over the library and return how many items it matched."""
        lib = self.library
        if replaces:
            for old in lib.rules():
                if old.name == replaces:
                    lib.delete_rule(old.id)
        lib.save_rule(
            name, query, add_tags=list(add_tags), star=star, mark_read=mark_read, hide=hide
        )
        return lib.apply_rules(name=name).get(name, 0) if apply_now else None

    def delete_watch(self, rule_id: int) -> None:
        self.library.delete_rule(rule_id)

    # Feeds --------------------------------------------------------------------------------------

    def feeds(self, *, counts: bool = True) -> list[Feed]:
        return self.library.feeds(counts=counts)

    def feed(self, ref: int | str) -> Feed:
        """A feed by id (a number, or its digits) or by URL; NotFound if there is none."""
        if isinstance(ref, int) or ref.isdigit():
            number = int(ref)
            if not 0 < number <= LARGEST_ID:
                raise UsageError(f"{ref} is not an id (ids are 1 to {LARGEST_ID})")
            return self.library.feed(number)
        feed = self.library.feed_by_url(ref)
        if feed is None:
            raise NotFound(f"no feed {ref!r}; `veille feeds` lists them")
        return feed

    def feed_policy(self, feed: Feed) -> EffectivePolicy:
        """Whether `feed`'s items get their full text, and which setting decided it."""
        from veille.core.fulltext.policy import feed_policy

        return feed_policy(self.settings, feed.url, feed.full_text)

    def set_feed(
        self,
        feed_id: int,
        *,
        title: str | None = None,
        folder: str | None = None,
        policy: FeedPolicy | None = None,
    ) -> Feed:
        """Change what is given of a feed's title, folder and own full-text policy ("" follows
        config.toml); the feed as it now is."""
        lib = self.library
        if folder is not None:
            lib.set_feed_folder(feed_id, folder)
        if title is not None:
            lib.set_feed_title(feed_id, title)
        if policy is not None:
            lib.set_feed_policy(feed_id, policy)
        return lib.feed(feed_id)

    def remove_feed(self, ref: int | str) -> Feed:
        """Unsubscribe from a feed and delete its items; the feed that was."""
        feed = self.feed(ref)
        self.library.remove_feed(feed.id)
        return feed

    def cleartext_warning(self) -> str:
        """A sentence naming hosts whose secret headers stay unsent over http (else "")."""
        return network.cleartext_warning(self)

    # Subscriptions, the network -------------------------------------------------------------

    def discover(self, url: str) -> Discovery:
        """The feeds found at `url` (a site or a feed; `https://` is assumed without scheme)."""
        return asyncio.run(network.discover(self, url))

    def subscribe(self, url: str, *, title: str = "", folder: str = "") -> Feed:
        return self.library.add_feed(url, title=title, folder=folder)

    def import_subscriptions(self, file: Path) -> tuple[int, int]:
        """Subscribe to the feeds of an OPML or newsboat `urls` file: (added, already there)."""
        return self.library.add_feeds(network.read_subscription_file(file))

    def refresh(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        force: bool = False,
        on_progress: Callable[[RefreshProgress], None] | None = None,
        prefetch: bool = True,
    ) -> Refreshed:
        """Fetch the feeds (all, or `feed_ids`), run the watches, group stories, then fetch the
        full texts their policies ask for, into the cache (when it can be used)."""
        return asyncio.run(
            self.refresh_async(feed_ids, force=force, on_progress=on_progress, prefetch=prefetch)
        )

    async def refresh_async(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        force: bool = False,
        on_progress: Callable[[RefreshProgress], None] | None = None,
        prefetch: bool = True,
    ) -> Refreshed:
        return await network.refresh(self, feed_ids, force, on_progress, prefetch)

    def fetch_full_text(self, item_id: int) -> FullTextResult:
        """Fetch and extract an item's article now, into the cache; never raises for a bad page."""
        return asyncio.run(network.fetch_full_text(self, item_id))

    def prefetch(
        self,
        query: str = "is:unread",
        *,
        every: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> PrefetchReport:
        """Fetch the full texts of the items matching `query` whose feed policy wants them (all
        of them with `every`), for reading offline."""
        return asyncio.run(network.prefetch(self, query, every, on_progress))

    def fetch_page(self, url: str) -> tuple[bytes, str, str]:
        """A page the user named: (body, content type, final URL)."""
        return asyncio.run(network.fetch_page(self, url))

    def extract(self, page: bytes, url: str, content_type: str = "") -> Article:
        """The article `page` holds, as the full-text fetcher would extract it."""
        return network.extract(self, page, url, content_type)

    def keep_page(self, item_id: int, page: bytes, url: str, content_type: str = "") -> None:
        """Keep the article of a page already at hand as `item_id`'s full text (in the cache,
        and in the library's own copy); VeilleError when the page holds no article."""
        from veille.core.fulltext.cache import CachedArticle

        article = self.extract(page, url, content_type)
        self.cache.put_article(item_id, CachedArticle.of(url, article))
        self.library.record_full_text(item_id, article.html, pin=False)

    def cache_stats(self) -> CacheStats:
        return self.needed_cache().stats()

    def clear_cache(self) -> int:
        return self.needed_cache().clear()

    # Exports, backups, state --------------------------------------------------------------------

    def check_output(self, path: Path) -> None:
        """Refuse, before any work, a file name that cannot be written: empty, a folder, in a
        folder that does not exist (the verbs that write files check it too)."""
        from veille.core.outfile import check_target

        check_target(path)

    def export_options(
        self, *, lang: str | None = None, group_by: str = "none", query: str = "", title: str = ""
    ) -> ExportOptions:
        """The options of an export made today, in `lang` (default: the config's)."""
        from veille.core.export import ExportOptions, review_date

        options = ExportOptions(
            lang=lang or self.settings.lang, group_by=group_by, query=query, generated=review_date()
        )
        if title:
            options.title = title
        return options

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
        from veille.core import exporting

        return exporting.export(self, fmt, options, query, view, ids, to, make_folder)

    def export_subscriptions(self, *, include_secrets: bool = False, to: Path | None = None) -> str:
        """The subscriptions as OPML 2.0 (keys in URLs hidden unless `include_secrets`)."""
        from veille.core import exporting

        return exporting.subscriptions(self, include_secrets, to)

    def export_state(self, *, include_secrets: bool = False, to: Path | None = None) -> str:
        """All the user's state as JSON; with `to`, written to a private file."""
        from veille.core import exporting

        return exporting.state(self, include_secrets, to)

    def import_state(self, file: Path) -> dict[str, int]:
        """Merge a state file into the library: how many of each kind were imported."""
        from veille.core import exporting

        return exporting.import_state(self, file)

    def backup(self, file: str | None = None) -> Path:
        """A checked copy of the library (see `veille.core.backups.backup`); where it went."""
        from veille.core import backups

        return backups.backup(self.library, self.paths, file)

    def restore(self, file: Path) -> Restored:
        """Put a sound backup in the library's place, keeping the current library first."""
        from veille.core import backups

        self.close()  # this process's own lease would be in the way
        return Restored(file, backups.restore(self.paths, file))


def _describe_marks(ids: Sequence[int], read: bool | None, starred: bool | None) -> str:
    which = f"item {ids[0]}" if len(ids) == 1 else f"{len(ids)} items"
    if starred is not None:
        return f"the {'star' if starred else 'unstar'} of {which}"
    return f"the {'read' if read else 'unread'} mark of {which}"
