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
    # 10 → 11: two-way sync with Google Reader API servers (`veille.core.sync`). The server
    # state last seen is the base of a three-way merge; `sync_dirty` is the journal of local
    # changes, written by triggers in the same transaction as the change, and only for items an
    # account knows (a library without accounts pays one index probe). A feed removed locally
    # keeps its `remote_feeds` row with `feed_id` NULL: that row is the pending unsubscription.
    """
    CREATE TABLE IF NOT EXISTS accounts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        username TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT '{}',
        cursor TEXT NOT NULL DEFAULT '{}',
        last_sync REAL,
        last_error TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE IF NOT EXISTS remote_feeds (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL,
        feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        base_folder TEXT NOT NULL DEFAULT '',
        base_title TEXT NOT NULL DEFAULT '',
        gone INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, remote_id)
    );
    CREATE INDEX IF NOT EXISTS remote_feeds_feed ON remote_feeds(feed_id);
    CREATE TABLE IF NOT EXISTS remote_items (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        base_read INTEGER NOT NULL DEFAULT 0,
        base_starred INTEGER NOT NULL DEFAULT 0,
        gone INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, remote_id)
    );
    CREATE INDEX IF NOT EXISTS remote_items_item ON remote_items(item_id, account_id);
    CREATE TABLE IF NOT EXISTS remote_labels (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        remote_name TEXT NOT NULL,
        tag TEXT NOT NULL,
        PRIMARY KEY (account_id, remote_name)
    );
    CREATE TABLE IF NOT EXISTS remote_item_labels (
        account_id INTEGER NOT NULL,
        remote_name TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        PRIMARY KEY (account_id, remote_name, remote_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS remote_item_labels_item
        ON remote_item_labels(account_id, remote_id);
    CREATE TABLE IF NOT EXISTS sync_dirty (
        account_id INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        PRIMARY KEY (account_id, item_id)
    ) WITHOUT ROWID;
    CREATE TRIGGER IF NOT EXISTS sync_item_marked AFTER UPDATE OF read, starred ON items
    WHEN old.read != new.read OR old.starred != new.starred
    BEGIN
        INSERT OR IGNORE INTO sync_dirty (account_id, item_id)
        SELECT account_id, new.id FROM remote_items WHERE item_id = new.id AND gone = 0;
    END;
    CREATE TRIGGER IF NOT EXISTS sync_item_tagged AFTER INSERT ON item_tags
    BEGIN
        INSERT OR IGNORE INTO sync_dirty (account_id, item_id)
        SELECT account_id, new.item_id FROM remote_items WHERE item_id = new.item_id AND gone = 0;
    END;
    CREATE TRIGGER IF NOT EXISTS sync_item_untagged AFTER DELETE ON item_tags
    BEGIN
        INSERT OR IGNORE INTO sync_dirty (account_id, item_id)
        SELECT account_id, old.item_id FROM remote_items WHERE item_id = old.item_id AND gone = 0;
    END;
    """,
    # 11 → 12: every item's full text has a state — none (no row), fetched, paywalled (the page
    # gave a teaser only) or failed (the reason in `items.full_text_error`) — and a fingerprint
    # of the site access (cookies, headers) it was last tried with, so that a paywalled or
    # failed item is tried again once the user gives its site new credentials. The fetched text
    # itself now lives in `items.full_text` for every item, not only starred ones. A table of
    # its own, written so that running this step twice changes nothing.
    """
    CREATE TABLE IF NOT EXISTS full_texts (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('fetched', 'paywalled', 'failed')),
        site TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS full_texts_state ON full_texts(state, item_id);
    INSERT OR IGNORE INTO full_texts (item_id, state)
        SELECT id, 'fetched' FROM items WHERE has_full_text = 1;
    INSERT OR IGNORE INTO full_texts (item_id, state)
        SELECT id, 'failed' FROM items WHERE has_full_text = 0 AND full_text_error != '';
    """,
    # 12 → 13: what a feed's source says beside its items: a permanent move being watched before
    # it is adopted (`_refresh.note_move`: its target, how many refreshes in a row ended there,
    # since when), and the tags the feed gives each new item (newsboat tags, OPML categories).
    # Tables of their own, created only if missing, so that the step may run again.
    """
    CREATE TABLE IF NOT EXISTS feed_moves (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        seen INTEGER NOT NULL,
        since REAL NOT NULL
    );
    CREATE TABLE IF NOT EXISTS feed_tags (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        PRIMARY KEY (feed_id, name)
    ) WITHOUT ROWID;
    """,
    # 13 → 14: feeds that are not feed documents: a web page read by CSS selectors ("page", its
    # recipe as JSON), a command that prints a feed ("exec") or rewrites one ("filter"). Only
    # the user's own import or command line writes here, never a feed or a redirect.
    """
    CREATE TABLE IF NOT EXISTS feed_sources (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('page', 'exec', 'filter')),
        spec TEXT NOT NULL
    );
    """,
    # 14 → 15: when a feed asks to be read (RSS ttl and skipHours, HTTP Cache-Control max-age),
    # for `veille refresh --due`; and each fetch's outcome and time, for `veille feeds --stats`
    # (kept 30 days).
    """
    CREATE TABLE IF NOT EXISTS feed_schedule (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        ttl REAL,
        skip_hours TEXT NOT NULL DEFAULT '',
        max_age REAL
    );
    CREATE TABLE IF NOT EXISTS fetch_log (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        at REAL NOT NULL,
        ok INTEGER NOT NULL,
        elapsed REAL
    );
    CREATE INDEX IF NOT EXISTS fetch_log_feed ON fetch_log(feed_id, at);
    """,
    # 15 → 16: the library's totals for `veille stats` (items, unread, starred, tagged), kept
    # by triggers in a one-row table: counting them read a million index entries (≈1 s).
    # Safe to replay: the totals are counted afresh.
    """
    CREATE TABLE IF NOT EXISTS item_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        items INTEGER NOT NULL,
        unread INTEGER NOT NULL,
        starred INTEGER NOT NULL,
        tagged INTEGER NOT NULL
    );
    INSERT OR REPLACE INTO item_totals (id, items, unread, starred, tagged)
        SELECT 1, count(*), coalesce(sum(read = 0 AND hidden = 0), 0),
               coalesce(sum(starred != 0), 0),
               (SELECT count(*) FROM (SELECT DISTINCT item_id FROM item_tags))
        FROM items;
    CREATE TRIGGER IF NOT EXISTS item_totals_added AFTER INSERT ON items
    BEGIN
        UPDATE item_totals SET items = items + 1,
            unread = unread + (new.read = 0 AND new.hidden = 0),
            starred = starred + (new.starred != 0);
    END;
    CREATE TRIGGER IF NOT EXISTS item_totals_removed AFTER DELETE ON items
    BEGIN
        UPDATE item_totals SET items = items - 1,
            unread = unread - (old.read = 0 AND old.hidden = 0),
            starred = starred - (old.starred != 0);
    END;
    CREATE TRIGGER IF NOT EXISTS item_totals_changed AFTER UPDATE OF read, hidden, starred ON items
    WHEN old.read != new.read OR old.hidden != new.hidden OR old.starred != new.starred
    BEGIN
        UPDATE item_totals SET
            unread = unread + (new.read = 0 AND new.hidden = 0) - (old.read = 0 AND old.hidden = 0),
            starred = starred + (new.starred != 0) - (old.starred != 0);
    END;
    CREATE TRIGGER IF NOT EXISTS item_totals_tagged AFTER INSERT ON item_tags
    WHEN NOT EXISTS (SELECT 1 FROM item_tags WHERE item_id = new.item_id AND tag_id != new.tag_id)
    BEGIN
        UPDATE item_totals SET tagged = tagged + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS item_totals_untagged AFTER DELETE ON item_tags
    WHEN NOT EXISTS (SELECT 1 FROM item_tags WHERE item_id = old.item_id)
    BEGIN
        UPDATE item_totals SET tagged = tagged - 1;
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
