"""Moving a library: all of the user's state as one documented JSON file, and back.

The file (`"format": "veille-state"`, `"version": 2`) holds feeds (URL, title, folder, their own
full-text policy, "" for none), saved searches, watch rules, and every item that carries user
state — read, starred, hidden, tags, note — with enough of the item (guid, link, title, dates,
feed content and pinned full text) to stand on its own before the feeds are fetched again. Items are matched by feed URL
and guid, so importing into a library that already has them updates their state in place, and
importing the same file twice changes nothing.

Unread items without tags or notes are not exported: a refresh brings them back. Feed addresses
that hold a key or password are written with the secret hidden unless the caller asks for it.
"""

from __future__ import annotations

import json
import time
from typing import Any

from veille.core.ingest.addresses import web_link
from veille.core.library._feeds import folder_id
from veille.core.library._problems import LibraryError
from veille.core.library._store import next_item_id, reindex
from veille.core.library.library import Library
from veille.core.query import normalize_tag
from veille.core.redact import redact_url
from veille.core.text import NOTE_LIMIT, clean_line, clean_note, terminal_safe
from veille.core.translations import _

FORMAT = "veille-state"
VERSION = 2
# Version 1 files were written when every feed stored "auto" whether chosen or not: read there,
# "auto" means "no policy of its own", as the library's own migration decided.
READABLE = (1, 2)


