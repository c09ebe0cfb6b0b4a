"""The library's schema steps from 10 → 11 on: sync with Google Reader API servers, full-text
states, what a feed's source says, page and command feeds, schedules, and the library's totals.

Kept beside `_schema.MIGRATIONS`, which ends with them; every step here creates what it needs
only if it is missing, so running one again changes nothing.
"""

from __future__ import annotations

LATER_STEPS: list[str] = [
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
    # 16 → 17: what each failed fetch said, beside `fetch_log`, so that a feed's error history
    # can be shown (kept as long as the log: 30 days).
    """
    CREATE TABLE IF NOT EXISTS fetch_errors (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        at REAL NOT NULL,
        error TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS fetch_errors_feed ON fetch_errors(feed_id, at);
    """,
    # 17 → 18: counts of a million-item library without reading a million index entries. The
    # number of items each list shows (`list_totals`: not hidden; not hidden and their story's
    # head), kept by triggers like `item_totals`; the feed index gains the story head and the
    # star, so that a feed's or a folder's count is read from it alone; and the starred items'
    # flags in the index of their list order, which replaces the one without them (19,877
    # starred of 1,000,000: counted in 150 ms → 1). Safe to replay: the totals are counted afresh.
    """
    CREATE TABLE IF NOT EXISTS list_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        kept INTEGER NOT NULL,
        shown INTEGER NOT NULL
    );
    INSERT OR REPLACE INTO list_totals (id, kept, shown)
        SELECT 1, coalesce(sum(hidden = 0), 0), coalesce(sum(hidden = 0 AND cluster_head = 1), 0)
        FROM items;
    CREATE TRIGGER IF NOT EXISTS list_totals_added AFTER INSERT ON items WHEN new.hidden = 0
    BEGIN
        UPDATE list_totals SET kept = kept + 1, shown = shown + (new.cluster_head = 1);
    END;
    CREATE TRIGGER IF NOT EXISTS list_totals_removed AFTER DELETE ON items WHEN old.hidden = 0
    BEGIN
        UPDATE list_totals SET kept = kept - 1, shown = shown - (old.cluster_head = 1);
    END;
    CREATE TRIGGER IF NOT EXISTS list_totals_changed AFTER UPDATE OF hidden, cluster_head ON items
    WHEN old.hidden != new.hidden OR old.cluster_head != new.cluster_head
    BEGIN
        UPDATE list_totals SET
            kept = kept + (new.hidden = 0) - (old.hidden = 0),
            shown = shown + (new.hidden = 0 AND new.cluster_head = 1)
                - (old.hidden = 0 AND old.cluster_head = 1);
    END;
    DROP INDEX IF EXISTS items_feed_flags;
    CREATE INDEX IF NOT EXISTS items_feed_flags
        ON items(feed_id, read, hidden, cluster_head, starred);
    CREATE INDEX IF NOT EXISTS items_starred_flags
        ON items(sort_ts DESC, id DESC, hidden, cluster_head, read, feed_id) WHERE starred = 1;
    DROP INDEX IF EXISTS items_starred;
    """,
    # 18 → 19: a feed fetched with a user and password (`https://jo:pw@site/rss`) gave them to
    # every address its items resolved against it; the parser no longer does (`link_base`), and
    # the items stored before lose them here, guids included, so that the next refresh finds
    # them again under the guids it now reads (a guid another item of the feed already has is
    # left as it was). Only the feed's own `scheme://user:pw@` is taken out: replaying changes
    # nothing.
    """
    CREATE TEMP TABLE feed_keys AS
        SELECT id, substr(url, 1, start + at - 1) AS secret, substr(url, 1, start - 1) AS plain
        FROM (
            SELECT id, start, instr(rest, '@') AS at, instr(rest, '/') AS slash, url
            FROM (
                SELECT id, url, instr(url, '://') + 3 AS start,
                       substr(url, instr(url, '://') + 3) AS rest
                FROM feeds WHERE instr(url, '://') > 0
            )
        )
        WHERE at > 1 AND (slash = 0 OR at < slash);
    UPDATE items SET
        url = replace(url, k.secret, k.plain),
        canonical_url = replace(canonical_url, k.secret, k.plain),
        summary = replace(summary, k.secret, k.plain),
        content = replace(content, k.secret, k.plain),
        full_text = replace(full_text, k.secret, k.plain),
        enclosures = replace(enclosures, k.secret, k.plain)
    FROM feed_keys AS k
    WHERE items.feed_id = k.id;
    UPDATE items SET guid = replace(guid, k.secret, k.plain)
    FROM feed_keys AS k
    WHERE items.feed_id = k.id AND instr(items.guid, k.secret) > 0
        AND NOT EXISTS (
            SELECT 1 FROM items AS other
            WHERE other.feed_id = k.id AND other.guid = replace(items.guid, k.secret, k.plain)
        );
    DROP TABLE feed_keys;
    """,
]
