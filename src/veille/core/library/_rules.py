"""Watch rules: a name, a query, and what to do with the items it matches.

Rules live in the library so the app can list and edit them; `[[watch]]` entries of config.toml
are copied in at start (the config file wins for the names it defines). A rule runs on new items
at every refresh and on the whole library on demand, and reports how many items it matched.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from veille.core.library._db import Database
from veille.core.library._problems import LibraryError
from veille.core.library._views import build_where
from veille.core.library._vocabulary import forms_in
from veille.core.model import Rule
from veille.core.query import normalize_tag
from veille.core.settings import WatchSettings
from veille.core.text import clean_line
from veille.core.translations import _


def _rule(row: Sequence[object]) -> Rule:
    actions = json.loads(str(row[3]) or "{}")
    return Rule(
        id=int(row[0]),  # type: ignore[call-overload]
        name=str(row[1]),
        query=str(row[2]),
        add_tags=list(actions.get("add_tags", [])),
        star=bool(actions.get("star")),
        mark_read=bool(actions.get("read")),
        hide=bool(actions.get("hide")),
        enabled=bool(row[4]),
    )


def list_rules(conn: sqlite3.Connection) -> list[Rule]:
    return [
        _rule(r)
        for r in conn.execute(
            "SELECT id, name, query, actions, enabled FROM rules ORDER BY position, name"
        )
    ]


def save_rule(
    db: Database,
    name: str,
    query: str,
    *,
    add_tags: Iterable[str] = (),
    star: bool = False,
    mark_read: bool = False,
    hide: bool = False,
    enabled: bool = True,
) -> Rule:
    name, query = clean_line(name, 200), clean_line(query)
    add_tags = [tag for tag in (normalize_tag(t) for t in add_tags) if tag]
    if not name or not query:
        raise LibraryError(_("a watch rule needs a name and a query"))
    build_where(query, None)  # refuse a query that does not compile before saving it
    actions = json.dumps(
        {"add_tags": sorted(set(add_tags)), "star": star, "read": mark_read, "hide": hide},
        ensure_ascii=False,
    )
    with db.write() as conn:
        conn.execute(
            "INSERT INTO rules (name, query, actions, enabled) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET query = excluded.query, actions = excluded.actions, "
            "enabled = excluded.enabled",
            (name, query, actions, int(enabled)),
        )
        row = conn.execute(
            "SELECT id, name, query, actions, enabled FROM rules WHERE name = ?", (name,)
        ).fetchone()
    return _rule(row)


def delete_rule(db: Database, rule_id: int) -> None:
    with db.write() as conn:
        conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,))


def matching_ids(conn: sqlite3.Connection, rule: Rule, within: Sequence[int] | None) -> list[int]:
    cond = build_where(rule.query, None, forms=forms_in(conn))
    if within is None and cond.index is not None:
        # Words alone: the search index lists its hits itself, where joining each to its item
        # and feed took seconds for a rule found in most of a million items.
        found = conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (cond.index,))
        return [r[0] for r in found]
    if within is None:
        sql = f"SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id WHERE {cond.sql}"
        return [r[0] for r in conn.execute(sql, cond.params)]
    # The new items, all in one statement: a search's word list is gathered once per statement,
    # over the whole library (a million items: about a second), so a statement per few hundred
    # ids made a refresh's rules cost the library's size many times over.
    sql = (
        "SELECT i.id FROM json_each(?) AS new CROSS JOIN items i ON i.id = new.value "
        f"JOIN feeds f ON f.id = i.feed_id WHERE {cond.sql}"
    )
    return [r[0] for r in conn.execute(sql, (json.dumps(sorted(set(within))), *cond.params))]


def sync_watch(db: Database, watches: Iterable[WatchSettings]) -> None:
    """Copy config.toml's [[watch]] entries into the library (the file wins)."""
    for w in watches:
        save_rule(
            db,
            w.name,
            w.query,
            add_tags=w.add_tags,
            star=w.star,
            mark_read=w.mark_read,
            hide=w.hide,
        )


def chosen_rules(conn: sqlite3.Connection, name: str | None) -> list[Rule]:
    """The enabled rules, or the one named (enabled or not)."""
    chosen = [r for r in list_rules(conn) if r.enabled or r.name == name]
    if name is not None:
        chosen = [r for r in chosen if r.name.casefold() == name.casefold()]
        if not chosen:
            raise LibraryError(_("no watch rule named {name!r}").format(name=name))
    return chosen