def export_state(lib: Library, *, include_secrets: bool = False) -> dict[str, Any]:
    """All user state. Feed addresses lose their keys and passwords unless `include_secrets`."""
    conn = lib.conn
    shown = (lambda url: url) if include_secrets else redact_url
    feeds = [
        {"url": shown(f.url), "title": f.title, "folder": f.folder, "full_text": f.full_text}
        for f in lib.feeds()
    ]
    tags: dict[int, list[str]] = {}
    for item_id, name in conn.execute(
        "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
        "ORDER BY it.item_id, t.name"
    ):
        tags.setdefault(item_id, []).append(name)
    items = []
    for row in conn.execute(
        """SELECT i.id, f.url, i.guid, i.url, i.title, i.author, i.published, i.first_seen,
                  i.sort_ts, i.summary, i.content,
                  -- Every fetched article is in the library now; a state file carries those of
                  -- starred items only, as before (the others can be fetched again).
                  CASE WHEN i.starred = 1 THEN i.full_text ELSE '' END,
                  i.read, i.starred, i.hidden,
                  COALESCE(n.body, '')
           FROM items i JOIN feeds f ON f.id = i.feed_id LEFT JOIN notes n ON n.item_id = i.id
           WHERE i.read = 1 OR i.starred = 1 OR i.hidden = 1 OR n.body IS NOT NULL
              OR EXISTS (SELECT 1 FROM item_tags it WHERE it.item_id = i.id)
           ORDER BY f.url, i.guid"""
    ):
        items.append(
            {
                "feed": shown(row[1]),
                "guid": row[2],
                "url": row[3],
                "title": row[4],
                "author": row[5],
                "published": row[6],
                "first_seen": row[7],
                "sort_ts": row[8],
                "summary": row[9],
                "content": row[10],
                "full_text": row[11],
                "read": bool(row[12]),
                "starred": bool(row[13]),
                "hidden": bool(row[14]),
                "note": row[15],
                "tags": tags.get(row[0], []),
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "feeds": feeds,
        "saved_searches": [{"name": s.name, "query": s.query} for s in lib.saved_searches()],
        "rules": [
            {
                "name": r.name,
                "query": r.query,
                "add_tags": r.add_tags,
                "star": r.star,
                "mark_read": r.mark_read,
                "hide": r.hide,
                "enabled": r.enabled,
            }
            for r in lib.rules()
        ],
        "items": items,
    }


def dumps_state(lib: Library, *, include_secrets: bool = False) -> str:
    state = export_state(lib, include_secrets=include_secrets)
    return json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def import_state(lib: Library, data: Any) -> dict[str, int]:
    """Merge a state file into the library; returns counts. Refuses a foreign file whole."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LibraryError(_('not a veille state file (its "format" is not "veille-state")'))
    if data.get("version") not in READABLE:
        raise LibraryError(
            _("unsupported veille state version {value!r}").format(value=data.get("version"))
        )
    # Imported here: its validation (and the OPML rules it applies) serves this verb alone.
    from veille.core.library._state_file import check_state

    state = check_state(data)
    counts = {"feeds": 0, "items": 0, "searches": 0, "rules": 0}
    with lib.db.write() as conn:
        for f in state.feeds:
            if conn.execute("SELECT 1 FROM feeds WHERE url = ?", (f.url,)).fetchone():
                continue
            conn.execute(
                "INSERT INTO feeds (url, title, folder_id, full_text, added) VALUES (?,?,?,?,?)",
                (
                    f.url,
                    f.title,
                    folder_id(conn, f.folder),
                    _own_policy(f.full_text, data["version"]),
                    time.time(),
                ),
            )
            counts["feeds"] += 1
    feed_ids = dict(lib.conn.execute("SELECT url, id FROM feeds").fetchall())
    with lib.db.write() as conn:
        for item in state.items:
            feed_id = feed_ids.get(item.feed)
            if feed_id is None:
                continue
            row = conn.execute(
                "SELECT id FROM items WHERE feed_id = ? AND guid = ?", (feed_id, item.guid)
            ).fetchone()
            if row is None:
                now = item.first_seen or time.time()
                item_id = next_item_id(conn)
                conn.execute(
                    """INSERT INTO items (id, feed_id, guid, url, title, author, published,
                           first_seen, sort_ts, summary, content, full_text, has_full_text)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    (
                        item_id,
                        feed_id,
                        item.guid,
                        web_link(clean_line(item.url)),
                        clean_line(item.title),
                        clean_line(item.author),
                        item.published,
                        now,
                        item.sort_ts or now,
                        terminal_safe(item.summary),
                        terminal_safe(item.content),
                        terminal_safe(item.full_text),
                        int(bool(item.full_text)),
                    ),
                )
                if item.full_text:
                    conn.execute(
                        "INSERT OR REPLACE INTO full_texts (item_id, state) VALUES (?, 'fetched')",
                        (item_id,),
                    )
            else:
                item_id = row[0]
            conn.execute(
                "UPDATE items SET read = ?, starred = ?, hidden = ? WHERE id = ?",
                (
                    int(item.read),
                    int(item.starred),
                    int(item.hidden),
                    item_id,
                ),
            )
            note = clean_note(item.note)[:NOTE_LIMIT]
            if note.strip():
                conn.execute(
                    "INSERT INTO notes (item_id, body, updated) VALUES (?, ?, ?) ON CONFLICT"
                    "(item_id) DO UPDATE SET body = excluded.body",
                    (item_id, note, time.time()),
                )
            for name in {normalize_tag(raw) for raw in item.tags} - {""}:
                conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
                conn.execute(
                    "INSERT OR IGNORE INTO item_tags (item_id, tag_id) "
                    "SELECT ?, id FROM tags WHERE name = ?",
                    (item_id, name),
                )
            reindex(conn, item_id)
            counts["items"] += 1
    for search in state.searches:
        lib.save_search(search.name, search.query)
        counts["searches"] += 1
    for rule in state.rules:
        lib.save_rule(
            rule.name,
            rule.query,
            add_tags=rule.add_tags,
            star=rule.star,
            mark_read=rule.mark_read,
            hide=rule.hide,
            enabled=rule.enabled,
        )
        counts["rules"] += 1
    return counts


def _own_policy(policy: str, version: int) -> str:
    if policy == "auto" and version == 1:
        return ""
    return policy if policy in ("auto", "always", "never") else ""
