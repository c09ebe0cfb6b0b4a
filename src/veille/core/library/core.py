"""The `Library` facade: everything the app, the command line and the exporters ask of the store.

See `veille.core.library.base` for how the facade is layered. This last layer adds saved searches,
watch rules, the app's small remembered state, and backups.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from veille.core.library import rules
from veille.core.library.database import LibraryError
from veille.core.library.marks import MarksLayer
from veille.core.library.views import View, build_where
from veille.core.model import (
    Rule,
    SavedSearch,
)
from veille.core.settings import WatchSettings
from veille.core.text import clean_line


class Library(MarksLayer):
    """A veille library: one SQLite file."""

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Saved searches and small state --------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        searches = []
        for sid, name, query in self.conn.execute(
            "SELECT id, name, query FROM saved_searches ORDER BY position, name"
        ).fetchall():
            search = SavedSearch(id=sid, name=name, query=query)
            try:
                search.unread = self.count(query, view=View(unread_only=True))
            except ValueError:  # a query that no longer parses still shows, with no count
                search.unread = 0
            searches.append(search)
        return searches

    def save_search(self, name: str, query: str) -> SavedSearch:
        name, query = clean_line(name, 200), clean_line(query)
        build_where(query, None)  # refuse a query that does not compile, before saving it
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO saved_searches (name, query) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                (name.strip(), query.strip()),
            )
            sid = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (name.strip(),))
            return SavedSearch(id=sid.fetchone()[0], name=name.strip(), query=query.strip())

    def update_search(self, search_id: int, name: str, query: str) -> None:
        """Change a saved search in place: its id (and the app's memory of it) stays."""
        name, query = clean_line(name, 200), clean_line(query)
        build_where(query, None)
        try:
            with self.db.write() as conn:
                conn.execute(
                    "UPDATE saved_searches SET name = ?, query = ? WHERE id = ?",
                    (name.strip(), query.strip(), search_id),
                )
        except sqlite3.IntegrityError:
            raise LibraryError(f"a saved search is already named {name.strip()!r}") from None

    def delete_search(self, search_id: int) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))

    # Upkeep --------------------------------------------------------------------------------

    def tune(self) -> bool:
        """Renew the query planner's statistics once the library has grown by a tenth.

        Search counts are fast only when SQLite knows the narrow `items_flags` index beats the
        item rows, which it learns from ANALYZE; a bounded ANALYZE takes ~0.1 s at 100,000 items.
        Also runs when an index has no statistics yet. Returns whether it ran.
        """
        conn = self.conn
        try:
            stats = dict(
                conn.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'items'").fetchall()
            )
        except sqlite3.OperationalError:  # never analysed: no statistics table yet
            stats = {}
        # Partial indexes are left out: one over no rows yet (no starred item) gets no statistics.
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(items)") if not r[4]}
        known = int(str(stats.get("items_list", "0")).split()[0])
        current = int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
        # An index the statistics do not know (one a migration just added) counts as a change:
        # unknown, it looks cheap to the planner, which then walks the list through it and sorts
        # 100,000 items for a window of 100 (250 ms instead of 1).
        if known and abs(current - known) <= known // 10 and indexes <= stats.keys():
            return False
        with self.db.write() as writer:
            writer.execute("PRAGMA analysis_limit = 1000")
            writer.execute("ANALYZE")
        return True

    # Watch rules ---------------------------------------------------------------------------

    def rules(self) -> list[Rule]:
        found = rules.list_rules(self.conn)
        for rule in found:
            try:
                rule.unread = self.count(view=View(rule_id=rule.id, unread_only=True))
            except ValueError:
                rule.unread = 0
        return found

    def save_rule(self, name: str, query: str, **actions: Any) -> Rule:
        return rules.save_rule(self.db, name, query, **actions)

    def delete_rule(self, rule_id: int) -> None:
        rules.delete_rule(self.db, rule_id)

    def sync_watch(self, watches: Iterable[WatchSettings]) -> None:
        """Copy config.toml's [[watch]] entries into the library (the file wins)."""
        for w in watches:
            rules.save_rule(
                self.db,
                w.name,
                w.query,
                add_tags=w.add_tags,
                star=w.star,
                mark_read=w.mark_read,
                hide=w.hide,
            )

    def apply_rules(
        self, ids: Sequence[int] | None = None, *, name: str | None = None
    ) -> dict[str, int]:
        """Run enabled rules (or the one named) on `ids` (the whole library when None)."""
        counts: dict[str, int] = {}
        chosen = [r for r in rules.list_rules(self.conn) if r.enabled or r.name == name]
        if name is not None:
            chosen = [r for r in chosen if r.name.casefold() == name.casefold()]
            if not chosen:
                raise LibraryError(f"no watch rule named {name!r}")
        for rule in chosen:
            matched = rules.matching_ids(self.conn, rule, ids)
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

    def get_state(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_state(self, key: str, value: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

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
