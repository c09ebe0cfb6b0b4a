"""The verbs on what the library keeps: items and their marks, tags and notes, saved searches,
watch rules, feeds; and the policies that go with them, decided here once: opening an item marks
its whole story read when `cluster_mark_read` says so, a saved search is found by its name, a
feed by its id or its address.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from veille.core.errors import NotFound, UsageError
from veille.core.home import Home
from veille.core.library import View
from veille.core.model import (
    ITEM_ORDERS,
    LARGEST_ID,
    Feed,
    FeedPolicy,
    Item,
    ItemRow,
    Rule,
    SavedSearch,
    Stats,
    TagCount,
)
from veille.core.outcomes import Opened, Snapshot
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.fulltext.policy import EffectivePolicy
    from veille.core.health import FeedHealth


class Keeping(Home):
    """Reading and marking items; saved searches, watches and feeds."""

    # Reading ------------------------------------------------------------------------------------

    def count(
        self, query: str = "", *, view: View | None = None, stop: threading.Event | None = None
    ) -> int:
        """How many rows the list of `query`/`view` has; `stop`, set from another thread, gives
        the count up (`Stopped`): the app counts each search typed, and stops the last one's."""
        with self._maybe_stopped(stop):
            return self.library.count(query, view=view)

    def rows(
        self,
        query: str = "",
        *,
        view: View | None = None,
        offset: int = 0,
        limit: int = 100,
        order: str = "newest",
        after: int | None = None,
        stop: threading.Event | None = None,
    ) -> list[ItemRow]:
        """A window of the list; `order`: newest (the default), oldest, title or feed.

        `after`: the id of the row held at `offset - 1` (the last row of the page before):
        the window is read from its place, which costs the same at any depth of the list.
        `stop` gives the read up as for `count` (the app stops the rows of a search typed
        over, which at a million items can take a good part of a second).
        """
        if order not in ITEM_ORDERS:
            raise UsageError(f"unknown order {order!r}: choose one of {', '.join(ITEM_ORDERS)}")
        with self._maybe_stopped(stop):
            return self.library.rows(
                query, view=view, offset=offset, limit=limit, order=order, after=after
            )

    def position(
        self,
        item_id: int,
        query: str = "",
        *,
        view: View | None = None,
        order: str = "newest",
        stop: threading.Event | None = None,
    ) -> int | None:
        with self._maybe_stopped(stop):
            return self.library.position(item_id, query, view=view, order=order)

    def _maybe_stopped(self, stop: threading.Event | None) -> AbstractContextManager[None]:
        return nullcontext() if stop is None else self.stoppable(stop)

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
            raise NotFound(_("no item with id {ids}").format(ids=", ".join(map(str, missing))))
        return list(ids)

    def story_count(self, ids: Sequence[int]) -> int:
        """How many stories the items `ids` tell: a review's entries, one per story."""
        return self.library.story_count(ids)

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
        raise NotFound(_("no saved search named {name!r}").format(name=name))

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

    def due_feeds(self) -> list[int]:
        """The feeds whose time to be read has come (`every`, ttl, max-age, skipHours)."""
        from veille.core.health import due_feed_ids

        return due_feed_ids(self.library, self.settings)

    def feed_health(self) -> list[FeedHealth]:
        """Per feed: last published, items a week, fetches and failures over 30 days, mean
        fetch time."""
        from veille.core.health import feed_health

        return feed_health(self.library)

    def feed_errors(self, per_feed: int = 5) -> dict[int, list[tuple[datetime, str]]]:
        """Each failing feed's error history over 30 days: (when, what was said), newest first,
        at most `per_feed` each; feeds that never failed are absent."""
        return {
            feed_id: [(datetime.fromtimestamp(at, UTC), error) for at, error in errors]
            for feed_id, errors in self.library.feed_errors(per_feed).items()
        }

    def last_alert(self, name: str) -> dict[str, Any]:
        """What the watch's last alert did: {"at", "items", "error"}, or {} if none went."""
        from veille.core.alerts import last_alert

        return last_alert(self.library, name)

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
                raise UsageError(
                    _("{ref} is not an id (ids are 1 to {LARGEST_ID})").format(
                        ref=ref, LARGEST_ID=LARGEST_ID
                    )
                )
            return self.library.feed(number)
        feed = self.library.feed_by_url(ref)
        if feed is None:
            raise NotFound(_("no feed {ref!r}; `veille feeds` lists them").format(ref=ref))
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


def _describe_marks(ids: Sequence[int], read: bool | None, starred: bool | None) -> str:
    which = f"item {ids[0]}" if len(ids) == 1 else f"{len(ids)} items"
    if starred is not None:
        return f"the {'star' if starred else 'unstar'} of {which}"
    return f"the {'read' if read else 'unread'} mark of {which}"
