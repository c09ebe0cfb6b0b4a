"""The user's judgement — read marks, stars, hidden items, tags, notes — and full texts.

These are the rows a refresh never touches and a crash must never lose.
"""

from __future__ import annotations

from collections.abc import Iterable

from veille.core.library import store, userstate
from veille.core.library.base import FullTextSource
from veille.core.library.reading import ReadingLayer
from veille.core.model import (
    Stats,
)


class MarksLayer(ReadingLayer):
    # User state: read, star, tags, notes (the parts that must never be lost) ---------------

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        return userstate.set_flag(self.db, "read", list(ids), read)

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int:
        ids = list(ids)
        changed = userstate.set_flag(self.db, "starred", ids, starred)
        if starred:
            self._pin_full_texts(ids)
        return changed

    # Full texts ----------------------------------------------------------------------------

    def attach_cache(self, cache: FullTextSource | None) -> None:
        """Let the library read full texts kept in the cache (and pin them when starring)."""
        self._cache = cache

    def _pin_full_texts(self, ids: list[int]) -> None:
        """Copy starred items' full texts from the cache into the library: a press review of
        starred items must never depend on a cache that may be evicted or deleted."""
        if self._cache is None or not ids:
            return
        for item_id in ids:
            row = self.conn.execute(
                "SELECT has_full_text, full_text FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            if row is None or not row[0] or row[1]:
                continue
            article = self._cache.article(item_id)
            if article is not None:
                self.record_full_text(item_id, article.html, pin=True)

    def record_full_text(self, item_id: int, html: str, *, pin: bool) -> None:
        with self.db.write() as conn:
            conn.execute(
                "UPDATE items SET has_full_text = 1, full_text_error = '', "
                "full_text = CASE WHEN ? THEN ? ELSE full_text END WHERE id = ?",
                (int(pin), html, item_id),
            )
            if pin:
                store.reindex(conn, item_id)

    def record_full_text_error(self, item_id: int, error: str) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE items SET full_text_error = ? WHERE id = ?", (error, item_id))

    def set_hidden(self, ids: Iterable[int], hidden: bool = True) -> int:
        return userstate.set_flag(self.db, "hidden", list(ids), hidden)

    def tag(self, ids: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        userstate.tag(self.db, list(ids), list(add), list(remove))

    def set_note(self, item_id: int, text: str) -> None:
        userstate.set_note(self.db, item_id, text)

    def rename_tag(self, old: str, new: str) -> int:
        """Rename (or merge) a tag and its children on every item; returns items touched."""
        return userstate.rename_tag(self.db, old, new)

    def delete_tag(self, name: str) -> int:
        return userstate.delete_tag(self.db, name)

    def tags(self) -> list[userstate.TagCount]:
        return userstate.tag_counts(self.conn)

    def stats(self) -> Stats:
        conn = self.conn
        feeds, failing = conn.execute(
            "SELECT count(*), coalesce(sum(last_error != ''), 0) FROM feeds"
        ).fetchone()
        items, unread, starred = conn.execute(
            "SELECT count(*), coalesce(sum(read = 0 AND hidden = 0), 0), "
            "coalesce(sum(starred), 0) FROM items"
        ).fetchone()
        tagged = conn.execute("SELECT count(DISTINCT item_id) FROM item_tags").fetchone()[0]
        return Stats(
            feeds=feeds,
            items=items,
            unread=unread,
            starred=starred,
            tagged=tagged,
            failing_feeds=failing,
        )
