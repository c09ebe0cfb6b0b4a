"""The library's schema and its numbered migrations.

The version lives in `PRAGMA user_version`. `MIGRATIONS[n]` takes a library from version `n` to
`n + 1`; a new library runs them all in order, so the path every user's file takes is the path the
tests take. Never edit a migration that has shipped: add the next one.

Conventions the rest of the core relies on (the query compiler among them):
- items are aliased `i` and feeds `f` in every item query;
- `items.sort_ts` (unix seconds, REAL) is the list order: published date, else first-seen time;
- `items_fts` holds plain text, rowid = items.id, one row per item, kept in step by the library;
  its `state` column says which lists show the item and its language (`veille.core.query.statewords`).
"""

from __future__ import annotations

from veille.core.library._schema_later import LATER_STEPS

MIGRATIONS: list[str] = [
    # 0 → 1: the first schema.
    """
    CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,          -- "Presse/France"; nested folders joined with "/"
        position INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        user_title TEXT NOT NULL DEFAULT '',
        site_url TEXT NOT NULL DEFAULT '',
        folder_id INTEGER REFERENCES folders(id) ON DELETE SET NULL,
        language TEXT NOT NULL DEFAULT '',
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        last_status INTEGER,
        last_error TEXT NOT NULL DEFAULT '',
        failures INTEGER NOT NULL DEFAULT 0,
        next_retry REAL,
        last_fetched REAL,
        full_text TEXT NOT NULL DEFAULT 'auto'
            CHECK (full_text IN ('auto', 'always', 'never')),
        gone INTEGER NOT NULL DEFAULT 0,
        moved_to TEXT NOT NULL DEFAULT '',
        added REAL NOT NULL,
        remote_id TEXT
    );
    CREATE INDEX feeds_folder ON feeds(folder_id);

    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        canonical_url TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        content TEXT NOT NULL DEFAULT '',
        published REAL,
        updated REAL,
        first_seen REAL NOT NULL,
        sort_ts REAL NOT NULL,
        categories TEXT NOT NULL DEFAULT '[]',   -- JSON list: the feed's own categories
        enclosures TEXT NOT NULL DEFAULT '[]',   -- JSON list of {url, type, length}
        language TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL DEFAULT '',
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        starred_at REAL,
        hidden INTEGER NOT NULL DEFAULT 0,
        truncated INTEGER NOT NULL DEFAULT 0,
        full_text TEXT NOT NULL DEFAULT '',      -- pinned full text (HTML), kept for starred items
        has_full_text INTEGER NOT NULL DEFAULT 0, -- a full text exists (library or cache)
        full_text_error TEXT NOT NULL DEFAULT '',
        cluster_id INTEGER,
        remote_id TEXT,
        UNIQUE (feed_id, guid)
    );
    CREATE INDEX items_sort ON items(sort_ts DESC, id DESC);
    CREATE INDEX items_feed_sort ON items(feed_id, sort_ts DESC, id DESC);
    CREATE INDEX items_unread ON items(sort_ts DESC, id DESC) WHERE read = 0;
    CREATE INDEX items_starred ON items(sort_ts DESC, id DESC) WHERE starred = 1;
    CREATE INDEX items_canonical ON items(canonical_url);
    CREATE INDEX items_cluster ON items(cluster_id) WHERE cluster_id IS NOT NULL;

    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE            -- normalised: NFC, lower case, "/" for hierarchy
    );

    CREATE TABLE item_tags (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (item_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX item_tags_tag ON item_tags(tag_id, item_id);

    CREATE TABLE notes (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        updated REAL NOT NULL
    );

    CREATE TABLE rules (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL,
        actions TEXT NOT NULL DEFAULT '{}',  -- JSON: {"add_tags": [...], "star": b, "read": b, "hide": b}
        enabled INTEGER NOT NULL DEFAULT 1,
        position INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0
    );

    -- Small key/value state: the app's remembered panes and selection, and the like.
    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    CREATE VIRTUAL TABLE items_fts USING fts5(
        title, text, author, feed, note,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # 1 → 2: one story, many sources. `lead_hash` fingerprints the opening of an item's text so
    # the same wire copy is found in another feed through an index; `cluster_head` marks the
    # one item of a story that the list shows.
    """
    ALTER TABLE items ADD COLUMN lead_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE items ADD COLUMN cluster_head INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX items_lead ON items(lead_hash) WHERE lead_hash != '';
    """,
    # 2 → 3: the list's counts. Item rows are wide (bodies inline), so counting a view by
    # scanning them reads the whole file; this index holds every column a view filters on, so
    # counts and windows are answered from it alone.
    """
    CREATE INDEX items_list ON items(sort_ts DESC, id DESC, feed_id, read, starred, hidden,
                                     cluster_head, truncated, has_full_text);
    """,
    # 3 → 4: counting search results and unread items. A free-text search yields item ids from the FTS index;
    # checking each one against the wide item rows reads most of the file, this narrow index
    # answers the same checks. ANALYZE (bounded, then kept current by `Library.tune`) lets the
    # planner know it is there for that.
    """
    CREATE INDEX items_flags ON items(id, hidden, cluster_head, read, starred, feed_id, sort_ts,
                                      language);
    -- The Unread view, the one read most, gets the same treatment: counted from its index alone.
    DROP INDEX items_unread;
    CREATE INDEX items_unread ON items(sort_ts DESC, id DESC, feed_id, starred, hidden,
                                       cluster_head, truncated, has_full_text) WHERE read = 0;
    PRAGMA analysis_limit = 1000;
    ANALYZE;
    """,
    # 4 → 5: the feeds pane's counts. Every feed's total and unread count, read in feed order
    # from this narrow index, without sorting and without visiting item rows; the pane asks for
    # them after every read mark.
    """
    CREATE INDEX items_feed_flags ON items(feed_id, read, hidden);
    """,
    # 5 → 6: `has:enclosure`. Enclosures are kept in the wide item rows, so listing the items
    # that have one read every row of the library (100,000 items: 270 ms for the first rows,
    # 90 ms for the count). This index holds only those items, in list order; the query's
    # condition is written exactly as its WHERE so that the planner can use it.
    """
    CREATE INDEX items_enclosed ON items(sort_ts DESC, id DESC) WHERE enclosures != '[]';
    """,
    # 6 → 7: what an item is beyond its text — which lists show it, its language — as words of
    # the search index's own `state` column (see `veille.core.query.statewords`): counting a common
    # word no longer checks each hit against the item rows. FTS5 cannot add a column, so the
    # index is written anew (~4 s for 100,000 items); search rows without an item are left
    # behind. The triggers keep the column in step whoever changes `hidden`, `cluster_head`, an
    # item's language or its feed's.
    """
    CREATE VIRTUAL TABLE items_fts_v7 USING fts5(
        title, text, author, feed, note, state,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    -- An item's `state` words (`veille.core.query.statewords.state` is the same in Python).
    CREATE VIEW items_state (id, state) AS
        SELECT id, char(57344) || 'a ' || char(57344) || 'l' || hex(lower(
                   CASE WHEN instr(tag, '-') > 0 THEN substr(tag, 1, instr(tag, '-') - 1)
                   ELSE tag END))
               || CASE WHEN hidden = 0 THEN ' ' || char(57344) || 'k'
                   || CASE WHEN cluster_head = 1 THEN ' ' || char(57344) || 's' ELSE '' END
                   ELSE '' END
        FROM (SELECT i.id, i.hidden, i.cluster_head,
                     CASE WHEN i.language != '' THEN i.language ELSE f.language END AS tag
              FROM items i JOIN feeds f ON f.id = i.feed_id);
    INSERT INTO items_fts_v7 (rowid, title, text, author, feed, note, state)
        SELECT s.rowid, s.title, s.text, s.author, s.feed, s.note, v.state
        FROM items_fts s JOIN items_state v ON v.id = s.rowid;
    DROP TABLE items_fts;
    ALTER TABLE items_fts_v7 RENAME TO items_fts;
    CREATE TRIGGER items_state_changed AFTER UPDATE OF hidden, cluster_head, language ON items
    WHEN old.hidden != new.hidden OR old.cluster_head != new.cluster_head
        OR old.language != new.language
    BEGIN
        UPDATE items_fts SET state = (SELECT state FROM items_state WHERE id = new.id)
        WHERE rowid = new.id;
    END;
    CREATE TRIGGER feeds_language_changed AFTER UPDATE OF language ON feeds
    WHEN old.language != new.language
    BEGIN
        UPDATE items_fts SET state = (SELECT state FROM items_state WHERE id = items_fts.rowid)
        WHERE rowid IN (SELECT id FROM items WHERE feed_id = new.id AND language = '');
    END;
    """,
    # 7 → 8: a feed without a full-text policy of its own follows config.toml's `full_text`,
    # stored as ''. Until now every feed stored 'auto', chosen or not (it was the default, and
    # OPML imports wrote it too), so there is no telling which were chosen: 'auto' becomes
    # "follow config.toml", which changes nothing for a config that keeps the default, and
    # 'always' and 'never' stay the feed's own. SQLite cannot change a CHECK in place: the
    # column is added anew (a column may be dropped with its own CHECK, not renamed into one).
    """
    ALTER TABLE feeds ADD COLUMN full_text_own TEXT NOT NULL DEFAULT ''
        CHECK (full_text_own IN ('', 'auto', 'always', 'never'));
    UPDATE feeds SET full_text_own = full_text WHERE full_text IN ('always', 'never');
    ALTER TABLE feeds DROP COLUMN full_text;
    ALTER TABLE feeds RENAME COLUMN full_text_own TO full_text;
    """,
    # 8 → 9: item links are web addresses only. A `file:` (or other) link stored by an earlier
    # version is dropped, with any full text read through it (a local file's contents), from
    # the search index too; the cache ignores such articles by itself.
    """
    UPDATE items_fts SET text = ''
    WHERE rowid IN (SELECT id FROM items WHERE url != '' AND full_text != ''
                    AND NOT (url LIKE 'http://%' OR url LIKE 'https://%'));
    UPDATE items SET url = '', canonical_url = '', full_text = '', has_full_text = 0
    WHERE url != '' AND NOT (url LIKE 'http://%' OR url LIKE 'https://%');
    """,
    # 9 → 10: what users typed is now cleaned where it enters the library (no control or bidi
    # character, a terminal would obey them); text stored before is cleaned once here. A name
    # whose clean form is already taken keeps its old spelling (OR IGNORE) rather than merging.
    """
    UPDATE notes SET body = veille_clean_note(body) WHERE body != veille_clean_note(body);
    UPDATE feeds SET user_title = veille_clean_line(user_title, 300)
    WHERE user_title != veille_clean_line(user_title, 300);
    UPDATE OR IGNORE folders SET path = veille_clean_line(path, 2000)
    WHERE path != veille_clean_line(path, 2000);
    UPDATE OR IGNORE saved_searches
    SET name = veille_clean_line(name, 200), query = veille_clean_line(query, 2000)
    WHERE name != veille_clean_line(name, 200) OR query != veille_clean_line(query, 2000);
    UPDATE OR IGNORE rules
    SET name = veille_clean_line(name, 200), query = veille_clean_line(query, 2000)
    WHERE name != veille_clean_line(name, 200) OR query != veille_clean_line(query, 2000);
    UPDATE OR IGNORE tags SET name = veille_clean_tag(name) WHERE name != veille_clean_tag(name);
    """,
    *LATER_STEPS,
]

SCHEMA_VERSION = len(MIGRATIONS)
